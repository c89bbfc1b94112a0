/** The learned router: features, training towards the reward's choices, determinism, explanations. */
import { describe, expect, it } from 'vitest';
import { createLearnedRouter, explainRoute, predictTeacher, trainRouter, type RouterExample } from '../../../src/lib/arbitrage/learned';
import { charNgrams, DEFAULT_NGRAMS, featurize, hashNgram } from '../../../src/lib/arbitrage/ngrams';
import { rewardContext } from '../../../src/lib/arbitrage/reward';
import { createRewardRouter } from '../../../src/lib/arbitrage/routers';
import { RouterError } from '../../../src/lib/arbitrage/types';
import { dataRows, handCandidates, handPrompts, POOL, SUBJECTS } from './pool';

describe('hashed character n-grams', () => {
  it('are the padded, lower-cased n-grams of the text, by code point', () => {
    expect(charNgrams('Le', 1, 2)).toEqual([' ', 'l', 'e', ' ', ' l', 'le', 'e ']);
    expect(charNgrams('  A\n b ', 3, 3)).toEqual([' a ', 'a b', ' b ']);
    expect(charNgrams('👍x', 2, 2)).toEqual([' 👍', '👍x', 'x ']);
  });

  it('hash into [0, dim) the same way every time', () => {
    const h = hashNgram('qu', 4096);
    expect(h).toBe(hashNgram('qu', 4096));
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThan(4096);
    expect(hashNgram('qu', 7)).toBeLessThan(7);
  });

  it('make a unit-length sparse vector with sorted, distinct buckets', () => {
    const f = featurize('Que peux-tu me dire sur la Lune ?');
    expect(f.index.length).toBe(f.value.length);
    expect(f.value.reduce((a, v) => a + v * v, 0)).toBeCloseTo(1, 12);
    for (let i = 1; i < f.index.length; i++) expect(f.index[i]!).toBeGreaterThan(f.index[i - 1]!);
    expect(() => featurize('x', { ...DEFAULT_NGRAMS, minN: 3, maxN: 2 })).toThrow(RangeError);
  });
});

// Labels come from the reward router on the hand-made pool: B (French answers) for French prompts.
const ctx = rewardContext(dataRows());
const reward = createRewardRouter(POOL, ctx);
function labelled(subjects: typeof SUBJECTS): Array<RouterExample & { lang: string }> {
  const prompts = handPrompts(subjects);
  const candidates = handCandidates(prompts, subjects);
  return prompts.map((p) => ({ prompt: p.prompt, lang: p.lang, teacher: reward.route(p, candidates.filter((c) => c.promptId === p.id)).teacher }));
}
const train = labelled(SUBJECTS.slice(0, 7));
const heldOut = labelled(SUBJECTS.slice(7));

describe('training towards the reward\'s choices', () => {
  it('has labels that separate the languages (the reward chose B for French prompts, A for English)', () => {
    for (const e of [...train, ...heldOut]) expect(e.teacher, e.prompt).toBe(e.lang === 'French' ? 'B' : 'A');
  });

  const { model, losses } = trainRouter(train, POOL, { seed: 3 });

  it('lowers its loss and agrees with the reward on every training prompt', () => {
    expect(losses).toHaveLength(200);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 5);
    for (const e of train) expect(predictTeacher(model, e.prompt).teacher, e.prompt).toBe(e.teacher);
  });

  it('agrees with the reward on held-out prompts about other subjects', () => {
    for (const e of heldOut) expect(predictTeacher(model, e.prompt).teacher, e.prompt).toBe(e.teacher);
  });

  it('routes through the Router interface, with the probabilities in its reason', () => {
    const router = createLearnedRouter(model);
    const choice = router.route({ id: 'q', prompt: 'Parle-moi de tout ce qui concerne la rivière.', markers: {} });
    expect(router.needs).toBe('prompt');
    expect(choice.teacher).toBe('B');
    expect(choice.why).toMatch(/^learned: A 0\.\d\d, B 0\.\d\d$/);
    const { probs } = predictTeacher(model, 'Hello there');
    expect(probs.reduce((a, p) => a + p, 0)).toBeCloseTo(1, 12);
  });

  it('explains a choice by n-grams of the prompt that favour the chosen teacher', () => {
    const prompt = 'Que peux-tu me dire sur la montagne ?';
    const why = explainRoute(model, prompt, 5);
    expect(why).toHaveLength(5);
    const grams = new Set(charNgrams(prompt, 1, 4));
    for (const w of why) {
      expect(grams.has(w.ngram)).toBe(true);
      expect(w.contribution).toBeGreaterThan(0);
    }
    for (let i = 1; i < why.length; i++) expect(why[i]!.contribution).toBeLessThanOrEqual(why[i - 1]!.contribution);
  });
});

describe('determinism', () => {
  it('gives the same weights and losses for the same seed', () => {
    const a = trainRouter(train, POOL, { seed: 5, epochs: 20 });
    const b = trainRouter(train, POOL, { seed: 5, epochs: 20 });
    expect(b.model.weights).toEqual(a.model.weights);
    expect(b.model.bias).toEqual(a.model.bias);
    expect(b.losses).toEqual(a.losses);
  });

  it('orders mini-batches by the seed (other seed, other path), not by anything else', () => {
    const a = trainRouter(train, POOL, { seed: 5, epochs: 20 });
    const c = trainRouter(train, POOL, { seed: 6, epochs: 20 });
    expect(c.model.weights).not.toEqual(a.model.weights);
    const full = trainRouter(train, POOL, { seed: 5, epochs: 20, batchSize: 10_000 });
    const fullOtherSeed = trainRouter(train, POOL, { seed: 6, epochs: 20, batchSize: 10_000 });
    expect(fullOtherSeed.model.weights).toEqual(full.model.weights); // one batch: the order cannot matter
  });
});

describe('checks', () => {
  it('refuses labels outside the pool and bad settings', () => {
    expect(() => trainRouter([{ prompt: 'x', teacher: 'C' }], POOL)).toThrow(RouterError);
    expect(() => trainRouter(train, POOL, { learningRate: 0 })).toThrow(RangeError);
    expect(() => trainRouter(train, [])).toThrow(RouterError);
  });

  it('with no examples, predicts the first teacher with equal probabilities', () => {
    const { model, losses } = trainRouter([], POOL);
    expect(losses).toEqual([]);
    expect(predictTeacher(model, 'anything')).toEqual({ teacher: 'A', probs: new Float64Array([0.5, 0.5]) });
  });
});
