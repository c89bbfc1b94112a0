/** The sampling loop's plan, calibration, routers from specs and routing over stored reward parts, on the hand-made pool (A: English, B: French). */
import { describe, expect, it } from 'vitest';
import {
  buildRouter, calibrate, createStoredRewardRouter, needsCalibration, routeScored, routingContext, samplingPlan, scoreAll, summariseRewards,
} from '../../../src/lib/arbitrage/plan';
import { DEFAULT_REWARD_WEIGHTS, reweigh, rewardContext, scoreAnswer } from '../../../src/lib/arbitrage/reward';
import { createRewardRouter, createSingleRouter } from '../../../src/lib/arbitrage/routers';
import { RouterError } from '../../../src/lib/arbitrage/types';
import { dataRows, enAnswer, handCandidates, handPrompts, POOL } from './pool';

const ctx = rewardContext(dataRows());
const rc = routingContext(ctx);
const prompts = handPrompts();
const candidates = handCandidates(prompts);
const stored = scoreAll(prompts, candidates, ctx);
const expected = (p: { lang: string }): string => (p.lang === 'French' ? 'B' : 'A');

describe('sampling plan', () => {
  it('asks every teacher for a reward router and only the chosen teacher for a prompt-only one', () => {
    const all = samplingPlan(prompts, createRewardRouter(POOL, ctx), POOL);
    expect(all.map((j) => [j.teacher, j.prompts.length])).toEqual([['A', prompts.length], ['B', prompts.length]]);
    const single = samplingPlan(prompts, createSingleRouter('B'), POOL);
    expect(single.map((j) => [j.teacher, j.prompts.length])).toEqual([['B', prompts.length]]);
  });

  it('does not ask again for answers it has, and refuses a choice outside the pool', () => {
    const have = candidates.filter((c) => c.teacher === 'A');
    expect(samplingPlan(prompts, createRewardRouter(POOL, ctx), POOL, have).map((j) => j.teacher)).toEqual(['B']);
    expect(() => samplingPlan(prompts, createSingleRouter('C'), POOL)).toThrow(/C, who is not in the pool/);
  });
});

describe('stored rewards', () => {
  it('are scoreAnswer\'s, and re-weighing them gives what scoreAnswer gives under the new weights', () => {
    const s = stored[0]!;
    const p = prompts.find((q) => q.id === s.promptId)!;
    expect(s.reward).toEqual(scoreAnswer(p, s.completion, ctx));
    const weights = { ...DEFAULT_REWARD_WEIGHTS, language: 0, readability: 3 };
    expect(reweigh(s.reward, weights).total).toBeCloseTo(scoreAnswer(p, s.completion, { ...ctx, weights }).total, 12);
    expect(() => reweigh(s.reward, { ...weights, readability: -1 })).toThrow(/readability/);
  });

  it('route the reward router the way the text-reading router does', () => {
    const fromText = createRewardRouter(POOL, ctx);
    const fromStore = createStoredRewardRouter(POOL);
    for (const p of prompts) {
      const mineText = candidates.filter((c) => c.promptId === p.id);
      const mineStore = stored.filter((c) => c.promptId === p.id);
      expect(fromStore.route(p, mineStore)).toEqual(fromText.route(p, mineText));
    }
  });

  it('refuse answers without a reward and answers to unknown prompts', () => {
    expect(() => createStoredRewardRouter(POOL).route(prompts[0]!, candidates.filter((c) => c.promptId === prompts[0]!.id))).toThrow(/no reward/);
    expect(() => scoreAll(prompts.slice(1), candidates, ctx)).toThrow(RouterError);
  });
});

describe('calibration', () => {
  it('finds A best for English, B for French, and labels each prompt with its winner', () => {
    const cal = calibrate(prompts, stored, POOL, rc);
    expect(cal.best.byLanguage).toEqual({ English: 'A', French: 'B' });
    expect(cal.examples.map((e) => e.teacher)).toEqual(prompts.map(expected));
    expect(cal.means.byLanguage.English!.A).toBeGreaterThan(cal.means.byLanguage.English!.B!);
  });

  it('refuses a prompt a teacher has not answered', () => {
    expect(() => calibrate(prompts, stored.filter((c) => !(c.teacher === 'B' && c.promptId === prompts[3]!.id)), POOL, rc)).toThrow(/B has not answered/);
  });
});

describe('routers from specs', () => {
  const cal = calibrate(prompts, stored, POOL, rc);

  it('say which specs need a calibration', () => {
    expect([{ kind: 'single' }, { kind: 'single', teacher: 'A' }, { kind: 'fixed' }, { kind: 'fixed', table: {} }, { kind: 'reward' }, { kind: 'learned' }, { kind: 'random', seed: 1 }]
      .map((s) => needsCalibration(s as never))).toEqual([true, false, true, false, false, true, false]);
    expect(() => buildRouter({ kind: 'learned' }, POOL, rc)).toThrow(/needs a calibration/);
  });

  it('route every prompt to its known winner with the fixed, reward and learned routers', () => {
    for (const kind of ['fixed', 'reward', 'learned'] as const) {
      const built = buildRouter({ kind }, POOL, rc, cal);
      const routed = routeScored(prompts, built.router, stored);
      expect(routed.map((r) => r.choice.teacher), kind).toEqual(prompts.map(expected));
      expect(summariseRewards(routed, rc.languages).mean, kind).toBe(1);
    }
  });

  it('keeps the reward parts of what a prompt-only router kept, and every teacher\'s total', () => {
    const routed = routeScored(prompts, buildRouter({ kind: 'single', teacher: 'A' }, POOL, rc).router, stored);
    const fr = routed.find((r) => r.prompt.id.startsWith('fr'))!;
    expect(fr.candidate.completion).toBe(enAnswer('the Moon'));
    expect(fr.reward.parts.find((p) => p.name === 'language')!.score).toBe(0);
    expect(fr.rewards.B).toBe(1);
    expect(fr.rewards.A).toBeLessThan(1);
    const s = summariseRewards(routed, rc.languages);
    expect(s.byLanguage.French!.mean).toBeLessThan(s.byLanguage.English!.mean);
    expect(s.parts.language!.mean).toBeCloseTo(0.5, 12);
  });

  it('checks teachers named in specs against the pool', () => {
    expect(() => buildRouter({ kind: 'single', teacher: 'C' }, POOL, rc)).toThrow(/teacher C is not in the pool/);
    expect(() => buildRouter({ kind: 'fixed', table: { French: 'C' } }, POOL, rc)).toThrow(/French, C is not in the pool/);
    expect(buildRouter({ kind: 'single' }, POOL, rc, cal).description).toMatch(/calibration/);
  });

  it('under other weights, the reward router follows them: with only the judge weighed and no judge, every total is 0 and pool order decides', () => {
    const weights = { language: 0, markers: 0, readability: 0, judge: 1 };
    const routed = routeScored(prompts, createStoredRewardRouter(POOL, weights), stored, weights);
    expect(new Set(routed.map((r) => r.choice.teacher))).toEqual(new Set(['A']));
    expect(routed.every((r) => r.reward.total === 0)).toBe(true);
  });
});

describe('the learned router reads the markers a prompt asks for', () => {
  it('sends an English prompt that asks for French to the French teacher', () => {
    // Calibration: English prompts, half asking for French (where B, answering in French, wins).
    // By subject, so every template asks for both languages: only the marker tells them apart.
    const asked = prompts.filter((p) => p.lang === 'English').map((p) => ({ ...p, markers: Number(p.id.split(':')[1]) % 2 === 0 ? { lang: 'French' } : { lang: 'English' } }));
    const answers = scoreAll(asked, handCandidates(asked), ctx);
    const cal = calibrate(asked, answers, POOL, rc);
    expect(cal.examples.map((e) => e.teacher)).toEqual(asked.map((p) => (p.markers.lang === 'French' ? 'B' : 'A')));
    expect(cal.examples[0]!.prompt).toMatch(/\nlang=French$/);
    const router = buildRouter({ kind: 'learned' }, POOL, rc, cal).router;
    const probe = { id: 'probe', prompt: 'What do you know about the desert?', markers: { lang: 'French' } };
    expect(router.route(probe).teacher).toBe('B');
    expect(router.route({ ...probe, markers: { lang: 'English' } }).teacher).toBe('A');
  });
});
