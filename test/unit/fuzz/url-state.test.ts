/** URL state (read-only use of src/lib/state/url.ts): parsing never throws, and valid states round-trip. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_URL_STATE, MAX_URL_PROMPT, readUrlState, VIEWS, writeUrlState, type UrlState } from '../../../src/lib/state/url';
import { params } from './arbitraries';

const keys = fc.constantFrom('view', 'data', 'preset', 'steps', 'batch', 'lr', 'dd', 'sd', 'mode', 'prompt', 't', 'k', 'p', 'seed', 'm.lang', 'm.__proto__', 'm.constructor', 'm.', 'x');
const values = fc.oneof(fc.string(), fc.constantFrom('NaN', 'Infinity', '-1', '1e309', '0x10', ' 5 ', '', '%', '%zz', '1.5', 'fixed', 'train'));

describe('readUrlState', () => {
  it('never throws on any string, and always returns a state within bounds', () => {
    const search = fc.oneof(
      fc.string(),
      fc.array(fc.tuple(keys, values), { maxLength: 8 }).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
    );
    fc.assert(fc.property(search, (s) => {
      const state = readUrlState(s);
      expect(VIEWS).toContain(state.view);
      expect(Number.isFinite(state.lr) && state.lr > 0).toBe(true);
      expect(state.prompt.length).toBeLessThanOrEqual(MAX_URL_PROMPT);
      expect(Object.getPrototypeOf(state.markers)).toBe(Object.prototype);
      for (const name of Object.keys(state.markers)) expect(name in Object.prototype).toBe(false);
    }), params());
  });

  it('round-trips every valid state', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/).filter((n) => !(n in Object.prototype));
    const state: fc.Arbitrary<UrlState> = fc.record({
      view: fc.constantFrom(...VIEWS),
      dataset: fc.string({ minLength: 1, maxLength: 64 }),
      preset: fc.constantFrom('nano', 'tiny', 'small'),
      steps: fc.integer({ min: 1, max: 1_000_000 }),
      batchSize: fc.integer({ min: 1, max: 4096 }),
      lr: fc.double({ min: 1e-8, max: 1, noNaN: true }),
      datasetDropout: fc.double({ min: 0, max: 1, noNaN: true }),
      sampleDropout: fc.double({ min: 0, max: 1, noNaN: true }),
      markers: fc.dictionary(name, fc.string({ minLength: 1, maxLength: 64 }), { maxKeys: 4 }),
      mode: fc.constantFrom('inferred', 'fixed'),
      prompt: fc.string({ maxLength: MAX_URL_PROMPT }),
      temperature: fc.double({ min: 0, max: 5, noNaN: true }),
      topK: fc.integer({ min: 0, max: 100_000 }),
      topP: fc.double({ min: 0, max: 1, minExcluded: true, noNaN: true }),
      seed: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    }) as fc.Arbitrary<UrlState>;
    fc.assert(fc.property(state, (s) => {
      const back = readUrlState(writeUrlState(s));
      // -0 is written as "0"; everything else comes back as it was.
      expect(back).toEqual({ ...s, datasetDropout: s.datasetDropout || 0, sampleDropout: s.sampleDropout || 0, topP: s.topP });
    }), params());
  });

  it('the default state writes the empty query', () => {
    expect(writeUrlState({ ...DEFAULT_URL_STATE })).toBe('');
  });
});
