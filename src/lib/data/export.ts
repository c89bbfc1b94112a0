/**
 * Export annotated rows in the paper's training format, one JSON object per line:
 * `{"input": prompt + block after dropout, "target": full block + completion}`, in the string form
 * of template-string.ts (user text escaped, so a prompt that mentions `</MARKER_LIST>` still reads
 * back as text). Dropout is drawn exactly as in training, so the file reproduces one epoch's view.
 */
import { applyDropout, validateDropout } from '../markers/dropout';
import type { DropoutConfig } from '../markers/dropout';
import type { Taxonomy } from '../markers/taxonomy';
import type { Example } from '../markers/template';
import { formatExample, piecesToString, TemplateError } from '../markers/template';
import type { Row } from './types';

export interface PaperRow {
  input: string;
  target: string;
}

/**
 * One `{input, target}` record per row. Throws TemplateError naming the row if its markers do not
 * fit the taxonomy, and DropoutError for a bad config.
 *
 * @example
 * [...paperRows(rows, taxonomy, { ...DEFAULT_DROPOUT, seed: 1 })][0];
 * // { input: 'Say hello<MARKER_LIST><lang>French</lang></MARKER_LIST>', target: '<MARKER_LIST>…</MARKER_LIST>Bonjour' }
 */
export function* paperRows(
  rows: Iterable<Row>,
  taxonomy: Taxonomy,
  dropout: DropoutConfig,
  epoch = 0,
): Generator<PaperRow> {
  validateDropout(dropout, taxonomy);
  for (const row of rows) {
    const { kept } = applyDropout(row.markers, dropout, row.id, epoch);
    let example: Example;
    try {
      example = formatExample(row, kept, taxonomy);
    } catch (e) {
      if (e instanceof TemplateError) throw new TemplateError(`row ${row.id}: ${e.message}`);
      throw e;
    }
    yield { input: piecesToString(example.input, taxonomy), target: piecesToString(example.target, taxonomy) };
  }
}

/**
 * JSONL lines (no trailing newline), for streaming to a file.
 *
 * @example
 * for (const line of paperLines(rows, taxonomy, dropout)) out.write(line + '\n');
 */
export function* paperLines(
  rows: Iterable<Row>,
  taxonomy: Taxonomy,
  dropout: DropoutConfig,
  epoch = 0,
): Generator<string> {
  for (const r of paperRows(rows, taxonomy, dropout, epoch)) {
    yield JSON.stringify({ input: r.input, target: r.target });
  }
}

/**
 * The whole export as one JSONL string, each line ending in a newline.
 *
 * @example
 * exportPaperFormat(rows, defaultTaxonomy(), { datasetRate: 0.5, sampleRate: 0.5, overrides: {}, seed: 42 });
 */
export function exportPaperFormat(
  rows: Iterable<Row>,
  taxonomy: Taxonomy,
  dropout: DropoutConfig,
  epoch = 0,
): string {
  let out = '';
  for (const line of paperLines(rows, taxonomy, dropout, epoch)) out += `${line}\n`;
  return out;
}
