/**
 * CSV (and TSV) with a header row, via papaparse, read as text arrives: one piece (a whole file) or
 * many (a streamed upload) give the same records. Quoted fields may span lines, so every record is
 * located by the offset it starts at, not by counting line breaks in the parsed data.
 *
 * dialect (delimiter and line break, from the first CSV_SNIFF_CHARS) → papaparse's Parser on the
 * text not yet consumed → one record per CSV record, with the line it starts on
 *
 * Why papaparse's low-level `Parser` rather than `Papa.parse(file, { step })`: its file and stream
 * readers decode each chunk on its own, so a multi-byte character cut by a chunk boundary becomes
 * two U+FFFD (mholt/PapaParse#751, #908), and they guess the line break from the first chunk alone
 * (#1134). Here the text comes decoded strictly by the caller, the dialect is decided once from a
 * fixed prefix, and the Parser is called the way papaparse's own ChunkStreamer calls it: on the
 * unconsumed text, with the base offset, leaving the last (possibly cut) record for the next call.
 */
import Papa from 'papaparse';
import type { ParseError, Parser } from 'papaparse';
import { quote, type IssueReport } from './errors';
import { missingColumnsMessage, type SourceRecord } from './rows';

const DELIMITERS = [',', '\t', ';', '|'];

/**
 * How much of the text's start decides the delimiter and the line break. Papaparse itself looks
 * at the first 1 MB for the line break; the delimiter is guessed from the first 20 records in it.
 */
export const CSV_SNIFF_CHARS = 1024 * 1024;

export interface CsvDialect {
  delimiter: string;
  newline: '\n' | '\r\n' | '\r';
}

/**
 * Delimiter (given, or guessed among , tab ; |) and line break of a CSV file, from its first
 * CSV_SNIFF_CHARS characters: the whole file and a stream of it decide alike.
 *
 * @example
 * csvDialect('a;b\r\n1;2\r\n') // { delimiter: ';', newline: '\r\n' }
 */
export function csvDialect(text: string, delimiter?: string): CsvDialect {
  // Blank lines (a trailing newline is one) would drag papaparse's average field count below 2.
  const preview = Papa.parse<string[]>(text.slice(0, CSV_SNIFF_CHARS), {
    preview: 20, delimiter, delimitersToGuess: DELIMITERS, skipEmptyLines: 'greedy',
  });
  return { delimiter: delimiter ?? (preview.meta.delimiter || ','), newline: preview.meta.linebreak as CsvDialect['newline'] };
}

/**
 * Parse CSV text into records keyed by the header's column names. Header problems (no usable
 * columns, duplicates, nameless columns) are fatal; a bad record (unclosed quote, wrong number of
 * fields) becomes a record carrying the problem. Blank lines are skipped.
 *
 * @example
 * parseCsv('prompt,completion\nHi,"Hello,\nthere"\n', report) // [{ line: 2, value: {prompt:'Hi', completion:'Hello,\nthere'}, csv: true }]
 */
export function parseCsv(text: string, report: IssueReport, delimiter?: string): SourceRecord[] {
  const records: SourceRecord[] = [];
  const reader = new CsvReader(csvDialect(text, delimiter), report, (r) => records.push(r));
  reader.push(text);
  reader.end();
  return records;
}

/**
 * CSV text in pieces → records, each handed to `onRecord` as soon as it is complete. Only the
 * unfinished last record is held between pieces.
 *
 * @example
 * const reader = new CsvReader(csvDialect(firstPiece), report, (record) => collector.add(record));
 * reader.push(firstPiece); reader.push(nextPiece); reader.end();
 */
export class CsvReader {
  readonly #dialect: CsvDialect;
  readonly #report: IssueReport;
  readonly #onRecord: (record: SourceRecord) => void;
  readonly #parser: Parser;
  /** Text not yet consumed, and its offset in the whole text. */
  #pending = '';
  #base = 0;
  /** Don't parse again before `#pending` is this long: a record longer than a piece is not rescanned per piece. */
  #retryAt = 0;
  /** Where the next record starts, and how many "\n" come before it. */
  #cursor = 0;
  #newlines = 0;
  #header: string[] | null = null;
  #ended = false;

  constructor(dialect: CsvDialect, report: IssueReport, onRecord: (record: SourceRecord) => void) {
    this.#dialect = dialect;
    this.#report = report;
    this.#onRecord = onRecord;
    this.#parser = new Papa.Parser({
      delimiter: dialect.delimiter,
      newline: dialect.newline,
      step: (result: { data: string[][]; errors: ParseError[]; meta: { cursor: number } }) => {
        this.#record(result.data[0] ?? [''], result.errors, result.meta.cursor);
      },
    });
  }

  /** More text; every record it completes is handed on (a strict report may throw from here). */
  push(text: string): void {
    if (this.#ended) throw new Error('CsvReader.push after end');
    this.#pending += text;
    if (this.#pending.length < this.#retryAt) return;
    const consumed = (this.#parser.parse(this.#pending, this.#base, true) as { meta: { cursor: number } }).meta.cursor;
    this.#pending = this.#pending.slice(consumed - this.#base);
    this.#base = consumed;
    this.#retryAt = 2 * this.#pending.length;
  }

  /** The text is complete: the last record is handed on; fatal when the file had no header. */
  end(): void {
    this.#ended = true;
    if (this.#pending !== '') this.#parser.parse(this.#pending, this.#base, false);
    this.#pending = '';
    if (this.#header === null) this.#report.fatal({ line: 0, message: 'the file is empty' });
  }

  /** One parsed record: its fields, papaparse's errors, and the offset where the next one starts. */
  #record(fields: string[], errors: ParseError[], end: number): void {
    const start = this.#cursor, text = this.#pending, at = (offset: number): number => offset - this.#base;
    this.#cursor = end;
    // A record's start may sit on the line break ending the previous one; its line is the next.
    let first = at(start);
    while (text[first] === '\n' || text[first] === '\r') first++;
    const line = this.#newlines + countNewlines(text, at(start), first) + 1;
    this.#newlines += countNewlines(text, at(start), at(end));
    if (isBlank(fields)) return;
    if (this.#header === null) {
      this.#header = this.#readHeader(fields, errors, line);
      return;
    }
    const header = this.#header, sep = this.#dialect.delimiter;
    const error = errors[0];
    if (error) {
      this.#onRecord({ line, problem: { line, message: describeCsvError(error) } });
    } else if (fields.length !== header.length) {
      const hint = fields.length > header.length && sep !== '\t' ? ` (a field that contains "${sep}" must be in double quotes)` : '';
      this.#onRecord({
        line,
        problem: { line, message: `expected ${header.length} fields (one per header column), found ${fields.length}${hint}` },
      });
    } else {
      this.#onRecord({ line, value: Object.fromEntries(header.map((h, k) => [h, ownCopy(fields[k]!)])), csv: true });
    }
  }

  #readHeader(fields: string[], errors: ParseError[], line: number): string[] {
    const report = this.#report;
    const firstError = errors[0];
    if (firstError) report.fatal({ line, message: `in the header row: ${describeCsvError(firstError)}` });
    const header = fields.map((h) => h.trim());
    header.forEach((name, k) => {
      if (name === '') report.fatal({ line, message: `column ${k + 1} of the header row has no name; every column needs one` });
      if (header.indexOf(name) !== k) report.fatal({ line, message: `column ${quote(name)} appears twice in the header row` });
    });
    const missing = missingColumnsMessage(header);
    if (missing) report.fatal({ line, message: missing });
    return header;
  }
}

/**
 * A copy of a field that does not point into the piece it was cut from. Papaparse's fields are
 * substrings, which V8 keeps as views of the whole piece: kept in rows, they would keep every piece
 * of the file alive (+21 MB of heap for a 26 MB CSV of 200,000 rows, measured). A JSON round trip
 * makes a fresh string (about 0.2 s for those 200,000 rows); slicing or structuredClone did not.
 */
function ownCopy(field: string): string {
  return JSON.parse(JSON.stringify(field)) as string;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function isBlank(fields: string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

function describeCsvError(e: ParseError): string {
  switch (e.code) {
    case 'MissingQuotes':
      return 'a quoted field has no closing double quote, so the rest of the file was read as one field';
    case 'InvalidQuotes':
      return 'a quoted field has characters after its closing double quote (write a quote inside a quoted field as "")';
    default:
      return e.message;
  }
}
