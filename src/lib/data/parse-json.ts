/** A JSON document holding rows: an array, or an object wrapping one as `rows` or `data`. */
import { describeValue, type IssueReport } from './errors';
import { arrayElementOffsets, findJsonSyntaxError, memberValueOffset, skipWhitespace } from './json-scan';
import { LineIndex } from './lines';
import type { SourceRecord } from './rows';
import { errorMessage } from '../util/errors';

/** Keys under which a wrapper object may hold the rows, in order of preference. */
export const WRAPPER_KEYS = ['rows', 'data'] as const;

/**
 * Parse a JSON document into one record per array element, each with the line it starts on.
 * A syntax error anywhere is fatal (there is no telling where rows begin in a broken document);
 * the error gives line, column and what was expected.
 *
 * @example
 * parseJsonDocument('[\n {"text": "a"},\n {"text": "b"}\n]', report) // records on lines 2 and 3
 */
export function parseJsonDocument(text: string, report: IssueReport): SourceRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const problem = findJsonSyntaxError(text, 'file');
    if (!problem) return report.fatal({ line: 0, message: `invalid JSON: ${errorMessage(e)}` });
    const lines = new LineIndex(text);
    return report.fatal({
      line: lines.line(problem.offset),
      column: lines.column(problem.offset),
      message: `invalid JSON: ${problem.message}`,
    });
  }

  const top = skipWhitespace(text, 0);
  let items: unknown[];
  let at: number;
  if (Array.isArray(doc)) {
    items = doc;
    at = top;
  } else {
    const key = rowsKey(doc);
    if (key === undefined) {
      return report.fatal({
        line: 1,
        message: `expected a JSON array of rows, or an object {"rows": [...]} or {"data": [...]}, got ${describeValue(doc)}`,
      });
    }
    items = (doc as Record<string, unknown[]>)[key]!;
    at = memberValueOffset(text, top, key);
  }

  const offsets = arrayElementOffsets(text, at);
  const lines = new LineIndex(text);
  return items.map((value, element) => ({
    line: lines.line(offsets[element] ?? at),
    element,
    value,
    csv: false,
  }));
}

/**
 * The wrapper key holding the rows array, if `doc` is such a wrapper.
 *
 * @example
 * rowsKey({ data: [] }) // 'data'
 */
export function rowsKey(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const obj = doc as Record<string, unknown>;
  return WRAPPER_KEYS.find((k) => Array.isArray(obj[k]));
}
