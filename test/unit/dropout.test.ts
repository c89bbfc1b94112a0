import { describe, expect, it } from 'vitest';
import { applyDropout, DEFAULT_DROPOUT, DropoutError, previewDropout, validateDropout } from '../../src/lib/markers/dropout';
import type { DropoutConfig } from '../../src/lib/markers/dropout';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { parseCompletionString } from '../../src/lib/markers/template';

const taxonomy = defaultTaxonomy();
const markers = { domain: 'Medical', task: 'Explanation', lang: 'Spanish', length_bucket: 'long', quality: '0.4' };
const N = 20_000;
const ids = Array.from({ length: N }, (_, i) => `demo:${i}`);
const config = (over: Partial<DropoutConfig>): DropoutConfig => ({ ...DEFAULT_DROPOUT, overrides: {}, seed: 11, ...over });

/** |observed − p| within 4.5 binomial standard deviations: a correct sampler misses for about 1 seed in 150,000. */
function expectRate(hits: number, n: number, p: number): void {
  const tolerance = 4.5 * Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(hits / n - p), `rate ${hits / n} vs ${p} (n=${n})`).toBeLessThanOrEqual(tolerance);
}

function run(cfg: DropoutConfig, epoch = 0) {
  return ids.map((id) => applyDropout(markers, cfg, id, epoch));
}

describe('applyDropout rates over 20,000 rows', () => {
  it('drops every prompt marker for a fraction X of rows and each other marker with probability Y', () => {
    const results = run(config({ datasetRate: 0.3, sampleRate: 0.4 }));
    const datasetRows = results.filter((r) => r.datasetLevel);
    expectRate(datasetRows.length, N, 0.3);
    for (const r of datasetRows) expect(r.kept).toEqual({});
    const rest = results.filter((r) => !r.datasetLevel);
    for (const name of Object.keys(markers)) {
      expectRate(rest.filter((r) => r.dropped.includes(name)).length, rest.length, 0.4);
    }
    // Sample-level draws are independent across categories.
    expectRate(rest.filter((r) => r.dropped.includes('lang') && r.dropped.includes('domain')).length, rest.length, 0.16);
  });

  it('keeps each marker in a quarter of prompts with the paper default 50% / 50%', () => {
    const results = run({ ...DEFAULT_DROPOUT, seed: 3 });
    expectRate(results.filter((r) => 'lang' in r.kept).length, N, 0.25);
    expectRate(results.filter((r) => Object.keys(r.kept).length === 0).length, N, 0.5 + 0.5 * 0.5 ** 5);
  });

  it('applies overrides: never kept even at dataset level, always dropped, per-category rate', () => {
    const results = run(config({ datasetRate: 0.5, sampleRate: 0.5, overrides: { lang: 'never', quality: 'always', domain: 0.1 } }));
    for (const r of results) {
      expect(r.kept.lang).toBe('Spanish');
      expect(r.kept.quality).toBeUndefined();
      if (r.datasetLevel) expect(Object.keys(r.kept)).toEqual(['lang']);
    }
    const rest = results.filter((r) => !r.datasetLevel);
    expectRate(rest.filter((r) => r.dropped.includes('domain')).length, rest.length, 0.1);
    expectRate(rest.filter((r) => r.dropped.includes('task')).length, rest.length, 0.5);
  });

  it('keeps everything at 0 / 0 and drops everything at X = 1', () => {
    for (const r of run(config({ datasetRate: 0, sampleRate: 0 })).slice(0, 500)) expect(r.kept).toEqual(markers);
    for (const r of run(config({ datasetRate: 1, sampleRate: 0 })).slice(0, 500)) {
      expect(r).toEqual({ kept: {}, dropped: Object.keys(markers), datasetLevel: true });
    }
  });
});

describe('applyDropout determinism', () => {
  const cfg = config({});

  it('depends only on seed, row id and epoch, not on visiting order', () => {
    const forward = ids.slice(0, 300).map((id) => applyDropout(markers, cfg, id, 2));
    const backward = [...ids.slice(0, 300)].reverse().map((id) => applyDropout(markers, cfg, id, 2)).reverse();
    expect(backward).toEqual(forward);
  });

  it('does not depend on the order of the marker keys', () => {
    const reversed = Object.fromEntries(Object.entries(markers).reverse());
    for (const id of ids.slice(0, 300)) {
      expect(new Set(applyDropout(reversed, cfg, id, 0).dropped)).toEqual(new Set(applyDropout(markers, cfg, id, 0).dropped));
    }
  });

  it('draws afresh each epoch and for each seed', () => {
    const e0 = run(cfg, 0), e1 = run(cfg, 1), s2 = run({ ...cfg, seed: 12 }, 0);
    // Independent draws with X = 0.5 agree on the dataset-level decision half the time.
    expectRate(e0.filter((r, i) => r.datasetLevel === e1[i]!.datasetLevel).length, N, 0.5);
    expectRate(e0.filter((r, i) => r.datasetLevel === s2[i]!.datasetLevel).length, N, 0.5);
  });

  it('only ever drops more when a rate goes up', () => {
    for (const id of ids.slice(0, 2000)) {
      const low = applyDropout(markers, config({ datasetRate: 0.2, sampleRate: 0.3 }), id, 0);
      const high = applyDropout(markers, config({ datasetRate: 0.4, sampleRate: 0.6 }), id, 0);
      for (const name of low.dropped) expect(high.dropped).toContain(name);
    }
  });
});

describe('validateDropout', () => {
  it('accepts the default and rejects bad rates, seeds and overrides with the field named', () => {
    expect(validateDropout(DEFAULT_DROPOUT, taxonomy)).toBe(DEFAULT_DROPOUT);
    expect(() => validateDropout(config({ datasetRate: 1.5 }))).toThrow(/datasetRate must be a number in \[0, 1\], got 1.5/);
    expect(() => validateDropout(config({ sampleRate: Number.NaN }))).toThrow(DropoutError);
    expect(() => validateDropout(config({ seed: Number.POSITIVE_INFINITY }))).toThrow(/seed/);
    expect(() => validateDropout(config({ overrides: { lang: -0.1 } }))).toThrow(/override for "lang"/);
    expect(() => validateDropout(config({ overrides: { lang: 'sometimes' as 'never' } }))).toThrow(/override for "lang"/);
    expect(() => validateDropout(config({ overrides: { lnag: 'never' } }), taxonomy)).toThrow(/unknown category "lnag"/);
  });
});

describe('previewDropout', () => {
  const row = { id: 'demo:7', prompt: 'Explica la fotosíntesis.', completion: 'La fotosíntesis convierte la luz en energía.', markers };

  it('shows the input with the kept markers and the target with all of them, leaving the row untouched', () => {
    const before = structuredClone(row);
    for (let epoch = 0; epoch < 20; epoch++) {
      const p = previewDropout(row, config({}), taxonomy, epoch);
      const full = parseCompletionString(p.targetString, taxonomy);
      expect(full).toEqual({ markers, completion: row.completion, issues: [] });
      expect(p.inputString.startsWith(row.prompt)).toBe(true);
      for (const name of p.dropped) expect(p.inputString).not.toContain(`<${name}>`);
      for (const name of Object.keys(p.kept)) expect(p.inputString).toContain(`<${name}>`);
      expect(p.inputString.includes('<MARKER_LIST>')).toBe(Object.keys(p.kept).length > 0);
    }
    expect(row).toEqual(before);
  });

  it('validates the config against the taxonomy', () => {
    expect(() => previewDropout(row, config({ overrides: { colour: 'never' } }), taxonomy)).toThrow(/colour/);
  });
});
