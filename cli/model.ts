/**
 * Checkpoints and steering requests at the terminal: read a .safetensors file (one line naming the
 * file when it is not a valid checkpoint), build the model, and check `--marker name=value` flags
 * against the checkpoint's taxonomy and vocabulary before any tensor is made.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { checkValue, getCategory, type Markers } from '../src/lib/markers/taxonomy';
import { CheckpointError, checkpointPrefixProblem, checkpointSizeProblem, fromSafetensors, type CheckpointRecord } from '../src/lib/model/checkpoint';
import { trainedCategories } from '../src/lib/model/checkpoint-record';
import type { GPT } from '../src/lib/model/gpt';
import type { SteerMode } from '../src/lib/model/steer';
import { modelFromWeights } from '../src/lib/model/weights';
import { markupId, valueTokenIds } from '../src/lib/tokenizer/tokenizer';
import { UsageError } from './errors';
import { inputFileSize } from './files';

/**
 * Read and validate a checkpoint file named by `--flag`. A file over CHECKPOINT_MAX_FILE_BYTES, or
 * whose header length is over CHECKPOINT_MAX_HEADER_BYTES or past its end, is refused unread.
 */
export function readCheckpoint(path: string | undefined, flag: string): CheckpointRecord {
  if (path === undefined || path === '') throw new UsageError(`--${flag} needs a checkpoint file (.safetensors)`);
  // Refused from its size and its first 8 bytes before it is read, as an upload in the page is.
  const size = inputFileSize(path, 'checkpoint file', `--${flag} ${path}`);
  const problem = checkpointSizeProblem(size) ?? checkpointPrefixProblem(firstBytes(path, 8), size);
  if (problem !== null) throw new UsageError(`${path}: ${problem}`);
  const bytes = readFileSync(path);
  try {
    return fromSafetensors(bytes, path);
  } catch (err) {
    if (err instanceof CheckpointError) throw new UsageError(err.message);
    throw err;
  }
}

function firstBytes(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const bytes = new Uint8Array(n);
    return bytes.subarray(0, readSync(fd, bytes, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** The model of a record, for inference: its optimizer moments are not loaded. The caller disposes it. */
export function inferenceModel(record: CheckpointRecord): GPT {
  return modelFromWeights(record.config, record.weights);
}

export { trainedCategories };

export function parseMode(flag: string | undefined): SteerMode {
  if (flag === undefined) return 'inferred';
  if (flag === 'inferred' || flag === 'fixed') return flag;
  throw new UsageError(`--mode expects inferred or fixed, got "${flag}"`);
}

/**
 * `--marker name=value` flags as markers, each checked against what the model knows: the category
 * exists, the value is valid, the model was trained with that category and its vocabulary has the
 * value's token.
 */
export function parseMarkers(flags: readonly string[], record: CheckpointRecord): Markers {
  const { taxonomy, tokenizer } = record;
  const markers: Markers = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UsageError(`--marker expects name=value (e.g. lang=French), got "${flag}"`);
    const name = flag.slice(0, eq).trim();
    const value = flag.slice(eq + 1).trim();
    const category = getCategory(taxonomy, name);
    if (!category) {
      throw new UsageError(`--marker ${flag}: the checkpoint has no category "${name}" (categories: ${taxonomy.categories.map((c) => c.name).join(', ')})`);
    }
    if (Object.hasOwn(markers, name)) throw new UsageError(`--marker ${name} is given twice`);
    const problem = checkValue(category, value);
    if (problem) throw new UsageError(`--marker ${flag}: ${problem}`);
    if (!trainedCategories(record).includes(name)) {
      throw new UsageError(`--marker ${flag}: the model was not trained with <${name}> markers (it knows: ${trainedCategories(record).join(', ') || 'none'})`);
    }
    if (category.kind === 'categorical' && !valueTokenIds(tokenizer, name).has(value)) {
      throw new UsageError(`--marker ${flag}: the model's vocabulary has no token for ${name}=${value}`);
    }
    markers[name] = value;
  }
  return markers;
}

