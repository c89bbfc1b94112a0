/**
 * One worker that runs on a chosen compute backend (Train, Experiments, and the players of Play
 * and Compare through PlayerClient): connected on first use, its backend started once, and
 * replaced by a fresh worker when the choice changes or after a fault (a lost GPU device, a killed
 * worker) — the same rules for every view.
 *
 * @example
 * const trainer = new BackendWorker(connectTrainer);
 * const { api, report } = await trainer.ready('wasm'); // report.backend === 'wasm' (or its fallback)
 * await trainer.api.pause();                           // the same worker, no second init
 * trainer.close();                                     // the next ready() starts a fresh one
 * trainer.closeAfterLoss();                            // …on the backends after the lost one
 * await player.ready('auto', checkpointShape);          // another shape: its own ranking (a fresh worker if it differs)
 */
import { BACKEND_ORDER, backendsAfter, type BackendOptions, type BackendReport } from '../model/backend';
import type { GPTConfig } from '../model/config';
import { backendOptions, type BackendChoice } from './backend-choice';
import { sameShape } from './backend-memory';
import type { WorkerConnection } from './workers';

/** What every backend-choosing worker API offers. */
export interface BackendApi {
  init(options?: BackendOptions): Promise<BackendReport>;
}

/**
 * How 'auto' is resolved for a model shape: the remembered ranking, or a measurement in the worker
 * (BackendStatus.planFor), and where a report is kept. `shape` is the model the worker is about to
 * run (undefined: the plan's own default). `remember` hears every start, and a worker kept for a new
 * shape (its report then has no measurement). Without a plan, 'auto' is the fixed order.
 */
export interface BackendPlan {
  auto(shape?: GPTConfig): BackendOptions | Promise<BackendOptions>;
  remember?(report: BackendReport, shape?: GPTConfig): void;
}

/**
 * True when a worker started as `report` is where `options` would start (the first backend of its
 * order that did not fail there): it can stay. A measurement always needs a fresh worker.
 *
 * @example
 * keepsBackend({ order: ['webgpu', 'wasm'] }, { backend: 'wasm', fallbacks: [{ backend: 'webgpu', reason: '…' }] }); // true
 */
export function keepsBackend(options: BackendOptions, report: BackendReport): boolean {
  if (options.measure) return false;
  const failed = new Set(report.fallbacks.map((f) => f.backend));
  return (options.order ?? BACKEND_ORDER).find((b) => !failed.has(b)) === report.backend;
}

export class BackendWorker<Api extends BackendApi> {
  readonly #connect: () => WorkerConnection<Api>;
  #connection: WorkerConnection<Api> | null = null;
  #started: { choice: BackendChoice; options: BackendOptions; report: BackendReport; shape: GPTConfig | undefined } | null = null;
  /** After a lost GPU device: how `choice` starts from now on (the backends after the lost one). */
  #fallback: { choice: BackendChoice; options: BackendOptions } | null = null;
  readonly #plan: BackendPlan | undefined;

  constructor(connect: () => WorkerConnection<Api>, plan?: BackendPlan) {
    this.#connect = connect;
    this.#plan = plan;
  }

  /** The current worker's API (connecting one if there is none; its backend may not be started yet). */
  get api(): WorkerConnection<Api>['api'] {
    this.#connection ??= this.#connect();
    return this.#connection.api;
  }

  /** Connect a worker now, if there is none (its scripts load while the caller reads what `ready` needs). */
  open(): void {
    this.#connection ??= this.#connect();
  }

  /** The backend report of the current worker, once started. */
  get report(): BackendReport | null {
    return this.#started?.report ?? null;
  }

  /**
   * The worker with its backend started for `choice` and a model of `shape`: the current one if it
   * already runs that choice and, for 'auto', the new shape's ranking leads to the backend it runs;
   * else a fresh one (measuring the shape when it was never measured). A worker whose init fails is
   * closed.
   */
  async ready(choice: BackendChoice, shape?: GPTConfig): Promise<{ api: WorkerConnection<Api>['api']; report: BackendReport }> {
    if (this.#started && this.#started.choice !== choice) this.close();
    let planned: BackendOptions | null = null;
    const started = this.#started;
    const plan = this.#plan;
    // After a lost device the choice stays on the backends after the lost one, whatever the shape.
    const afterLoss = this.#fallback?.choice === choice;
    if (started && plan && choice === 'auto' && !afterLoss && shape && !(started.shape && sameShape(started.shape, shape))) {
      planned = await plan.auto(shape);
      if (this.#started === started && keepsBackend(planned, started.report)) {
        started.shape = shape;
        const { decision: _, ...kept } = started.report; // nothing was measured for this shape here
        plan.remember?.(kept, shape);
        return { api: this.api, report: started.report };
      }
      if (this.#started === started) this.close();
    }
    const api = this.api;
    if (!this.#started) {
      try {
        const fallback = this.#fallback?.choice === choice ? this.#fallback.options : null;
        const options = fallback ?? planned ?? (choice === 'auto' && this.#plan ? await this.#plan.auto(shape) : backendOptions(choice));
        const report = await api.init(options);
        if (!fallback) this.#plan?.remember?.(report, shape);
        this.#started = { choice, options, report, shape };
      } catch (err) {
        this.close();
        throw err;
      }
    }
    return { api, report: this.#started.report };
  }

  /**
   * End a worker whose GPU device was lost. The next start, for as long as the choice stays the
   * same, tries the backends after the lost one in the order that chose it (the measured ranking,
   * not measured again): the same fallback the worker's own device guard takes (device-loss.ts).
   */
  closeAfterLoss(): void {
    const started = this.#started;
    if (started) {
      const { measure: _, ...rest } = started.options;
      const order = backendsAfter(started.report.backend, started.report.decision?.order ?? started.options.order ?? BACKEND_ORDER);
      this.#fallback = { choice: started.choice, options: { ...rest, order } };
    }
    this.close();
  }

  /** End the worker; the next use starts a fresh one. */
  close(): void {
    this.#connection?.close();
    this.#connection = null;
    this.#started = null;
  }
}
