import { describe, expect, it } from 'vitest';
import { trainedLanguages } from '../../src/lib/model/checkpoint-record';
import { DEFAULT_EVAL } from '../../src/lib/experiment/sweep';
import { seenValues, TAIL_SHARE, trainedRows, unseenNote, valueChoices } from '../../src/lib/state/value-choices';

const LANG = { English: 150, French: 40, Italian: 10 };

describe('trainedRows', () => {
  it('is the fullest category’s total (rows without a marker are not counted under it)', () => {
    expect(trainedRows({ lang: LANG, format: { JSON: 12 } })).toBe(200);
    expect(trainedRows({})).toBe(0);
  });
});

describe('valueChoices', () => {
  it('offers only the values the rows had, in taxonomy order, with their share, the long tail marked rare', () => {
    const { choices, unseen } = valueChoices(['English', 'Korean', 'French', 'Italian', 'Greek'], LANG, 200);
    expect(choices.map((c) => c.label)).toEqual(['English · 75%', 'French · 20%', 'Italian · 5.0% · rare']);
    expect(choices.map((c) => [c.value, c.count, c.tail])).toEqual([['English', 150, false], ['French', 40, false], ['Italian', 10, true]]);
    expect(choices[2]!.share).toBeCloseTo(0.05);
    expect(unseen).toEqual(['Korean', 'Greek']);
  });

  it('uses the experiments’ tail threshold: just over it is head', () => {
    expect(TAIL_SHARE).toBe(DEFAULT_EVAL.tailShare);
    expect(valueChoices(['a', 'b'], { a: 949, b: 51 }, 1000).choices.map((c) => c.tail)).toEqual([false, false]);
    expect(valueChoices(['a', 'b'], { a: 950, b: 50 }, 1000).choices.map((c) => c.tail)).toEqual([false, true]);
  });

  it('offers every value, unlabelled, when the checkpoint records no counts', () => {
    const { choices, unseen } = valueChoices(['English', 'Korean'], undefined, 0);
    expect(choices).toEqual([
      { value: 'English', count: null, share: null, tail: false, label: 'English' },
      { value: 'Korean', count: null, share: null, tail: false, label: 'Korean' },
    ]);
    expect(unseen).toEqual([]);
  });
});

describe('unseenNote', () => {
  it('counts the values left out', () => {
    expect(unseenNote([])).toBeNull();
    expect(unseenNote(['Korean'])).toBe('1 value never in the training data');
    expect(unseenNote(['Korean', 'Greek', 'Hindi'])).toBe('3 values never in the training data');
  });
});

describe('seenValues', () => {
  it('leaves out values no row had and says how much probability they held', () => {
    const dist = [{ value: 'English', p: 0.7 }, { value: 'Korean', p: 0.05 }, { value: 'Italian', p: 0.2 }, { value: 'Greek', p: 0.05 }];
    const seen = seenValues(dist, LANG);
    expect(seen.shown.map((v) => v.value)).toEqual(['English', 'Italian']);
    expect(seen.hidden).toBe(2);
    expect(seen.hiddenMass).toBeCloseTo(0.1);
    expect(seenValues(dist, undefined)).toEqual({ shown: dist, hidden: 0, hiddenMass: 0 });
  });
});

describe('trainedLanguages', () => {
  it('names the languages the rows had, or nothing when the counts do not say', () => {
    expect(trainedLanguages({ lang: LANG, domain: { Legal: 3 } })).toEqual(['English', 'French', 'Italian']);
    expect(trainedLanguages({ lang: {} })).toBeUndefined();
    expect(trainedLanguages({ domain: { Legal: 3 } })).toBeUndefined();
    expect(trainedLanguages(undefined)).toBeUndefined();
  });
});
