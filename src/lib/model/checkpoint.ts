/**
 * The checkpoint record (checkpoint-record.ts, re-exported here) and its one file form. IndexedDB,
 * file import/export and the CLI are thin adapters over `toSafetensors` / `fromSafetensors`.
 *
 * File form (safetensors): weights under nanoGPT's `state_dict` names in PyTorch's layout
 * (Linear weights [out, in]; no `lm_head.weight`, it is tied to `transformer.wte.weight`), AdamW
 * moments as `optimizer.m.<name>` / `optimizer.v.<name>`, and the rest as JSON strings in
 * `__metadata__` under the keys of `META`. Both directions validate through `validateRecord`.
 */
import type { GPTConfig } from './config';
import { countParams, paramSpecs, validateConfig } from './config';
import { CHECKPOINT_FORMAT_VERSION, CheckpointError, checkVersion, fmt, OPTIMIZER_PREFIX, shapeCause, validateRecord } from './checkpoint-record';
import type { CheckpointRecord } from './checkpoint-record';
import { encodedByteLength, encodeSafetensors, headerLength, readHeader, readTensor } from './safetensors';
import type { Tensor } from './safetensors';
import { sizeAndLimit } from '../data/decode';
import { errorMessage } from '../util/errors';

export { CHECKPOINT_FORMAT_VERSION, CheckpointError, OPTIMIZER_PREFIX, validateRecord } from './checkpoint-record';
export type { CheckpointRecord, OptimizerState } from './checkpoint-record';

/** `__metadata__` keys of the file form; every value is a string (JSON where structured). */
export const META = {
  /** Read by Hugging Face tools to pick the framework. */
  format: 'format',
  formatVersion: 'markerlab.format_version',
  config: 'markerlab.config',
  tokenizer: 'markerlab.tokenizer',
  taxonomy: 'markerlab.taxonomy',
  step: 'markerlab.step',
  metrics: 'markerlab.metrics',
  training: 'markerlab.training',
  optimizerStep: 'markerlab.optimizer_step',
} as const;

/**
 * The safetensors bytes of a record (validated first). Deterministic: the same record always
 * gives the same bytes, so bytes → record → bytes is the identity.
 *
 * @example
 * const bytes = toSafetensors(record); // save as "run.safetensors"; torch: safetensors.torch.load_file
 */
export function toSafetensors(record: CheckpointRecord): Uint8Array<ArrayBuffer> {
  const r = validateRecord(record);
  return encodeSafetensors(fileTensors(r), fileMetadata(r));
}

function fileTensors(r: CheckpointRecord): Array<[string, Tensor]> {
  const specs = paramSpecs(r.config);
  const group = (arrays: Record<string, Float32Array>, prefix: string): Array<[string, Tensor]> =>
    specs.map((s) => [prefix + s.name, { dtype: 'F32', shape: s.shape, data: arrays[s.name]! }]);
  const o = r.optimizer;
  return [...group(r.weights, ''), ...(o ? [...group(o.m, OPTIMIZER_PREFIX.m), ...group(o.v, OPTIMIZER_PREFIX.v)] : [])];
}

function fileMetadata(r: CheckpointRecord): Record<string, string> {
  const meta: Record<string, string> = {
    [META.format]: 'pt',
    [META.formatVersion]: String(r.formatVersion),
    [META.config]: JSON.stringify(r.config),
    [META.tokenizer]: JSON.stringify(r.tokenizer),
    [META.taxonomy]: JSON.stringify(r.taxonomy),
    [META.step]: String(r.step),
    [META.metrics]: JSON.stringify(r.metrics),
  };
  if (r.training) meta[META.training] = JSON.stringify(r.training);
  if (r.optimizer) meta[META.optimizerStep] = String(r.optimizer.step);
  return meta;
}

/**
 * Largest header a MarkerLab checkpoint may have. Ours hold ~32 kB (config, tokenizer, taxonomy,
 * metrics and the tensor table); a subword vocabulary of thousands of tokens stays well under 1 MB.
 * A bigger header is refused before it is parsed: a 14 MB one took 20+ s to turn away.
 */
export const CHECKPOINT_MAX_HEADER_BYTES = 4_000_000;

/** Largest checkpoint file accepted from an upload: the `small` preset with its optimizer is a few MB. */
export const CHECKPOINT_MAX_FILE_BYTES = 512 * 1024 * 1024;

/** What {@link checkpointUploadProblem} needs of a File: its size and its first 8 bytes. */
export interface SizedFile {
  size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/**
 * Why an uploaded checkpoint file cannot be one, decided from `File.size` and its first 8 bytes
 * before the file is read (checkpointSizeProblem, then checkpointPrefixProblem). Null when reading
 * it is worth it.
 *
 * @example
 * const problem = await checkpointUploadProblem(file);
 * if (problem) throw new Error(problem); // else: fromSafetensors(new Uint8Array(await file.arrayBuffer()), file.name)
 */
export async function checkpointUploadProblem(file: SizedFile): Promise<string | null> {
  return checkpointSizeProblem(file.size) ?? checkpointPrefixProblem(new Uint8Array(await file.slice(0, 8).arrayBuffer()), file.size);
}

/**
 * Why a checkpoint file of `size` bytes is refused before a byte of it is read (over
 * CHECKPOINT_MAX_FILE_BYTES), or null. The page (an upload) and the CLI (`--ckpt` and the other
 * checkpoint flags) apply the same limit.
 *
 * @example
 * checkpointSizeProblem(600 * 1024 * 1024) // 'the file is 600 MB, over the 512 MB limit for a checkpoint'
 */
export function checkpointSizeProblem(size: number): string | null {
  if (size <= CHECKPOINT_MAX_FILE_BYTES) return null;
  const [shown, limit] = sizeAndLimit(size, CHECKPOINT_MAX_FILE_BYTES);
  return `the file is ${shown}, over the ${limit} limit for a checkpoint`;
}

/**
 * Why a checkpoint file cannot be one from its first 8 bytes (`prefix`) and its size: a header
 * length over CHECKPOINT_MAX_HEADER_BYTES or beyond the end of the file. Null otherwise.
 *
 * @example
 * checkpointPrefixProblem(first8, size) // 'not a valid safetensors file: header length 20000000 exceeds the 4000000-byte limit …'
 */
export function checkpointPrefixProblem(prefix: Uint8Array, size: number): string | null {
  try {
    const n = headerLength(prefix, CHECKPOINT_MAX_HEADER_BYTES);
    if (n > size - 8) return `not a valid safetensors file: header length ${n} is beyond the end of the file (${size} bytes)`;
  } catch (e) {
    return `not a valid safetensors file: ${errorMessage(e)}`;
  }
  return null;
}

/**
 * Read and fully validate a checkpoint file. Shapes are compared with the header before any
 * tensor data is read. Throws CheckpointError "`fileName`: problem".
 *
 * @example
 * const record = fromSafetensors(new Uint8Array(await file.arrayBuffer()), file.name);
 */
export function fromSafetensors(bytes: Uint8Array, fileName = 'checkpoint'): CheckpointRecord {
  const fail = (why: string, cause?: unknown): never => {
    throw new CheckpointError(`${fileName}: ${why}`, cause === undefined ? undefined : { cause });
  };
  let header: ReturnType<typeof readHeader>;
  try {
    header = readHeader(bytes, CHECKPOINT_MAX_HEADER_BYTES);
  } catch (e) {
    return fail(`not a valid safetensors file: ${errorMessage(e)}`, e);
  }
  const meta = header.metadata;
  const get = (key: string): string | undefined => (Object.hasOwn(meta, key) ? meta[key] : undefined);
  const version = get(META.formatVersion);
  if (version === undefined) fail(`not a MarkerLab checkpoint (its __metadata__ has no ${META.formatVersion})`);
  checkVersion(/^\d{1,9}$/.test(version!) ? Number(version) : version, fail);
  const json = (key: string): unknown => {
    const text = get(key);
    if (text === undefined) return fail(`__metadata__ has no ${key}`);
    try {
      return JSON.parse(text);
    } catch (e) {
      return fail(`${key} is not valid JSON: ${errorMessage(e)}`, e);
    }
  };
  const count = (key: string): number => {
    const text = get(key);
    if (text === undefined || !/^\d{1,15}$/.test(text)) fail(`${key} must be a whole number, got ${JSON.stringify(text)}`);
    return Number(text);
  };
  const configJson = json(META.config);
  let config: GPTConfig;
  try {
    config = validateConfig(configJson);
  } catch (e) {
    return fail(`invalid model config: ${errorMessage(e)}`, e);
  }

  const hasOptimizer = get(META.optimizerStep) !== undefined;
  const specs = paramSpecs(config);
  const expected = [''].concat(hasOptimizer ? [OPTIMIZER_PREFIX.m, OPTIMIZER_PREFIX.v] : []);
  const names = new Set<string>();
  for (const prefix of expected) {
    for (const spec of specs) {
      const name = prefix + spec.name;
      names.add(name);
      const entry = Object.hasOwn(header.tensors, name) ? header.tensors[name] : undefined;
      if (!entry) {
        fail(prefix ? `optimizer state is incomplete: tensor ${name} is missing` : `tensor ${name} is missing (config nLayer=${config.nLayer})`);
      }
      if (entry!.dtype !== 'F32') fail(`tensor ${name} has dtype ${entry!.dtype}, expected F32`);
      if (fmt(entry!.shape) !== fmt(spec.shape)) {
        fail(`tensor ${name} has shape ${fmt(entry!.shape)}, expected ${fmt(spec.shape)} ${shapeCause(spec, config)}`);
      }
    }
  }
  const extra = Object.keys(header.tensors).find((n) => !names.has(n));
  if (extra !== undefined) fail(`unexpected tensor ${extra} (${unexpectedReason(extra, config, hasOptimizer)})`);

  const read = (prefix: string): Record<string, Float32Array> =>
    Object.fromEntries(specs.map((s) => [s.name, readTensor(bytes, header, prefix + s.name).data as Float32Array]));
  const record = {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    config,
    tokenizer: json(META.tokenizer),
    taxonomy: json(META.taxonomy),
    step: count(META.step),
    weights: read(''),
    ...(hasOptimizer ? { optimizer: { step: count(META.optimizerStep), m: read(OPTIMIZER_PREFIX.m), v: read(OPTIMIZER_PREFIX.v) } } : {}),
    metrics: json(META.metrics),
    ...(get(META.training) !== undefined ? { training: json(META.training) } : {}),
  };
  return validateRecord(record, fileName);
}

/**
 * A checkpoint's model config, read from its header alone (no tensor is decoded): enough to know
 * the shape a model will have before loading it, e.g. to choose a backend for that shape. Null when
 * the bytes are not a MarkerLab checkpoint with a valid config (loading it will say why).
 *
 * @example
 * checkpointConfig(bytes); // { vocabSize: 2320, blockSize: 256, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0.05, seed: 1 }
 */
export function checkpointConfig(bytes: Uint8Array): GPTConfig | null {
  try {
    const meta = readHeader(bytes, CHECKPOINT_MAX_HEADER_BYTES).metadata;
    return Object.hasOwn(meta, META.config) ? validateConfig(JSON.parse(meta[META.config]!)) : null;
  } catch {
    return null;
  }
}

function unexpectedReason(name: string, config: GPTConfig, hasOptimizer: boolean): string {
  if (name === 'lm_head.weight') return 'the output head is tied to transformer.wte.weight and is not stored';
  if (/\.attn\.bias$/.test(name)) return "nanoGPT's causal-mask buffer is not a parameter and is not stored";
  if (name.startsWith('optimizer.') && !hasOptimizer) return `optimizer moments need ${META.optimizerStep} in __metadata__`;
  return `not a parameter of config nLayer=${config.nLayer}`;
}

export interface CheckpointSummary {
  /** Storage id ('' for a record not stored yet). */
  id: string;
  name: string;
  step: number;
  /** Parameters, the tied head counted once. */
  params: number;
  config: GPTConfig;
  metrics: Record<string, number | string>;
  /** Bytes of the safetensors file. */
  sizeBytes: number;
  hasOptimizer: boolean;
}

/**
 * What a checkpoint list shows, without the weights. Name: `metrics.name`, else "step N".
 *
 * @example
 * recordSummary(record, { id: 'ab12' }); // { id: 'ab12', name: 'step 200', step: 200, params: 24576, … }
 */
export function recordSummary(record: CheckpointRecord, options: { id?: string; sizeBytes?: number } = {}): CheckpointSummary {
  const name = record.metrics.name;
  return {
    id: options.id ?? '',
    name: typeof name === 'string' && name.trim() !== '' ? name : `step ${record.step}`,
    step: record.step,
    params: countParams(record.config),
    config: { ...record.config },
    metrics: { ...record.metrics },
    sizeBytes: options.sizeBytes ?? encodedByteLength(fileTensors(record), fileMetadata(record)),
    hasOptimizer: record.optimizer !== undefined,
  };
}
