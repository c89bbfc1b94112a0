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
 */
import { BACKEND_ORDER, backendsAfter, type BackendOptions, type BackendReport } from '../model/backend';
import { backendOptions, type BackendChoice } from './backend-choice';
import type { WorkerConnection } from './workers';

/** What every backend-choosing worker API offers. */
export interface BackendApi {
  init(options?: BackendOptions): Promise<BackendReport>;
}

/**
 * How 'auto' is resolved: the remembered ranking, or a measurement in the worker (BackendStatus.
 * planFor), and where a measured report's figures are kept. Without one, 'auto' is the fixed order.
 */
export interface BackendPlan {
  auto(): BackendOptions | Promise<BackendOptions>;
  remember?(report: BackendReport): void;
}

export class BackendWorker<Api extends BackendApi> {
  readonly #connect: () => WorkerConnection<Api>;
  #connection: WorkerConnection<Api> | null = null;
  #started: { choice: BackendChoice; options: BackendOptions; report: BackendReport } | null = null;
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

  /** The backend report of the current worker, once started. */
  get report(): BackendReport | null {
    return this.#started?.report ?? null;
  }

  /**
   * The worker with its backend started for `choice`: the current one if it already runs that
   * choice, else a fresh one. A worker whose init fails is closed.
   */
  async ready(choice: BackendChoice): Promise<{ api: WorkerConnection<Api>['api']; report: BackendReport }> {
    if (this.#started && this.#started.choice !== choice) this.close();
    const api = this.api;
    if (!this.#started) {
      try {
        const fallback = this.#fallback?.choice === choice ? this.#fallback.options : null;
        const options = fallback ?? (choice === 'auto' && this.#plan ? await this.#plan.auto() : backendOptions(choice));
        const report = await api.init(options);
        if (!fallback) this.#plan?.remember?.(report);
        this.#started = { choice, options, report };
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
