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
import { longestTeacherSteps } from '../arbitrage/teaching-pool';
import { numberSetting } from './setting';

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
