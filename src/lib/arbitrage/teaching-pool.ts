/**
 * The teaching pool of the built-in comparison as jobs: which rows each teacher of a spec is
 * fine-tuned on, for how many steps, with which budget; the prompts the pool answers; and what a
 * teacher's checkpoint is called when the browser stores it. `markerlab arbitrage --paper` and the
 * Arbitrage view's "Build the teaching pool" both read the pool from here, so a change to the spec
 * (PAPER_ARBITRAGE) reaches both. Pure: no tf, no DOM.
 *
 * @example
 * const split = paperSplit(teachingRows, PAPER_ARBITRAGE);
 * teacherFineTunes(scaleTeacherSteps(PAPER_ARBITRAGE, 0.5), split).map((t) => t.steps); // [30, 30, 8]
 */
import type { Row } from '../data/types';
import type { ArbitragePaperSpec, PaperSplit } from './paper';
import { promptsFromRows, type ArbitragePrompt } from './types';

/** One teacher's fine-tune: the recipe's inputs besides the base model and the taxonomy. */
export interface TeacherFineTune {
  name: string;
  rows: Row[];
  steps: number;
  batchSize: number;
  lr: number;
  /** Marker categories in the blocks (the spec's). */
  categories: readonly string[];
  seed: number;
  /** For a reader (the pool's `about`): what it was fine-tuned on, how long. */
  about: string;
}

/**
 * Every teacher of the spec, in the spec's order, on its slice of the split.
 *
 * @example
 * teacherFineTunes(PAPER_ARBITRAGE, split)[0]; // { name: 'english', rows: [...], steps: 60, batchSize: 8, lr: 3e-3, seed: 1, about: '…' }
 */
export function teacherFineTunes(spec: ArbitragePaperSpec, split: PaperSplit): TeacherFineTune[] {
  return spec.teachers.map((t) => {
    const rows = split.teacherRows[t.name];
    if (rows === undefined) throw new RangeError(`the split has no rows for teacher ${t.name}`);
    return {
      name: t.name, rows, steps: t.steps, batchSize: spec.batchSize, lr: spec.lr, categories: spec.categories, seed: spec.seed,
      about: `fine-tuned from the base model on ${t.about} (${rows.length} rows, ${t.steps} step${t.steps === 1 ? '' : 's'} of ${spec.batchSize})`,
    };
  });
}

/** The most steps any teacher of the spec trains (the others are in proportion to it). */
export function longestTeacherSteps(spec: Pick<ArbitragePaperSpec, 'teachers'>): number {
  return Math.max(1, ...spec.teachers.map((t) => t.steps));
}

/**
 * The spec with every teacher's steps scaled by `scale` (at least one step each): quick looks
 * (`--paper --steps N`, the view's "Steps of the longest teacher"); the figures need scale 1.
 *
 * @example
 * scaleTeacherSteps(PAPER_ARBITRAGE, 1 / 60).teachers.map((t) => t.steps); // [1, 1, 1]
 */
export function scaleTeacherSteps(spec: ArbitragePaperSpec, scale: number): ArbitragePaperSpec {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`the step scale must be a positive number, got ${scale}`);
  return { ...spec, teachers: spec.teachers.map((t) => ({ ...t, steps: Math.max(1, Math.round(t.steps * scale)) })) };
}

/**
 * The prompts a pool answers: the first `calibration` of the split's calibration rows and the first
 * `route` of its routing rows (neither is any teacher's training row). Throws when the split has fewer.
 *
 * @example
 * answerPrompts(split, 60, 120).prompts.length; // 120
 */
export function answerPrompts(split: Pick<PaperSplit, 'calibration' | 'route'>, calibration: number, route: number): {
  calibrationPrompts: ArbitragePrompt[];
  prompts: ArbitragePrompt[];
} {
  if (calibration > split.calibration.length) throw new RangeError(`${calibration} calibration prompts asked for; the split has ${split.calibration.length}`);
  if (route > split.route.length) throw new RangeError(`${route} routing prompts asked for; the split has ${split.route.length}`);
  return { calibrationPrompts: promptsFromRows(split.calibration.slice(0, calibration)), prompts: promptsFromRows(split.route.slice(0, route)) };
}

/** How the browser stores the built pool's teachers: a fixed id per teacher (building again replaces it) and a name. */
export const POOL_CHECKPOINT = Object.freeze({
  id: (teacher: string): string => `arbitrage-pool-${teacher}`,
  name: (teacher: string): string => `pool: ${teacher}`,
});
