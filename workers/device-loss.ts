/**
 * What a worker does when its GPU device is lost: stop what it is doing, say so in words, and start
 * the next backend of the order it was started with, so the next call (resume from the autosave,
 * reload the weights) runs there. Shared by the trainer and the player.
 */
import type { BackendOptions, BackendReport, DeviceLoss } from '../src/lib/model/backend';
import { BACKEND_ORDER, backendsAfter, watchDeviceLoss } from '../src/lib/model/backend';
import { initWorkerBackend } from './wasm-paths';
import { errorMessage } from '../src/lib/util/errors';

export interface LossState {
  loss: DeviceLoss;
  /** The fallback backend starting (or the reason none could). */
  switched: Promise<BackendReport>;
}

/**
 * Start a backend (initWorkerBackend) and, on WebGPU, watch its device. `onLost` runs first (e.g.
 * stop the training loop), then the next backend starts; `current()` tells the loss, if any.
 *
 * @example
 * const guard = createDeviceGuard(() => session?.run.stop());
 * init: (options) => guard.init(options),
 */
export function createDeviceGuard(onLost: (loss: DeviceLoss) => void = () => {}) {
  let lost: LossState | null = null;
  let stopWatching = (): void => {};
  const init = async (options?: BackendOptions): Promise<BackendReport> => {
    stopWatching();
    const report = await initWorkerBackend(options);
    stopWatching = watchDeviceLoss((loss) => {
      onLost(loss);
      // After a measured start, fall back along the measured ranking, without measuring again.
      const { measure: _, ...rest } = options ?? {};
      const order = backendsAfter(report.backend, report.decision?.order ?? options?.order ?? BACKEND_ORDER);
      const switched = init({ ...rest, order });
      switched.catch(() => {});
      lost = { loss, switched };
    });
    return report;
  };
  return {
    init,
    /** The loss since start, or null. */
    current: (): LossState | null => lost,
    /**
     * Wait for the fallback backend after a loss, then forget the loss: work started after this
     * (a new session, a reloaded model) runs on the new backend. No-op without a loss.
     */
    async settled(): Promise<void> {
      const pending = lost;
      if (!pending) return;
      try {
        await pending.switched;
      } finally {
        if (lost === pending) lost = null;
      }
    },
    /** The message for a person after a loss: what happened, where work goes on, and `then` (what happens to it). */
    async explain(then = 'a training run continues from its last autosave, or starts again without one.'): Promise<string | null> {
      if (!lost) return null;
      try {
        const next = await lost.switched;
        return `${lost.loss.message} Switched to ${next.backend}; ${then}`;
      } catch (err) {
        return `${lost.loss.message} No other backend could start: ${errorMessage(err)}`;
      }
    },
  };
}
