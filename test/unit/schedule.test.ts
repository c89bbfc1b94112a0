import { describe, expect, it } from 'vitest';
import { getLr, ScheduleError, validateSchedule } from '../../src/lib/model/schedule';
import type { LrSchedule } from '../../src/lib/model/schedule';

const s: LrSchedule = { lr: 1e-3, warmupSteps: 100, totalSteps: 1000, minLr: 1e-4 };

describe('getLr', () => {
  it('warms up linearly, peaks, decays along a cosine and rests at the floor', () => {
    expect(getLr(0, s)).toBeCloseTo(1e-3 / 101, 12);
    expect(getLr(49, s)).toBeCloseTo((1e-3 * 50) / 101, 12);
    expect(getLr(99, s)).toBeCloseTo((1e-3 * 100) / 101, 12);
    expect(getLr(100, s)).toBeCloseTo(1e-3, 12); // peak
    expect(getLr(550, s)).toBeCloseTo(5.5e-4, 12); // halfway: (lr + minLr) / 2
    expect(getLr(325, s)).toBeCloseTo(1e-4 + 0.5 * (1 + Math.cos(Math.PI / 4)) * 9e-4, 12);
    expect(getLr(1000, s)).toBe(1e-4);
    expect(getLr(5000, s)).toBe(1e-4);
  });

  it('rises during warm-up and never rises after it', () => {
    let prev = -1;
    for (let step = 0; step <= 100; step++) {
      expect(getLr(step, s)).toBeGreaterThan(prev);
      prev = getLr(step, s);
    }
    for (let step = 101; step <= 1100; step++) {
      expect(getLr(step, s)).toBeLessThanOrEqual(prev);
      prev = getLr(step, s);
    }
  });

  it('covers the degenerate schedules', () => {
    const constant = { lr: 3e-3, warmupSteps: 0, totalSteps: 500, minLr: 3e-3 };
    for (const step of [0, 1, 250, 499, 500, 10_000]) expect(getLr(step, constant)).toBeCloseTo(3e-3, 15);
    expect(getLr(0, { lr: 1, warmupSteps: 0, totalSteps: 10, minLr: 0 })).toBe(1);
    expect(getLr(10, { lr: 1, warmupSteps: 10, totalSteps: 10, minLr: 0.1 })).toBe(0.1); // no decay phase
    expect(() => getLr(-1, s)).toThrow(ScheduleError);
    expect(() => getLr(NaN, s)).toThrow(ScheduleError);
  });
});

describe('validateSchedule', () => {
  it('accepts a sound schedule and names the field of a broken one', () => {
    expect(validateSchedule(s)).toBe(s);
    expect(() => validateSchedule({ ...s, totalSteps: 50 })).toThrow(/totalSteps/);
    expect(() => validateSchedule({ ...s, minLr: 1 })).toThrow(/minLr/);
    expect(() => validateSchedule({ ...s, lr: -1 })).toThrow(/lr/);
    expect(() => validateSchedule({ ...s, warmupSteps: 1.5 })).toThrow(/warmupSteps/);
  });
});
