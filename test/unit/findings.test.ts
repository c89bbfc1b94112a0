import { describe, expect, it } from 'vitest';
import { paperFindings } from '../../src/lib/experiment/findings';
import type { SampledLengths } from '../../src/lib/experiment/measure-model';
import type { CellResult } from '../../src/lib/experiment/run-cell';

const rule = { mode: 'labels' as const, concise: 40, medium: 120 };
const train = { steps: 1, loss: 1, valLoss: 1, valLossNoMarkers: 1, tokensPerSec: 1, elapsedMs: 1 };

/** Samples per requested bucket: [length, finished] pairs. */
function sampled(byBucket: Record<string, Array<[number, boolean]>>, rate: number): SampledLengths {
  const samples = Object.fromEntries(Object.entries(byBucket).map(([b, list]) => [b, list.map(([lengthTokens, finished]) => ({ lengthTokens, finished }))]));
  return { samples, violations: {}, rate };
}

function cells(fixed: SampledLengths, seed = 1, inferredRate = 0.4): CellResult[] {
  const even = sampled({ concise: [[30, true]], medium: [[80, true]], long: [[200, true]] }, inferredRate);
  return [
    { cell: { id: `baseline-s${seed}`, label: 'b', markers: false, datasetRate: 0, sampleRate: 0, seed }, train, lengths: { baseline: sampled({ concise: [[100, true]] }, 0.7) }, losses: [], evalMs: 0 },
    { cell: { id: `x0.5-s${seed}`, label: 'x', markers: true, datasetRate: 0.5, sampleRate: 0.5, seed }, train, lengths: { inferred: even, fixed }, losses: [], evalMs: 0 },
  ];
}

describe('the paper\'s length findings', () => {
  it('hold when fixed-mode lengths move in order and violations fall', () => {
    const fixed = sampled({ concise: [[20, true], [30, true]], medium: [[70, true], [90, true]], long: [[180, true], [220, true]] }, 0.1);
    const [, f2, , f4] = paperFindings(cells(fixed), () => 0.3, 0.05, rule);
    expect(f2!.holds).toBe(true);
    expect(f4!.holds).toBe(true);
  });

  it('cannot be judged, rather than fail, when the token budget cuts most samples short', () => {
    // Every long sample stopped at the limit before the model ended it: its bucket is unknown.
    const fixed = sampled({ concise: [[20, true], [30, true]], medium: [[70, true], [90, true]], long: [[100, false], [100, false]] }, 0.1);
    const [, f2, , f4] = paperFindings(cells(fixed), () => 0.3, 0.05, rule);
    expect(f4!.holds).toBeNull();
    expect(f4!.detail).toContain('cannot be judged: 2 of 2 "long" samples hit the token limit');
    expect(f2!.holds).toBeNull();
  });

  it('with two seeds, holds only if it holds for each, and shows each figure as min–max', () => {
    const ordered = sampled({ concise: [[20, true], [30, true]], medium: [[70, true], [90, true]], long: [[180, true], [220, true]] }, 0.1);
    const both = [...cells(ordered, 1, 0.4), ...cells(ordered, 2, 0.3)];
    const f2 = paperFindings(both, () => 0.3, 0.05, rule)[1]!;
    expect(f2.holds).toBe(true);
    expect(f2.detail).toContain('inferred 30.0%–40.0%');
    expect(f2.detail).toContain('2 seeds');
    // Seed 2's inferred violations are above its baseline's: the finding fails for that seed, so overall.
    const mixed = [...cells(ordered, 1, 0.4), ...cells(ordered, 2, 0.8)];
    expect(paperFindings(mixed, () => 0.3, 0.05, rule)[1]!.holds).toBe(false);
  });
});

describe('finding 1: the contrast for inferring markers', () => {
  const acc = (a: number) => ({ lang: { accuracy: a, total: 10, correct: Math.round(a * 10), missing: 0, spurious: 0 } });
  const markerCell = (x: number, y: number, a: number): CellResult => ({
    cell: { id: `x${x}-y${y}-s1`, label: 'm', markers: true, datasetRate: x, sampleRate: y, seed: 1 }, train, accuracy: acc(a), lengths: {}, losses: [], evalMs: 0,
  });

  it('compares the no-dropout run with X=0.5 Y=0.5 when the sweep has one, and says so', () => {
    const f1 = paperFindings([markerCell(0, 0, 0.1), markerCell(0, 0.5, 0.55), markerCell(0.5, 0.5, 0.6)], () => 0.3)[0]!;
    expect(f1.claim).toContain('X=0, Y=0');
    expect(f1.detail).toContain('X=0 Y=0 10.0%');
    expect(f1.detail).toContain('X=0.5 Y=0.5 60.0%');
    expect(f1.holds).toBe(true);
  });

  it('without one, compares dataset-level rates 0 and 0.5 as before', () => {
    const f1 = paperFindings([markerCell(0, 0.5, 0.55), markerCell(0.5, 0.5, 0.6)], () => 0.3)[0]!;
    expect(f1.claim).toBe('dataset-level dropout 0 gives far lower inferred-marker accuracy than 0.5');
    expect(f1.holds).toBe(false);
  });
});

describe('finding 3: markers help the rare values most', () => {
  const loss = (value: string, l: number) => ({ category: 'lang', value, rows: 10, loss: l });
  const hits = (category: 'lang' | 'format', value: string, h: number, cut = 0) => ({ category, value, rows: 10, samples: 20, hits: h, cut });
  const shares: Record<string, number> = { English: 0.6, French: 0.3, Italian: 0.04, JSON: 0.2, Tabular: 0.03 };
  const share = (_: string, v: string) => shares[v] ?? 0;
  function pair(markerHits: ReturnType<typeof hits>[] | undefined, baseHits: ReturnType<typeof hits>[] | undefined): CellResult[] {
    // Text loss: head values gain 0.2 nats, Italian 0.1 — the loss alone says the head gains more.
    const base = [loss('English', 1.2), loss('French', 1.3), loss('Italian', 1.5)];
    const marker = [loss('English', 1.0), loss('French', 1.1), loss('Italian', 1.4)];
    return [
      { cell: { id: 'baseline-s1', label: 'b', markers: false, datasetRate: 0, sampleRate: 0, seed: 1 }, train, lengths: {}, losses: base, ...(baseHits ? { targeting: baseHits } : {}), evalMs: 0 },
      { cell: { id: 'x0.5-s1', label: 'x', markers: true, datasetRate: 0.5, sampleRate: 0.5, seed: 1 }, train, lengths: {}, losses: marker, ...(markerHits ? { targeting: markerHits } : {}), evalMs: 0 },
    ];
  }

  it('is judged on samples on target: holds when the rare values rise more over the baseline, with the text loss reported beside', () => {
    // Baseline on target: English 16/20, French 14/20, JSON 10/20, Italian 4/20, Tabular 2/20. With markers: all 19/20 but Tabular 17.
    const base = [hits('lang', 'English', 16), hits('lang', 'French', 14), hits('lang', 'Italian', 4), hits('format', 'JSON', 10), hits('format', 'Tabular', 2)];
    const marker = [hits('lang', 'English', 19), hits('lang', 'French', 19), hits('lang', 'Italian', 19), hits('format', 'JSON', 19), hits('format', 'Tabular', 17)];
    const f3 = paperFindings(pair(marker, base), share)[2]!;
    // Head: (15 + 25 + 45) / 3 = 28.3 points; tail: (75 + 75) / 2 = 75 points.
    expect(f3.detail).toContain('tail +75.0 (Italian +75.0, Tabular +75.0), head +28.3');
    expect(f3.detail).toContain('text-loss gain over the baseline (nats/token): tail values 0.100, head values 0.200');
    expect(f3.holds).toBe(true);
  });

  it('fails when the frequent values rise more, and when the rare ones do not rise at all', () => {
    const base = [hits('lang', 'English', 4), hits('lang', 'French', 4), hits('lang', 'Italian', 10)];
    const marker = [hits('lang', 'English', 19), hits('lang', 'French', 19), hits('lang', 'Italian', 18)];
    expect(paperFindings(pair(marker, base), share)[2]!.holds).toBe(false);
    const none = [hits('lang', 'English', 4), hits('lang', 'French', 4), hits('lang', 'Italian', 10)];
    expect(paperFindings(pair(none, none), share)[2]!.holds).toBe(false);
  });

  it('cannot be judged, rather than fail, when most samples of a value hit the token limit', () => {
    const base = [hits('lang', 'English', 16), hits('lang', 'Italian', 4, 11)];
    const marker = [hits('lang', 'English', 10), hits('lang', 'Italian', 4)];
    const f3 = paperFindings(pair(marker, base), share)[2]!;
    expect(f3.holds).toBeNull();
    expect(f3.detail).toMatch(/head values 0.200; cannot be judged: 11 of 20 "Italian" samples hit the token limit before ending/);
  });

  it('is judged on the text loss for a sweep stored before samples were measured', () => {
    const f3 = paperFindings(pair(undefined, undefined), share)[2]!;
    expect(f3.detail).not.toContain('samples on target');
    expect(f3.detail).toContain('tail values 0.100 (Italian), head values 0.200');
    expect(f3.holds).toBe(false);
  });
});
