/**
 * Sampling settings — default, limits, help line — shared by Play, Compare, the link
 * (`?t=0.7&k=40`), `markerlab sample`/`dist` and the sweeps' length samples. Play, Compare and the
 * CLI draw different numbers of samples by default; each variant is declared here, next to the others.
 *
 * @example
 * settingProblem(SAMPLING.topP, 0); // 'Top-p must be a number above 0 and at most 1.'
 * DEFAULT_SAMPLING.temperature;     // 0.8
 */
import { choiceSetting, defaultsOf, INT32, numberSetting } from './setting';

export const SAMPLING = Object.freeze({
  temperature: numberSetting({ label: 'Temperature', help: 'Low: safe, repetitive picks. High: more surprising ones. 0 always takes the top token.', default: 0.8, min: 0, max: 5, flag: 'temperature', url: 't' }),
  topK: numberSetting({ label: 'Top-k', help: 'Sample only from the k most likely tokens (0: no limit).', default: 0, min: 0, max: 100_000, integer: true, flag: 'top-k', url: 'k' }),
  topP: numberSetting({ label: 'Top-p', help: 'Sample only from the most likely tokens that together hold this share (1: off).', default: 1, min: 0, above: true, max: 1, flag: 'top-p', url: 'p' }),
  seed: numberSetting({ label: 'Seed', help: 'The same seed and settings give the same samples.', default: 0, ...INT32, integer: true, flag: 'seed', url: 'seed' }),
  maxTokens: numberSetting({ label: 'Max tokens', help: 'Token budget per sample (the marker block counts too).', default: 200, min: 1, max: 100_000, integer: true, flag: 'max-tokens' }),
  n: numberSetting({ label: 'Samples', help: 'Completions drawn.', default: 1, min: 1, max: 256, integer: true, flag: 'n' }),
});

export const STEER_MODE = choiceSetting({
  label: 'Mode', help: 'inferred: the model writes its own block; fixed: your markers are forced into it.',
  default: 'inferred', options: ['inferred', 'fixed'] as const, flag: 'mode', url: 'mode',
});

/** Play draws a handful of samples for its histograms. */
export const PLAY_SAMPLES = numberSetting({ ...SAMPLING.n, default: 8, max: 64 });

/**
 * Play's token budget per sample: short by default (a live batch is cheap; it then follows the
 * model's length rule until the person sets it), at most 2,000.
 */
export const PLAY_MAX_TOKENS = numberSetting({ ...SAMPLING.maxTokens, default: 64, max: 2000 });

/** Compare: N samples per column, a shorter budget ceiling (every column samples in turn). */
export const COMPARE = Object.freeze({
  n: numberSetting({ ...SAMPLING.n, label: 'Samples per column', default: 16, max: 64 }),
  maxTokens: numberSetting({ ...SAMPLING.maxTokens, default: 300, max: 1000 }),
  temperature: SAMPLING.temperature,
  seed: SAMPLING.seed,
});

/** `markerlab dist --top-k K`: how many next tokens are listed. */
export const DIST_TOP = numberSetting({ label: 'Top-k', help: 'Next tokens shown.', default: 10, min: 1, max: 100_000, integer: true, flag: 'top-k' });

export const DEFAULT_SAMPLING = Object.freeze(defaultsOf(SAMPLING));
