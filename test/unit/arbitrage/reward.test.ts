/** The arbitrage reward on hand-made answers: each part on its own, then how they combine. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REWARD_WEIGHTS, judgeScore, markerChecks, rewardContext, scoreAnswer, type RewardBreakdown, type RewardContext, type RewardPartName,
} from '../../../src/lib/arbitrage/reward';
import { EVAL_MEASURES, independentMeasures, rewardOverlaps } from '../../../src/lib/arbitrage/overlap';
import type { ArbitragePrompt } from '../../../src/lib/arbitrage/types';
import { dataRows, enAnswer, frAnswer } from './pool';

const RULE = { mode: 'fixed', concise: 40, medium: 100 } as const;
const ctx: RewardContext = rewardContext(dataRows(), { lengthRule: RULE });
const part = (r: RewardBreakdown, name: RewardPartName): number | null => r.parts.find((p) => p.name === name)!.score;
const ask = (prompt: string, markers: Record<string, string> = {}): ArbitragePrompt => ({ id: 'p', prompt, markers });

const FR_PROMPT = ask('Que peux-tu me dire sur la Lune ?');
const EN_PROMPT = ask('What do you know about the Moon?');

describe('rewardContext', () => {
  it('takes the languages, one vocabulary per language and the given length rule from the rows', () => {
    expect(ctx.languages).toEqual(['English', 'French']);
    expect(ctx.vocabularies.French!.has('beaucoup')).toBe(true);
    expect(ctx.vocabularies.French!.has('many')).toBe(false);
    expect(ctx.lengthRule).toEqual(RULE);
    expect(ctx.weights).toEqual(DEFAULT_REWARD_WEIGHTS);
  });

  it('refuses negative or all-zero weights', () => {
    expect(() => rewardContext(dataRows(), { weights: { language: -1 } })).toThrow(RangeError);
    expect(() => rewardContext(dataRows(), { weights: { language: 0, markers: 0, readability: 0, judge: 0 } })).toThrow(RangeError);
  });
});

describe('the language part', () => {
  it('is 1 for an answer in the prompt\'s language, identified among the data\'s languages', () => {
    expect(part(scoreAnswer(FR_PROMPT, frAnswer('la Lune'), ctx), 'language')).toBe(1);
    expect(part(scoreAnswer(EN_PROMPT, enAnswer('the Moon'), ctx), 'language')).toBe(1);
  });

  it('is 0 for an answer in another language or in none', () => {
    expect(part(scoreAnswer(FR_PROMPT, enAnswer('the Moon'), ctx), 'language')).toBe(0);
    expect(part(scoreAnswer(FR_PROMPT, '12345 !!!', ctx), 'language')).toBe(0);
  });

  it('follows the lang marker the prompt carries over the language it is written in', () => {
    const crossLingual = ask('What do you know about the Moon?', { lang: 'French' });
    expect(part(scoreAnswer(crossLingual, frAnswer('la Lune'), ctx), 'language')).toBe(1);
    expect(part(scoreAnswer(crossLingual, enAnswer('the Moon'), ctx), 'language')).toBe(0);
  });

  it('does not apply when the prompt is too short to tell and names no language', () => {
    expect(part(scoreAnswer(ask('Hi?'), enAnswer('the Moon'), ctx), 'language')).toBeNull();
  });
});

describe('the markers part', () => {
  const short = 'The Moon is bright tonight.'; // 27 characters: concise under the rule
  const list = '- The Moon changes with the seasons.\n- Many people want to know more about the Moon.';

  it('checks the requested length bucket by the data\'s length rule', () => {
    expect(part(scoreAnswer(ask(EN_PROMPT.prompt, { length_bucket: 'concise' }), short, ctx), 'markers')).toBe(1);
    expect(part(scoreAnswer(ask(EN_PROMPT.prompt, { length_bucket: 'long' }), short, ctx), 'markers')).toBe(0);
  });

  it('checks the requested format with the format detector', () => {
    const checks = markerChecks(ask('List facts.', { format: 'Enumeration' }), list, RULE);
    expect(checks).toEqual([{ category: 'format', requested: 'Enumeration', measured: 'Enumeration', ok: true }]);
    const prose = markerChecks(ask('List facts.', { format: 'Enumeration' }), enAnswer('the Moon'), RULE);
    expect(prose).toEqual([{ category: 'format', requested: 'Enumeration', measured: null, ok: false }]);
  });

  it('is the share of the requests obeyed', () => {
    const r = scoreAnswer(ask(EN_PROMPT.prompt, { length_bucket: 'concise', format: 'Enumeration' }), list, ctx);
    expect(r.checks.map((c) => c.ok)).toEqual([false, true]);
    expect(part(r, 'markers')).toBe(0.5);
  });

  it('does not apply without requests, and leaves length unchecked without a length rule', () => {
    expect(part(scoreAnswer(EN_PROMPT, short, ctx), 'markers')).toBeNull();
    const noRule: RewardContext = { ...ctx, lengthRule: undefined };
    expect(part(scoreAnswer(ask(EN_PROMPT.prompt, { length_bucket: 'long' }), short, noRule), 'markers')).toBeNull();
  });
});

describe('the readability part', () => {
  it('is the share of the answer\'s words found in the target language\'s vocabulary', () => {
    expect(part(scoreAnswer(FR_PROMPT, frAnswer('la Lune'), ctx), 'readability')).toBe(1);
    // 4 words, 2 of them invented.
    expect(part(scoreAnswer(FR_PROMPT, 'Beaucoup de glorbs fnurpent.', ctx), 'readability')).toBe(0.5);
    // English words are not French words.
    expect(part(scoreAnswer(FR_PROMPT, 'Many people want', ctx), 'readability')).toBe(0);
  });

  it('does not apply to a language the data has no vocabulary for', () => {
    expect(part(scoreAnswer(ask('Hallo', { lang: 'German' }), 'Der Mond ist hell.', ctx), 'readability')).toBeNull();
  });
});

describe('the judge part', () => {
  it('is the caller\'s number when given, absent otherwise', () => {
    expect(part(scoreAnswer(EN_PROMPT, enAnswer('the Moon'), ctx, 0.25), 'judge')).toBe(0.25);
    expect(part(scoreAnswer(EN_PROMPT, enAnswer('the Moon'), ctx), 'judge')).toBeNull();
    expect(() => scoreAnswer(EN_PROMPT, 'x', ctx, 1.5)).toThrow(RangeError);
  });

  it('turns a mean log-probability into a per-token probability', () => {
    expect(judgeScore(Math.log(0.5))).toBeCloseTo(0.5, 12);
    expect(judgeScore(0)).toBe(1);
    expect(() => judgeScore(0.3)).toThrow(RangeError);
  });
});

describe('the total', () => {
  it('is the weighted mean of the parts that apply', () => {
    // language 1 (weight 2), markers 0 (weight 1), readability 1 (weight 1), judge 0.5 (weight 1).
    const r = scoreAnswer(ask(FR_PROMPT.prompt, { format: 'JSON' }), frAnswer('la Lune'), ctx, 0.5);
    expect(r.parts.map((p) => p.score)).toEqual([1, 0, 1, 0.5]);
    expect(r.total).toBeCloseTo((2 * 1 + 0 + 1 + 0.5) / 5, 12);
  });

  it('leaves out parts that do not apply or weigh nothing', () => {
    const r = scoreAnswer(FR_PROMPT, enAnswer('the Moon'), { ...ctx, weights: { ...ctx.weights, language: 0 } });
    // Only readability counts: of the 16 English words only "a" is also a French word of the data.
    expect(part(r, 'readability')).toBe(1 / 16);
    expect(r.total).toBe(1 / 16);
    const none = scoreAnswer(ask('Hi?'), 'Hello.', ctx);
    expect(none.parts.every((p) => p.score === null)).toBe(true);
    expect(none.total).toBe(0);
  });

  it('ranks the answer in the right language above the one in the wrong language', () => {
    expect(scoreAnswer(FR_PROMPT, frAnswer('la Lune'), ctx).total).toBeGreaterThan(scoreAnswer(FR_PROMPT, enAnswer('the Moon'), ctx).total);
  });
});

describe('overlaps with the final evaluation', () => {
  it('names, for every reward part, the evaluation measures it shares', () => {
    const overlaps = rewardOverlaps(DEFAULT_REWARD_WEIGHTS, { judged: true });
    expect(new Set(overlaps.map((o) => o.part))).toEqual(new Set(['language', 'markers', 'readability', 'judge']));
    for (const o of overlaps) expect(Object.keys(EVAL_MEASURES)).toContain(o.measure);
    expect(overlaps.find((o) => o.part === 'language')).toMatchObject({ measure: 'language_adherence', kind: 'same', active: true });
  });

  it('marks a part inactive when it weighs nothing, and the judge when none was picked', () => {
    const w = { ...DEFAULT_REWARD_WEIGHTS, readability: 0 };
    const active = rewardOverlaps(w).filter((o) => o.active).map((o) => o.measure);
    expect(active).toEqual(['language_adherence', 'length_adherence', 'format_adherence']);
    expect(independentMeasures(w)).toEqual(['readability', 'heldout_loss']);
    expect(independentMeasures(DEFAULT_REWARD_WEIGHTS, { judged: true })).toEqual([]);
  });
});
