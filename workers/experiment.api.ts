/**
 * The experiment worker: runs sweep cells (train + measure, src/lib/experiment/run-cell.ts) one at
 * a time on its own backend, so the numbers are the ones `markerlab sweep` prints for the same seeds.
 */
import * as Comlink from 'comlink';
import type { Row } from '../src/lib/data/types';
import { runCell, type CellResult } from '../src/lib/experiment/run-cell';
import type { SweepCell, SweepSpec } from '../src/lib/experiment/sweep';
import type { Taxonomy } from '../src/lib/markers/taxonomy';
import type { BackendOptions, BackendReport } from '../src/lib/model/backend';
import { toSafetensors } from '../src/lib/model/checkpoint';
import type { TrainingSession } from '../src/lib/model/session';
import { initWorkerBackend } from './wasm-paths';

export type CellEvent =
  | { kind: 'stage'; stage: string }
  | { kind: 'progress'; step: number; totalSteps: number; loss: number; tokensPerSec: number };

export interface ExperimentApi {
  init(options?: BackendOptions): Promise<BackendReport>;
  /** Train and measure one cell; the checkpoint comes back as safetensors bytes (transferred). Throws CellStopped after stop(). */
  runCell(spec: SweepSpec, rows: Row[], taxonomy: Taxonomy, cell: SweepCell, onEvent: (e: CellEvent) => void): Promise<{ result: CellResult; checkpoint: Uint8Array }>;
  /**
   * Stop the running cell's training at the next step boundary (runCell then rejects with
   * "…: stopped at step N"). Once training is over the cell's measurements run to the end.
   */
  stop(): void;
}

/** @example Comlink.expose(createExperimentApi()) in experiment.worker.ts */
export function createExperimentApi(): ExperimentApi {
  let current: TrainingSession | null = null;
  // stop() before the cell's session exists (reading rows, building the model) still stops it.
  let stopRequested = false;
  return {
    init: (options) => initWorkerBackend(options),
    async runCell(spec, rows, taxonomy, cell, onEvent) {
      let shown = 0;
      stopRequested = false;
      try {
        const { result, record } = await runCell(rows, taxonomy, spec, cell, {
          onSession: (s) => {
            current = s;
            if (stopRequested) s.run.stop();
          },
          onStage: (stage) => onEvent({ kind: 'stage', stage }),
          onProgress: (p) => {
            if (p.step === p.totalSteps || Date.now() - shown > 500) {
              shown = Date.now();
              onEvent({ kind: 'progress', step: p.step, totalSteps: p.totalSteps, loss: p.loss, tokensPerSec: p.tokensPerSec });
            }
          },
        });
        const checkpoint = toSafetensors(record);
        return Comlink.transfer({ result, checkpoint }, [checkpoint.buffer]);
      } finally {
        current = null;
        stopRequested = false;
      }
    },
    stop: () => {
      stopRequested = true;
      current?.run.stop();
    },
  };
}
