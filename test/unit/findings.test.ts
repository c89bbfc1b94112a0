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

function cells(fixed: SampledLengths): CellResult[] {
  const even = sampled({ concise: [[30, true]], medium: [[80, true]], long: [[200, true]] }, 0.4);
  return [
    { cell: { id: 'baseline-s1', label: 'b', markers: false, datasetRate: 0, sampleRate: 0, seed: 1 }, train, lengths: { baseline: sampled({ concise: [[100, true]] }, 0.7) }, losses: [], evalMs: 0 },
    { cell: { id: 'x0.5', label: 'x', markers: true, datasetRate: 0.5, sampleRate: 0.5, seed: 1 }, train, lengths: { inferred: even, fixed }, losses: [], evalMs: 0 },
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
});
