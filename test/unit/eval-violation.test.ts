import { describe, expect, it } from 'vitest';
import { judge, measuredValue, violationRate, violationRates, type Measured } from '../../src/lib/eval/violation';
import type { LengthThresholds } from '../../src/lib/markers/annotate-dataset';

// concise: < 100 tokens; medium: 100–300; long: > 300.
const lengthThresholds: LengthThresholds = { mode: 'fixed', concise: 100, medium: 300 };

const sample = (lengthTokens: number, lang?: string, format?: string): Measured => ({
  lengthTokens,
  ...(lang ? { lang } : {}),
  ...(format ? { format } : {}),
});

describe('measuredValue', () => {
  it('buckets lengths with the training data thresholds, edges included', () => {
    expect(measuredValue('length_bucket', sample(99), { lengthThresholds })).toBe('concise');
    expect(measuredValue('length_bucket', sample(100), { lengthThresholds })).toBe('medium');
    expect(measuredValue('length_bucket', sample(300), { lengthThresholds })).toBe('medium');
    expect(measuredValue('length_bucket', sample(301), { lengthThresholds })).toBe('long');
    expect(measuredValue('length_bucket', sample(301))).toBeUndefined();
  });

  it('reads language and format as measured, undefined when nothing was identified', () => {
    expect(measuredValue('lang', sample(10, 'German'))).toBe('German');
    expect(measuredValue('lang', sample(10))).toBeUndefined();
    expect(measuredValue('format', sample(10, 'English', 'JSON'))).toBe('JSON');
    expect(measuredValue('format', sample(10, 'English'))).toBeUndefined();
  });
});

describe('violationRate', () => {
  it('counts samples outside the requested length bucket', () => {
    // Requested concise: 40 and 99 agree; 100 (medium), 250 (medium) and 900 (long) violate.
    const samples = [sample(40), sample(99), sample(100), sample(250), sample(900)];
    expect(violationRate('length_bucket', 'concise', samples, { lengthThresholds })).toEqual({
      category: 'length_bucket', requested: 'concise', n: 5, cutShort: 0, violations: 3, rate: 0.6, unidentified: 0,
    });
    expect(violationRate('length_bucket', 'long', samples, { lengthThresholds })).toMatchObject({ n: 5, violations: 4, rate: 0.8 });
    expect(violationRate('length_bucket', 'medium', samples, { lengthThresholds })).toMatchObject({ n: 5, violations: 3, rate: 0.6 });
  });

  it('cannot judge length without thresholds or with a value that is no bucket', () => {
    const r = violationRate('length_bucket', 'long', [sample(900)]);
    expect(r).toEqual({ category: 'length_bucket', requested: 'long', unavailable: expect.stringMatching(/length thresholds/) });
    expect(violationRate('length_bucket', 'huge', [sample(900)], { lengthThresholds })).toHaveProperty('unavailable');
  });

  it('counts an unidentified language as a violation and reports it separately', () => {
    const samples = [sample(60, 'French'), sample(60, 'French'), sample(60, 'Spanish'), sample(5)];
    expect(violationRate('lang', 'French', samples)).toEqual({
      category: 'lang', requested: 'French', n: 4, cutShort: 0, violations: 2, rate: 0.5, unidentified: 1,
    });
  });

  it('counts plain prose (no format detected) as violating a requested format', () => {
    const samples = [sample(60, 'English', 'JSON'), sample(60, 'English'), sample(60, 'English', 'Enumeration'), sample(60, 'English', 'JSON')];
    expect(violationRate('format', 'JSON', samples)).toEqual({
      category: 'format', requested: 'JSON', n: 4, cutShort: 0, violations: 2, rate: 0.5, unidentified: 1,
    });
  });

  it('leaves out samples cut short before their length was known, unless already too long', () => {
    const cut = (lengthTokens: number, lang?: string): Measured => ({ ...sample(lengthTokens, lang), finished: false });
    // Requested concise: cut at 40 is unknown (could have ended there or grown), cut at 150 is already medium.
    const samples = [sample(40), sample(150), cut(40), cut(150), cut(400)];
    expect(violationRate('length_bucket', 'concise', samples, { lengthThresholds })).toEqual({
      category: 'length_bucket', requested: 'concise', n: 4, cutShort: 1, violations: 3, rate: 0.75, unidentified: 0,
    });
    // Requested long: cut at 400 is already long (agrees whatever follows); cut at 40 and 150 might still get there.
    expect(violationRate('length_bucket', 'long', samples, { lengthThresholds })).toMatchObject({ n: 3, cutShort: 2, violations: 2, rate: 2 / 3 });
    // Language is judged on cut samples as they stand.
    expect(violationRate('lang', 'French', [cut(40, 'French'), cut(40)])).toMatchObject({ n: 2, cutShort: 0, violations: 1 });
  });

  it('has no rate without samples', () => {
    expect(violationRate('lang', 'French', [])).toEqual({ category: 'lang', requested: 'French', n: 0, cutShort: 0, violations: 0, rate: null, unidentified: 0 });
  });
});

describe('judge', () => {
  it('gives one sample’s verdict, unknown only for the length of a cut sample that may still fit', () => {
    const o = { lengthThresholds };
    expect(judge('length_bucket', 'medium', sample(150), o)).toBe('agrees');
    expect(judge('length_bucket', 'medium', { ...sample(50), finished: false }, o)).toBe('unknown');
    expect(judge('length_bucket', 'medium', { ...sample(150), finished: false }, o)).toBe('unknown');
    expect(judge('length_bucket', 'medium', { ...sample(350), finished: false }, o)).toBe('violates');
    expect(judge('length_bucket', 'long', { ...sample(350), finished: false }, o)).toBe('agrees');
    expect(judge('format', 'JSON', { ...sample(50), finished: false })).toBe('violates');
  });
});

describe('violationRates', () => {
  it('judges only the requested categories, in a fixed order', () => {
    const samples = [sample(50, 'English', 'Enumeration'), sample(400, 'English')];
    const results = violationRates({ format: 'Enumeration', domain: 'Legal', length_bucket: 'concise' }, samples, { lengthThresholds });
    expect(results).toEqual([
      { category: 'length_bucket', requested: 'concise', n: 2, cutShort: 0, violations: 1, rate: 0.5, unidentified: 0 },
      { category: 'format', requested: 'Enumeration', n: 2, cutShort: 0, violations: 1, rate: 0.5, unidentified: 1 },
    ]);
  });

  it('is empty when no judged category is requested (the model infers everything)', () => {
    expect(violationRates({}, [sample(50, 'English')], { lengthThresholds })).toEqual([]);
    expect(violationRates({ domain: 'Legal' }, [sample(50, 'English')], { lengthThresholds })).toEqual([]);
  });
});
