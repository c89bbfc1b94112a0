/**
 * The bench page's threads comparison: the backend chooser's own measurement of WebAssembly on the
 * demo model's shape, in a fresh worker with threads (every core) and one without, for decoding
 * (Play) and training. A benchmark, never a test: figures depend on the machine and its load.
 *
 * @example
 * const threads = new ThreadsBench(connectBenchWorker);
 * await threads.run();
 * threads.rows; // [{ work: 'inference', threads: 2, msPerToken: 3.1, tokensPerSec: 323, … }, …]
 */
import type { MeasureRequest } from '../model/backend-measure';
import type { BackendTiming, BackendWork } from '../model/backend-rank';
import type { GPTConfig } from '../model/config';
import { errorMessage } from '../util/errors';
import { DEMO_SHAPE } from './backend-memory';

/** What the comparison needs of a bench worker (a Comlink Remote<BenchApi> fits). */
export interface MeasureConnection {
  api: { measure(request: MeasureRequest, wasmThreads: boolean, repeats: number): Promise<BackendTiming[][]> };
  close(): void;
}

export interface ThreadsRow {
  work: BackendWork;
  /** Compute threads the wasm module ran with. */
  threads: number;
  /** Median over the rounds. */
  msPerToken: number;
  tokensPerSec: number;
  /** Every round's figure, in order. */
  rounds: number[];
}

/** Rounds per work and mode: the median of 3 damps one noisy round. */
export const THREAD_ROUNDS = 3;

export class ThreadsBench {
  rows = $state.raw<ThreadsRow[]>([]);
  running = $state(false);
  error = $state<string | null>(null);
  readonly shape: GPTConfig;
  readonly #connect: () => MeasureConnection;

  constructor(connect: () => MeasureConnection, shape: GPTConfig = DEMO_SHAPE) {
    this.#connect = connect;
    this.shape = shape;
  }

  /** Both modes, both works; rows fill in as each finishes. Never throws. */
  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.rows = [];
    this.error = null;
    try {
      for (const wasmThreads of [true, false]) {
        const { api, close } = this.#connect();
        try {
          for (const work of ['inference', 'training'] as const) {
            const request: MeasureRequest = { work, config: this.shape, candidates: ['wasm'], budgetMs: 10_000 };
            const rounds = (await api.measure(request, wasmThreads, THREAD_ROUNDS)).map((r) => r[0]!);
            this.rows = [...this.rows, summarise(work, rounds)];
          }
        } finally {
          close();
        }
      }
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.running = false;
    }
  }

  get json(): string {
    return JSON.stringify({ shape: this.shape, rows: this.rows }, null, 2);
  }
}

function summarise(work: BackendWork, rounds: readonly BackendTiming[]): ThreadsRow {
  const ms = rounds.map((t) => t.msPerToken ?? NaN);
  const median = [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? NaN;
  return { work, threads: rounds[0]?.threads ?? 1, msPerToken: median, tokensPerSec: Math.round(1000 / median), rounds: ms };
}
