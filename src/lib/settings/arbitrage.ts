/**
 * The Arbitrage view's settings for building and answering a pool in the browser: how long the
 * teachers train (the built-in comparison's steps by default, smaller for a quick look) and how many
 * teaching-set prompts every pool member answers (few enough by default to take about a minute on
 * WebAssembly; at most what the comparison's split holds).
 *
 * @example
 * settingProblem(ARBITRAGE.routePrompts, 500); // 'Routing prompts must be a whole number from 1 to 400.'
 */
import { PAPER_ARBITRAGE } from '../arbitrage/paper';
import { DEFAULT_REWARD_WEIGHTS, REWARD_PARTS, type RewardPartName } from '../arbitrage/reward';
import { longestTeacherSteps } from '../arbitrage/teaching-pool';
import { INT32, numberSetting, type NumberSetting } from './setting';

export const ARBITRAGE = Object.freeze({
  teacherSteps: numberSetting({
    label: 'Steps of the longest teacher', default: longestTeacherSteps(PAPER_ARBITRAGE), min: 1, max: 10_000, integer: true,
    help: `The others train in proportion (the comparison: ${PAPER_ARBITRAGE.teachers.map((t) => `${t.name} ${t.steps}`).join(', ')}). Fewer for a quick look.`,
  }),
  calibrationPrompts: numberSetting({
    label: 'Calibration prompts', default: 60, min: 1, max: PAPER_ARBITRAGE.calibrationPrompts, integer: true,
    help: 'Every checkpoint answers these: they pick the single teacher and the fixed table, and train the learned router.',
  }),
  routePrompts: numberSetting({
    label: 'Routing prompts', default: 120, min: 1, max: PAPER_ARBITRAGE.routePrompts, integer: true,
    help: 'Every checkpoint answers these too; each router keeps one answer per prompt (the routed set).',
  }),
});

/** The routers' seed in the view (random: which teacher each prompt draws; learned: its training order). */
export const ROUTER_SEED = numberSetting({
  label: 'Seed', default: 1, ...INT32, integer: true,
  help: 'Random routing: which teacher each prompt draws; learned: the order it trains in. Same seed, same routing.',
});

const WEIGHT_HELP: Record<RewardPartName, string> = {
  language: 'The answer is in the asked language (a closed-set identifier).',
  markers: 'The answer obeys the asked length bucket and format.',
  readability: "Share of the answer's words that are words of that language's rows.",
  judge: "A judge checkpoint's per-token likelihood (only when the results have one).",
};

/** One weight per reward part: only their ratios matter; at least one must stay above 0 (said in words if not). */
export const REWARD_WEIGHTS: Readonly<Record<RewardPartName, NumberSetting>> = Object.freeze(Object.fromEntries(REWARD_PARTS.map((part) => [part, numberSetting({
  label: part, default: DEFAULT_REWARD_WEIGHTS[part], min: 0, max: 100, help: WEIGHT_HELP[part],
})])) as Record<RewardPartName, NumberSetting>);
