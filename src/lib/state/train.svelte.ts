/**
 * The Train view's controller: the run's settings, the trainer worker, and what a run produces
 * (progress, loss curves, periodic samples, checkpoints). The worker does the maths; this class
 * reacts to its progress callback, which the run awaits, so samples, checkpoints and weights for
 * Play are taken between steps, never in the middle of one.
 *
 * It is a TrainForm (train-form.svelte.ts: the settings a person sets and what is wrong with them)
 * plus the run. A run in progress is recorded in localStorage (active-run.ts: settings, dataset,
 * last autosave), so a reload offers to resume from the autosaved checkpoint with its optimizer state.
 *
 * @example
 * const train = new TrainState({ connect, rows: (n) => dataApi.rows(n), checkpoints, dropout, initial });
 * await train.start();            // offers to resume an interrupted run, if any
 * train.form.preset = 'nano';
 * await train.begin('teaching');  // resolves when the run ends
 */
import * as Comlink from 'comlink';
import type { Row } from '../data/types';
import type { Taxonomy } from '../markers/taxonomy';
import type { BackendReport } from '../model/backend';
import type { Progress } from '../model/run';
import type { SessionInfo } from '../model/session';
import type { TrainerApi, TrainerSetup, TrainOutcome, TrainSample } from '../../../workers/trainer.api';
import type { Fault, WeightsMessage } from '../../../workers/faults';
import type { CheckpointsState } from './checkpoints.svelte';
import { BackendWorker, type BackendPlan } from './backend-worker';
import { WeightsFeed } from './weights-feed';
import type { DropoutSettings } from './dropout.svelte';
import { LossSeries } from './train-series';
import { minLrOf, RUN_STRATIFY_BY, tokenizerChoiceOf, type TokenizerRequest } from '../settings/training';
import type { LearnedTokenizer } from '../tokenizer/tokenizer';
import { ActiveRunStore, type ActiveRun, type RunStorage } from './active-run';
import { SCRATCH, TrainForm, type RunSettings } from './train-form.svelte';
import type { UrlState } from './url';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export interface TrainOptions {
  connect: () => WorkerConnection<TrainerApi>;
  /** How 'auto' picks a backend (measured, remembered); default: the fixed order. */
  backendPlan?: BackendPlan;
  rows: (dataset: string) => Promise<{ rows: Row[]; taxonomy: Taxonomy }>;
  /**
   * The tokenizer a run from scratch would learn, learned ahead of time (the data worker's); null
   * or a failure: the trainer learns it itself, with the same result.
   */
  tokenizer?: (dataset: string, request: TokenizerRequest) => Promise<LearnedTokenizer | null>;
  checkpoints: CheckpointsState;
  dropout: DropoutSettings;
  initial: Pick<UrlState, 'preset' | 'steps' | 'batchSize' | 'lr'>;
  /** Where the active-run record lives (default: localStorage when there is one). */
  storage?: RunStorage;
  /** Least time between weights sent to onWeights listeners (default 3000 ms). */
  weightsEveryMs?: number;
  /** Autosave also when this long has passed since the last one (default 60 s). */
  autosaveEveryMs?: number;
}

export type TrainPhase = 'idle' | 'preparing' | 'training' | 'paused' | 'stopping' | 'completed' | 'stopped' | 'fault';

export interface SampleRound {
  step: number;
  samples: TrainSample[];
}

export type { BackendChoice } from './backend-choice';
export { ACTIVE_RUN_KEY, parseActiveRun, type ActiveRun } from './active-run';
export { SCRATCH, type RunSettings } from './train-form.svelte';

export const AUTOSAVE_ID = 'autosave';

export class TrainState extends TrainForm {
  phase = $state<TrainPhase>('idle');
  progress = $state.raw<Progress | null>(null);
  info = $state.raw<SessionInfo | null>(null);
  backend = $state.raw<BackendReport | null>(null);
  samples = $state.raw<SampleRound[]>([]);
  fault = $state.raw<Fault | null>(null);
  error = $state<string | null>(null);
  interrupted = $state.raw<ActiveRun | null>(null);
  /** After a fault: the step of the autosave the run can resume from (null: none). */
  resumeStep = $state<number | null>(null);
  saving = $state(false);
  saveError = $state<string | null>(null);
  /** The dataset of the current (or last) run. */
  dataset = $state<string | null>(null);
  /** Bumped on every new loss point: the chart redraws from `series` when it changes. */
  seriesVersion = $state(0);
  /** A validation pass is running (no progress comes until it ends). */
  validating = $state(false);
  readonly series = new LossSeries();
  readonly checkpoints: CheckpointsState;

  #options: TrainOptions;
  readonly #worker: BackendWorker<TrainerApi>;
  readonly #weights: WeightsFeed;
  #lastAutosave = { step: -1, at: 0 };
  #saveRequested = false;
  readonly #active: ActiveRunStore;

  constructor(options: TrainOptions) {
    super(options.dropout, options.initial);
    this.#options = options;
    this.checkpoints = options.checkpoints;
    this.#active = new ActiveRunStore(options.storage);
    this.#worker = new BackendWorker(options.connect, options.backendPlan);
    this.#weights = new WeightsFeed(options.weightsEveryMs ?? 3000, () => this.#api().weights());
  }

  get running(): boolean {
    return this.phase === 'preparing' || this.phase === 'training' || this.phase === 'paused' || this.phase === 'stopping';
  }

  /** On page load: offer to resume a run the last visit left unfinished. */
  async start(): Promise<void> {
    const record = this.#active.read();
    if (record) this.interrupted = record;
  }

  /** Called with fresh weights every few seconds while a run trains; returns unsubscribe. */
  onWeights(listener: (message: WeightsMessage) => void): () => void {
    return this.#weights.subscribe(listener);
  }

  /** Train on `dataset` with the current settings. Resolves when the run ends; errors are kept for display. */
  async begin(dataset: string): Promise<void> {
    if (this.running) return;
    if (Object.keys(this.problems).length > 0) {
      this.error = 'Fix the settings marked below first.';
      return;
    }
    const settings = this.settings;
    await this.#run(dataset, settings, this.dropout.config, settings.startFrom === SCRATCH ? null : settings.startFrom, null);
  }

  /** Continue an interrupted (or faulted) run from its autosave, optimizer state included. */
  async resumeInterrupted(overrides: Partial<Pick<RunSettings, 'lr'>> = {}): Promise<void> {
    const record = this.interrupted ?? this.#active.current;
    if (!record || record.savedStep === null || this.running) return;
    // The floor follows the peak (minLr = lr × minLrRatio), so a lower lr needs no other change.
    const settings = { ...record.settings, ...overrides };
    this.apply(settings);
    if (record.backend) this.backendChoice = record.backend;
    this.interrupted = null;
    await this.#run(record.dataset, settings, record.dropout, AUTOSAVE_ID, record);
  }

  discardInterrupted(): void {
    this.interrupted = null;
    this.#active.clear();
  }

  pause(): void {
    if (this.phase !== 'training') return;
    void this.#api().pause();
    this.phase = 'paused';
  }

  resume(): void {
    if (this.phase !== 'paused') return;
    void this.#api().resume();
    this.phase = 'training';
  }

  stop(): void {
    if (this.phase !== 'training' && this.phase !== 'paused') return;
    // Said at once: the worker ends its step (and any validation) before the run is over.
    this.phase = 'stopping';
    void this.#api().stop();
  }

  /** Save the current weights as a new checkpoint (between steps when a run is training). */
  async saveCheckpoint(): Promise<void> {
    if (!this.info || this.saving) return;
    this.saveError = null;
    if (this.phase === 'training' || this.phase === 'stopping') {
      this.#saveRequested = true;
      this.saving = true;
      return;
    }
    this.saving = true;
    await this.#saveNow();
  }

  async #saveNow(): Promise<void> {
    try {
      const step = this.progress?.step ?? this.info?.startStep ?? 0;
      const bytes = await this.#api().checkpoint(this.#metrics());
      await this.checkpoints.saveBytes(bytes, { name: `${this.dataset ?? 'run'} · ${this.form.preset}, step ${step}` });
    } catch (err) {
      this.saveError = `Could not save the checkpoint: ${errorMessage(err)}`;
    } finally {
      this.saving = false;
      this.#saveRequested = false;
    }
  }

  async #run(dataset: string, settings: RunSettings, dropout: ActiveRun['dropout'], init: string | null, resumed: ActiveRun | null): Promise<void> {
    this.phase = 'preparing';
    this.error = null;
    this.fault = null;
    this.resumeStep = null;
    this.saveError = null;
    this.progress = null;
    this.info = null;
    this.samples = [];
    this.dataset = dataset;
    // A resumed run continues the same curve from its autosave; a new run starts a new one.
    if (resumed) this.series.truncateAfter(resumed.savedStep ?? 0);
    else this.series.clear();
    this.seriesVersion++;
    let endStep = 0;
    try {
      const { api, report } = await this.#worker.ready(this.backendChoice);
      this.backend = report;
      const { rows, taxonomy } = await this.#options.rows(dataset).catch((err: unknown) => {
        throw new Error(`could not read the rows of "${dataset}" (${errorMessage(err)}); open it in the Data view and try again`);
      });
      const bytes = init === null ? undefined : await this.checkpoints.bytes(init).catch((err: unknown) => {
        throw new Error(`could not load the starting checkpoint (${errorMessage(err)})`);
      });
      const steps = resumed ? resumed.endStep - (resumed.savedStep ?? 0) : settings.steps;
      const { startFrom: _, categories, minLrRatio: __, tokenizer: ___, merges: ____, ...rest } = settings;
      const choice = tokenizerChoiceOf(settings);
      // From scratch, the tokenizer the Data view had the data worker learn; a checkpoint's is extended instead.
      const learned = init === null
        ? await this.#options.tokenizer?.(dataset, { choice, valFraction: settings.valFraction, seed: settings.seed, stratifyBy: RUN_STRATIFY_BY }).catch(() => null)
        : null;
      const setup: TrainerSetup = {
        ...rest, minLr: minLrOf(settings), tokenizer: choice, steps, rows, taxonomy, dropout, stratifyBy: RUN_STRATIFY_BY, progressEveryMs: 200,
        // A resumed run stays on its own learning-rate curve; a new one (a fine-tune too) starts a fresh one.
        ...(resumed ? { scheduleStart: resumed.scheduleStart ?? 0 } : {}),
        ...(categories ? { categories } : {}),
        ...(bytes ? { init: Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]) } : {}),
        ...(learned ? { learnedTokenizer: learned } : {}),
      };
      this.info = await api.prepare(setup);
      endStep = this.info.startStep + steps;
      this.#active.begin({
        version: 1, dataset, settings, dropout, endStep, lastStep: this.info.startStep, savedStep: resumed?.savedStep ?? null, backend: this.backendChoice,
        scheduleStart: resumed ? (resumed.scheduleStart ?? 0) : this.info.startStep,
      });
      this.#lastAutosave = { step: this.info.startStep, at: Date.now() };
      this.#weights.reset();
      this.phase = 'training';
      const outcome = await api.train(Comlink.proxy((p: Progress) => this.#onProgress(p)));
      await this.#finish(outcome);
    } catch (err) {
      this.error = `The run could not start: ${errorMessage(err)}`;
      this.phase = 'idle';
      this.#active.clear();
    }
  }

  async #onProgress(p: Progress): Promise<void> {
    this.validating = p.validating === true;
    if (p.validating) return;
    this.progress = p;
    this.series.add(p);
    this.seriesVersion++;
    this.#active.update({ lastStep: p.step });
    const validated = p.valLoss !== undefined;
    if (validated) await this.#sample(p.step);
    if (this.#saveRequested) await this.#saveNow();
    const now = Date.now();
    if ((validated || now - this.#lastAutosave.at >= (this.#options.autosaveEveryMs ?? 60_000)) && p.step < p.totalSteps) await this.#autosave(p.step);
    await this.#weights.maybeSend(now);
  }

  async #finish(outcome: TrainOutcome): Promise<void> {
    if (outcome.last) this.progress = outcome.last;
    if (this.#saveRequested) await this.#saveNow();
    if (outcome.end === 'fault') {
      // The worker (its GPU device, its memory) cannot be trusted: the next run gets a fresh one.
      this.fault = outcome.fault ?? { kind: 'internal', message: 'the trainer failed' };
      this.resumeStep = this.#active.current?.savedStep ?? null;
      this.phase = 'fault';
      this.#reconnect();
      return;
    }
    // Completed, stopped or non-finite: the worker holds the last good weights; keep them.
    const step = outcome.last?.step ?? this.info?.startStep ?? 0;
    if (step > this.#lastAutosave.step) await this.#autosave(step);
    await this.#weights.send();
    if (outcome.end === 'non-finite') {
      this.fault = outcome.fault ?? { kind: 'non-finite', message: 'the loss became NaN or infinite' };
      this.resumeStep = this.#active.current?.savedStep ?? null;
      this.phase = 'fault';
      return;
    }
    this.phase = outcome.end;
    this.#active.clear();
  }

  async #sample(step: number): Promise<void> {
    try {
      const blockSize = this.info?.config.blockSize ?? 64;
      const samples = await this.#api().sample({
        prompt: this.samplePrompt, markers: {}, n: 2, maxTokens: Math.min(80, blockSize), temperature: 0.8, seed: step,
      });
      this.samples = [{ step, samples }, ...this.samples].slice(0, 6);
    } catch (err) {
      this.error = `Could not draw samples: ${errorMessage(err)}`;
    }
  }

  async #autosave(step: number): Promise<void> {
    this.#lastAutosave = { step, at: Date.now() };
    try {
      const bytes = await this.#api().checkpoint(this.#metrics());
      await this.checkpoints.saveBytes(bytes, { id: AUTOSAVE_ID, name: `Autosave: ${this.dataset ?? 'run'} · ${this.form.preset}, step ${step}` });
      this.#active.update({ savedStep: step });
    } catch (err) {
      this.saveError = `Autosave failed (training goes on): ${errorMessage(err)}`;
    }
  }

  #metrics(): Record<string, number | string> {
    const p = this.progress;
    const m: Record<string, number | string> = { preset: this.form.preset };
    if (this.dataset) m.dataset = this.dataset;
    if (this.backend) m.backend = this.backend.backend;
    if (p) {
      m.loss = p.loss;
      m.tokensPerSec = Math.round(p.tokensPerSec);
    }
    const v = this.series.latestValidation;
    if (v?.valLoss !== undefined) m.valLoss = v.valLoss;
    if (v?.valLossNoMarkers !== undefined) m.valLossNoMarkers = v.valLossNoMarkers;
    return m;
  }

  #api(): WorkerConnection<TrainerApi>['api'] {
    return this.#worker.api;
  }

  #reconnect(): void {
    this.#worker.close();
    this.backend = null;
  }
}
