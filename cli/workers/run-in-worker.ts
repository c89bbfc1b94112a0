/**
 * The parent side of cell.ts and arbitrage-job.ts: run one sweep cell (or arbitrage jobs) in worker
 * threads and relay their stages and progress to the callbacks the in-process runs take.
 */
import { Worker } from 'node:worker_threads';
import type { CellResult, CellEvents } from '../../src/lib/experiment/run-cell';
import type { Progress } from '../../src/lib/model/run';
import type { CellJob } from './cell';
import type { ArbitrageJob, JobResult, JobRunner } from '../../src/lib/arbitrage-run/jobs';
import type { BackendName } from '../../src/lib/model/backend';

/** What cell.ts posts. */
type CellMessage =
  | { type: 'stage'; stage: string }
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; result: CellResult; checkpoint: Uint8Array }
  | { type: 'error'; message: string };

export function runCellInWorker(job: CellJob, events: CellEvents): Promise<{ result: CellResult; checkpoint: Uint8Array }> {
  return resultOf<CellMessage, { result: CellResult; checkpoint: Uint8Array }>(new URL('./cell.mjs', import.meta.url), job, job.cell.label, (m) => {
    if (m.type === 'stage') events.onStage?.(m.stage);
    else if (m.type === 'progress') void events.onProgress?.(m.progress);
    else return m.type === 'done' ? { result: { result: m.result, checkpoint: m.checkpoint } } : { error: m.message };
    return undefined;
  });
}

/**
 * The one result of a worker thread started on `url` with `workerData`. `read` relays a message that
 * is not the end (a stage, progress) and returns undefined, or turns the last one into the result or
 * an error. The promise settles once and the thread is ended; an error message, a thread error or an
 * exit before the result rejects it, named by `label`.
 */
function resultOf<M, R>(url: URL, workerData: unknown, label: string, read: (m: M) => { result: R } | { error: string } | undefined): Promise<R> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData });
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: M) => {
      const end = read(m);
      if (end === undefined) return;
      if ('result' in end) finish(() => resolve(end.result));
      else finish(() => reject(new Error(`${label}: ${end.error}`)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`${label}: the worker thread stopped (exit code ${code}) before its result`))));
  });
}

/** What arbitrage-job.ts posts. */
type JobMessage =
  | { type: 'stage'; stage: string }
  | { type: 'done'; result: JobResult }
  | { type: 'error'; message: string };

/**
 * A JobRunner that runs up to `jobs` arbitrage jobs at once, each in its own worker thread; results
 * in the jobs' order.
 */
export function runJobsInWorkers(jobs: number, backend: BackendName, onStage: (stage: string) => void): JobRunner {
  const one = (job: ArbitrageJob): Promise<JobResult> => resultOf<JobMessage, JobResult>(new URL('./arbitrage-job.mjs', import.meta.url), { job, backend }, job.fineTune.name, (m) => {
    if (m.type === 'stage') return void onStage(m.stage);
    return m.type === 'done' ? { result: m.result } : { error: m.message };
  });
  return async (list) => {
    const out = new Array<JobResult>(list.length);
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(jobs, list.length) }, async () => {
      while (next < list.length) {
        const i = next++;
        out[i] = await one(list[i]!);
      }
    }));
    return out;
  };
}
