/**
 * The checkpoint record: one versioned, plain-data object with everything a model needs to run
 * again (config, tokenizer, taxonomy, weights), what a run needs to continue (step, AdamW moments,
 * settings) and what a list shows (metrics). `validateRecord` is the single check every adapter
 * (file, IndexedDB, worker, CLI) goes through. The file form lives in checkpoint.ts.
 */
import { validateTaxonomy } from '../markers/taxonomy';
import type { Taxonomy } from '../markers/taxonomy';
import type { LengthThresholds } from '../markers/annotate-dataset';
import type { RunSplitOptions } from '../data/split';
import { tokenizerFromJSON, tokenKey } from '../tokenizer/vocab';
import { markupId } from '../tokenizer/tokenizer';
import type { TokenizerSpec } from '../tokenizer/vocab';
import { paramSpecs, validateConfig } from './config';
import type { GPTConfig, ParamSpec } from './config';
import { errorMessage } from '../util/errors';

export const CHECKPOINT_FORMAT_VERSION = 1 as const;

/** AdamW state: moments per parameter, same names and PyTorch layout as the weights. */
export interface OptimizerState {
  step: number;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

export interface CheckpointRecord {
  formatVersion: typeof CHECKPOINT_FORMAT_VERSION;
  config: GPTConfig;
  tokenizer: TokenizerSpec;
  taxonomy: Taxonomy;
  /** Training steps taken so far. */
  step: number;
  /** Exactly `paramSpecs(config)`: nanoGPT names, PyTorch layout, row-major. */
  weights: Record<string, Float32Array>;
  optimizer?: OptimizerState;
  /** Shown in lists: loss, valLoss, tokensSeen, createdAt, name, dataset… Numbers must be finite. */
  metrics: Record<string, number | string>;
  /** Run settings (dropout rates, lr…), any JSON. */
  training?: Record<string, unknown>;
}

export const OPTIMIZER_PREFIX = { m: 'optimizer.m.', v: 'optimizer.v.' } as const;

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/**
 * Check a record completely and return it normalised (config, tokenizer, taxonomy and JSON fields
 * rebuilt in canonical key order; weight arrays are the same objects, not copies).
 * Throws CheckpointError "`source`: problem".
 *
 * @example
 * const record = validateRecord(candidate, 'run 3'); // or throws "run 3: tokenizer has 412 tokens but config.vocabSize is 400"
 */
export function validateRecord(value: unknown, source = 'checkpoint'): CheckpointRecord {
  const fail = (why: string, cause?: unknown): never => {
    throw new CheckpointError(`${source}: ${why}`, cause === undefined ? undefined : { cause });
  };
  const guard = <T>(what: string, read: () => T): T => {
    try {
      return read();
    } catch (e) {
      return fail(`${what}: ${errorMessage(e)}`, e);
    }
  };
  if (!isObject(value)) return fail('a checkpoint record must be an object');
  checkVersion(value.formatVersion, fail);
  const config = guard('invalid model config', () => validateConfig(value.config));
  const tokenizer = guard('invalid tokenizer', () => tokenizerFromJSON(value.tokenizer));
  const taxonomy = guard('invalid taxonomy', () => validateTaxonomy(value.taxonomy));
  if (tokenizer.tokens.length !== config.vocabSize) {
    fail(`tokenizer has ${tokenizer.tokens.length} tokens but config.vocabSize is ${config.vocabSize}`);
  }
  const keys = new Set(tokenizer.tokens.map(tokenKey));
  for (const c of taxonomy.categories) {
    const needs = [`tagOpen:${c.name}`, `tagClose:${c.name}`, ...(c.kind === 'categorical' ? c.values.map((v) => `value:${c.name}=${v}`) : [])];
    const missing = needs.find((k) => !keys.has(k));
    if (missing) fail(`taxonomy category "${c.name}" has no tokenizer token for ${missing}`);
  }
  if (!isCount(value.step)) fail(`step must be a whole number ≥ 0, got ${JSON.stringify(value.step)}`);

  const specs = paramSpecs(config);
  const weights = checkArrays(value.weights, specs, config, '', fail);
  let optimizer: OptimizerState | undefined;
  if (value.optimizer !== undefined) {
    const o = value.optimizer;
    if (!isObject(o)) return fail('optimizer must be an object { step, m, v }');
    if (!isCount(o.step)) fail(`optimizer.step must be a whole number ≥ 0, got ${JSON.stringify(o.step)}`);
    const m = checkArrays(o.m, specs, config, OPTIMIZER_PREFIX.m, fail);
    const v = checkArrays(o.v, specs, config, OPTIMIZER_PREFIX.v, fail);
    optimizer = { step: o.step as number, m, v };
  }

  if (!isObject(value.metrics)) fail('metrics must be an object');
  const metrics: Record<string, number | string> = {};
  for (const [key, v] of Object.entries(value.metrics as Json)) {
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) {
      fail(`metrics.${key} must be a string or a finite number, got ${String(v)}`);
    }
    Object.defineProperty(metrics, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  let training: Json | undefined;
  if (value.training !== undefined) {
    if (!isObject(value.training)) fail('training must be an object');
    // A JSON round trip is what the file will hold, so the record holds the same.
    training = guard('training settings are not JSON', () => JSON.parse(JSON.stringify(value.training)) as Json);
  }
  return {
    formatVersion: CHECKPOINT_FORMAT_VERSION, config, tokenizer, taxonomy, step: value.step as number, weights,
    ...(optimizer ? { optimizer } : {}), metrics, ...(training ? { training } : {}),
  };
}

/** Shared with checkpoint.ts, which checks the file's version before reading anything else. */
export function checkVersion(version: unknown, fail: (why: string) => never): void {
  if (typeof version === 'number' && Number.isInteger(version) && version > CHECKPOINT_FORMAT_VERSION) {
    fail(`made by a newer MarkerLab (checkpoint format ${version}; this version reads format ${CHECKPOINT_FORMAT_VERSION}); update MarkerLab to open it`);
  }
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    fail(`checkpoint format ${JSON.stringify(version)} is not supported (expected ${CHECKPOINT_FORMAT_VERSION})`);
  }
}

/** The config fields a parameter's shape depends on, for error messages. */
export function shapeCause(spec: ParamSpec, config: GPTConfig): string {
  const fields: Array<keyof GPTConfig> = spec.name.includes('.wte.') ? ['vocabSize', 'nEmbd']
    : spec.name.includes('.wpe.') ? ['blockSize', 'nEmbd'] : ['nEmbd'];
  return `for config ${fields.map((f) => `${f}=${config[f]}`).join(', ')}`;
}

function checkArrays(
  value: unknown, specs: ParamSpec[], config: GPTConfig, prefix: string, fail: (why: string) => never,
): Record<string, Float32Array> {
  const what = prefix ? `optimizer moments ${prefix}*` : 'weights';
  if (!isObject(value)) return fail(`${what} must be an object of Float32Arrays`);
  const out: Record<string, Float32Array> = {};
  const expected = new Set<string>();
  for (const spec of specs) {
    expected.add(spec.name);
    const name = prefix + spec.name;
    const a = Object.hasOwn(value, spec.name) ? value[spec.name] : undefined;
    if (a === undefined) fail(`tensor ${name} is missing (config nLayer=${config.nLayer})`);
    if (!(a instanceof Float32Array)) return fail(`tensor ${name} must be a Float32Array`);
    const size = spec.shape.reduce((x, y) => x * y, 1);
    if (a.length !== size) {
      fail(`tensor ${name} has ${a.length} values, expected ${size} (shape ${fmt(spec.shape)} ${shapeCause(spec, config)})`);
    }
    const bad = firstNonFinite(a);
    if (bad >= 0) fail(`tensor ${name} holds ${String(a[bad])} at index ${bad}; refusing a checkpoint with non-finite values`);
    out[spec.name] = a;
  }
  const extra = Object.keys(value).find((k) => !expected.has(k));
  if (extra !== undefined) fail(`unexpected tensor ${prefix + extra} (not a parameter of config nLayer=${config.nLayer})`);
  return out;
}

/** A plain loop: several times faster than findIndex over millions of values. */
function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    // x - x is 0 for finite x and NaN for ±Infinity and NaN.
    if (x - x !== 0) return i;
  }
  return -1;
}

/** A shape as written in messages: [192, 64]. */
export const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Categories the model was trained to write: its run's chosen categories when recorded, else the
 * session's default (every categorical category) — and only those whose tags the vocabulary holds.
 *
 * @example
 * trainedCategories(record); // ['domain', 'lang', 'length_bucket']
 */
export function trainedCategories(record: Pick<CheckpointRecord, 'training' | 'taxonomy' | 'tokenizer'>): string[] {
  const chosen = record.training?.categories;
  const names = Array.isArray(chosen) && chosen.every((c): c is string => typeof c === 'string')
    ? new Set(chosen)
    : new Set(record.taxonomy.categories.filter((c) => c.kind === 'categorical').map((c) => c.name));
  // A categorical category none of whose values occurred in the training rows was never learned.
  const seen = trainedValues(record);
  return record.taxonomy.categories
    .filter((c) => names.has(c.name) && markupId(record.tokenizer, { type: 'tagOpen', category: c.name }) !== undefined)
    .filter((c) => !seen || c.kind !== 'categorical' || Object.keys(seen[c.name] ?? {}).length > 0)
    .map((c) => c.name);
}

/** Training rows per value, per categorical category: `{ lang: { English: 1940, Italian: 240 } }`. */
export type ValueCounts = Record<string, Record<string, number>>;

/**
 * Count the values of the given categorical categories over rows (values that never occur are left out).
 *
 * @example
 * countValues(rows, taxonomy, ['lang']); // { lang: { English: 2, French: 1 } }
 */
export function countValues(rows: readonly { markers: Readonly<Record<string, string>> }[], taxonomy: Taxonomy, categories: readonly string[]): ValueCounts {
  const out: ValueCounts = {};
  for (const c of taxonomy.categories) {
    if (c.kind !== 'categorical' || !categories.includes(c.name)) continue;
    const counts: Record<string, number> = {};
    for (const r of rows) {
      const v = r.markers[c.name];
      if (v !== undefined) counts[v] = (counts[v] ?? 0) + 1;
    }
    out[c.name] = counts;
  }
  return out;
}

/**
 * The value counts a checkpoint's training record carries; undefined for older files or a malformed
 * field. Only finite counts of values the taxonomy knows are kept.
 *
 * @example
 * trainedValues(record)?.lang; // { English: 1940, French: 880, …, Italian: 240 }
 */
export function trainedValues(record: Pick<CheckpointRecord, 'training' | 'taxonomy'>): ValueCounts | undefined {
  const value = record.training?.values;
  if (!isObject(value)) return undefined;
  const out: ValueCounts = {};
  for (const c of record.taxonomy.categories) {
    const counts = value[c.name];
    if (c.kind !== 'categorical' || !isObject(counts)) continue;
    out[c.name] = Object.fromEntries(Object.entries(counts).filter(([v, n]) => c.values.includes(v) && isCount(n) && n > 0)) as Record<string, number>;
  }
  return out;
}

/**
 * The languages a model's training rows were in (the `lang` values they had), for judging what it
 * writes among them (detectLanguage's `among`); undefined when the counts do not say (older files, a
 * run without `lang`), and then the open 23-language set judges.
 *
 * @example
 * trainedLanguages(trainedValues(record)); // ['English', 'French', 'Italian']
 */
export function trainedLanguages(values: ValueCounts | undefined): string[] | undefined {
  const langs = Object.keys(values?.lang ?? {});
  return langs.length > 0 ? langs : undefined;
}

/**
 * The length_bucket rule of the model's training data, as its training record carries it; undefined
 * when absent (older files) or malformed. Play, Compare and `markerlab eval` judge generated lengths by it.
 *
 * @example
 * trainedLengthThresholds(record); // { mode: 'labels', concise: 58, medium: 90 }
 */
export function trainedLengthThresholds(record: Pick<CheckpointRecord, 'training'>): LengthThresholds | undefined {
  const value = record.training?.lengthThresholds;
  if (typeof value !== 'object' || value === null) return undefined;
  const t = value as Record<string, unknown>;
  const ok = typeof t.concise === 'number' && typeof t.medium === 'number' && typeof t.mode === 'string' && t.concise <= t.medium;
  return ok ? (value as LengthThresholds) : undefined;
}

/**
 * The train/validation split a checkpoint's run made, so a measurement or a fine-tune on the same data
 * can keep its validation rows held out: the recorded `split`, else the run's `seed` with `fallback`'s
 * share and strata (files from before the split was recorded, whose runs all used the defaults), else
 * `fallback` itself.
 *
 * @example
 * trainedSplit(record, { valFraction: 0.05, seed: 0, stratifyBy: 'lang' }); // { valFraction: 0.05, seed: 1, stratifyBy: 'lang' }
 */
export function trainedSplit(record: Pick<CheckpointRecord, 'training'>, fallback: RunSplitOptions): RunSplitOptions {
  const split = record.training?.split;
  if (isObject(split)) {
    const { valFraction, seed, stratifyBy } = split;
    if (typeof valFraction === 'number' && valFraction >= 0 && valFraction < 1 && Number.isSafeInteger(seed) && (stratifyBy === undefined || typeof stratifyBy === 'string')) {
      return { valFraction, seed: seed as number, ...(stratifyBy ? { stratifyBy } : {}) };
    }
  }
  const seed = record.training?.seed;
  return { valFraction: fallback.valFraction, seed: Number.isSafeInteger(seed) ? (seed as number) : fallback.seed, ...(fallback.stratifyBy ? { stratifyBy: fallback.stratifyBy } : {}) };
}
