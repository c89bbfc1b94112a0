/**
 * From a pool's answers to a results record: every answer's reward measured once (scoreAll), the
 * calibration, and each router's set with its compositions (routeOutcome). `markerlab arbitrage
 * --paper` and the Arbitrage view's "Answer and route" both end here, so the same answers give the
 * same record wherever they were sampled. Pure: no tf, no DOM.
 *
 * @example
 * const { results, routed } = resultsFromAnswers({ pool, context: rewardContext(rows), calibrationPrompts, prompts, answers, sampling, tail: [], routers: paperRouters(1) });
 * results.routers.map((o) => o.kind); // ['single', 'random', 'fixed', 'reward', 'learned']
 */
import type { Row } from '../data/types';
import { arbitrageRows } from './dataset';
import { calibrate, routingContext, scoreAll, type Calibration, type RouterSpec, type ScoredRoute } from './plan';
import type { RewardContext } from './reward';
import { ARBITRAGE_RESULTS_VERSION, routeOutcome, type ArbitrageResults, type PoolEntry, type RouterOutcome, type RoutingInput } from './results';
import type { ArbitragePrompt, Candidate, RouterKind } from './types';

/** The routers compared, in the order of the tables (the random one seeded with the run's seed). */
export function paperRouters(seed: number): RouterSpec[] {
  return [{ kind: 'single' }, { kind: 'random', seed }, { kind: 'fixed' }, { kind: 'reward' }, { kind: 'learned' }];
}

export interface AnsweredPool {
  pool: PoolEntry[];
  /** The reward's context (rewardContext of the data the prompts come from). */
  context: RewardContext;
  /** Every teacher answered these (needed by single, fixed and learned without settings). */
  calibrationPrompts: ArbitragePrompt[];
  prompts: ArbitragePrompt[];
  /** Every teacher's answer to every prompt. */
  answers: readonly Candidate[];
  sampling: ArbitrageResults['sampling'];
  tail: string[];
  routers: readonly RouterSpec[];
  timings?: Record<string, number>;
  settings?: Record<string, unknown>;
}

export interface AnsweredOutcome {
  results: ArbitrageResults;
  calibration: Calibration | undefined;
  /** Each router's routed prompts, in `routers` order. */
  routed: Map<RouterKind, ScoredRoute[]>;
}

/** Score, calibrate and route: the results record (without students). */
export function resultsFromAnswers(a: AnsweredPool): AnsweredOutcome {
  const names = a.pool.map((p) => p.name);
  const rc = routingContext(a.context);
  const stored = scoreAll([...a.calibrationPrompts, ...a.prompts], a.answers, a.context);
  const input: RoutingInput = { pool: names, context: rc, calibrationPrompts: a.calibrationPrompts, prompts: a.prompts, candidates: stored };
  const calibration = a.calibrationPrompts.length > 0 ? calibrate(a.calibrationPrompts, stored, names, rc) : undefined;
  const routers: RouterOutcome[] = [];
  const routed = new Map<RouterKind, ScoredRoute[]>();
  for (const spec of a.routers) {
    const r = routeOutcome(input, spec);
    routers.push(r.outcome);
    routed.set(r.outcome.kind, r.routed);
  }
  const results: ArbitrageResults = {
    format: 'markerlab-arbitrage', formatVersion: ARBITRAGE_RESULTS_VERSION, createdAt: new Date().toISOString(),
    pool: a.pool, languages: [...a.context.languages], weights: rc.weights, tail: a.tail, sampling: a.sampling,
    ...(a.context.lengthRule ? { lengthRule: a.context.lengthRule } : {}),
    calibrationPrompts: a.calibrationPrompts, prompts: a.prompts, candidates: stored,
    ...(calibration ? { calibration: { best: calibration.best, means: calibration.means } } : {}),
    routers, timings: a.timings ?? {}, settings: a.settings ?? {},
  };
  return { results, calibration, routed };
}

/**
 * A router's set as training rows (arbitrageRows with the data's languages and length rule).
 *
 * @example
 * routedRows(routed.get('reward')!, 'reward', results); // rows with source: Synthetic, meta.teacher
 */
export function routedRows(routed: readonly ScoredRoute[], kind: RouterKind, context: Pick<ArbitrageResults, 'languages' | 'lengthRule'>): Row[] {
  return arbitrageRows(routed, kind, { among: context.languages, ...(context.lengthRule ? { lengthRule: context.lengthRule } : {}) });
}
