/**
 * The settings a person can change — training, marker dropout, sampling, sweeps — each declared
 * once with its default, limits and help line. Pure TS (zod), no DOM, no tf.
 *
 * @example
 * import { TRAINING, settingProblem } from '../settings';
 * settingProblem(TRAINING.lr, 0); // 'Learning rate must be a number above 0 and at most 1.'
 */
export * from './setting';
export * from './training';
export * from './sampling';
export * from './sweep';
export * from './arbitrage';
