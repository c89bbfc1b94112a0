/** Compositions: each teacher's share per language and per domain, as chart data. */
import { describe, expect, it } from 'vitest';
import { composition, compositions, UNKNOWN_GROUP, type Composition } from '../../../src/lib/arbitrage/compositions';
import { arbitrageRows, routePrompts } from '../../../src/lib/arbitrage/dataset';
import { createRandomRouter } from '../../../src/lib/arbitrage/routers';
import { handCandidates, handPrompts, LANGS, POOL } from './pool';

function expectSharesSumToOne(c: Composition): void {
  for (const g of c.groups) {
    expect(Object.values(g.shares).reduce((a, s) => a + s, 0), g.value).toBeCloseTo(1, 12);
    expect(Object.values(g.counts).reduce((a, n) => a + n, 0)).toBe(g.total);
    expect(Object.keys(g.shares)).toEqual(c.teachers);
  }
}

describe('composition', () => {
  const items = [
    { teacher: 'A', lang: 'English', domain: 'Legal' },
    { teacher: 'B', lang: 'French' },
    { teacher: 'A', lang: 'French' },
    { teacher: 'B', lang: 'French' },
    { teacher: 'C' },
  ];

  it('counts each teacher per group, every pool teacher present, shares summing to 1', () => {
    const c = composition(items, 'lang', ['A', 'B']);
    expect(c.teachers).toEqual(['A', 'B', 'C']); // C answered although not in the pool: still shown
    expect(c.groups.map((g) => g.value)).toEqual(['French', 'English', UNKNOWN_GROUP]);
    expect(c.groups[0]).toEqual({ value: 'French', total: 3, counts: { A: 1, B: 2, C: 0 }, shares: { A: 1 / 3, B: 2 / 3, C: 0 } });
    expect(c.groups[2]!.shares).toEqual({ A: 0, B: 0, C: 1 });
    expectSharesSumToOne(c);
  });

  it('groups by domain the same way, the unknown group last even when largest', () => {
    const c = composition(items, 'domain', ['A', 'B', 'C']);
    expect(c.groups.map((g) => [g.value, g.total])).toEqual([['Legal', 1], [UNKNOWN_GROUP, 4]]);
  });

  it('orders groups of equal size by name', () => {
    const c = composition([{ teacher: 'A', lang: 'Spanish' }, { teacher: 'A', lang: 'German' }], 'lang', ['A']);
    expect(c.groups.map((g) => g.value)).toEqual(['German', 'Spanish']);
  });
});

describe('compositions of an arbitrage set', () => {
  const prompts = handPrompts().map((p) => ({ ...p, markers: { domain: Number(p.id.split(':')[1]) % 2 === 0 ? 'Sciences' : 'Culture' } }));
  const routed = routePrompts(prompts, createRandomRouter(POOL, 11), handCandidates(prompts));
  const rows = arbitrageRows(routed, 'random', { among: LANGS });
  const { byLanguage, byDomain } = compositions(rows, POOL);

  it('has one group per language asked for and per domain, with shares summing to 1', () => {
    expect(byLanguage.groups.map((g) => [g.value, g.total])).toEqual([['English', 40], ['French', 40]]);
    expect(byDomain.groups.map((g) => [g.value, g.total])).toEqual([['Culture', 40], ['Sciences', 40]]);
    expectSharesSumToOne(byLanguage);
    expectSharesSumToOne(byDomain);
  });

  it('counts the teachers the rows name', () => {
    const english = byLanguage.groups.find((g) => g.value === 'English')!;
    const chosen = rows.filter((r) => r.meta!.target_lang === 'English' && r.meta!.teacher === 'A').length;
    expect(english.counts.A).toBe(chosen);
    expect(english.shares.A).toBe(chosen / 40);
  });

  it('groups by the language the prompt asked for, not the one the answer is in', () => {
    // Random routing answers half the English prompts in French (teacher B).
    expect(byLanguage.groups.find((g) => g.value === 'English')!.counts.B).toBeGreaterThan(0);
    expect(rows.filter((r) => r.meta!.target_lang === 'English' && r.markers.lang === 'French').length).toBe(
      byLanguage.groups.find((g) => g.value === 'English')!.counts.B,
    );
  });

  it('refuses rows that name no teacher', () => {
    expect(() => compositions([{ ...rows[0]!, meta: {} }], POOL)).toThrow(/names no teacher/);
  });
});
