/**
 * The probe worker: starts a TensorFlow.js backend off the main thread and proves it computes.
 * The app uses it on load to show which backend (and which GPU adapter) this machine gets;
 * the browser tests use it to prove the WebGPU path end to end.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendOptions, BackendReport } from '../src/lib/model/backend';
import { createDeviceGuard } from './device-loss';
import { cancelMeasure } from './wasm-paths';

export interface ProbeApi {
  /** Start the first backend that works, in the given order, or the fastest measured (options.measure). */
  init(options?: BackendOptions): Promise<BackendReport>;
  /** Stop a measuring init() between steps (it rejects with CancelledError). */
  cancel(): void;
  /** The backend in use right now (tf.getBackend()). */
  backend(): string;
  /** (m×k) · (k×n) on the active backend, read back with `await data()`. */
  matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Promise<Float32Array>;
  /** Live tensor count, to check nothing leaks across calls. */
  numTensors(): number;
  /** Destroy tfjs's WebGPU device, as a driver reset would lose it (for the device-loss test). */
  destroyDevice(): void;
  /** After a device loss: what happened and which backend took over; null before any loss. */
  lossMessage(): Promise<string | null>;
}

/** @example Comlink.expose(createProbe()) in probe.worker.ts */
export function createProbe(): ProbeApi {
  const device = createDeviceGuard();
  return {
    init: (options) => device.init(options),
    cancel: () => cancelMeasure(),
    backend: () => tf.getBackend(),
    async matmul(a, b, m, k, n) {
      if (a.length !== m * k || b.length !== k * n) {
        throw new RangeError(`matmul shapes: a has ${a.length} values for ${m}×${k}, b has ${b.length} for ${k}×${n}`);
      }
      const c = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])));
      try {
        return (await c.data()) as Float32Array;
      } finally {
        c.dispose();
      }
    },
    numTensors: () => tf.memory().numTensors,
    destroyDevice() {
      const gpu = (tf.backend() as unknown as { device?: GPUDevice }).device;
      if (!gpu) throw new Error(`the ${tf.getBackend()} backend has no GPU device`);
      gpu.destroy();
    },
    lossMessage: () => device.explain(),
  };
}
