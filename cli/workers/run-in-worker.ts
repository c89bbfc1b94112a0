/**
 * The parent side of cell.ts: run one sweep cell in a worker thread and relay its stages and
 * progress to the same callbacks `runCell` takes.
 */
import { Worker } from 'node:worker_threads';
import type { CellResult, CellEvents } from '../../src/lib/experiment/run-cell';
import type { Progress } from '../../src/lib/model/run';
import type { CellJob } from './cell';

/** What cell.ts posts. */
type CellMessage =
  | { type: 'stage'; stage: string }
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; result: CellResult; checkpoint: Uint8Array }
  | { type: 'error'; message: string };

export function runCellInWorker(job: CellJob, events: CellEvents): Promise<{ result: CellResult; checkpoint: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./cell.mjs', import.meta.url), { workerData: job });
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: CellMessage) => {
      if (m.type === 'stage') events.onStage?.(m.stage);
      else if (m.type === 'progress') void events.onProgress?.(m.progress);
      else if (m.type === 'done') finish(() => resolve({ result: m.result, checkpoint: m.checkpoint }));
      else finish(() => reject(new Error(`${job.cell.label}: ${m.message}`)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`${job.cell.label}: the worker thread stopped (exit code ${code}) before its result`))));
  });
}
