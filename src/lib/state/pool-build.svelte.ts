/**
 * "Build the teaching pool": the built-in comparison's teachers (PAPER_ARBITRAGE) fine-tuned from the
 * built-in base model one after the other in a trainer worker, each on its slice of the teaching set
 * (paperSplit) with the CLI's recipe (fineTuneSetup), and each stored as an ordinary checkpoint
 * ("pool: english", a fixed id per teacher, so building again replaces it) as soon as it is done.
 * Stop ends the teacher in training; the teachers finished before stay saved.
 *
 * @example
 * const build = new PoolBuild({ connect, teaching: () => dataApi.rows('teaching'), checkpoints });
 * build.teacherSteps = 6;          // a quick look: the others in proportion
 * await build.build();              // build.saved: ['english', 'french-spanish', 'broad']
 * build.stop();                     // while it runs: the current teacher stops, the finished ones stay
 */
import * as Comlink from 'comlink';
import type { Row } from '../data/types';
import type { Taxonomy } from '../markers/taxonomy';
import { PAPER_ARBITRAGE, paperSplit, type ArbitragePaperSpec } from '../arbitrage/paper';
import { longestTeacherSteps, POOL_CHECKPOINT, scaleTeacherSteps, teacherFineTunes } from '../arbitrage/teaching-pool';
import { fineTuneSetup, presetOf } from '../arbitrage-run/recipe';
import { fromSafetensors } from '../model/checkpoint';
import type { BackendReport } from '../model/backend';
import type { PresetName } from '../model/config';
import type { Progress } from '../model/run';
import { ARBITRAGE, settingProblem } from '../settings';
import type { TrainerApi } from '../../../workers/trainer.api';
import type { BackendChoice } from './backend-choice';
import { BackendWorker, type BackendPlan } from './backend-worker';
import type { CheckpointsState } from './checkpoints.svelte';
import { PROGRESS_EVERY_MS } from './run-setup';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

/** The checkpoint every teacher starts from: the one the Train view's "Start from: base" uses. */
export const POOL_BASE = 'builtin:base';

export interface PoolBuildOptions {
  connect: () => WorkerConnection<TrainerApi>;
  /** How 'auto' picks the trainer's backend for a model of this preset (default: the fixed order). */
  backendPlan?: (preset: PresetName) => BackendPlan;
  /** The compute backend to train on (the Train view's choice; default 'auto'). */
  backendChoice?: () => BackendChoice;
  /** The annotated teaching set (the data worker's `rows('teaching')`). */
  teaching: () => Promise<{ rows: Row[]; taxonomy: Taxonomy }>;
  checkpoints: CheckpointsState;
  /** The comparison whose teachers are built (default PAPER_ARBITRAGE). */
  spec?: ArbitragePaperSpec;
}

export type BuildPhase = 'idle' | 'preparing' | 'training' | 'saving' | 'stopping' | 'done' | 'stopped' | 'error';

export class PoolBuild {
  phase = $state<BuildPhase>('idle');
  /** The longest teacher's steps; the others are scaled in proportion. */
  teacherSteps = $state(ARBITRAGE.teacherSteps.default);
  /** Index of the teacher in training (or being saved). */
  current = $state(0);
  progress = $state.raw<Progress | null>(null);
  backend = $state.raw<BackendReport | null>(null);
  error = $state<string | null>(null);
  /** Teachers stored by this build, in order. */
  saved = $state.raw<string[]>([]);
  readonly spec: ArbitragePaperSpec;
  readonly #o: PoolBuildOptions;
  #worker: BackendWorker<TrainerApi> | null = null;
  #stopping = false;
  /** Training time so far, and its steps, over the finished teachers (the ETA's pace). */
  #pace = { ms: 0, steps: 0 };

  constructor(options: PoolBuildOptions) {
    this.#o = options;
    this.spec = options.spec ?? PAPER_ARBITRAGE;
  }

  /** The teachers with the steps they will train for now. */
  get plan(): Array<{ name: string; steps: number; about: string }> {
    return this.#scaled().teachers.map((t) => ({ name: t.name, steps: t.steps, about: t.about }));
  }

  /** The spec with the teachers' steps of the form (the spec's own while the field holds a bad value). */
  #scaled(): ArbitragePaperSpec {
    const longest = longestTeacherSteps(this.spec);
    return scaleTeacherSteps(this.spec, (this.stepsProblem === null ? this.teacherSteps : longest) / longest);
  }

  get stepsProblem(): string | null {
    return settingProblem(ARBITRAGE.teacherSteps, this.teacherSteps);
  }

  get running(): boolean {
    return this.phase === 'preparing' || this.phase === 'training' || this.phase === 'saving' || this.phase === 'stopping';
  }

  /** Steps done by the teacher in training. */
  get step(): number {
    const p = this.progress;
    const steps = this.plan[this.current]?.steps ?? 0;
    return p === null ? 0 : Math.max(0, steps - (p.totalSteps - p.step));
  }

  /** Milliseconds left for the whole pool (null until a step has been timed). */
  get etaMs(): number | null {
    const p = this.progress;
    const plan = this.plan;
    const later = plan.slice(this.current + 1).reduce((n, t) => n + t.steps, 0);
    const ms = this.#pace.ms + (p?.elapsedMs ?? 0);
    const steps = this.#pace.steps + this.step;
    if (steps === 0) return null;
    return (ms / steps) * ((plan[this.current]?.steps ?? 0) - this.step + later);
  }

  /** Fine-tune and store every teacher in turn; resolves when done, stopped or failed (errors in `error`). */
  async build(): Promise<void> {
    if (this.running) return;
    const problem = this.stepsProblem;
    if (problem !== null) {
      this.error = problem;
      return;
    }
    this.phase = 'preparing';
    this.error = null;
    this.saved = [];
    this.current = 0;
    this.progress = null;
    this.#stopping = false;
    this.#pace = { ms: 0, steps: 0 };
    const spec = this.#scaled();
    try {
      const { rows, taxonomy } = await this.#o.teaching().catch((err: unknown) => {
        throw new Error(`could not read the teaching set (${errorMessage(err)})`);
      });
      // Split with the spec itself: the teachers' slices (and the prompts answered later) are the CLI's.
      const jobs = teacherFineTunes(spec, paperSplit(rows, this.spec));
      const base = fromSafetensors(await this.#baseBytes(), 'the base model');
      const preset = presetOf(base.config);
      this.#worker = new BackendWorker(this.#o.connect, this.#o.backendPlan?.(preset));
      const { api, report } = await this.#worker.ready(this.#o.backendChoice?.() ?? 'auto');
      this.backend = report;
      for (const [i, job] of jobs.entries()) {
        if (this.#stopping) break;
        this.current = i;
        this.progress = null;
        this.phase = 'preparing';
        const init = await this.#baseBytes();
        await api.prepare({
          ...fineTuneSetup({ ...job, taxonomy }, base.config), rows: job.rows, progressEveryMs: PROGRESS_EVERY_MS,
          init: Comlink.transfer(init, [init.buffer as ArrayBuffer]),
        });
        if (this.#stopping) break;
        this.phase = 'training';
        const outcome = await api.train(Comlink.proxy((p: Progress) => {
          if (!p.validating) this.progress = p;
        }));
        if (outcome.last) this.progress = outcome.last;
        if (outcome.end === 'stopped') break;
        if (outcome.end !== 'completed') throw new Error(`${job.name}: ${outcome.fault?.message ?? `training ended ${outcome.end}`}`);
        this.phase = 'saving';
        const loss = outcome.last?.loss;
        const bytes = await api.checkpoint({ arbitrage: job.name, about: job.about, ...(loss !== undefined && Number.isFinite(loss) ? { loss } : {}) });
        await this.#o.checkpoints.saveBytes(bytes, { id: POOL_CHECKPOINT.id(job.name), name: POOL_CHECKPOINT.name(job.name) });
        this.saved = [...this.saved, job.name];
        this.#pace = { ms: this.#pace.ms + (outcome.last?.elapsedMs ?? 0), steps: this.#pace.steps + job.steps };
      }
      this.phase = this.saved.length === jobs.length ? 'done' : 'stopped';
    } catch (err) {
      this.error = `Building the pool stopped: ${errorMessage(err)}${this.saved.length > 0 ? ` (saved: ${this.saved.join(', ')})` : ''}`;
      this.phase = 'error';
    } finally {
      // The worker's memory (tfjs runtime, the last model) is not needed until the next build.
      this.#worker?.close();
      this.#worker = null;
    }
  }

  /** End the teacher in training (between steps); the finished teachers stay stored. */
  stop(): void {
    if (!this.running || this.phase === 'stopping') return;
    this.#stopping = true;
    const training = this.phase === 'training';
    this.phase = 'stopping';
    if (training) void this.#worker?.api.stop();
  }

  #baseBytes(): Promise<Uint8Array> {
    return this.#o.checkpoints.bytes(POOL_BASE).catch((err: unknown) => {
      throw new Error(`could not load the base model (${errorMessage(err)})`);
    });
  }
}
