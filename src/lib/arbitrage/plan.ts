/**
 * The sampling loop's plan and bookkeeping, without the model: who must answer what, what a small
 * calibration set says about the teachers, the router a spec names, and each routed prompt with the
 * reward parts of the answer it kept. The model side (arbitrage-run/sample.ts) only fills in the
 * answers the plan asks for.
 *
 * Flow: calibration prompts → every teacher answers → `scoreAll` (each answer's reward parts,
 * measured once) → `calibrate` (best teacher overall and per language, the reward's choices as the
 * learned router's training set) → `buildRouter(spec)` → `samplingPlan` for the prompts to route →
 * answers → `scoreAll` → `routeScored` → arbitrageRows.
 *
 * Routing reads the stored parts, never the text: the CLI measures, and the Arbitrage view re-routes
 * the same answers under other routers or reward weights with the same code, so for the same seeds
 * both give the same sets.
 *
 * Pure: no tf, no DOM.
 */
import { type LearnedRouterOptions, type RouterExample, type RouterModel, createLearnedRouter, routerText, trainRouter } from './learned';
import { routePrompts, type Routed } from './dataset';
import { DEFAULT_REWARD_WEIGHTS, reweigh, validRewardWeights, type RewardBreakdown, type RewardContext, type RewardWeights } from './reward';
import {
  bestCandidate, bestTeachers, checkPool, createFixedRouter, createRandomRouter, createSingleRouter, scoreCandidates,
  type FixedTable, type ScoredCandidate, type TeacherScore,
} from './routers';
import { RouterError, targetLanguage, type ArbitragePrompt, type Candidate, type Router, type RouterKind } from './types';

/** One teacher's share of the sampling: the prompts it must answer (each model loads once). */
export interface SampleJob {
  teacher: string;
  prompts: ArbitragePrompt[];
}

/**
 * Which teacher answers which prompts: every teacher every prompt for a router that reads answers
 * (reward), only the chosen teacher for a prompt-only router. Answers already in `have` are not asked
 * again. Jobs in pool order, teachers with nothing to do left out.
 *
 * @example
 * samplingPlan(prompts, createSingleRouter('B'), ['A', 'B']); // [{ teacher: 'B', prompts }]
 */
export function samplingPlan(
  prompts: readonly ArbitragePrompt[], router: Router, pool: readonly string[], have: readonly Candidate[] = [],
): SampleJob[] {
  const teachers = checkPool(pool);
  const answered = new Set(have.map((c) => `${c.teacher}\u0000${c.promptId}`));
  const jobs = new Map<string, ArbitragePrompt[]>(teachers.map((t) => [t, []]));
  for (const p of prompts) {
    const who = router.needs === 'answers' ? teachers : [router.route(p).teacher];
    for (const t of who) {
      const list = jobs.get(t);
      if (list === undefined) throw new RouterError(`the ${router.kind} router chose ${t}, who is not in the pool (${teachers.join(', ')})`);
      if (!answered.has(`${t}\u0000${p.id}`)) list.push(p);
    }
  }
  return [...jobs].filter(([, ps]) => ps.length > 0).map(([teacher, ps]) => ({ teacher, prompts: ps }));
}

/** An answer with its reward parts, measured once (plain data: it goes into the results file). */
export interface StoredCandidate extends Candidate {
  reward: RewardBreakdown;
}

/**
 * Measure every answer's reward (scoreCandidates, prompt by prompt). Throws a RouterError for an
 * answer to a prompt not in `prompts`.
 *
 * @example
 * scoreAll(prompts, candidates, ctx)[0].reward.total;
 */
export function scoreAll(prompts: readonly ArbitragePrompt[], candidates: readonly Candidate[], context: RewardContext): StoredCandidate[] {
  const byId = new Map(prompts.map((p) => [p.id, p]));
  const out: StoredCandidate[] = [];
  for (const [id, mine] of groupByPrompt(candidates)) {
    const prompt = byId.get(id);
    if (prompt === undefined) throw new RouterError(`an answer of ${mine[0]!.teacher} is to prompt ${id}, which is not among the prompts`);
    for (const s of scoreCandidates(prompt, mine, context)) out.push({ ...s.candidate, reward: s.reward });
  }
  return out;
}

/** What routing needs besides the answers: the data's languages and the reward's weights. */
export interface RoutingContext {
  languages: readonly string[];
  weights: RewardWeights;
}

/** The routing context of a reward context. */
export function routingContext(context: Pick<RewardContext, 'languages' | 'weights'>): RoutingContext {
  return { languages: [...context.languages], weights: { ...context.weights } };
}

/**
 * The reward router over stored answers: each answer's measured parts under `weights`, the highest
 * total kept (ties by pool order, as createRewardRouter). Throws a RouterError for an answer without
 * its reward.
 *
 * @example
 * createStoredRewardRouter(['A', 'B'], DEFAULT_REWARD_WEIGHTS).route(prompt, stored).teacher; // 'B'
 */
export function createStoredRewardRouter(pool: readonly string[], weights: RewardWeights = DEFAULT_REWARD_WEIGHTS): Router {
  const teachers = checkPool(pool);
  const w = validRewardWeights(weights);
  return {
    kind: 'reward',
    needs: 'answers',
    route: (prompt, candidates) => {
      if (candidates === undefined || candidates.length === 0) throw new RouterError(`the reward router needs every teacher's answers to prompt ${prompt.id}`);
      const best = bestCandidate(rescored(candidates, w), teachers);
      const totals = teachers.flatMap((t) => {
        const mine = candidates.filter((c) => c.teacher === t);
        return mine.length > 0 ? [`${t} ${Math.max(...rescored(mine, w).map((s) => s.reward.total)).toFixed(2)}`] : [];
      });
      return { teacher: best.candidate.teacher, candidate: best.index, why: `reward ${best.reward.total.toFixed(2)} (${totals.join(', ')})` };
    },
  };
}

function rescored(candidates: readonly Candidate[], weights: RewardWeights): ScoredCandidate[] {
  return candidates.map((candidate, index) => {
    const stored = (candidate as Partial<StoredCandidate>).reward;
    if (stored === undefined) throw new RouterError(`the answer of ${candidate.teacher} to prompt ${candidate.promptId} has no reward: score it first (scoreAll)`);
    return { index, candidate, reward: reweigh(stored, weights) };
  });
}

/** What every teacher's answers to the calibration prompts say. */
export interface Calibration {
  /** Each answer's reward total, with the language its prompt asked for. */
  scores: TeacherScore[];
  /** Highest mean reward overall (the single-teacher baseline) and per language (the fixed table). */
  best: { overall: string; byLanguage: FixedTable };
  /** Mean reward per teacher, overall and per asked language: the table a reader sees. */
  means: { overall: Record<string, number>; byLanguage: Record<string, Record<string, number>> };
  /** The reward's choice per prompt: the learned router's training set. */
  examples: RouterExample[];
}

/**
 * Read every teacher's (scored) answers to the calibration prompts: the best teachers and the
 * reward's choices, under `context.weights`. Throws a RouterError when a teacher has not answered a
 * prompt (the comparison would be unfair).
 *
 * @example
 * const cal = calibrate(prompts, scoreAll(prompts, candidates, ctx), ['A', 'B'], routingContext(ctx));
 * cal.best; // { overall: 'A', byLanguage: { English: 'A', French: 'B' } }
 */
export function calibrate(
  prompts: readonly ArbitragePrompt[], stored: readonly StoredCandidate[], pool: readonly string[], context: RoutingContext,
): Calibration {
  const teachers = checkPool(pool);
  if (prompts.length === 0) throw new RouterError('calibration needs at least one prompt');
  const byPrompt = groupByPrompt(stored);
  const weights = validRewardWeights(context.weights);
  const scores: TeacherScore[] = [];
  const examples: RouterExample[] = [];
  for (const p of prompts) {
    const mine = byPrompt.get(p.id) ?? [];
    for (const t of teachers) {
      if (!mine.some((c) => c.teacher === t)) throw new RouterError(`calibration: ${t} has not answered prompt ${p.id}`);
    }
    const scored = rescored(mine, weights);
    const lang = targetLanguage(p, context.languages);
    for (const s of scored) scores.push({ teacher: s.candidate.teacher, reward: s.reward.total, ...(lang !== undefined ? { lang } : {}) });
    examples.push({ prompt: routerText(p), teacher: bestCandidate(scored, teachers).candidate.teacher });
  }
  const mean = (subset: readonly TeacherScore[]): Record<string, number> =>
    Object.fromEntries(teachers.flatMap((t) => {
      const r = subset.filter((s) => s.teacher === t).map((s) => s.reward);
      return r.length > 0 ? [[t, r.reduce((a, b) => a + b, 0) / r.length]] : [];
    }));
  const langs = [...new Set(scores.flatMap((s) => (s.lang === undefined ? [] : [s.lang])))].sort();
  return {
    scores,
    best: bestTeachers(scores, teachers),
    means: { overall: mean(scores), byLanguage: Object.fromEntries(langs.map((l) => [l, mean(scores.filter((s) => s.lang === l))])) },
    examples,
  };
}

/** A router as plain settings (the CLI's flags, the view's form). */
export type RouterSpec =
  | { kind: 'single'; teacher?: string }
  | { kind: 'random'; seed: number }
  | { kind: 'fixed'; table?: FixedTable; fallback?: string }
  | { kind: 'reward' }
  | { kind: 'learned'; options?: Partial<LearnedRouterOptions> };

export const ROUTER_KINDS: readonly RouterKind[] = ['single', 'random', 'fixed', 'reward', 'learned'];

/** Whether a spec needs a calibration to be built (a teacher, table or training set it does not give). */
export function needsCalibration(spec: RouterSpec): boolean {
  return (spec.kind === 'single' && spec.teacher === undefined) || (spec.kind === 'fixed' && spec.table === undefined) || spec.kind === 'learned';
}

/** A router and what it was built from, for a reader. */
export interface BuiltRouter {
  router: Router;
  /** One line: which teacher, table or training set. */
  description: string;
  /** The fixed router's table (given or from the calibration). */
  table?: FixedTable;
  /** The learned router's model and training losses. */
  learned?: { model: RouterModel; losses: number[] };
}

/**
 * The router a spec names. Single without a teacher takes the calibration's best overall; fixed
 * without a table takes its best per language (fallback: the best overall); learned trains on its
 * reward choices. Throws a RouterError naming what is missing.
 *
 * @example
 * buildRouter({ kind: 'fixed' }, ['A', 'B'], routingContext(ctx), cal).table; // { English: 'A', French: 'B' }
 */
export function buildRouter(spec: RouterSpec, pool: readonly string[], context: RoutingContext, calibration?: Calibration): BuiltRouter {
  const teachers = checkPool(pool);
  const inPool = (t: string, what: string): string => {
    if (!teachers.includes(t)) throw new RouterError(`${what} ${t} is not in the pool (${teachers.join(', ')})`);
    return t;
  };
  const need = (): Calibration => {
    if (calibration === undefined) throw new RouterError(`the ${spec.kind} router needs a calibration (every teacher's answers to some prompts) or explicit settings`);
    return calibration;
  };
  switch (spec.kind) {
    case 'single': {
      const teacher = inPool(spec.teacher ?? need().best.overall, 'teacher');
      return { router: createSingleRouter(teacher), description: `every prompt to ${teacher}${spec.teacher === undefined ? ' (highest mean reward on the calibration prompts)' : ''}` };
    }
    case 'random':
      return { router: createRandomRouter(teachers, spec.seed), description: `a teacher drawn uniformly per prompt (seed ${spec.seed})` };
    case 'fixed': {
      const table = { ...(spec.table ?? need().best.byLanguage) };
      for (const [lang, t] of Object.entries(table)) inPool(t, `the table's teacher for ${lang},`);
      const fallback = inPool(spec.fallback ?? calibration?.best.overall ?? teachers[0]!, 'fallback');
      const rows = Object.entries(table).map(([l, t]) => `${l} → ${t}`).join(', ');
      return { router: createFixedRouter({ table, fallback, among: context.languages }), description: `per language: ${rows || '(empty table)'}; otherwise ${fallback}`, table };
    }
    case 'reward':
      return { router: createStoredRewardRouter(teachers, context.weights), description: 'every teacher answers; the highest reward is kept' };
    case 'learned': {
      const cal = need();
      const learned = trainRouter(cal.examples, teachers, spec.options ?? {});
      const last = learned.losses.at(-1);
      return {
        router: createLearnedRouter(learned.model), learned,
        description: `softmax regression on character n-grams, trained on the reward's choice for ${cal.examples.length} prompts${last === undefined ? '' : ` (final loss ${last.toFixed(3)})`}`,
      };
    }
  }
}

/** A routed prompt with the reward of the answer kept and of every answer the prompt had. */
export interface ScoredRoute extends Routed {
  reward: RewardBreakdown;
  /** Teacher → reward total of its answer, for every teacher that answered this prompt. */
  rewards: Record<string, number>;
}

/**
 * Route every prompt over scored answers (routePrompts) and keep, with each, the reward of the answer
 * kept and of every answer the prompt had, under `weights`: every router's set shows its reward
 * parts, not only the reward router's.
 *
 * @example
 * routeScored(prompts, createSingleRouter('A'), stored, DEFAULT_REWARD_WEIGHTS)[0].reward.parts; // language, markers, readability, judge
 */
export function routeScored(
  prompts: readonly ArbitragePrompt[], router: Router, stored: readonly StoredCandidate[], weights: RewardWeights = DEFAULT_REWARD_WEIGHTS,
): ScoredRoute[] {
  const byPrompt = groupByPrompt(stored);
  const w = validRewardWeights(weights);
  return routePrompts(prompts, router, stored).map((r) => {
    const scored = rescored(byPrompt.get(r.prompt.id) ?? [], w);
    const kept = scored.find((s) => s.candidate === r.candidate)!;
    const rewards: Record<string, number> = {};
    for (const s of scored) rewards[s.candidate.teacher] = Math.max(rewards[s.candidate.teacher] ?? -Infinity, s.reward.total);
    return { ...r, reward: kept.reward, rewards };
  });
}

/** Mean reward of what a router kept, overall and per asked language. */
export interface RewardSummary {
  mean: number;
  byLanguage: Record<string, { n: number; mean: number }>;
  /** Mean score per reward part over the prompts where it applies. */
  parts: Record<string, { n: number; mean: number }>;
}

/**
 * @example
 * summariseRewards(routeScored(prompts, router, stored), ctx.languages).mean; // 0.83
 */
export function summariseRewards(routed: readonly ScoredRoute[], among: readonly string[]): RewardSummary {
  const byLanguage: Record<string, { n: number; mean: number }> = {};
  const parts: Record<string, { n: number; mean: number }> = {};
  const add = (into: Record<string, { n: number; mean: number }>, key: string, v: number): void => {
    const cur = (into[key] ??= { n: 0, mean: 0 });
    cur.n++;
    cur.mean += (v - cur.mean) / cur.n;
  };
  let mean = 0;
  routed.forEach((r, i) => {
    mean += (r.reward.total - mean) / (i + 1);
    add(byLanguage, targetLanguage(r.prompt, among) ?? '(unknown)', r.reward.total);
    for (const p of r.reward.parts) if (p.score !== null) add(parts, p.name, p.score);
  });
  return { mean, byLanguage, parts };
}

function groupByPrompt<C extends Candidate>(candidates: readonly C[]): Map<string, C[]> {
  const out = new Map<string, C[]>();
  for (const c of candidates) {
    const list = out.get(c.promptId) ?? [];
    list.push(c);
    out.set(c.promptId, list);
  }
  return out;
}
