/**
 * Dual marker dropout (paper §3.2), applied to the prompt side only; the target keeps every marker.
 *
 * 1. Dataset level: with probability `datasetRate` (X) an example loses all its prompt markers.
 * 2. Sample level: otherwise each marker is dropped independently with probability `sampleRate` (Y).
 *
 * Per-category overrides (not in the paper; for experiments such as "always tell the model the
 * language"): `'never'` keeps the category in the prompt at both levels, so it survives even a
 * dataset-level drop; `'always'` removes it from every prompt; a number replaces Y for that category
 * (dataset-level dropout still applies to it).
 *
 * Every draw is a pure function of (seed, row id, epoch, category): each epoch sees fresh dropout,
 * results do not depend on the order rows are visited in, and raising a rate only ever drops more
 * (the same uniform number is compared with the rate).
 */
import { DROPOUT } from '../settings/training';
import { createRng, deriveSeed } from '../util/rng';
import type { Markers, Taxonomy } from './taxonomy';
import { formatExample, piecesToString } from './template';
import type { Piece } from './template';

export type DropoutOverride = 'never' | 'always' | number;

export interface DropoutConfig {
  /** X: fraction of examples whose prompt loses every marker. Paper default 0.5. */
  datasetRate: number;
  /** Y: chance that each remaining marker is dropped. Paper default 0.5. */
  sampleRate: number;
  /** Category name → override (see the module comment). */
  overrides: Record<string, DropoutOverride>;
  seed: number;
}

/** The paper's setting: 50% dataset-level, 50% sample-level (declared in src/lib/settings/training.ts). */
export const DEFAULT_DROPOUT: Readonly<DropoutConfig> = Object.freeze({
  datasetRate: DROPOUT.datasetRate.default,
  sampleRate: DROPOUT.sampleRate.default,
  overrides: Object.freeze({}) as Record<string, DropoutOverride>,
  seed: 0,
});

export class DropoutError extends Error {
  override name = 'DropoutError';
}

export interface DropoutResult {
  /** The markers that stay in the prompt, in the input's key order. */
  kept: Markers;
  /** Names of the markers removed from the prompt. */
  dropped: string[];
  /** Whether the dataset-level draw fired for this example. */
  datasetLevel: boolean;
}

/**
 * Check a config; with a taxonomy, also that every override names one of its categories
 * (a misspelt override would otherwise do nothing, silently). Throws DropoutError.
 *
 * @example
 * validateDropout({ ...DEFAULT_DROPOUT, datasetRate: 1.5 }); // throws: datasetRate must be in [0, 1]
 */
export function validateDropout(config: DropoutConfig, taxonomy?: Taxonomy): DropoutConfig {
  const rate = (label: string, r: unknown): void => {
    if (typeof r !== 'number' || !(r >= 0 && r <= 1)) {
      throw new DropoutError(`${label} must be a number in [0, 1], got ${String(r)}`);
    }
  };
  rate('datasetRate', config.datasetRate);
  rate('sampleRate', config.sampleRate);
  if (typeof config.seed !== 'number' || !Number.isFinite(config.seed)) {
    throw new DropoutError(`seed must be a finite number, got ${String(config.seed)}`);
  }
  if (typeof config.overrides !== 'object' || config.overrides === null) {
    throw new DropoutError('overrides must be an object of category → "never" | "always" | rate');
  }
  for (const [name, o] of Object.entries(config.overrides)) {
    if (taxonomy && !taxonomy.categories.some((c) => c.name === name)) {
      throw new DropoutError(`override for unknown category "${name}"`);
    }
    if (o !== 'never' && o !== 'always') rate(`override for "${name}"`, o);
  }
  return config;
}

/**
 * Which of one example's markers stay in its prompt this epoch. Does not validate the config
 * (call validateDropout once, not once per row).
 *
 * @example
 * applyDropout({ lang: 'French', domain: 'Legal' }, DEFAULT_DROPOUT, 'demo:17', 0);
 * // e.g. { kept: { lang: 'French' }, dropped: ['domain'], datasetLevel: false }
 */
export function applyDropout(markers: Markers, config: DropoutConfig, rowId: string, epoch: number): DropoutResult {
  const draw = (...label: string[]): number => createRng(deriveSeed(config.seed, 'dropout', rowId, epoch, ...label)).next();
  // The dataset-level label cannot clash with a category: categories never contain a colon.
  const datasetLevel = draw(':all') < config.datasetRate;
  const kept: Markers = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(markers)) {
    const o = Object.hasOwn(config.overrides, name) ? config.overrides[name] : undefined;
    let drop: boolean;
    if (o === 'never') drop = false;
    else if (o === 'always') drop = true;
    else drop = datasetLevel || draw(name) < (o ?? config.sampleRate);
    if (drop) {
      dropped.push(name);
    } else {
      // defineProperty: "__proto__" is a valid category name, and plain assignment would set the prototype.
      Object.defineProperty(kept, name, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return { kept, dropped, datasetLevel };
}

export interface DropoutPreview extends DropoutResult {
  input: Piece[];
  target: Piece[];
  /** String forms as piecesToString renders them (user text escaped). */
  inputString: string;
  targetString: string;
}

/**
 * What one row becomes in training at `epoch`: the pieces, their string form and what was dropped.
 *
 * @example
 * previewDropout(row, { ...DEFAULT_DROPOUT, seed: 7 }, taxonomy).inputString;
 * // 'Translate: good morning<MARKER_LIST><lang>French</lang></MARKER_LIST>'
 */
export function previewDropout(
  row: { id: string; prompt: string; completion: string; markers: Markers },
  config: DropoutConfig,
  taxonomy: Taxonomy,
  epoch = 0,
): DropoutPreview {
  validateDropout(config, taxonomy);
  const result = applyDropout(row.markers, config, row.id, epoch);
  const { input, target } = formatExample(row, result.kept, taxonomy);
  return {
    ...result,
    input,
    target,
    inputString: piecesToString(input, taxonomy),
    targetString: piecesToString(target, taxonomy),
  };
}
