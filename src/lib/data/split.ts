/**
 * Train/validation split, stratified by one marker category so rare values (the long tail the
 * method targets) show up in validation in proportion instead of by luck.
 */
import { createRng, deriveSeed } from '../util/rng';
import type { Row } from './types';

export interface SplitOptions {
  /** Share of rows for validation, in [0, 1). */
  valFraction: number;
  /** Category whose values form the strata; rows without it form one more stratum. */
  stratifyBy?: string;
  seed: number;
}

export interface Split {
  train: Row[];
  val: Row[];
}

/**
 * Split rows into train and val. Each stratum sends floor or ceil of `valFraction` of its rows to
 * val (the roundings are balanced so the total is as close to `valFraction` as it can be);
 * a stratum of one row stays in train, and every stratum keeps at least one row there.
 * Deterministic for a seed; rows keep their input order; none lost, none duplicated.
 *
 * @example
 * const { train, val } = splitDataset(rows, { valFraction: 0.1, stratifyBy: 'lang', seed: 1 });
 */
export function splitDataset(rows: readonly Row[], options: SplitOptions): Split {
  const { valFraction: f, stratifyBy, seed } = options;
  if (!(f >= 0 && f < 1)) throw new RangeError(`valFraction must be in [0, 1), got ${f}`);

  const strata = new Map<string | undefined, number[]>();
  rows.forEach((row, i) => {
    const key = stratifyBy === undefined ? '' : row.markers[stratifyBy];
    const members = strata.get(key);
    if (members) members.push(i);
    else strata.set(key, [i]);
  });

  const quotas = allocate([...strata.entries()], f, seed);
  const inVal = new Uint8Array(rows.length);
  for (const [key, members] of strata) {
    const quota = quotas.get(key) ?? 0;
    // Each stratum has its own stream, so adding a value elsewhere does not reshuffle this one.
    const picked = createRng(deriveSeed(seed, 'split', key === undefined ? 0 : `=${key}`)).shuffle([...members]);
    for (const i of picked.slice(0, quota)) inVal[i] = 1;
  }
  const train: Row[] = [];
  const val: Row[] = [];
  rows.forEach((row, i) => (inVal[i] ? val : train).push(row));
  return { train, val };
}

/**
 * Val rows per stratum: floor(n·f) each, then one more for the strata with the largest
 * remainders until the total reaches round(Σ n·f) (largest-remainder rounding).
 */
function allocate(strata: Array<[string | undefined, number[]]>, f: number, seed: number): Map<string | undefined, number> {
  const quotas = new Map<string | undefined, number>();
  const eligible = strata.filter(([, m]) => m.length >= 2);
  let target = 0;
  let assigned = 0;
  for (const [key, m] of eligible) {
    const base = Math.min(Math.floor(m.length * f), m.length - 1);
    quotas.set(key, base);
    assigned += base;
    target += m.length * f;
  }
  target = Math.round(target);
  // Ties in remainder are broken by a seeded order, not by map order, so no value is favoured.
  const order = createRng(deriveSeed(seed, 'split-order')).shuffle([...eligible]);
  order.sort(([ka, a], [kb, b]) => remainder(b.length, f, quotas.get(kb)!) - remainder(a.length, f, quotas.get(ka)!));
  for (const [key, m] of order) {
    if (assigned >= target) break;
    const q = quotas.get(key)!;
    if (q + 1 <= m.length - 1 && m.length * f > q) {
      quotas.set(key, q + 1);
      assigned++;
    }
  }
  return quotas;
}

function remainder(n: number, f: number, base: number): number {
  return n * f - base;
}

/** How a training run splits its rows (TrainingSetup's valFraction, seed and stratifyBy). */
export interface RunSplitOptions {
  valFraction: number;
  seed: number;
  /** Empty or absent: no strata. */
  stratifyBy?: string | undefined;
}

/**
 * The split a training run makes: stratified by `stratifyBy` when it has one, every row in train
 * when `valFraction` is 0. The session and the data worker (which learns the run's tokenizer on the
 * train rows ahead of time) both split with it, so they see the same rows.
 *
 * @example
 * splitForRun(rows, { valFraction: 0.05, seed: 1, stratifyBy: 'lang' }).train;
 */
export function splitForRun(rows: readonly Row[], options: RunSplitOptions): Split {
  const { valFraction, seed, stratifyBy } = options;
  return valFraction > 0
    ? splitDataset(rows, { valFraction, seed, ...(stratifyBy ? { stratifyBy } : {}) })
    : { train: [...rows], val: [] };
}
