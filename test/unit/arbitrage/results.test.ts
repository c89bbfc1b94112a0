/** The results record: routing from it gives the numbers it was written with; a bad file is refused naming the field; the split and head/tail of --paper. */
import { describe, expect, it } from 'vitest';
import { compositions } from '../../../src/lib/arbitrage/compositions';
import { arbitrageRows } from '../../../src/lib/arbitrage/dataset';
import { headTail, paperSplit, PAPER_ARBITRAGE, tailLanguages, type LanguageFigures } from '../../../src/lib/arbitrage/paper';
import { compositionTable, resultsMarkdown, versusSingle } from '../../../src/lib/arbitrage/report';
import { readResults, routeOutcome, routingInputOf } from '../../../src/lib/arbitrage/results';
import type { Row } from '../../../src/lib/data/types';
import { LANGS, POOL } from './pool';
import { input, resultsOf } from './results-fixture';

describe('routing from a results record', () => {
  it('gives, after a JSON round trip, the choices, rewards and compositions it was written with', () => {
    const written = resultsOf();
    const read = readResults(JSON.stringify(written));
    for (const outcome of written.routers) {
      expect(routeOutcome(routingInputOf(read), outcome.spec).outcome).toEqual(JSON.parse(JSON.stringify(outcome)));
    }
  });

  it('routes calibrated routers to the known winners and has compositions that match the rows\'', () => {
    const { outcome, routed } = routeOutcome(input, { kind: 'fixed' });
    expect(outcome.table).toEqual({ English: 'A', French: 'B' });
    const en = outcome.byLanguage.groups.find((g) => g.value === 'English')!;
    expect(en.shares).toEqual({ A: 1, B: 0 });
    const rows = arbitrageRows(routed, 'fixed', { among: LANGS });
    const fromRows = compositions(rows, POOL);
    expect(outcome.byLanguage).toEqual(fromRows.byLanguage);
    expect(outcome.byDomain).toEqual(fromRows.byDomain);
    expect(compositionTable(outcome.byLanguage)).toContain('| English | 30 | 100.0% (30) | 0.0% (0) |');
  });

  it('changes with the weights: the reward router with only the judge weighed (no judge) keeps A everywhere', () => {
    const weights = { language: 0, markers: 0, readability: 0, judge: 1 };
    const { outcome } = routeOutcome(routingInputOf(resultsOf(), weights), { kind: 'reward' });
    expect(outcome.byLanguage.groups.every((g) => g.shares.A === 1)).toBe(true);
  });
});

describe('readResults', () => {
  const bad = (edit: (r: Record<string, unknown>) => void): string => {
    const r = JSON.parse(JSON.stringify(resultsOf())) as Record<string, unknown>;
    edit(r);
    return JSON.stringify(r);
  };

  it('refuses what is not a results file, naming the field', () => {
    expect(() => readResults('{', 'r.json')).toThrow(/r.json: not JSON/);
    expect(() => readResults(bad((r) => (r.format = 'other')))).toThrow(/field "format"/);
    expect(() => readResults(bad((r) => (r.formatVersion = 2)))).toThrow(/field "formatVersion"/);
    expect(() => readResults(bad((r) => ((r.candidates as Array<Record<string, unknown>>)[3]!.teacher = 'Z')))).toThrow(/candidates\[3\]\.teacher.*Z is not in the pool/);
    expect(() => readResults(bad((r) => ((r.candidates as Array<Record<string, unknown>>)[0]!.promptId = 'nope')))).toThrow(/candidates\[0\]\.promptId/);
    expect(() => readResults(bad((r) => ((r.prompts as Array<Record<string, unknown>>)[1]!.markers = { lang: 3 })))).toThrow(/prompts\[1\]\.markers\.lang/);
    expect(() => readResults(bad((r) => ((r.weights as Record<string, unknown>).language = 'x')))).toThrow(/weights\.language/);
    expect(() => readResults(bad((r) => (r.pool = [{ name: 'A' }, { name: 'A' }])))).toThrow(/field "pool"/);
  });
});

describe('the --paper split and figures', () => {
  const langs = ['English', 'English', 'English', 'English', 'French', 'French', 'Italian', 'German', 'English', 'French'];
  const rows: Row[] = Array.from({ length: 1000 }, (_, i) => ({ id: `r${i}`, prompt: `p${i}`, completion: `c${i}`, markers: { lang: langs[i % langs.length]! } }));
  const spec = { ...PAPER_ARBITRAGE, heldOutRows: 50, calibrationPrompts: 20, routePrompts: 100 };

  it('keeps held-out, calibration, routing and teacher rows apart, and slices teachers by language', () => {
    const s = paperSplit(rows, spec);
    const ids = (rs: Row[]) => new Set(rs.map((r) => r.id));
    const used = [...ids(s.heldOut), ...ids(s.calibration), ...ids(s.route)];
    expect(new Set(used).size).toBe(170);
    for (const t of spec.teachers) for (const r of s.teacherRows[t.name]!) expect(used).not.toContain(r.id);
    const en = s.teacherRows.english!;
    expect(en.filter((r) => r.markers.lang === 'English').length / en.length).toBeGreaterThan(0.9);
    expect(en.some((r) => r.markers.lang !== 'English')).toBe(true);
    expect(s.teacherRows.broad!.length).toBe(830);
    expect(paperSplit(rows, spec)).toEqual(s);
    expect(() => paperSplit(rows.slice(0, 100), spec)).toThrow(/more than 170 rows/);
  });

  it('finds the tail languages and averages head and tail', () => {
    expect(tailLanguages(rows, 0.1)).toEqual(['German', 'Italian']);
    const f = (lang: string, adherence: number): LanguageFigures => ({ lang, adherence, adherenceOther: null, readability: 1, heldOutLoss: 2, referenceLoss: null });
    const ht = headTail([f('English', 1), f('French', 0.5), f('German', 0.25), f('Italian', 0.75)], ['German', 'Italian']);
    expect(ht.head).toEqual({ adherence: 0.75, adherenceOther: null, readability: 1, heldOutLoss: 2, referenceLoss: null });
    expect(ht.tail.adherence).toBe(0.5);
  });

  it('compares students with the single-best-teacher student, better counted positive for shares and losses', () => {
    const g = (adherence: number, heldOutLoss: number) => ({ adherence, adherenceOther: null, readability: null, heldOutLoss, referenceLoss: null });
    const student = (router: 'single' | 'reward', head: ReturnType<typeof g>, tail: ReturnType<typeof g>) =>
      ({ router, steps: 1, trainLoss: null, figures: [], head, tail, trainMs: 0, evalMs: 0 });
    const vs = versusSingle([student('single', g(0.5, 3), g(0.25, 4)), student('reward', g(0.75, 2.5), g(0.25, 4.5))]);
    expect(vs).toEqual([{ router: 'reward', head: g(0.25, 0.5), tail: g(0, -0.5) }].map((v) => ({ ...v, head: { ...v.head, readability: null }, tail: { ...v.tail, readability: null } })));
    expect(resultsMarkdown({ ...resultsOf(), students: [student('single', g(0.5, 3), g(0.25, 4))] })).toContain('language adherence (prompts in the language)');
  });
});
