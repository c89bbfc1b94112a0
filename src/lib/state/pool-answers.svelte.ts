/**
 * "Answer and route": a pool of any checkpoints (stored, built-in, the built teaching pool) answers
 * calibration and routing prompts of the teaching set in a player worker, one model at a time, with
 * the CLI's sampling (answerWith, paperSampling); the answers are scored and routed by every router
 * with the CLI's code (resultsFromAnswers) and the record goes to the Arbitrage view (ArbitrageState.use),
 * which then works as over an imported results.json. The prompts are the built-in comparison's
 * calibration and routing rows (paperSplit), which no teacher of the built pool trained on.
 *
 * @example
 * const answers = new PoolAnswers({ connect, teaching, checkpoints, arbitrage });
 * answers.toggle('builtin:demo');
 * await answers.run();    // arbitrage.results: pool, answers, five routers' outcomes
 * answers.stop();         // while it runs: the draw ends at its next token, nothing is routed
 */
import * as Comlink from 'comlink';
import type { Row } from '../data/types';
import type { Taxonomy } from '../markers/taxonomy';
import { paperRouters, resultsFromAnswers } from '../arbitrage/from-answers';
import { PAPER_ARBITRAGE, paperSplit, tailLanguages, type ArbitragePaperSpec } from '../arbitrage/paper';
import { rewardContext } from '../arbitrage/reward';
import type { PoolEntry } from '../arbitrage/results';
import { answerPrompts, POOL_CHECKPOINT } from '../arbitrage/teaching-pool';
import type { Candidate } from '../arbitrage/types';
import { paperSampling, type TeacherSampling } from '../arbitrage-run/answer-settings';
import { ARBITRAGE, settingProblem } from '../settings';
import type { PlayerApi } from '../../../workers/player.api';
import type { ArbitrageState } from './arbitrage.svelte';
import type { BackendPlan } from './backend-worker';
import type { CheckpointEntry, CheckpointsState } from './checkpoints.svelte';
import { PlayerClient } from './player-client';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export interface PoolAnswersOptions {
  connect: () => WorkerConnection<PlayerApi>;
  backendPlan?: BackendPlan;
  teaching: () => Promise<{ rows: Row[]; taxonomy: Taxonomy }>;
  checkpoints: CheckpointsState;
  arbitrage: ArbitrageState;
  spec?: ArbitragePaperSpec;
}

export type AnswerPhase = 'idle' | 'loading' | 'answering' | 'routing' | 'stopping' | 'done' | 'stopped' | 'error';

export class PoolAnswers {
  phase = $state<AnswerPhase>('idle');
  calibrationPrompts = $state(ARBITRAGE.calibrationPrompts.default);
  routePrompts = $state(ARBITRAGE.routePrompts.default);
  /** The member answering now (index into the pool) and its answers so far. */
  current = $state(0);
  answered = $state(0);
  error = $state<string | null>(null);
  readonly spec: ArbitragePaperSpec;
  readonly #o: PoolAnswersOptions;
  /** The person's choice of checkpoints (null: the built teaching pool's, whichever are stored). */
  #chosen = $state<string[] | null>(null);
  #player: PlayerClient | null = null;
  #stopping = false;

  constructor(options: PoolAnswersOptions) {
    this.#o = options;
    this.spec = options.spec ?? PAPER_ARBITRAGE;
  }

  /** Every checkpoint that can join the pool: built-ins, then stored ones. */
  get choices(): CheckpointEntry[] {
    return this.#o.checkpoints.entries;
  }

  /** The checkpoint ids in the pool: the built teachers in the comparison's order, then the others as listed. */
  get selected(): string[] {
    const built = this.spec.teachers.map((t) => POOL_CHECKPOINT.id(t.name));
    const chosen = this.#chosen ?? built;
    const rank = (id: string, i: number): number => (built.includes(id) ? built.indexOf(id) : built.length + i);
    return this.choices.map((c, i) => ({ id: c.id, at: rank(c.id, i) })).filter((c) => chosen.includes(c.id)).sort((a, b) => a.at - b.at).map((c) => c.id);
  }

  toggle(id: string): void {
    const now = this.selected;
    this.#chosen = now.includes(id) ? now.filter((x) => x !== id) : [...now, id];
  }

  /** Back to the built teaching pool's teachers (e.g. after building it). */
  selectBuiltPool(): void {
    this.#chosen = null;
  }

  /** The pool as teachers: a name per checkpoint (its name; a repeated one gets its position). */
  get pool(): Array<{ id: string; name: string; about: string }> {
    const entries = this.selected.map((id) => this.choices.find((c) => c.id === id)!);
    return entries.map((e, i) => {
      const twin = entries.some((o, k) => k !== i && o.name === e.name);
      const about = e.stored?.metrics.about;
      return { id: e.id, name: twin ? `${e.name} (${i + 1})` : e.name, about: typeof about === 'string' ? about : (e.description ?? `stored checkpoint "${e.name}"`) };
    });
  }

  /** Why the pool cannot answer now, in words (null: it can). */
  get problem(): string | null {
    if (this.selected.length < 2) return 'Choose two or more checkpoints: routing needs a choice.';
    return settingProblem(ARBITRAGE.calibrationPrompts, this.calibrationPrompts) ?? settingProblem(ARBITRAGE.routePrompts, this.routePrompts);
  }

  get running(): boolean {
    return this.phase === 'loading' || this.phase === 'answering' || this.phase === 'routing' || this.phase === 'stopping';
  }

  /** Answers each member gives. */
  get perMember(): number {
    return this.calibrationPrompts + this.routePrompts;
  }

  /** Every member answers every prompt, then every router routes; resolves when done, stopped or failed. */
  async run(): Promise<void> {
    if (this.running) return;
    const problem = this.problem;
    if (problem !== null) {
      this.error = problem;
      return;
    }
    const pool = this.pool;
    this.phase = 'loading';
    this.error = null;
    this.current = 0;
    this.answered = 0;
    this.#stopping = false;
    const started = Date.now();
    const player = new PlayerClient(this.#o.connect, this.#o.backendPlan);
    this.#player = player;
    try {
      const { rows, taxonomy } = await this.#o.teaching().catch((err: unknown) => {
        throw new Error(`could not read the teaching set (${errorMessage(err)})`);
      });
      const { calibrationPrompts, prompts } = answerPrompts(paperSplit(rows, this.spec), this.calibrationPrompts, this.routePrompts);
      const all = [...calibrationPrompts, ...prompts];
      const answers: Candidate[] = [];
      let sampling: TeacherSampling | null = null;
      for (const [i, member] of pool.entries()) {
        this.current = i;
        this.answered = 0;
        this.phase = 'loading';
        const bytes = await this.#o.checkpoints.bytes(member.id);
        const info = await player.load(member.id, bytes).catch((err: unknown) => {
          throw new Error(`${member.name} could not be loaded (${errorMessage(err)})`);
        });
        // As `--paper`: the budget of the data's longest answer in the (first) member's tokenizer, but
        // with room for a block of every category: any checkpoint can join a pool, not only the spec's.
        sampling ??= paperSampling({ temperature: this.spec.temperature, seed: this.spec.seed }, info, rows, taxonomy);
        if (this.#stopping) break;
        this.phase = 'answering';
        const api = await player.ready();
        const got = await api.answer({ teacher: member.name, prompts: all, sampling }, Comlink.proxy((done: number) => {
          this.answered = done;
        }));
        if (got.cancelled || this.#stopping) break;
        answers.push(...got.candidates);
      }
      if (this.#stopping || sampling === null) {
        this.phase = 'stopped';
        return;
      }
      const answerMs = Date.now() - started;
      this.phase = 'routing';
      const context = rewardContext(rows);
      const { results } = resultsFromAnswers({
        pool: pool.map(({ name, about }): PoolEntry => ({ name, about })), context, calibrationPrompts, prompts, answers, sampling,
        tail: tailLanguages(rows, this.spec.tailShare), routers: paperRouters(this.spec.seed),
        settings: { where: 'browser', backend: player.report?.backend ?? null, checkpoints: pool.map((m) => m.id) },
      });
      results.timings = { answers: answerMs, routing: Date.now() - started - answerMs };
      this.#o.arbitrage.use(results, `answered here by ${pool.length} checkpoints`);
      this.phase = 'done';
    } catch (err) {
      this.error = `Answering stopped: ${errorMessage(err)}`;
      this.phase = 'error';
    } finally {
      player.close();
      this.#player = null;
    }
  }

  /** End the answer being drawn (at its next token); nothing is routed. */
  stop(): void {
    if (!this.running || this.phase === 'stopping') return;
    this.#stopping = true;
    this.phase = 'stopping';
    this.#player?.cancel();
  }
}
