/**
 * Test worker: the real player (workers/player.api.ts) plus a way to destroy its WebGPU device, as
 * a driver reset would lose it, and to ask which backend it runs on (for the device-loss test).
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { createPlayer } from '../../workers/player.api';

const api = {
  ...createPlayer(),
  backend: (): string => tf.getBackend(),
  destroyDevice(): void {
    const gpu = (tf.backend() as unknown as { device?: GPUDevice }).device;
    if (!gpu) throw new Error(`the ${tf.getBackend()} backend has no GPU device`);
    gpu.destroy();
  },
};
export type LossPlayerApi = typeof api;

Comlink.expose(api);
