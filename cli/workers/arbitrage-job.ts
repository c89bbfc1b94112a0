/**
 * One arbitrage job (a teacher or a student, src/lib/arbitrage-run/jobs.ts) in a worker thread, so
 * `markerlab arbitrage --paper --jobs 2` fine-tunes two models at once on two cores. Each job is
 * seeded on its own: its numbers do not depend on the thread or the order.
 *
 * Messages to the parent: `{ type: 'stage', stage }`, then one `{ type: 'done', result }` (its
 * checkpoint bytes transferred) or `{ type: 'error', message }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { runJob, type ArbitrageJob } from '../../src/lib/arbitrage-run/jobs';
import { initBackend, type BackendName } from '../../src/lib/model/backend';
import { errorMessage } from '../../src/lib/util/errors';

export interface ArbitrageWorkerData {
  job: ArbitrageJob;
  /** The backend the parent started (wasm or cpu). */
  backend: BackendName;
}

const port = parentPort;
if (!port) throw new Error('arbitrage-job.ts runs as a worker thread of markerlab arbitrage');
const { job, backend } = workerData as ArbitrageWorkerData;
try {
  tf.enableProdMode();
  await initBackend({ order: [backend] });
  const result = await runJob(job, { onStage: (stage) => port.postMessage({ type: 'stage', stage }) });
  port.postMessage({ type: 'done', result }, [result.checkpoint.buffer as ArrayBuffer]);
} catch (err) {
  port.postMessage({ type: 'error', message: errorMessage(err) });
}
