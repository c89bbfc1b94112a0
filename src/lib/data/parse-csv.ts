/**
 * CSV (and TSV) with a header row, via papaparse: quoted fields may span lines, so every record
 * is located by the offset it starts at, not by counting line breaks in the parsed data.
 */
import Papa from 'papaparse';
import type { ParseError } from 'papaparse';
import { quote, type IssueReport } from './errors';
import { LineIndex } from './lines';
import { missingColumnsMessage, type SourceRecord } from './rows';

const DELIMITERS = [',', '\t', ';', '|'];

interface RawRecord {
  fields: string[];
  start: number;
  errors: ParseError[];
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
  const sep = delimiter ?? guessDelimiter(text);
  const raw: RawRecord[] = [];
  let cursor = 0;
  Papa.parse<string[]>(text, {
    delimiter: sep,
    step: (result) => {
      raw.push({ fields: result.data, start: cursor, errors: result.errors });
      cursor = result.meta.cursor;
    },
  });

  const lines = new LineIndex(text);
  const lineOf = (r: RawRecord): number => lines.line(skipLineBreaks(text, r.start));
  const headerRecord = raw.find((r) => !isBlank(r.fields));
  if (!headerRecord) return report.fatal({ line: 0, message: 'the file is empty' });
  const headerLine = lineOf(headerRecord);
  const firstError = headerRecord.errors[0];
  if (firstError) report.fatal({ line: headerLine, message: `in the header row: ${describeCsvError(firstError)}` });

  const header = headerRecord.fields.map((h) => h.trim());
  header.forEach((name, k) => {
    if (name === '') {
      report.fatal({ line: headerLine, message: `column ${k + 1} of the header row has no name; every column needs one` });
    }
    if (header.indexOf(name) !== k) {
      report.fatal({ line: headerLine, message: `column ${quote(name)} appears twice in the header row` });
    }
  });
  const missing = missingColumnsMessage(header);
  if (missing) report.fatal({ line: headerLine, message: missing });

  const records: SourceRecord[] = [];
  for (const r of raw.slice(raw.indexOf(headerRecord) + 1)) {
    if (isBlank(r.fields)) continue;
    const line = lineOf(r);
    const error = r.errors[0];
    if (error) {
      records.push({ line, problem: { line, message: describeCsvError(error) } });
    } else if (r.fields.length !== header.length) {
      const hint = r.fields.length > header.length && sep !== '\t'
        ? ` (a field that contains "${sep}" must be in double quotes)`
        : '';
      records.push({
        line,
        problem: {
          line,
          message: `expected ${header.length} fields (one per header column), found ${r.fields.length}${hint}`,
        },
      });
    } else {
      records.push({ line, value: Object.fromEntries(header.map((h, k) => [h, r.fields[k]!])), csv: true });
    }
  }
  return records;
}

function guessDelimiter(text: string): string {
  // Blank lines (a trailing newline is one) would drag papaparse's average field count below 2.
  const preview = Papa.parse<string[]>(text, { preview: 20, delimitersToGuess: DELIMITERS, skipEmptyLines: 'greedy' });
  return preview.meta.delimiter || ',';
}

function isBlank(fields: string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

/** A record's start may sit on the line break ending the previous one; its line is the next. */
function skipLineBreaks(text: string, i: number): number {
  while (text[i] === '\n' || text[i] === '\r') i++;
  return i;
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
