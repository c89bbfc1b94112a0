/**
 * One sweep cell in a worker thread, so `markerlab sweep --jobs 2` trains two cells at once on two
 * cores (tfjs's wasm backend in Node is single-threaded). Each cell is seeded on its own, so its
 * numbers are the same whichever thread, and in whichever order, it runs.
 *
 * Messages to the parent: `{ type: 'stage', stage }`, `{ type: 'progress', progress }`, then one
 * `{ type: 'done', result, checkpoint }` (safetensors bytes) or `{ type: 'error', message }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { Row } from '../../src/lib/data/types';
import { runCell } from '../../src/lib/experiment/run-cell';
import type { SweepCell, SweepSpec } from '../../src/lib/experiment/sweep';
import type { Taxonomy } from '../../src/lib/markers/taxonomy';
import { toSafetensors } from '../../src/lib/model/checkpoint';
import { initBackend, type BackendName } from '../../src/lib/model/backend';
import { errorMessage } from '../../src/lib/util/errors';

export interface CellJob {
  rows: Row[];
  taxonomy: Taxonomy;
  spec: SweepSpec;
  cell: SweepCell;
  /** The backend the parent started (wasm or cpu). */
  backend: BackendName;
}

const port = parentPort;
if (!port) throw new Error('cell.ts runs as a worker thread of markerlab sweep');
const job = workerData as CellJob;
try {
  tf.enableProdMode();
  await initBackend({ order: [job.backend] });
  const { result, record } = await runCell(job.rows, job.taxonomy, job.spec, job.cell, {
    onStage: (stage) => port.postMessage({ type: 'stage', stage }),
    onProgress: (progress) => port.postMessage({ type: 'progress', progress }),
  });
  const checkpoint = toSafetensors(record);
  port.postMessage({ type: 'done', result, checkpoint }, [checkpoint.buffer as ArrayBuffer]);
} catch (err) {
  port.postMessage({ type: 'error', message: errorMessage(err) });
}
