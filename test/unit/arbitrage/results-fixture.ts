/** A results record over the hand-made pool (A: English, B: French), as `markerlab arbitrage` writes one. */
import { routingContext, scoreAll } from '../../../src/lib/arbitrage/plan';
import { rewardContext } from '../../../src/lib/arbitrage/reward';
import { ARBITRAGE_RESULTS_VERSION, routeOutcome, type ArbitrageResults, type RoutingInput, type StudentOutcome } from '../../../src/lib/arbitrage/results';
import { dataRows, handCandidates, handPrompts, POOL } from './pool';

export const ctx = rewardContext(dataRows());
const all = handPrompts().map(({ lang: _, ...p }, i) => ({ ...p, markers: { domain: i % 3 === 0 ? 'Legal' : 'Culture' } }));
export const calibrationPrompts = all.filter((_, i) => i % 4 === 0);
export const prompts = all.filter((_, i) => i % 4 !== 0);
export const input: RoutingInput = { pool: POOL, context: routingContext(ctx), calibrationPrompts, prompts, candidates: scoreAll(all, handCandidates(all), ctx) };

const group = (adherence: number, heldOutLoss: number) => ({ adherence, adherenceOther: null, readability: 1, heldOutLoss, referenceLoss: null });

/** Two students, so the view has a reference row and a difference to show. */
export const STUDENTS: StudentOutcome[] = [
  { router: 'single', teacher: 'A', steps: 50, trainLoss: 1.5, trainMs: 1, evalMs: 1, head: group(1, 3), tail: group(0.25, 4),
    figures: [{ lang: 'English', ...group(1, 3) }, { lang: 'French', ...group(0.25, 4) }] },
  { router: 'reward', steps: 50, trainLoss: 1.4, trainMs: 1, evalMs: 1, head: group(1, 2.9), tail: group(0.75, 3.5),
    figures: [{ lang: 'English', ...group(1, 2.9) }, { lang: 'French', ...group(0.75, 3.5) }] },
];

let cached: string | undefined;

/** A fresh copy each call (tests edit it); built once, the learned router takes a moment to train. */
export function resultsOf(): ArbitrageResults {
  cached ??= JSON.stringify(build());
  return JSON.parse(cached) as ArbitrageResults;
}

function build(): ArbitrageResults {
  return {
    format: 'markerlab-arbitrage', formatVersion: ARBITRAGE_RESULTS_VERSION, createdAt: '2025-01-01T00:00:00.000Z',
    pool: POOL.map((name) => ({ name, about: `${name}.safetensors` })), languages: [...ctx.languages], weights: ctx.weights, tail: ['French'],
    sampling: { mode: 'fixed', temperature: 0.8, maxTokens: 100, seed: 1 }, calibrationPrompts, prompts, candidates: [...input.candidates],
    routers: ([{ kind: 'single' }, { kind: 'random', seed: 1 }, { kind: 'fixed' }, { kind: 'reward' }, { kind: 'learned', options: { seed: 1 } }] as const)
      .map((spec) => routeOutcome(input, spec).outcome),
    timings: {}, settings: {},
  };
}
