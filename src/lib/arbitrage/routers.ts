/**
 * Four of the five routers (the learned one is in learned.ts), behind the Router interface:
 *
 * - single: every prompt to one teacher (the baseline: distil the single best teacher).
 * - random: a uniformly drawn teacher per prompt, seeded per prompt id (order does not matter).
 * - fixed:  the prompt's target language → a teacher, from an editable table, with a fallback.
 * - reward: every teacher answers; the answer with the highest reward is kept.
 *
 * Pure: no tf, no DOM.
 */
import { createRng, deriveSeed } from '../util/rng';
import { scoreAnswer, type RewardBreakdown, type RewardContext } from './reward';
import { RouterError, targetLanguage, type ArbitragePrompt, type Candidate, type RouteChoice, type Router } from './types';

/** Totals closer than this are a tie, decided by pool order (then candidate order). */
const TIE = 1e-12;

/**
 * Every prompt to `teacher`.
 *
 * @example
 * createSingleRouter('A').route(prompt).teacher; // 'A'
 */
export function createSingleRouter(teacher: string): Router {
  return { kind: 'single', needs: 'prompt', route: () => ({ teacher, why: `single teacher ${teacher}` }) };
}

/**
 * A teacher drawn uniformly per prompt; the draw depends only on the seed and the prompt's id.
 *
 * @example
 * const r = createRandomRouter(['A', 'B'], 7);
 * r.route(prompt).teacher === r.route(prompt).teacher; // true
 */
export function createRandomRouter(pool: readonly string[], seed: number): Router {
  const teachers = checkPool(pool);
  return {
    kind: 'random',
    needs: 'prompt',
    route: (prompt) => ({ teacher: createRng(deriveSeed(seed, 'arbitrage-random', prompt.id)).pick(teachers), why: `random draw (seed ${seed})` }),
  };
}

/** Language → teacher. Plain data: the view edits it and makes a new router (which costs nothing). */
export type FixedTable = Record<string, string>;

export interface FixedRouterOptions {
  table: FixedTable;
  /** For languages the table lacks and prompts whose language cannot be told. */
  fallback: string;
  /** The data's languages: the closed set the prompt's language is identified among. */
  among: readonly string[];
}

/**
 * A teacher chosen per language: the prompt's target language (its `lang` marker, else the language it
 * is written in, identified among `among`) looked up in the table.
 *
 * @example
 * const r = createFixedRouter({ table: { French: 'B' }, fallback: 'A', among: ['English', 'French'] });
 * r.route({ id: 'p', prompt: 'Que peux-tu me dire sur le cinéma ?', markers: {} }).teacher; // 'B'
 */
export function createFixedRouter(options: FixedRouterOptions): Router {
  const table = { ...options.table };
  const { fallback, among } = options;
  return {
    kind: 'fixed',
    needs: 'prompt',
    route: (prompt) => {
      const lang = targetLanguage(prompt, among);
      const teacher = lang === undefined ? undefined : table[lang];
      if (teacher !== undefined) return { teacher, why: `${lang} → ${teacher} (table)` };
      return { teacher: fallback, why: lang === undefined ? `language not identified → ${fallback} (fallback)` : `${lang} not in the table → ${fallback} (fallback)` };
    },
  };
}

/** One candidate with its reward. */
export interface ScoredCandidate {
  index: number;
  candidate: Candidate;
  reward: RewardBreakdown;
}

/**
 * Score every candidate of one prompt. A judge scores all of them or none: a part that does not apply
 * is left out of the mean, so a judged answer would compete against unjudged ones on other terms.
 *
 * @example
 * scoreCandidates(prompt, [{ teacher: 'A', promptId: 'p', completion: 'Bonjour.' }], ctx)[0].reward.total;
 */
export function scoreCandidates(prompt: ArbitragePrompt, candidates: readonly Candidate[], context: RewardContext): ScoredCandidate[] {
  const judged = candidates.filter((c) => c.judge !== undefined).length;
  if (judged > 0 && judged < candidates.length) {
    throw new RouterError(`prompt ${prompt.id}: the judge scored ${judged} of ${candidates.length} answers; it must score all or none`);
  }
  return candidates.map((candidate, index) => {
    if (candidate.promptId !== prompt.id) {
      throw new RouterError(`candidate ${index} of ${candidate.teacher} answers prompt ${candidate.promptId}, not ${prompt.id}`);
    }
    return { index, candidate, reward: scoreAnswer(prompt, candidate.completion, context, candidate.judge) };
  });
}

/**
 * The best-scored candidate; ties go to the teacher earlier in `pool`, then to the earlier candidate.
 *
 * @example
 * bestCandidate(scoreCandidates(prompt, candidates, ctx), ['A', 'B']).candidate.teacher;
 */
export function bestCandidate(scored: readonly ScoredCandidate[], pool: readonly string[]): ScoredCandidate {
  const rank = new Map(pool.map((t, i) => [t, i]));
  let best: ScoredCandidate | undefined;
  for (const s of scored) {
    const r = rank.get(s.candidate.teacher);
    if (r === undefined) throw new RouterError(`teacher ${s.candidate.teacher} is not in the pool (${pool.join(', ')})`);
    if (best === undefined) {
      best = s;
      continue;
    }
    const diff = s.reward.total - best.reward.total;
    if (diff > TIE || (Math.abs(diff) <= TIE && r < rank.get(best.candidate.teacher)!)) best = s;
  }
  if (best === undefined) throw new RouterError('no candidates to choose from');
  return best;
}

/**
 * Every teacher answers; the highest reward wins (the paper's best and most expensive router).
 *
 * @example
 * const r = createRewardRouter(['A', 'B'], ctx);
 * r.route(prompt, candidates); // { teacher: 'B', candidate: 1, why: 'reward 0.92 (A 0.31, B 0.92)' }
 */
export function createRewardRouter(pool: readonly string[], context: RewardContext): Router {
  const teachers = checkPool(pool);
  return {
    kind: 'reward',
    needs: 'answers',
    route: (prompt, candidates) => {
      if (candidates === undefined || candidates.length === 0) {
        throw new RouterError(`the reward router needs every teacher's answers to prompt ${prompt.id}`);
      }
      const scored = scoreCandidates(prompt, candidates, context);
      const best = bestCandidate(scored, teachers);
      const perTeacher = teachers.flatMap((t) => {
        const mine = scored.filter((s) => s.candidate.teacher === t);
        return mine.length > 0 ? [`${t} ${Math.max(...mine.map((s) => s.reward.total)).toFixed(2)}`] : [];
      });
      return { teacher: best.candidate.teacher, candidate: best.index, why: `reward ${best.reward.total.toFixed(2)} (${perTeacher.join(', ')})` };
    },
  };
}

/** A reward measured for one teacher's answer, with the language it was asked in. */
export interface TeacherScore {
  teacher: string;
  lang?: string;
  reward: number;
}

/**
 * The single best teacher (highest mean reward; the baseline to beat) and the best per language (the
 * default table of the fixed router). Ties go to the teacher earlier in `pool`.
 *
 * @example
 * bestTeachers([{ teacher: 'A', lang: 'French', reward: 0.2 }, { teacher: 'B', lang: 'French', reward: 0.9 }], ['A', 'B']);
 * // { overall: 'B', byLanguage: { French: 'B' } }
 */
export function bestTeachers(scores: readonly TeacherScore[], pool: readonly string[]): { overall: string; byLanguage: FixedTable } {
  const teachers = checkPool(pool);
  const best = (subset: readonly TeacherScore[]): string => {
    let winner = teachers[0]!, top = -Infinity;
    for (const t of teachers) {
      const mine = subset.filter((s) => s.teacher === t);
      if (mine.length === 0) continue;
      const mean = mine.reduce((a, s) => a + s.reward, 0) / mine.length;
      if (mean > top + TIE) [winner, top] = [t, mean];
    }
    return winner;
  };
  const langs = [...new Set(scores.flatMap((s) => (s.lang === undefined ? [] : [s.lang])))].sort();
  const byLanguage: FixedTable = {};
  for (const l of langs) byLanguage[l] = best(scores.filter((s) => s.lang === l));
  return { overall: best(scores), byLanguage };
}

/**
 * A non-empty pool of distinct, named teachers, copied; throws RouterError otherwise.
 *
 * @example
 * checkPool(['A', 'B']); // ['A', 'B']
 * checkPool(['A', 'A']); // throws: teacher A is in the pool twice
 */
export function checkPool(pool: readonly string[]): string[] {
  if (pool.length === 0) throw new RouterError('the pool has no teachers');
  const seen = new Set<string>();
  for (const t of pool) {
    if (t.trim() === '') throw new RouterError('a teacher needs a name');
    if (seen.has(t)) throw new RouterError(`teacher ${t} is in the pool twice`);
    seen.add(t);
  }
  return [...pool];
}
