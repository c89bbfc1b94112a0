/** JSON Lines: one JSON object per line; blank lines are allowed and skipped. */
import { findJsonSyntaxError } from './json-scan';
import type { SourceRecord } from './rows';
import { errorMessage } from '../util/errors';

/**
 * Split JSONL text into records, one per non-blank line. A line that is not valid JSON becomes a
 * record carrying the problem (with its column), so the caller decides whether to stop or skip.
 *
 * @example
 * parseJsonl('{"text":"a"}\n\n{"text":"b"}') // [{ line: 1, value: {text:'a'}, csv: false }, { line: 3, … }]
 */
export function parseJsonl(text: string): SourceRecord[] {
  const records: SourceRecord[] = [];
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    const raw = text.slice(start, text[end - 1] === '\r' && end > start ? end - 1 : end);
    start = end + 1;
    if (raw.trim() === '') continue;
    try {
      records.push({ line, value: JSON.parse(raw) as unknown, csv: false });
    } catch (e) {
      const problem = findJsonSyntaxError(raw, 'line');
      records.push({
        line,
        problem: problem
          ? { line, column: problem.offset + 1, message: `invalid JSON: ${problem.message}` }
          : { line, message: `invalid JSON: ${errorMessage(e)}` },
      });
    }
  }
  return records;
}
