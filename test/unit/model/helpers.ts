import * as tf from '@tensorflow/tfjs';
import type { TokenBatch } from '../../../src/lib/data/batch-pack';

import { initBackend } from '../../../src/lib/model/backend';

let ready: Promise<boolean> | undefined;
/** Node tests do the model maths on tfjs's cpu backend (exact, float32). */
export function useCpu(): Promise<boolean> {
  ready ??= tf.setBackend('cpu');
  return ready;
}

let wasm: Promise<unknown> | undefined;
/**
 * Tests that train and measure whole runs (not exact maths) use wasm: the engine the CLI and most
 * browsers train on, several times the cpu backend's speed here; tensors are counted alike.
 */
export function useWasm(): Promise<unknown> {
  wasm ??= initBackend({ order: ['wasm'] });
  return wasm;
}

/** Pack whole sequences one per row (no packing), loss on every next token. */
export function simpleBatch(seqs: number[][], T: number): TokenBatch {
  const B = seqs.length;
  const x = new Int32Array(B * T), y = new Int32Array(B * T), lossMask = new Float32Array(B * T);
  const positions = new Int32Array(B * T), segments = new Int32Array(B * T).fill(-1);
  let tokens = 0;
  seqs.forEach((s, b) => {
    for (let t = 0; t < Math.min(T, s.length - 1); t++) {
      x[b * T + t] = s[t]!;
      y[b * T + t] = s[t + 1]!;
      lossMask[b * T + t] = 1;
      positions[b * T + t] = t;
      segments[b * T + t] = 0;
      tokens++;
    }
  });
  return { x, y, lossMask, positions, segments, stats: { tokens, lossTokens: tokens, paddingTokens: B * T - tokens, examples: B } };
}
