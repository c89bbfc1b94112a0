/**
 * The paper's four findings, checked on a sweep's results (pure):
 * 1. dataset-level dropout 0 gives far lower inferred-marker accuracy than 0.5 (Table 7's shape);
 * 2. length violation rate: fixed < inferred < baseline (Table 2's shape);
 * 3. the gain from markers on rare values exceeds the gain on frequent ones;
 * 4. length_bucket concise → medium → long moves the output-length distribution in order (Fig. 1).
 * Each finding carries its figures and whether it holds, so a report can say so honestly.
 */
import { meanAccuracy } from '../eval/accuracy';
import { headTail, type HeadTailResult } from '../eval/head-tail';
import { lengthShift, type ShiftResult } from '../eval/shift';
import type { LengthThresholds } from '../markers/annotate-dataset';
import { LENGTH_BUCKETS } from '../markers/taxonomy';
import { pairLosses, type SampledLengths } from './measure-model';
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

export function paperFindings(
  results: readonly CellResult[], trainShare: (category: string, value: string) => number, tailShare = 0.05, lengthRule?: LengthThresholds,
): Finding[] {
  const cell = (x: number) => results.find((r) => r.cell.markers && r.cell.datasetRate === x);
  const x0 = cell(0), x5 = cell(0.5);
  const base = results.find((r) => !r.cell.markers);
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`);

  const a0 = x0?.accuracy ? meanAccuracy(x0.accuracy) : null;
  const a5 = x5?.accuracy ? meanAccuracy(x5.accuracy) : null;
  const f1: Finding = {
    id: 1, claim: 'dataset-level dropout 0 gives far lower inferred-marker accuracy than 0.5',
    holds: a0 === null || a5 === null ? null : a5 - a0 >= FAR_LOWER,
    detail: `mean inferred-marker accuracy: X=0 ${pct(a0)}, X=0.5 ${pct(a5)}` + perCategory(x0, x5),
  };

  const vb = base?.lengths.baseline?.rate ?? null, vi = x5?.lengths.inferred?.rate ?? null, vf = x5?.lengths.fixed?.rate ?? null;
  const cut2 = tooShort([base?.lengths.baseline, x5?.lengths.inferred, x5?.lengths.fixed]);
  const f2: Finding = {
    id: 2, claim: 'length violation rate: fixed < inferred < baseline',
    holds: cut2 ? null : vb === null || vi === null || vf === null ? null : vf < vi && vi < vb,
    detail: `length_bucket violation rate: baseline ${pct(vb)}, inferred ${pct(vi)}, fixed ${pct(vf)}${cut2}`,
  };

  let ht: HeadTailResult | null = null;
  if (x5 && base) ht = headTail(pairLosses(x5.losses, base.losses, trainShare), tailShare);
  const f3: Finding = {
    id: 3, claim: 'the gain from markers on rare values exceeds the gain on frequent ones',
    // A gain must be a gain: tail values better off with markers, and by more than head values.
    holds: ht === null || ht.headGain === null || ht.tailGain === null ? null : ht.tailGain > 0 && ht.tailGain > ht.headGain,
    detail: ht === null ? 'needs a baseline and an X=0.5 run'
      : `mean text-loss gain over the baseline (nats/token): tail values ${fmt(ht.tailGain)} (${ht.values.filter((v) => v.tail).map((v) => v.value).join(', ') || 'none'}), head values ${fmt(ht.headGain)}`,
  };

  let shift: ShiftResult | null = null;
  // A move counts when each median rises by at least a quarter of the medium bucket's width.
  const t = lengthRule;
  const minStep = t ? (t.medium - t.concise) / 4 : 0;
  if (x5?.lengths.fixed) shift = lengthShift(lengthsOf(x5.lengths.fixed), LENGTH_BUCKETS, minStep);
  const cut4 = tooShort([x5?.lengths.fixed]);
  const f4: Finding = {
    id: 4, claim: 'length_bucket concise → medium → long moves the output-length distribution in order',
    holds: shift === null || cut4 ? null : shift.ordered,
    detail: shift === null ? 'needs an X=0.5 run'
      : `median completion length in fixed mode: ${shift.summaries.map((s) => `${s.value} ${Math.round(s.median)} (IQR ${Math.round(s.q1)}–${Math.round(s.q3)})`).join(', ')}` +
        (minStep > 0 ? `; each step must rise by more than ${Math.round(minStep)} tokens` : '') + cut4,
  };
  return [f1, f2, f3, f4];
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

export function lengthsOf(s: SampledLengths): Record<string, number[]> {
  return Object.fromEntries(Object.entries(s.samples).map(([v, list]) => [v, list.map((m) => m.lengthTokens)]));
}

function perCategory(x0: CellResult | undefined, x5: CellResult | undefined): string {
  if (!x0?.accuracy || !x5?.accuracy) return '';
  const parts = Object.keys(x5.accuracy).map((c) => `${c} ${pctN(x0.accuracy![c]?.accuracy)}→${pctN(x5.accuracy![c]?.accuracy)}`);
  return ` (${parts.join(', ')})`;
}

const pctN = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${Math.round(v * 100)}%`);
const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
