/**
 * The paper's four findings, checked on a sweep's results (pure):
 * 1. dataset-level dropout 0 gives far lower inferred-marker accuracy than 0.5 (Table 7's shape);
 * 2. length violation rate: fixed < inferred < baseline (Table 2's shape);
 * 3. the gain from markers on rare values exceeds the gain on frequent ones — judged on samples, as the
 *    paper judges generations: per language and format value, the share of samples on target with the
 *    row's markers (fixed mode) minus the baseline's with the prompt alone; the text-loss gain per value
 *    is reported beside it (sweeps stored before samples were measured are judged on it);
 * 4. length_bucket concise → medium → long moves the output-length distribution in order (Fig. 1).
 * Each finding carries its figures and whether it holds, so a report can say so honestly; with
 * several seeds, it holds only if it holds for every seed, and its figures are min–max over them.
 */
import { meanAccuracy } from '../eval/accuracy';
import { headTail, splitGains } from '../eval/head-tail';
import { lengthShift, type ShiftResult } from '../eval/shift';
import type { LengthThresholds } from '../markers/annotate-dataset';
import { LENGTH_BUCKETS } from '../markers/taxonomy';
import { pairLosses, targetingGains, type SampledLengths, type ValueHits } from './measure-model';
import type { CellResult } from './run-cell';

export interface Finding {
  id: 1 | 2 | 3 | 4;
  claim: string;
  holds: boolean | null;
  /** The figures behind the verdict, in words. */
  detail: string;
}

/** Accuracy gap (X=0.5 minus X=0) that counts as "far lower". */
export const FAR_LOWER = 0.2;

/**
 * The two marker runs finding 1 compares: X = 0 with the least sample-level dropout (no dropout at
 * all when the sweep has that run, as in the paper's contrast) and X = 0.5, at Y = 0.5 when present.
 */
function contrastCells(results: readonly CellResult[]): { x0: CellResult | undefined; x5: CellResult | undefined } {
  const marker = results.filter((r) => r.cell.markers);
  const x0 = marker.filter((r) => r.cell.datasetRate === 0).sort((a, b) => a.cell.sampleRate - b.cell.sampleRate)[0];
  const x5s = marker.filter((r) => r.cell.datasetRate === 0.5);
  return { x0, x5: x5s.find((r) => r.cell.sampleRate === 0.5) ?? x5s[0] };
}

/** One seed's verdict on one finding, with the figures behind it. */
interface SeedVerdict {
  holds: boolean | null;
  figures: Record<string, number | null>;
  /** Words that only make sense for one seed (tail values, a cut-short note); shown for the first seed. */
  note: string;
  /** Words for the end of the detail (finding 3's cut-short note, after both sides' figures). */
  after?: string;
}

/**
 * The four findings on a sweep's results. With several seeds each finding is judged per seed and
 * holds only if it holds for every seed; its figures are shown as min–max over the seeds.
 */
export function paperFindings(
  results: readonly CellResult[], trainShare: (category: string, value: string) => number, tailShare = 0.05, lengthRule?: LengthThresholds,
): Finding[] {
  const seeds = [...new Set(results.map((r) => r.cell.seed))].sort((a, b) => a - b);
  const per = seeds.map((seed) => seedVerdicts(results.filter((r) => r.cell.seed === seed), trainShare, tailShare, lengthRule));
  const t = lengthRule;
  const minStep = t ? (t.medium - t.concise) / 4 : 0;
  const first = contrastCells(results);
  const claims = [
    first.x0?.cell.sampleRate === 0 && first.x5?.cell.sampleRate === 0.5
      ? 'without marker dropout (X=0, Y=0) inferred-marker accuracy is far lower than with the paper\'s X=0.5, Y=0.5'
      : 'dataset-level dropout 0 gives far lower inferred-marker accuracy than 0.5',
    'length violation rate: fixed < inferred < baseline',
    'the gain from markers on rare values exceeds the gain on frequent ones',
    'length_bucket concise → medium → long moves the output-length distribution in order',
  ];
  // Finding 3 is judged on samples when every seed has them (else on text loss, whose figures then carry the note).
  const onSamples = per.every((v) => v[2]!.figures.tail !== undefined);
  const details: Array<(f: (key: string, fmt: Fmt) => string, note: string, after: string) => string> = [
    (f, note) => `mean inferred-marker accuracy: ${rates(first.x0, 'X=0')} ${f('a0', pct)}, ${rates(first.x5, 'X=0.5')} ${f('a5', pct)}${note}`,
    (f, note) => `length_bucket violation rate: baseline ${f('vb', pct)}, inferred ${f('vi', pct)}, fixed ${f('vf', pct)}${note}`,
    (f, note, after) => (per.some((v) => v[2]!.figures.lossTail === undefined) ? 'needs a baseline and an X=0.5 run'
      : (onSamples
        ? `samples on target with the row's markers (fixed mode) minus the baseline's, mean per value in points: tail ${f('tail', points)}${note}, head ${f('head', points)}; `
        : '') + `mean text-loss gain over the baseline (nats/token): tail values ${f('lossTail', fmt)}${onSamples ? '' : note}, head values ${f('lossHead', fmt)}${after}`),
    (f, note) => (per.some((v) => v[3]!.figures.concise === undefined) ? 'needs an X=0.5 run'
      : `median completion length in fixed mode (characters): concise ${f('concise', round)}, medium ${f('medium', round)}, long ${f('long', round)}` +
        (minStep > 0 ? `; each step must rise by more than ${Math.round(minStep)} characters` : '') + note),
  ];
  return claims.map((claim, i) => {
    const verdicts = per.map((v) => v[i]!);
    const holds = verdicts.some((v) => v.holds === null) || verdicts.length === 0 ? null : verdicts.every((v) => v.holds);
    const range = (key: string, format: Fmt): string => {
      const xs = verdicts.map((v) => v.figures[key]).filter((x): x is number => x !== null && x !== undefined);
      if (xs.length === 0) return 'n/a';
      const lo = Math.min(...xs), hi = Math.max(...xs);
      return format(lo) === format(hi) ? format(lo) : `${format(lo)}–${format(hi)}`;
    };
    const seedsNote = seeds.length > 1 ? ` (${seeds.length} seeds: min–max; holds only if it holds for each)` : '';
    return { id: (i + 1) as Finding['id'], claim, holds, detail: details[i]!(range, verdicts[0]?.note ?? '', verdicts.map((v) => v.after ?? '').find((a) => a !== '') ?? '') + seedsNote };
  });
}

type Fmt = (v: number) => string;
const rates = (r: CellResult | undefined, fallback: string): string => (r ? `X=${r.cell.datasetRate} Y=${r.cell.sampleRate}` : fallback);
const pct: Fmt = (v) => `${(v * 100).toFixed(1)}%`;
const fmt: Fmt = (v) => v.toFixed(3);
const round: Fmt = (v) => `${Math.round(v)}`;
/** A difference of shares, in percentage points. */
export const points: Fmt = (v) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}`;

/** The four verdicts for the runs of one seed. */
function seedVerdicts(
  results: readonly CellResult[], trainShare: (category: string, value: string) => number, tailShare: number, lengthRule?: LengthThresholds,
): SeedVerdict[] {
  const { x0, x5 } = contrastCells(results);
  const base = results.find((r) => !r.cell.markers);

  const a0 = x0?.accuracy ? meanAccuracy(x0.accuracy) : null;
  const a5 = x5?.accuracy ? meanAccuracy(x5.accuracy) : null;
  const v1: SeedVerdict = { holds: a0 === null || a5 === null ? null : a5 - a0 >= FAR_LOWER, figures: { a0, a5 }, note: perCategory(x0, x5) };

  const vb = base?.lengths.baseline?.rate ?? null, vi = x5?.lengths.inferred?.rate ?? null, vf = x5?.lengths.fixed?.rate ?? null;
  const cut2 = tooShort([base?.lengths.baseline, x5?.lengths.inferred, x5?.lengths.fixed]);
  const v2: SeedVerdict = { holds: cut2 ? null : vb === null || vi === null || vf === null ? null : vf < vi && vi < vb, figures: { vb, vi, vf }, note: cut2 };

  let v3: SeedVerdict = { holds: null, figures: {}, note: '' };
  if (x5 && base) {
    const ht = headTail(pairLosses(x5.losses, base.losses, trainShare), tailShare);
    const hits = x5.targeting && base.targeting ? splitGains(targetingGains(x5.targeting, base.targeting, trainShare), tailShare) : null;
    // The verdict's side: samples when both runs have them, else the text loss (older stored sweeps).
    const judged: { headGain: number | null; tailGain: number | null; values: ReadonlyArray<{ value: string; tail: boolean; gain: number }> } = hits ?? ht;
    const tailNames = judged.values.filter((v) => v.tail).map((v) => (hits ? `${v.value} ${points(v.gain)}` : v.value));
    const cut3 = hits ? cutTargets([...x5.targeting!, ...base.targeting!]) : '';
    v3 = {
      // A gain must be a gain: tail values better off with markers, and by more than head values.
      holds: cut3 ? null : judged.headGain === null || judged.tailGain === null ? null : judged.tailGain > 0 && judged.tailGain > judged.headGain,
      figures: { lossTail: ht.tailGain, lossHead: ht.headGain, ...(hits ? { tail: hits.tailGain, head: hits.headGain } : {}) },
      note: ` (${tailNames.join(', ') || 'none'})`,
      after: cut3,
    };
  }

  let shift: ShiftResult | null = null;
  // A move counts when each median rises by at least a quarter of the medium bucket's width.
  const t = lengthRule;
  const minStep = t ? (t.medium - t.concise) / 4 : 0;
  if (x5?.lengths.fixed) shift = lengthShift(lengthsOf(x5.lengths.fixed), LENGTH_BUCKETS, minStep);
  const cut4 = tooShort([x5?.lengths.fixed]);
  const v4: SeedVerdict = shift === null ? { holds: null, figures: {}, note: '' } : {
    holds: cut4 ? null : shift.ordered,
    figures: Object.fromEntries(shift.summaries.map((s) => [s.value, s.median])),
    note: (shift.summaries.length > 0 ? ` (IQR ${shift.summaries.map((s) => `${Math.round(s.q1)}–${Math.round(s.q3)}`).join(', ')})` : '') + cut4,
  };
  return [v1, v2, v3, v4];
}

/** Above this share of samples cut off at the token limit, a length finding cannot be judged. */
export const MAX_CUT_SHORT = 0.5;

/**
 * '' when the samples settle their lengths; else why they cannot be judged: a requested bucket whose
 * samples mostly hit the token limit before the model ended them (the budget is too small to reach it).
 */
function tooShort(sets: ReadonlyArray<SampledLengths | undefined>): string {
  for (const set of sets) {
    for (const [value, list] of Object.entries(set?.samples ?? {})) {
      const cut = list.filter((m) => !m.finished).length;
      if (list.length > 0 && cut / list.length > MAX_CUT_SHORT) {
        return `; cannot be judged: ${cut} of ${list.length} "${value}" samples hit the token limit before ending (raise max tokens)`;
      }
    }
  }
  return '';
}

/** The same rule for finding 3's samples: a value whose samples mostly hit the token limit cannot be judged. */
function cutTargets(hits: readonly ValueHits[]): string {
  for (const h of hits) {
    if (h.samples > 0 && h.cut / h.samples > MAX_CUT_SHORT) {
      return `; cannot be judged: ${h.cut} of ${h.samples} "${h.value}" samples hit the token limit before ending (raise max tokens)`;
    }
  }
  return '';
}

export function lengthsOf(s: SampledLengths): Record<string, number[]> {
  return Object.fromEntries(Object.entries(s.samples).map(([v, list]) => [v, list.map((m) => m.lengthTokens)]));
}

function perCategory(x0: CellResult | undefined, x5: CellResult | undefined): string {
  if (!x0?.accuracy || !x5?.accuracy) return '';
  const parts = Object.keys(x5.accuracy).map((c) => `${c} ${pctN(x0.accuracy![c]?.accuracy)}→${pctN(x5.accuracy![c]?.accuracy)}`);
  return ` (${parts.join(', ')})`;
}

const pctN = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${Math.round(v * 100)}%`);
