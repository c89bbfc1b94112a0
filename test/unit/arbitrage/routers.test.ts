/** The prompt-only and reward routers on a hand-made pool whose winners are known (A: English, B: French). */
import { describe, expect, it } from 'vitest';
import { rewardContext } from '../../../src/lib/arbitrage/reward';
import {
  bestCandidate, bestTeachers, checkPool, createFixedRouter, createRandomRouter, createRewardRouter, createSingleRouter, scoreCandidates,
} from '../../../src/lib/arbitrage/routers';
import { candidateFromSample, RouterError } from '../../../src/lib/arbitrage/types';
import { dataRows, enAnswer, frAnswer, handCandidates, handPrompts, LANGS, POOL } from './pool';

const ctx = rewardContext(dataRows());
const prompts = handPrompts();
const candidates = handCandidates(prompts);
const expected = (p: { lang: string }): string => (p.lang === 'French' ? 'B' : 'A');

describe('single router', () => {
  it('sends every prompt to its teacher', () => {
    const r = createSingleRouter('B');
    expect(r.needs).toBe('prompt');
    expect(prompts.every((p) => r.route(p).teacher === 'B')).toBe(true);
  });
});

describe('random router', () => {
  it('depends only on the seed and the prompt id, not on the order', () => {
    const a = createRandomRouter(POOL, 7);
    const forward = prompts.map((p) => a.route(p).teacher);
    const backward = [...prompts].reverse().map((p) => createRandomRouter(POOL, 7).route(p).teacher).reverse();
    expect(backward).toEqual(forward);
  });

  it('uses every teacher and changes with the seed', () => {
    const seven = prompts.map((p) => createRandomRouter(POOL, 7).route(p).teacher);
    const eight = prompts.map((p) => createRandomRouter(POOL, 8).route(p).teacher);
    expect(new Set(seven)).toEqual(new Set(POOL));
    expect(eight).not.toEqual(seven);
  });
});

describe('fixed router', () => {
  const router = createFixedRouter({ table: { French: 'B' }, fallback: 'A', among: LANGS });

  it('identifies the prompt\'s language and looks it up', () => {
    for (const p of prompts) expect(router.route(p).teacher, p.prompt).toBe(expected(p));
    expect(router.route(prompts.find((p) => p.lang === 'French')!).why).toBe('French → B (table)');
  });

  it('follows a lang marker the prompt carries, and falls back when the language is unknown or not in the table', () => {
    expect(router.route({ id: 'x', prompt: 'What do you know about the Moon?', markers: { lang: 'French' } }).teacher).toBe('B');
    expect(router.route({ id: 'y', prompt: 'Hi?', markers: {} })).toEqual({ teacher: 'A', why: 'language not identified → A (fallback)' });
    expect(router.route({ id: 'z', prompt: 'What do you know about the Moon?', markers: {} }).why).toBe('English not in the table → A (fallback)');
  });

  it('is not changed by later edits of the table it was made from', () => {
    const table = { French: 'B' };
    const r = createFixedRouter({ table, fallback: 'A', among: LANGS });
    table.French = 'A';
    expect(r.route({ id: 'x', prompt: 'Q', markers: { lang: 'French' } }).teacher).toBe('B');
  });
});

describe('reward router', () => {
  const router = createRewardRouter(POOL, ctx);

  it('keeps the answer in the prompt\'s language: A for English prompts, B for French ones', () => {
    for (const p of prompts) {
      const mine = candidates.filter((c) => c.promptId === p.id);
      const choice = router.route(p, mine);
      expect(choice.teacher, p.prompt).toBe(expected(p));
      expect(mine[choice.candidate!]!.teacher).toBe(choice.teacher);
    }
  });

  it('judges the text, not the block the teacher wrote', () => {
    const p = prompts.find((q) => q.lang === 'French')!;
    const liar = { teacher: 'A', promptId: p.id, completion: enAnswer('the Moon'), block: { lang: 'French' } };
    const honest = { teacher: 'B', promptId: p.id, completion: frAnswer('la Lune') };
    expect(router.route(p, [liar, honest])).toMatchObject({ teacher: 'B', candidate: 1 });
  });

  it('keeps the best of several answers per teacher', () => {
    const p = prompts.find((q) => q.lang === 'English')!;
    const answers = [
      { teacher: 'A', promptId: p.id, completion: frAnswer('la Lune') },
      { teacher: 'A', promptId: p.id, completion: enAnswer('the Moon') },
      { teacher: 'B', promptId: p.id, completion: frAnswer('la Lune') },
    ];
    expect(router.route(p, answers)).toMatchObject({ teacher: 'A', candidate: 1 });
  });

  it('lets the judge decide between answers the measures find equal, and wants it on every answer or none', () => {
    const p = prompts.find((q) => q.lang === 'English')!;
    const judged = [
      { teacher: 'A', promptId: p.id, completion: enAnswer('the Moon'), judge: 0.2 },
      { teacher: 'B', promptId: p.id, completion: enAnswer('the Moon'), judge: 0.9 },
    ];
    expect(router.route(p, judged)).toMatchObject({ teacher: 'B', candidate: 1 });
    expect(() => router.route(p, [judged[0]!, { teacher: 'B', promptId: p.id, completion: enAnswer('the Moon') }])).toThrow(/judge/);
  });

  it('breaks ties by pool order, then by candidate order', () => {
    const p = prompts[0]!;
    const same = [
      { teacher: 'B', promptId: p.id, completion: enAnswer('the Moon') },
      { teacher: 'A', promptId: p.id, completion: enAnswer('the Moon') },
      { teacher: 'A', promptId: p.id, completion: enAnswer('the Moon') },
    ];
    expect(createRewardRouter(['A', 'B'], ctx).route(p, same)).toMatchObject({ teacher: 'A', candidate: 1 });
    expect(createRewardRouter(['B', 'A'], ctx).route(p, same)).toMatchObject({ teacher: 'B', candidate: 0 });
    const scored = scoreCandidates(p, same, ctx);
    expect(bestCandidate(scored, ['A', 'B']).index).toBe(1);
  });

  it('refuses to route without answers, with answers to another prompt or from outside the pool', () => {
    const p = prompts[0]!;
    expect(() => router.route(p)).toThrow(RouterError);
    expect(() => router.route(p, [])).toThrow(RouterError);
    expect(() => router.route(p, [{ teacher: 'A', promptId: 'other', completion: 'x' }])).toThrow(/answers prompt other/);
    expect(() => router.route(p, [{ teacher: 'C', promptId: p.id, completion: 'x' }])).toThrow(/not in the pool/);
  });
});

describe('best teachers', () => {
  it('finds the single best teacher and the best per language, ties to the earlier in the pool', () => {
    const scores = [
      { teacher: 'A', lang: 'English', reward: 0.9 }, { teacher: 'B', lang: 'English', reward: 0.3 },
      { teacher: 'A', lang: 'French', reward: 0.2 }, { teacher: 'B', lang: 'French', reward: 0.7 },
      { teacher: 'A', lang: 'German', reward: 0.5 }, { teacher: 'B', lang: 'German', reward: 0.5 },
    ];
    expect(bestTeachers(scores, ['A', 'B'])).toEqual({ overall: 'A', byLanguage: { English: 'A', French: 'B', German: 'A' } });
    expect(bestTeachers(scores, ['B', 'A']).byLanguage.German).toBe('B');
  });
});

describe('pools and candidates', () => {
  it('refuses empty pools, nameless or repeated teachers', () => {
    expect(() => checkPool([])).toThrow(RouterError);
    expect(() => checkPool(['A', ' '])).toThrow(RouterError);
    expect(() => checkPool(['A', 'A'])).toThrow(/twice/);
  });

  it('reads a sampled completion and its block into a candidate', () => {
    const sample = { parsed: { completion: 'Bonjour.', markers: { lang: 'French' } } };
    expect(candidateFromSample('B', 'p1', sample)).toEqual({ teacher: 'B', promptId: 'p1', completion: 'Bonjour.', block: { lang: 'French' } });
    expect(candidateFromSample('B', 'p1', { parsed: { completion: 'Hi', markers: {} } })).toEqual({ teacher: 'B', promptId: 'p1', completion: 'Hi' });
  });
});
