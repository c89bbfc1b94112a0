/**
 * The browser bench page's state: which backends and models to measure, the run, its results.
 * The page never imports tfjs: each backend gets a fresh bench worker (so it starts with no
 * compiled kernels and no live tensors), made by the factory the page is given.
 *
 * @example
 * const bench = new BenchState((backend) => {
 *   const worker = new Worker(new URL('../workers/bench.worker.ts', import.meta.url), { type: 'module' });
 *   return { api: Comlink.wrap<BenchApi>(worker), close: () => worker.terminate() };
 * });
 * bench.models.tiny = true;
 * await bench.run();
 * bench.results; // one BenchResult per backend × model that ran
 */
import * as Comlink from 'comlink';
import type { BackendName, BackendOptions, BackendReport } from '../model/backend';
import type { BenchModel, BenchProgress, BenchProgressFn, BenchResult } from '../model/bench';
import { errorMessage } from '../util/errors';

/** The page's choices, in the order they run. */
export const BENCH_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const satisfies readonly BackendName[];
export const BENCH_MODELS = ['nano', 'tiny', 'peer'] as const satisfies readonly BenchModel[];
export type PageModel = (typeof BENCH_MODELS)[number];

/** What the controller needs of a bench worker: a Comlink Remote<BenchApi> fits. */
export interface BenchSource {
  init(options: BackendOptions): Promise<BackendReport>;
  run(models: BenchModel[], onProgress?: BenchProgressFn): Promise<BenchResult[]>;
}

/** One worker's API and how to end the worker. */
export interface BenchConnection {
  api: BenchSource;
  close(): void;
}

export interface BenchSkip {
  backend: BackendName;
  reason: string;
}

export class BenchState {
  backends = $state<Record<BackendName, boolean>>({ webgpu: true, webgl: true, wasm: true, cpu: true });
  /** tiny (context 256) is off by default: it takes minutes on the slower backends. */
  models = $state<Record<PageModel, boolean>>({ nano: true, tiny: false, peer: true });
  results = $state.raw<BenchResult[]>([]);
  skipped = $state.raw<BenchSkip[]>([]);
  /** Backend and adapter each measured backend reported, for the JSON. */
  reports = $state.raw<BackendReport[]>([]);
  running = $state(false);
  progress = $state<BenchProgress | null>(null);
  #connect: (backend: BackendName) => BenchConnection;

  constructor(connect: (backend: BackendName) => BenchConnection) {
    this.#connect = connect;
  }

  get selectedBackends(): BackendName[] {
    return BENCH_BACKENDS.filter((b) => this.backends[b]);
  }

  get selectedModels(): PageModel[] {
    return BENCH_MODELS.filter((m) => this.models[m]);
  }

  get canRun(): boolean {
    return !this.running && this.selectedBackends.length > 0 && this.selectedModels.length > 0;
  }

  /** A sentence for the live status line. */
  get status(): string {
    if (this.running) {
      return this.progress ? `Measuring ${this.progress.model} on ${this.progress.backend}: ${this.progress.phase}…` : 'Starting a backend…';
    }
    if (this.results.length === 0 && this.skipped.length === 0) return 'Not run yet.';
    return `Done: ${this.results.length} result${this.results.length === 1 ? '' : 's'}, ${this.skipped.length} backend${this.skipped.length === 1 ? '' : 's'} skipped.`;
  }

  /** The results in the shape of `markerlab bench --json`, plus the browser that ran them. */
  get json(): string {
    const browser = typeof navigator === 'undefined' ? undefined : navigator.userAgent;
    const skipped = this.skipped.map((s) => ({ backend: s.backend, skipped: s.reason }));
    return JSON.stringify({ browser, backends: this.reports, results: [...this.results, ...skipped] }, null, 2);
  }

  /** Measure every selected model on every selected backend, one fresh worker per backend. Never throws. */
  async run(): Promise<void> {
    if (!this.canRun) return;
    const backends = this.selectedBackends, models = this.selectedModels;
    this.running = true;
    this.results = [];
    this.skipped = [];
    this.reports = [];
    this.progress = null;
    const onProgress = Comlink.proxy((p: BenchProgress) => {
      this.progress = p;
    });
    try {
      for (const backend of backends) {
        const { api, close } = this.#connect(backend);
        try {
          this.reports = [...this.reports, await api.init({ order: [backend] })];
          // One call per model, so the table fills in as each finishes.
          for (const model of models) this.results = [...this.results, ...(await api.run([model], onProgress))];
        } catch (err) {
          this.skipped = [...this.skipped, { backend, reason: errorMessage(err) }];
        } finally {
          close();
        }
      }
    } finally {
      this.running = false;
      this.progress = null;
    }
  }
}
