/**
 * A training run on the trainer worker: its phases, progress, loss curve, periodic samples and
 * checkpoints. The worker does the maths; this class reacts to its progress callback, which the run
 * awaits, so samples (TrainSamples), checkpoints (RunSaves: asked for, and the autosave) and weights
 * for Play (WeightsFeed) are taken between steps, never in the middle of one. While a run is active
 * its record is kept (active-run.ts) so a reload can resume it. A lost GPU device continues the run
 * from its autosave by itself, once per loss, on the backend after the lost one (`continued`, `notice`).
 *
 * It is a TrainForm (the settings a person sets) plus the run; TrainState (train.svelte.ts) adds
 * starting a run from the form and resuming an interrupted one.
 *
 * @example
 * // In TrainState (a subclass): a run from scratch with the form's settings; resolves when it ends.
 * await this.run('teaching', this.settings, this.dropout.config, null, null);
 * // From the view, while it trains: the worker obeys between steps.
 * train.pause(); train.resume(); train.stop();
 */
import * as Comlink from 'comlink';
import type { Row } from '../data/types';
import type { Taxonomy } from '../markers/taxonomy';
import type { BackendReport } from '../model/backend';
import type { Progress } from '../model/run';
import type { SessionInfo } from '../model/session';
import type { TrainerApi, TrainOutcome } from '../../../workers/trainer.api';
import type { Fault, WeightsMessage } from '../../../workers/faults';
import type { CheckpointsState } from './checkpoints.svelte';
import { BackendWorker, type BackendPlan } from './backend-worker';
import { BACKEND_LABELS } from './backend-choice';
import { WeightsFeed } from './weights-feed';
import type { DropoutSettings } from './dropout.svelte';
import { LossSeries } from './train-series';
import type { TokenizerRequest } from '../settings/training';
import type { LearnedTokenizer } from '../tokenizer/tokenizer';
import { ActiveRunStore, type ActiveRun, type RunStorage } from './active-run';
import { TrainForm, type RunSettings } from './train-form.svelte';
import { AUTOSAVE_ID, RunSaves, runMetrics } from './run-saves.svelte';
import { tokenizerRequest, trainerSetup, trainingShape } from './run-setup';
import { TrainSamples, type SampleRound } from './train-samples.svelte';
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

/** A run continued by itself after its GPU device was lost. */
export interface LossContinuation {
  /** The step the loss stopped the run at. */
  lostStep: number;
  /** The autosave it continued from. */
  savedStep: number;
}

export type TrainPhase = 'idle' | 'preparing' | 'training' | 'paused' | 'stopping' | 'completed' | 'stopped' | 'fault';

export class TrainRun extends TrainForm {
  phase = $state<TrainPhase>('idle');
  progress = $state.raw<Progress | null>(null);
  info = $state.raw<SessionInfo | null>(null);
  backend = $state.raw<BackendReport | null>(null);
  fault = $state.raw<Fault | null>(null);
  error = $state<string | null>(null);
  /** After a fault: the step of the autosave the run can resume from (null: none). */
  resumeStep = $state<number | null>(null);
  /** The dataset of the current (or last) run. */
  dataset = $state<string | null>(null);
  /** The current run continues an earlier one whose GPU device was lost (null: it does not). */
  continued = $state.raw<LossContinuation | null>(null);
  /** Bumped on every new loss point: the chart redraws from `series` when it changes. */
  seriesVersion = $state(0);
  /** A validation pass is running (no progress comes until it ends). */
  validating = $state(false);
  readonly series = new LossSeries();
  readonly checkpoints: CheckpointsState;

  /** The record of the active run (resume after a reload). */
  protected readonly active: ActiveRunStore;
  readonly #options: TrainOptions;
  readonly #worker: BackendWorker<TrainerApi>;
  readonly #weights: WeightsFeed;
  readonly #saves: RunSaves;
  /** Handed to the next run() as `continued` (set only when a loss resumes the run by itself). */
  #continuing: LossContinuation | null = null;
  readonly #samples = new TrainSamples((request) => this.#api().sample(request), (message) => (this.error = message));

  constructor(options: TrainOptions) {
    super(options.dropout, options.initial);
    this.#options = options;
    this.checkpoints = options.checkpoints;
    this.active = new ActiveRunStore(options.storage);
    this.#worker = new BackendWorker(options.connect, options.backendPlan);
    this.#weights = new WeightsFeed(options.weightsEveryMs ?? 3000, () => this.#api().weights());
    this.#saves = new RunSaves({
      checkpoints: this.checkpoints, active: this.active, everyMs: options.autosaveEveryMs ?? 60_000,
      take: () => this.#api().checkpoint(runMetrics({
        preset: this.form.preset, dataset: this.dataset, backend: this.backend, progress: this.progress, validation: this.series.latestValidation,
      })),
      label: () => `${this.dataset ?? 'run'} · ${this.form.preset}`,
      step: () => this.progress?.step ?? this.info?.startStep ?? 0,
    });
  }

  /** The samples drawn after each validation, newest first. */
  get samples(): SampleRound[] {
    return this.#samples.rounds;
  }

  /** What happened to the GPU and where the run goes on, in words (null: no loss in this run). */
  get notice(): string | null {
    const c = this.continued;
    if (!c) return null;
    const on = this.backend ? ` on ${BACKEND_LABELS[this.backend.backend]}` : '';
    return this.running
      ? `The GPU was lost at step ${c.lostStep}; continuing from the autosave at step ${c.savedStep}${on}…`
      : `The GPU was lost at step ${c.lostStep}; the run continued from the autosave at step ${c.savedStep}${on}.`;
  }

  /** A checkpoint the person asked for is waiting or being written. */
  get saving(): boolean {
    return this.#saves.saving;
  }
  get saveError(): string | null {
    return this.#saves.saveError;
  }

  get running(): boolean {
    return this.phase === 'preparing' || this.phase === 'training' || this.phase === 'paused' || this.phase === 'stopping';
  }

  /** Called with fresh weights every few seconds while a run trains; returns unsubscribe. */
  onWeights(listener: (message: WeightsMessage) => void): () => void {
    return this.#weights.subscribe(listener);
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
    if (!this.info) return;
    await this.#saves.request(this.phase === 'training' || this.phase === 'stopping');
  }

  /**
   * Run on `dataset` with `settings`, from `init` (a checkpoint id; null: from scratch), continuing
   * `resumed` (its autosave is `init`) or a new run. Resolves when the run ends; errors are kept for display.
   */
  protected async run(dataset: string, settings: RunSettings, dropout: ActiveRun['dropout'], init: string | null, resumed: ActiveRun | null): Promise<void> {
    this.phase = 'preparing';
    this.continued = this.#continuing;
    this.#continuing = null;
    this.error = null;
    this.fault = null;
    this.resumeStep = null;
    this.#saves.saveError = null;
    this.progress = null;
    this.info = null;
    this.#samples.clear();
    this.dataset = dataset;
    // A resumed run continues the same curve from its autosave; a new run starts a new one.
    if (resumed) this.series.truncateAfter(resumed.savedStep ?? 0);
    else this.series.clear();
    this.seriesVersion++;
    try {
      // The worker loads while the inputs are read; its backend starts once the run's shape is known.
      this.#worker.open();
      const { rows, taxonomy } = await this.#options.rows(dataset).catch((err: unknown) => {
        throw new Error(`could not read the rows of "${dataset}" (${errorMessage(err)}); open it in the Data view and try again`);
      });
      const bytes = init === null ? undefined : await this.checkpoints.bytes(init).catch((err: unknown) => {
        throw new Error(`could not load the starting checkpoint (${errorMessage(err)})`);
      });
      // From scratch, the tokenizer the Data view had the data worker learn; a checkpoint's is extended instead.
      const learned = init === null ? await this.#options.tokenizer?.(dataset, tokenizerRequest(settings)).catch(() => null) : null;
      // The backend is chosen for the shape this run will have (the checkpoint's, or the preset with its vocabulary).
      const { api, report } = await this.#worker.ready(this.backendChoice, trainingShape(settings.preset, bytes, learned));
      this.backend = report;
      const setup = trainerSetup(settings, { rows, taxonomy, dropout, resumed, init: bytes, learned });
      this.info = await api.prepare(setup);
      const endStep = this.info.startStep + setup.steps;
      this.active.begin({
        version: 1, dataset, settings, dropout, endStep, lastStep: this.info.startStep, savedStep: resumed?.savedStep ?? null, backend: this.backendChoice,
        scheduleStart: resumed ? (resumed.scheduleStart ?? 0) : this.info.startStep,
      });
      this.#saves.started(this.info.startStep);
      this.#weights.reset();
      this.phase = 'training';
      const outcome = await api.train(Comlink.proxy((p: Progress) => this.#onProgress(p)));
      await this.#finish(outcome);
    } catch (err) {
      this.error = `The run could not start: ${errorMessage(err)}`;
      this.phase = 'idle';
      this.active.clear();
    }
  }

  async #onProgress(p: Progress): Promise<void> {
    this.validating = p.validating === true;
    if (p.validating) return;
    this.progress = p;
    this.series.add(p);
    this.seriesVersion++;
    this.active.update({ lastStep: p.step });
    const validated = p.valLoss !== undefined;
    if (validated) await this.#samples.draw(p.step, this.samplePrompt, this.info?.config.blockSize ?? 64);
    await this.#saves.takeRequested();
    const now = Date.now();
    await this.#saves.autosaveIfDue(p, validated, now);
    await this.#weights.maybeSend(now);
  }

  /**
   * Continue the active run from its autosave, optimizer state included, with `overrides`; resolves
   * when that run ends. No-op without an autosave.
   */
  protected async resumeRun(record: ActiveRun, overrides: Partial<Pick<RunSettings, 'lr'>> = {}): Promise<void> {
    if (record.savedStep === null) return;
    // The floor follows the peak (minLr = lr × minLrRatio), so a lower lr needs no other change.
    const settings = { ...record.settings, ...overrides };
    this.apply(settings);
    if (record.backend) this.backendChoice = record.backend;
    await this.run(record.dataset, settings, record.dropout, AUTOSAVE_ID, record);
  }

  async #finish(outcome: TrainOutcome): Promise<void> {
    if (outcome.last) this.progress = outcome.last;
    await this.#saves.takeRequested();
    if (outcome.end === 'fault') {
      const fault = outcome.fault ?? { kind: 'internal', message: 'the trainer failed' };
      const record = this.active.current;
      const savedStep = record?.savedStep ?? null;
      // The worker (its GPU device, its memory) cannot be trusted: the next run gets a fresh one,
      // after a lost device on the backends after the lost one.
      if (fault.kind === 'device-lost') this.#worker.closeAfterLoss();
      else this.#worker.close();
      this.backend = null;
      // A lost device continues by itself from the autosave, once per loss: a second loss before
      // a newer autosave stops with the fault (and the Resume button) instead of looping.
      if (fault.kind === 'device-lost' && record && savedStep !== null && this.continued?.savedStep !== savedStep) {
        this.#continuing = { lostStep: outcome.last?.step ?? this.progress?.step ?? savedStep, savedStep };
        await this.resumeRun(record);
        return;
      }
      this.fault = fault;
      this.resumeStep = savedStep;
      this.phase = 'fault';
      return;
    }
    // Completed, stopped or non-finite: the worker holds the last good weights; keep them.
    const step = outcome.last?.step ?? this.info?.startStep ?? 0;
    await this.#saves.autosaveAtEnd(step);
    await this.#weights.send();
    if (outcome.end === 'non-finite') {
      this.fault = outcome.fault ?? { kind: 'non-finite', message: 'the loss became NaN or infinite' };
      this.resumeStep = this.active.current?.savedStep ?? null;
      this.phase = 'fault';
      return;
    }
    this.phase = outcome.end;
    this.active.clear();
  }

  #api(): WorkerConnection<TrainerApi>['api'] {
    return this.#worker.api;
  }
}
