/**
 * Importing a user's file: bytes in, rows and an extended taxonomy out. Pure: no DOM, no I/O,
 * inputs untouched, the same in the browser, a worker and Node (CLI, tests).
 *
 * bytes → decode (size, binary, UTF-8) → format (extension, then content) → records with lines
 *       → row shape (zod) → markers against the taxonomy → rows + taxonomy with user categories
 */
import type { Taxonomy } from '../markers/taxonomy';
import { decodeText } from './decode';
import { ImportError, IssueReport, type ImportIssue } from './errors';
import { parseCsv } from './parse-csv';
import { parseJsonDocument, rowsKey } from './parse-json';
import { parseJsonl } from './parse-jsonl';
import { RowCollector } from './import-rows';
import { hasRowShape } from './rows';
import type { Row } from './types';

export { ImportError, formatIssue, type ImportIssue } from './errors';
export { DEFAULT_MAX_BYTES } from './decode';

export type ImportFormat = 'jsonl' | 'json' | 'csv';

export interface ImportOptions {
  /** strict: the first bad row fails the import. lenient: bad rows are skipped and reported. */
  mode: 'strict' | 'lenient';
  /** Taxonomy to check markers against; never modified (the result carries an extended copy). */
  taxonomy: Taxonomy;
  /** Refuse bigger files (default 50 MB). */
  maxBytes?: number;
  /** Skip detection. */
  format?: ImportFormat;
  /** How many skipped rows and warnings to keep in detail (default 100); all are counted. */
  maxIssues?: number;
}

export interface ImportResult {
  rows: Row[];
  /** The input taxonomy plus user categories and values found in the file. */
  taxonomy: Taxonomy;
  /** Rows left out in lenient mode (at most `maxIssues` of them). */
  skipped: ImportIssue[];
  /** How many rows were left out in all. */
  skippedCount: number;
  /** Things worth knowing that did not cost a row: unused fields, added categories, "french" read as "French". */
  warnings: ImportIssue[];
  format: ImportFormat;
}

/**
 * Import a JSONL, JSON or CSV file of rows in any of the four shapes: `{prompt, completion}`,
 * `{instruction, input, output}`, `{messages: [{role, content}]}`, `{text}`.
 * Throws ImportError with file, line and field when the file or (in strict mode) a row is bad.
 *
 * @example
 * const { rows, taxonomy } = importDataset(bytes, 'data.jsonl', { mode: 'strict', taxonomy: defaultTaxonomy() });
 * rows[0]; // { id: 'data.jsonl:1', prompt: 'Hi', completion: 'Salut', markers: { lang: 'French' } }
 */
export function importDataset(bytes: Uint8Array, fileName: string, options: ImportOptions): ImportResult {
  return importText(decodeText(bytes, fileName, options.maxBytes), fileName, options);
}

/**
 * importDataset after its bytes were decoded (`decodeText`): the caller can let go of the bytes
 * before the text is parsed, as the streaming import does with a JSON document.
 *
 * @example
 * importText(decodeText(bytes, 'rows.json'), 'rows.json', options)
 */
export function importText(text: string, fileName: string, options: ImportOptions): ImportResult {
  const report = new IssueReport(fileName, options.mode, options.maxIssues);
  const format = options.format ?? detectFormat(fileName, text, report);
  const records =
    format === 'jsonl' ? parseJsonl(text)
    : format === 'json' ? parseJsonDocument(text, report)
    : parseCsv(text, report, csvDelimiter(fileName));
  const collector = new RowCollector(options.taxonomy, report);
  for (const record of records) collector.add(record);
  return collector.finish(format);
}

/**
 * Format from the extension, corrected by the content when the two clearly disagree
 * (a `.json` file with one object per line is JSONL; a `.jsonl` file holding an array is JSON).
 * Unknown extensions are decided by content alone.
 *
 * @example
 * detectFormat('rows.txt', '{"text": "a"}\n{"text": "b"}') // 'jsonl'
 */
export function detectFormat(fileName: string, text: string, report?: IssueReport): ImportFormat {
  const ext = extension(fileName);
  const first = text.trimStart()[0];
  const note = (format: ImportFormat, why: string): ImportFormat => {
    report?.warnOnce('format', { line: 0, message: `read as ${format.toUpperCase()} although the name ends in .${ext}: ${why}` });
    return format;
  };
  if (ext === 'jsonl' || ext === 'ndjson') {
    return first === '[' ? note('json', 'the content is one JSON array') : 'jsonl';
  }
  if (ext === 'json') {
    return looksLikeJsonl(text) ? note('jsonl', 'the content is one JSON object per line') : 'json';
  }
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (first === '[') return 'json';
  if (first === '{') return looksLikeJsonl(text) ? 'jsonl' : 'json';
  return 'csv';
}

/**
 * The first non-blank line is a complete JSON object, not a `{rows: […]}` wrapper, and either
 * more lines follow or it has a row's fields. Anything else (say, one object with other fields)
 * is left to the JSON reader, whose message ("expected an array of rows") fits that mistake.
 */
function looksLikeJsonl(text: string): boolean {
  const lines = text.trim().split('\n', 2);
  try {
    const value: unknown = JSON.parse(lines[0]!);
    if (typeof value !== 'object' || value === null || Array.isArray(value) || rowsKey(value) !== undefined) return false;
    return lines.length > 1 || hasRowShape(value as Record<string, unknown>);
  } catch {
    return false;
  }
}

/**
 * The delimiter a CSV file's name fixes: a tab for `.tsv`; otherwise it is guessed from the content.
 *
 * @example
 * csvDelimiter('rows.tsv') // '\t'
 */
export function csvDelimiter(fileName: string): string | undefined {
  return extension(fileName) === 'tsv' ? '\t' : undefined;
}

function extension(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot + 1).toLowerCase();
}

