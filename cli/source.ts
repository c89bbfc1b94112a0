/**
 * Turning a `<file|builtin:NAME>` argument into a prepared dataset: the same import and
 * annotation code the app runs, with file-system reads and one-line errors for the terminal.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { sizeProblem } from '../src/lib/data/decode';
import { importDatasetStream } from '../src/lib/data/import-stream';
import { formatIssue, ImportError, type ImportIssue, type ImportResult } from '../src/lib/data/parse';
import { prepareDataset, type PreparedDataset } from '../src/lib/data/pipeline';
import { BUILTIN_DATASETS, loadBuiltinNode } from './builtin';
import { defaultCategories, defaultTaxonomy, wrapperProblem } from '../src/lib/markers/taxonomy';
import type { LengthBucketOptions } from '../src/lib/markers/annotate-dataset';
import { UsageError } from './errors';
import { inputFileSize } from './files';

export interface SourceOptions {
  lenient: boolean;
  wrapper: string;
  lengthBuckets: LengthBucketOptions;
  /** Where warnings and skipped rows are reported (stderr). */
  warn: (line: string) => void;
}

export async function loadSource(spec: string, options: SourceOptions): Promise<PreparedDataset> {
  const wrapperIssue = wrapperProblem(options.wrapper, defaultCategories());
  if (wrapperIssue !== null) throw new UsageError(`--wrapper ${wrapperIssue}`);
  const taxonomy = defaultTaxonomy(options.wrapper);
  if (spec.startsWith('builtin:')) {
    const name = spec.slice('builtin:'.length);
    if (!BUILTIN_DATASETS.some((d) => d.name === name)) {
      throw new UsageError(`unknown built-in dataset "${name}" (try: ${BUILTIN_DATASETS.map((d) => `builtin:${d.name}`).join(', ')})`);
    }
    const key = builtinKey(name, options);
    let json = PREPARED_BUILTINS.get(key);
    if (json === undefined) {
      json = JSON.stringify(prepareDataset(name, await loadBuiltinNode(name), taxonomy, { lengthBuckets: options.lengthBuckets }));
      PREPARED_BUILTINS.set(key, json);
    }
    // A fresh copy per call: callers may change their rows.
    return JSON.parse(json) as PreparedDataset;
  }
  const size = checkedSize(spec);
  // Row ids (which seed dropout) use the file's base name, so an export does not depend on the
  // directory it is run from; messages name the path as typed, so the user can find the file.
  const name = basename(spec);
  let result: ImportResult;
  try {
    // Streamed: a JSONL file is read a line at a time, never held whole (import-stream.ts).
    result = await importDatasetStream({ size, chunks: createReadStream(spec) }, name, { mode: options.lenient ? 'lenient' : 'strict', taxonomy });
  } catch (err) {
    if (err instanceof ImportError) throw new UsageError(atPath(err, spec));
    throw err;
  }
  report(options.warn, 'warning', result.warnings, spec);
  if (result.skippedCount > 0) {
    options.warn(`skipped ${result.skippedCount} bad row${result.skippedCount === 1 ? '' : 's'} of ${spec}:`);
    report(options.warn, 'skipped', result.skipped, spec);
    if (result.skippedCount > result.skipped.length) {
      options.warn(`  … and ${result.skippedCount - result.skipped.length} more`);
    }
  }
  // The imported rows are ours alone: annotated in place rather than copied.
  return prepareDataset(name, result.rows, result.taxonomy, { lengthBuckets: options.lengthBuckets, handOver: true });
}

/**
 * Annotated built-in datasets as JSON, by name and options: a built-in is annotated once per
 * process (about a second for the teaching set), however many commands load it.
 */
const PREPARED_BUILTINS = new Map<string, string>();

const builtinKey = (name: string, options: Pick<SourceOptions, 'wrapper' | 'lengthBuckets'>): string =>
  JSON.stringify([name, options.wrapper, options.lengthBuckets]);

/**
 * Hand over an annotated built-in prepared elsewhere (the test suite builds the teaching set once
 * per run in its global set-up); `json` must be `JSON.stringify(prepareDataset(…))` for these options.
 *
 * @example
 * preloadBuiltin('teaching', { wrapper: 'MARKER_LIST', lengthBuckets: { mode: 'quantile' } }, json);
 */
export function preloadBuiltin(name: string, options: Pick<SourceOptions, 'wrapper' | 'lengthBuckets'>, json: string): void {
  PREPARED_BUILTINS.set(builtinKey(name, options), json);
}

/** The error's message with its first issue naming `path` instead of the base name. */
function atPath(err: ImportError, path: string): string {
  const first = err.issues[0];
  if (!first) return err.message;
  return err.message.replace(formatIssue(first), formatIssue({ ...first, file: path }));
}

function checkedSize(path: string): number {
  const size = inputFileSize(path, 'data file');
  // Refuse before opening a huge file; the import checks again on the bytes it reads.
  const problem = sizeProblem(size);
  if (problem !== null) throw new UsageError(`${path}: ${problem}`);
  return size;
}

function report(warn: (line: string) => void, label: string, issues: readonly ImportIssue[], path: string): void {
  for (const issue of issues) warn(`  ${label}: ${formatIssue({ ...issue, file: path })}`);
}
