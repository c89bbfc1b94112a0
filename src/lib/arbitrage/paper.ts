/**
 * The built-in comparison (`markerlab arbitrage --paper`) as plain data: the teaching pool, the
 * budgets, how the teaching set is split between teachers, calibration, routing and held-out
 * evaluation, and the head/tail reading of the students' figures. The model side is
 * arbitrage-run/paper.ts. Pure: no tf, no DOM.
 *
 * Why these teachers: fine-tuned from the base model (which read all five languages, without markers)
 * on different slices, so each is best somewhere and none everywhere — the paper's portfolio: a
 * generalist on every language (the best single teacher) and specialists, one on English rows, one on
 * French and Spanish rows, one on the two tail languages, German and Italian. Without a tail
 * specialist no teacher could write Italian and routing had nothing to gain there; with the generalist
 * trained for a quarter of the steps, the tail specialist became the best single teacher (README,
 * "Multilingual Arbitrage", what was tried).
 */
import type { Row } from '../data/types';
import { createRng, deriveSeed } from '../util/rng';

export interface TeacherSlice {
  name: string;
  /** Languages (the rows' `lang`) the teacher is fine-tuned on; empty: every language. */
  langs: string[];
  /** Share of the other languages' rows mixed in ("mostly English"). */
  others: number;
  steps: number;
  /** One line for a reader. */
  about: string;
}

export interface ArbitragePaperSpec {
  teachers: TeacherSlice[];
  /** Every student's budget: the same for every router. */
  studentSteps: number;
  batchSize: number;
  lr: number;
  /** Marker categories teachers and students write into their blocks (the ones the reward and the evaluation ask for). */
  categories: readonly string[];
  seed: number;
  /** Prompts every teacher answers to calibrate single, fixed and learned routing. */
  calibrationPrompts: number;
  /** Prompts routed into each student's training set. */
  routePrompts: number;
  /** Rows held out for evaluation (their prompts; none of them is trained on or routed). */
  heldOutRows: number;
  /** Held-out prompts per language each student answers, samples per prompt. */
  evalPromptsPerLang: number;
  evalSamples: number;
  temperature: number;
  /** A language at or under this share of the data is a tail language. */
  tailShare: number;
}

/**
 * Nine fine-tunes of 8 × 256 tokens a step (four teachers of 60 steps, five students of 80) at the
 * 5-minute fine-tune's learning rate, with the markers the reward and the evaluation ask for; 2,000
 * teacher answers and five students measured. `--jobs 2` on this 2-core machine: 755 s (README).
 */
export const PAPER_ARBITRAGE: Readonly<ArbitragePaperSpec> = Object.freeze({
  teachers: [
    { name: 'english', langs: ['English'], others: 0.05, steps: 60, about: 'mostly English rows' },
    { name: 'french-spanish', langs: ['French', 'Spanish'], others: 0.05, steps: 60, about: 'mostly French and Spanish rows' },
    { name: 'german-italian', langs: ['German', 'Italian'], others: 0.05, steps: 60, about: 'mostly German and Italian rows (the tail languages)' },
    { name: 'broad', langs: [], others: 0, steps: 60, about: 'every language' },
  ],
  studentSteps: 80,
  batchSize: 8,
  lr: 1e-2,
  categories: ['lang', 'length_bucket', 'format'],
  seed: 1,
  calibrationPrompts: 100,
  routePrompts: 400,
  heldOutRows: 250,
  evalPromptsPerLang: 3,
  evalSamples: 2,
  temperature: 0.8,
  tailShare: 0.1,
});

export interface PaperSplit {
  /** Teacher name → its fine-tuning rows. */
  teacherRows: Record<string, Row[]>;
  calibration: Row[];
  route: Row[];
  heldOut: Row[];
}

/**
 * Split the rows once, seeded: held-out rows first, then calibration and routing prompts, the rest
 * shared out to the teachers by language. Throws when the data is too small for the spec.
 *
 * @example
 * const split = paperSplit(teachingRows, PAPER_ARBITRAGE);
 * split.teacherRows.english.every((r) => r.markers.lang === 'English'); // mostly
 */
export function paperSplit(rows: readonly Row[], spec: ArbitragePaperSpec): PaperSplit {
  const need = spec.heldOutRows + spec.calibrationPrompts + spec.routePrompts;
  if (rows.length < need + 2 * spec.teachers.length) {
    throw new RangeError(`the comparison needs more than ${need} rows (held-out, calibration and routing) plus rows for the teachers; the data has ${rows.length}`);
  }
  const order = rows.map((_, i) => i);
  const rng = createRng(spec.seed);
  rng.shuffle(order);
  const take = (from: number, n: number): Row[] => order.slice(from, from + n).map((i) => rows[i]!);
  const heldOut = take(0, spec.heldOutRows);
  const calibration = take(spec.heldOutRows, spec.calibrationPrompts);
  const route = take(spec.heldOutRows + spec.calibrationPrompts, spec.routePrompts);
  const rest = take(need, rows.length - need);
  const teacherRows: Record<string, Row[]> = {};
  for (const t of spec.teachers) {
    if (t.langs.length === 0) {
      teacherRows[t.name] = rest;
      continue;
    }
    const mix = createRng(deriveSeed(spec.seed, 'arbitrage-teacher', t.name));
    teacherRows[t.name] = rest.filter((r) => t.langs.includes(r.markers.lang ?? '') || mix.next() < t.others);
    if (teacherRows[t.name]!.length < 2) throw new RangeError(`teacher ${t.name}: the data has no rows in ${t.langs.join(', ')}`);
  }
  return { teacherRows, calibration, route, heldOut };
}

/**
 * The tail languages: those at or under `tailShare` of the rows' `lang` values.
 *
 * @example
 * tailLanguages(teachingRows, 0.1); // ['German', 'Italian']
 */
export function tailLanguages(rows: readonly Row[], tailShare: number): string[] {
  const counts = new Map<string, number>();
  let n = 0;
  for (const r of rows) {
    const l = r.markers.lang;
    if (l === undefined) continue;
    counts.set(l, (counts.get(l) ?? 0) + 1);
    n++;
  }
  return [...counts].filter(([, c]) => c / n <= tailShare).map(([l]) => l).sort();
}

/** One student's figures for one language. */
export interface LanguageFigures {
  lang: string;
  /** Share of samples in the asked language, on prompts in that language (null: not measured). */
  adherence: number | null;
  /** The same, on prompts written in other languages (the marker, not the prompt, must decide). */
  adherenceOther: number | null;
  /** Share of generated words that are words of the data in that language. */
  readability: number | null;
  /** Loss on held-out human-written text in that language (UDHR), nats per token. */
  heldOutLoss: number | null;
  /** Loss on the held-out teaching rows' reference answers in that language. */
  referenceLoss: number | null;
}

export const FIGURES = ['adherence', 'adherenceOther', 'readability', 'heldOutLoss', 'referenceLoss'] as const;
export type FigureName = (typeof FIGURES)[number];

/** Mean of each figure over a group of languages (null where no language has it). */
export type GroupFigures = Record<FigureName, number | null>;

/**
 * Head and tail means of per-language figures: the tail is `tail`, the head every other language.
 *
 * @example
 * headTail(figures, ['German', 'Italian']).tail.adherence; // mean over German and Italian
 */
export function headTail(figures: readonly LanguageFigures[], tail: readonly string[]): { head: GroupFigures; tail: GroupFigures } {
  const group = (subset: readonly LanguageFigures[]): GroupFigures => {
    const out = {} as GroupFigures;
    for (const f of FIGURES) {
      const vals = subset.map((x) => x[f]).filter((v): v is number => v !== null && Number.isFinite(v));
      out[f] = vals.length > 0 ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
    }
    return out;
  };
  return { head: group(figures.filter((f) => !tail.includes(f.lang))), tail: group(figures.filter((f) => tail.includes(f.lang))) };
}
