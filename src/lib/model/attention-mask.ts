/**
 * Which positions of a packed batch may attend to which — the model's rule, read off the batch's
 * `segments` (src/lib/data/batch-pack.ts numbers the sequences in each row, −1 for padding).
 * Pure TS (no tf): gpt.ts turns it into the additive bias `segmentMask`.
 */

/**
 * out[(b*T + i)*T + j] = 1 when query i of row b may see key j (same sequence and j ≤ i).
 * Padding attends to itself only, so no softmax row is empty.
 *
 * @example
 * const allowed = attentionMask(batch.segments, 16, 256); // Uint8Array (B*T*T)
 */
export function attentionMask(segments: Int32Array, B: number, T: number): Uint8Array {
  const out = new Uint8Array(B * T * T);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < T; i++) {
      const si = segments[b * T + i]!;
      const row = (b * T + i) * T;
      if (si < 0) {
        out[row + i] = 1;
        continue;
      }
      // Sequences are contiguous, so the allowed keys are one run ending at i.
      for (let j = i; j >= 0 && segments[b * T + j] === si; j--) out[row + j] = 1;
    }
  }
  return out;
}
