/**
 * The learning-rate schedule, nanoGPT's get_lr as a pure function: linear warm-up, then cosine decay
 * to a floor. Pure TS (no tf), so the UI can draw the curve before a run starts.
 *
 * Steps are counted as the run counts them (run.ts passes 1, 2, …); nanoGPT's formula is kept as
 * is, so the peak lr is reached at step = warmupSteps and the floor at step = totalSteps.
 */

export interface LrSchedule {
  /** Peak learning rate, reached at the end of warm-up. */
  lr: number;
  /** Steps of linear warm-up (0: start at the peak). */
  warmupSteps: number;
  /** Step at which the decay reaches minLr (nanoGPT's lr_decay_iters); later steps stay at minLr. */
  totalSteps: number;
  /** Floor of the decay (nanoGPT suggests lr / 10; minLr = lr gives a constant rate after warm-up). */
  minLr: number;
}

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

/**
 * Check a schedule once (e.g. from the URL or the CLI). Throws ScheduleError naming the field.
 *
 * @example
 * validateSchedule({ lr: 1e-3, warmupSteps: 100, totalSteps: 50, minLr: 1e-4 }); // throws: totalSteps < warmupSteps
 */
export function validateSchedule(s: LrSchedule): LrSchedule {
  const num = (name: keyof LrSchedule, ok: boolean): void => {
    if (!ok) throw new ScheduleError(`${name} is invalid: ${JSON.stringify(s[name])}`);
  };
  num('lr', Number.isFinite(s.lr) && s.lr >= 0);
  num('minLr', Number.isFinite(s.minLr) && s.minLr >= 0 && s.minLr <= s.lr);
  num('warmupSteps', Number.isInteger(s.warmupSteps) && s.warmupSteps >= 0);
  num('totalSteps', Number.isInteger(s.totalSteps) && s.totalSteps >= s.warmupSteps);
  return s;
}

/**
 * Learning rate at `step`.
 *
 * @example
 * const s = { lr: 1e-3, warmupSteps: 100, totalSteps: 1000, minLr: 1e-4 };
 * getLr(0, s);    // 1e-5   (warm-up: lr · 1/101)
 * getLr(100, s);  // 1e-3   (peak)
 * getLr(550, s);  // 5.5e-4 (halfway down the cosine)
 * getLr(1000, s); // 1e-4   (floor, and every step after)
 */
export function getLr(step: number, s: LrSchedule): number {
  if (!(Number.isFinite(step) && step >= 0)) throw new ScheduleError(`step must be a number ≥ 0, got ${step}`);
  const { lr, warmupSteps, totalSteps, minLr } = s;
  // 1) linear warm-up for warmupSteps steps
  if (step < warmupSteps) return (lr * (step + 1)) / (warmupSteps + 1);
  // 2) from the decay horizon on, the floor (also right after warm-up when totalSteps = warmupSteps)
  if (step >= totalSteps) return minLr;
  // 3) in between, cosine decay from lr down to minLr
  const decayRatio = (step - warmupSteps) / (totalSteps - warmupSteps); // in [0, 1)
  const coeff = 0.5 * (1 + Math.cos(Math.PI * decayRatio)); // 1 → 0
  return minLr + coeff * (lr - minLr);
}
