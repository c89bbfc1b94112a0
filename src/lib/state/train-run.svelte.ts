/**
 * A training run on the trainer worker: its phases, progress and loss curve. The worker does the
 * maths; this class reacts to its progress callback, which the run awaits, so samples (TrainSamples),
 * checkpoints (RunSaves: asked for, and the autosave) and weights for Play (WeightsFeed) are taken
 * between steps, never in the middle of one. Around it, by concern: what it is wired to
 * (train-options.ts), what it reads first (run-inputs.ts), its record for resuming after a reload,
 * owned by one tab at a time (active-run.ts), and going on by itself after a lost GPU (run-loss.ts).
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
import type { BackendReport } from '../model/backend';
import type { Progress } from '../model/run';
import type { SessionInfo } from '../model/session';
import type { TrainerApi, TrainOutcome } from '../../../workers/trainer.api';
import type { Fault, WeightsMessage } from '../../../workers/faults';
import type { CheckpointsState } from './checkpoints.svelte';
import { BackendWorker } from './backend-worker';
import { BACKEND_LABELS } from './backend-choice';
import { WeightsFeed } from './weights-feed';
import { LossSeries } from './train-series';
import { ActiveRunStore, RUN_ELSEWHERE, type ActiveRun } from './active-run';
import { TrainForm, type RunSettings } from './train-form.svelte';
import { RunSaves, runMetrics } from './run-saves.svelte';
import { trainerSetup, trainingShape } from './run-setup';
import { readRunInputs } from './run-inputs';
import { continuationAfter, lossNotice, type LossContinuation } from './run-loss';
import type { TrainOptions } from './train-options';
import { TrainSamples, type SampleRound } from './train-samples.svelte';
import type { WorkerConnection } from './workers';
import { errorMessage } from '../util/errors';

export type TrainPhase = 'idle' | 'preparing' | 'training' | 'paused' | 'stopping' | 'completed' | 'stopped' | 'fault';

export abstract class TrainRun extends TrainForm {
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
    super(options.dropout, options.initial, options.backendChoices);
    this.#options = options;
    this.checkpoints = options.checkpoints;
    this.active = new ActiveRunStore(options.storage, options.locks);
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
    return c ? lossNotice(c, this.backend ? BACKEND_LABELS[this.backend.backend] : null, this.running) : null;
  }

  /** A checkpoint the person asked for is waiting or being written; why the last save failed. */
  get saving(): boolean { return this.#saves.saving; }
  get saveError(): string | null { return this.#saves.saveError; }

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
    const before = this.phase;
    this.phase = 'preparing';
    // One tab at a time trains into the active-run record and the autosave (a Web Lock, active-run.ts).
    const claim = this.active.claim();
    if (claim !== true && !(await claim)) {
      this.phase = before;
      this.error = RUN_ELSEWHERE;
      return;
    }
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
      const inputs = await readRunInputs(this.#options, dataset, settings, init);
      // The backend is chosen for the shape this run will have (the checkpoint's, or the preset with its vocabulary).
      const { api, report } = await this.#worker.ready(this.backendChoice, trainingShape(settings.preset, inputs.init, inputs.learned));
      this.backend = report;
      const setup = trainerSetup(settings, { ...inputs, dropout, resumed });
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

  /** Continue the active run from its autosave (TrainState: also what Resume does). */
  protected abstract resumeRun(record: ActiveRun): Promise<void>;

  async #finish(outcome: TrainOutcome): Promise<void> {
    if (outcome.last) this.progress = outcome.last;
    await this.#saves.takeRequested();
    if (outcome.end === 'fault') {
      const fault = outcome.fault ?? { kind: 'internal', message: 'the trainer failed' };
      const record = this.active.current, savedStep = record?.savedStep ?? null;
      // The worker (its GPU device, its memory) cannot be trusted: the next run gets a fresh one,
      // after a lost device on the backends after the lost one.
      if (fault.kind === 'device-lost') this.#worker.closeAfterLoss();
      else this.#worker.close();
      this.backend = null;
      // A lost device continues by itself from the autosave, once per loss (run-loss.ts).
      const continuing = continuationAfter(fault, savedStep, outcome.last?.step ?? this.progress?.step ?? savedStep ?? 0, this.continued);
      if (record && continuing) {
        this.#continuing = continuing;
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
