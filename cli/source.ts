/**
 * Turning a `<file|builtin:NAME>` argument into a prepared dataset: the same import and
 * annotation code the app runs, with file-system reads and one-line errors for the terminal.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { importDataset, DEFAULT_MAX_BYTES, formatIssue, type ImportIssue } from '../src/lib/data/parse';
import { prepareDataset, type PreparedDataset } from '../src/lib/data/pipeline';
import { BUILTIN_DATASETS, loadBuiltinNode } from './builtin';
import { defaultTaxonomy, TAG_NAME } from '../src/lib/markers/taxonomy';
import type { LengthBucketOptions } from '../src/lib/markers/annotate-dataset';
import { UsageError } from './errors';

export interface SourceOptions {
  lenient: boolean;
  wrapper: string;
  lengthBuckets: LengthBucketOptions;
  /** Where warnings and skipped rows are reported (stderr). */
  warn: (line: string) => void;
}

export async function loadSource(spec: string, options: SourceOptions): Promise<PreparedDataset> {
  if (!TAG_NAME.test(options.wrapper)) throw new UsageError(`--wrapper "${options.wrapper}" is not a valid tag name`);
  const taxonomy = defaultTaxonomy(options.wrapper);
  if (spec.startsWith('builtin:')) {
    const name = spec.slice('builtin:'.length);
    if (!BUILTIN_DATASETS.some((d) => d.name === name)) {
      throw new UsageError(`unknown built-in dataset "${name}" (try: ${BUILTIN_DATASETS.map((d) => `builtin:${d.name}`).join(', ')})`);
    }
    const rows = await loadBuiltinNode(name);
    return prepareDataset(name, rows, taxonomy, { lengthBuckets: options.lengthBuckets });
  }
  const bytes = readFileChecked(spec);
  const result = importDataset(bytes, basename(spec), { mode: options.lenient ? 'lenient' : 'strict', taxonomy });
  report(options.warn, 'warning', result.warnings);
  if (result.skippedCount > 0) {
    options.warn(`skipped ${result.skippedCount} bad row${result.skippedCount === 1 ? '' : 's'} of ${spec}:`);
    report(options.warn, 'skipped', result.skipped);
  }
  return prepareDataset(basename(spec), result.rows, result.taxonomy, { lengthBuckets: options.lengthBuckets });
}

function readFileChecked(path: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError(`${path} is a directory, not a data file`);
    size = st.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(err)})`);
  }
  // Refuse before reading a huge file into memory; importDataset checks again on the bytes.
  if (size > DEFAULT_MAX_BYTES) {
    throw new UsageError(`${path} is ${(size / 1e6).toFixed(1)} MB; the limit is ${(DEFAULT_MAX_BYTES / 1e6).toFixed(0)} MB`);
  }
  return readFileSync(path);
}

function report(warn: (line: string) => void, label: string, issues: readonly ImportIssue[]): void {
  for (const issue of issues) warn(`  ${label}: ${formatIssue(issue)}`);
}
