/**
 * The sampling loop over a given pool: calibrate if the router needs it (every teacher answers the
 * calibration prompts), build the router, ask each teacher only for the answers the plan needs
 * (every teacher for the reward router, the routed one otherwise), optionally have a judge score
 * every answer, measure every answer's reward, route. `markerlab arbitrage --pool …` is this plus files.
 */
import {
  buildRouter, calibrate, needsCalibration, routingContext, samplingPlan, scoreAll, type RouterSpec, type ScoredRoute,
} from '../arbitrage/plan';
import type { RewardContext } from '../arbitrage/reward';
import { routeOutcome, type RouterOutcome, type RoutingInput } from '../arbitrage/results';
import type { ArbitragePrompt, Candidate } from '../arbitrage/types';
import type { CheckpointRecord } from '../model/checkpoint';
import { judgeAnswers, sampleJobs, type PoolMember, type TeacherSampling } from './sample';

export interface PoolRun {
  pool: PoolMember[];
  /** Prompts every teacher answers, to calibrate single, fixed and learned routing (may be empty when the spec says it all). */
  calibrationPrompts: ArbitragePrompt[];
  prompts: ArbitragePrompt[];
  context: RewardContext;
  spec: RouterSpec;
  sampling: TeacherSampling;
  judge?: CheckpointRecord;
  onStage?: (stage: string) => void;
}

export interface PoolRunResult {
  input: RoutingInput;
  outcome: RouterOutcome;
  routed: ScoredRoute[];
  /** Answers sampled, per teacher: what the router cost. */
  answers: Record<string, number>;
}

/**
 * @example
 * const { outcome, routed } = await arbitratePool({ pool, calibrationPrompts: [], prompts, context, spec: { kind: 'reward' }, sampling });
 */
export async function arbitratePool(run: PoolRun): Promise<PoolRunResult> {
  const names = run.pool.map((m) => m.name);
  const rc = routingContext(run.context);
  const say = run.onStage ?? (() => {});
  if (needsCalibration(run.spec) && run.calibrationPrompts.length === 0) {
    throw new Error(`the ${run.spec.kind} router needs calibration prompts (or name its teacher or table)`);
  }
  const all = [...run.calibrationPrompts, ...run.prompts];
  const ids = new Set<string>();
  for (const p of all) {
    if (ids.has(p.id)) throw new Error(`prompt id ${p.id} appears twice (calibration and routed prompts must be distinct)`);
    ids.add(p.id);
  }
  let answers: Candidate[] = [];
  const progress = (teacher: string, done: number, total: number): void => {
    if (done === total || done % 50 === 0) say(`${teacher}: ${done}/${total} answers`);
  };
  if (run.calibrationPrompts.length > 0) {
    say(`calibration: every teacher answers ${run.calibrationPrompts.length} prompts`);
    answers = await sampleJobs(run.pool, names.map((teacher) => ({ teacher, prompts: run.calibrationPrompts })), run.sampling, progress);
    // Judged before calibrating: the router must be the one routeOutcome rebuilds from the stored rewards.
    if (run.judge) answers = await judgeAnswers(run.judge, run.calibrationPrompts, answers);
  }
  const calibration = run.calibrationPrompts.length > 0 ? calibrate(run.calibrationPrompts, scoreAll(run.calibrationPrompts, answers, run.context), names, rc) : undefined;
  const built = buildRouter(run.spec, names, rc, calibration);
  say(`router: ${built.description}`);
  const plan = samplingPlan(run.prompts, built.router, names, answers);
  let routedAnswers = await sampleJobs(run.pool, plan, run.sampling, progress);
  if (run.judge) {
    say(`judge: scoring ${routedAnswers.length} answers`);
    routedAnswers = await judgeAnswers(run.judge, run.prompts, routedAnswers);
  }
  answers = [...answers, ...routedAnswers];
  const stored = scoreAll(all, answers, run.context);
  const input: RoutingInput = { pool: names, context: rc, calibrationPrompts: run.calibrationPrompts, prompts: run.prompts, candidates: stored };
  const { outcome, routed } = routeOutcome(input, run.spec);
  const counts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (const a of answers) counts[a.teacher]!++;
  return { input, outcome, routed, answers: counts };
}
