import { describe, expect, it } from 'vitest';
import { DEFAULT_URL_STATE, readUrlState, writeUrlState, type UrlState } from '../../src/lib/state/url';

describe('URL state', () => {
  it('opens on the defaults with no query', () => {
    expect(readUrlState('')).toEqual(DEFAULT_URL_STATE);
    expect(writeUrlState({ ...DEFAULT_URL_STATE })).toBe('');
  });

  it('round-trips every setting, markers included', () => {
    const state: UrlState = {
      view: 'compare', dataset: 'udhr', preset: 'nano', steps: 250, batchSize: 8, lr: 0.001,
      datasetDropout: 0.7, sampleDropout: 0.25, markers: { lang: 'French', length_bucket: 'long' },
      mode: 'fixed', prompt: 'Write & explain: a=b?', temperature: 1.2, topK: 40, topP: 0.9, seed: -3,
    };
    const search = writeUrlState(state);
    expect(readUrlState(search)).toEqual(state);
    expect(search).toContain('m.lang=French');
  });

  it('falls back per field on values that do not parse, keeping the others', () => {
    const s = readUrlState('?view=admin&preset=huge&t=abc&dd=1.5&steps=2.5&k=-1&seed=7&mode=FIXED&m.lang=German');
    expect(s).toMatchObject({ view: 'play', preset: 'tiny', temperature: 0.8, datasetDropout: 0.5, steps: 1000, topK: 0, seed: 7, mode: 'inferred' });
    expect(s.markers).toEqual({ lang: 'German' });
  });

  it('refuses marker names that could reach Object.prototype or are not names', () => {
    const s = readUrlState('?m.__proto__=x&m.constructor=y&m.a%20b=z&m.lang=&m.domain=Legal');
    expect(Object.keys(s.markers)).toEqual(['domain']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.getPrototypeOf(s.markers)).toBe(Object.prototype);
  });

  it('cuts an over-long prompt instead of dropping the link', () => {
    const long = 'x'.repeat(2000);
    expect(readUrlState(`?prompt=${long}`).prompt).toHaveLength(500);
  });
});
