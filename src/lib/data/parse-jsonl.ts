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
    const record = jsonlRecord(text.slice(start, end), line);
    start = end + 1;
    if (record) records.push(record);
  }
  return records;
}

/**
 * One line of a JSONL file (without its "\n"; a trailing "\r" is dropped) as a record, or null
 * for a blank line. The streaming import (import-stream.ts) reads lines with it one at a time.
 *
 * @example
 * jsonlRecord('{"text":"a"}\r', 4) // { line: 4, value: { text: 'a' }, csv: false }
 */
export function jsonlRecord(text: string, line: number): SourceRecord | null {
  const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (raw.trim() === '') return null;
  try {
    return { line, value: JSON.parse(raw) as unknown, csv: false };
  } catch (e) {
    const problem = findJsonSyntaxError(raw, 'line');
    return {
      line,
      problem: problem
        ? { line, column: problem.offset + 1, message: `invalid JSON: ${problem.message}` }
        : { line, message: `invalid JSON: ${errorMessage(e)}` },
    };
  }
}
