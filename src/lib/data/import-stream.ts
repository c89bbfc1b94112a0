/**
 * Importing a file as a stream of byte chunks (a browser `File.stream()`, a Node read stream), so a
 * large JSONL or CSV upload is never held whole: neither its bytes, nor its text, nor its parsed
 * records. Same result as `importDataset` on the same bytes: the same rows, issues, warnings and
 * taxonomy, and the same first error.
 *
 * size (before a byte is read) → first 8 kB sniffed (binary, UTF-16, ZIP, gzip) → format from the
 * name and the first lines → lines (split on bytes, decoded strictly; byte-lines.ts) →
 *   JSONL: each line parsed and turned into a row;
 *   CSV: the lines, joined again, go to the CSV reader in 64 kB pieces, each record turned into a row;
 *   JSON: read whole (≤ the size limit), decoded, and the text handed to importText.
 */
import { ByteLines, decodeLine, type Line } from './byte-lines';
import { decodeText, DEFAULT_MAX_BYTES, firstInvalidUtf8, notUtf8Message, SNIFF_BYTES, sizeProblem, sniffBinary } from './decode';
import { ImportError, IssueReport } from './errors';
import { RowCollector } from './import-rows';
import { csvDelimiter, detectFormat, importText, type ImportOptions, type ImportResult } from './parse';
import { CSV_SNIFF_CHARS, csvDialect, CsvReader } from './parse-csv';
import { jsonlRecord } from './parse-jsonl';
import type { SourceRecord } from './rows';

/** A file to read: its size as the file system or File reports it, and its bytes in chunks. */
export interface ByteSource {
  size: number;
  chunks: AsyncIterable<Uint8Array>;
}

/**
 * Import a file read in chunks. Throws ImportError with file, line and field like importDataset:
 * refused from `size` before anything is read when it is over the limit, and again if more bytes
 * arrive than that. Invalid UTF-8 fails the import where it is read; in strict mode the first bad
 * row does once the rest of the file has been checked for invalid UTF-8 (no row is parsed then).
 *
 * @example
 * const result = await importDatasetStream(blobSource(file), file.name, { mode: 'strict', taxonomy });
 * // Node: { size: statSync(path).size, chunks: createReadStream(path) }
 */
export async function importDatasetStream(source: ByteSource, fileName: string, options: ImportOptions): Promise<ImportResult> {
  const refuse = (message: string, line = 0): never => {
    throw new ImportError([{ file: fileName, line, message }]);
  };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const tooBig = sizeProblem(source.size, maxBytes);
  if (tooBig !== null) refuse(tooBig);
  const lines = new ByteLines(source.chunks[Symbol.asyncIterator](), (read) => refuse(sizeProblem(read, maxBytes)!), maxBytes);

  const head = await lines.head(SNIFF_BYTES);
  if (head.length === 0) refuse('the file is empty');
  const binary = sniffBinary(head);
  if (binary) refuse(binary);

  // The first non-blank line and whether anything follows it decide the format (detectFormat).
  const early: Line[] = [];
  let prefix = '', nonBlank = 0, utf8Problem = false;
  for (let line = await lines.next(); line; line = await lines.next()) {
    early.push(line);
    const text = decodeLine(line);
    utf8Problem = text === null;
    if (text === null) break;
    prefix += (early.length > 1 ? '\n' : '') + text;
    if (text.trim() !== '' && ++nonBlank === 2) break;
  }
  const format = options.format ?? (nonBlank > 0 ? detectFormat(fileName, prefix) : null);
  if ((format !== 'jsonl' && format !== 'csv') || utf8Problem) {
    // A JSON document is parsed whole, as are files that are empty or not UTF-8 (for the same
    // message): the chunks read so far plus the rest, let go of once decoded.
    return importText(await wholeText(lines, fileName, maxBytes), fileName, options);
  }

  const report = new IssueReport(fileName, options.mode, options.maxIssues);
  if (options.format === undefined) detectFormat(fileName, prefix, report); // its warning, if any
  lines.forget();
  const collector = new RowCollector(options.taxonomy, report);
  // The whole-file import refuses a file that is not UTF-8 before it reads a row. So the first row
  // error (strict mode) or header error is kept while the rest of the file is still read and decoded,
  // and thrown only when no invalid byte follows.
  let failed: ImportError | null = null;
  const rows = (work: () => void): void => {
    if (failed) return;
    try {
      work();
    } catch (e) {
      if (!(e instanceof ImportError)) throw e;
      failed = e;
    }
  };
  const add = (record: SourceRecord): void => collector.add(record);
  const csv = format === 'csv' ? new CsvPieces(csvDelimiter(fileName), report, add) : null;

  let k = 0;
  const next = (): Line | null | Promise<Line | null> => (k < early.length ? early[k++]! : lines.next());
  for (let line = await next(); line; line = await next()) {
    const text = decodeLine(line);
    if (text === null) {
      const at = firstInvalidUtf8(line.bytes);
      refuse(notUtf8Message(line.bytes[at] ?? 0, line.offset + at), line.number);
    }
    if (csv) {
      rows(() => csv.line(text!));
    } else {
      const record = jsonlRecord(text!, line.number);
      if (record) rows(() => add(record));
    }
  }
  if (csv) rows(() => csv.end());
  if (failed) throw failed;
  return collector.finish(format);
}

/** The rest of the file as text (decodeText's refusals); the bytes are garbage once this returns. */
async function wholeText(lines: ByteLines, fileName: string, maxBytes: number): Promise<string> {
  return decodeText(await lines.all(), fileName, maxBytes);
}

/** Piece size handed to the CSV parser: big enough that a call's overhead does not count. */
const CSV_PIECE_CHARS = 64 * 1024;

/**
 * Decoded lines → CSV records: the lines are joined again with "\n" (a "\r" before it stays on its
 * line) and handed to a CsvReader in pieces; the dialect is decided, as for the whole file, from the
 * first CSV_SNIFF_CHARS characters, which are held until then.
 */
class CsvPieces {
  readonly #delimiter: string | undefined;
  readonly #report: IssueReport;
  readonly #onRecord: (record: SourceRecord) => void;
  #reader: CsvReader | null = null;
  #text = '';
  #lines = 0;

  constructor(delimiter: string | undefined, report: IssueReport, onRecord: (record: SourceRecord) => void) {
    this.#delimiter = delimiter;
    this.#report = report;
    this.#onRecord = onRecord;
  }

  line(text: string): void {
    this.#text += this.#lines++ === 0 ? text : `\n${text}`;
    if (this.#reader === null && this.#text.length < CSV_SNIFF_CHARS) return;
    if (this.#text.length >= CSV_PIECE_CHARS) this.#flush();
  }

  end(): void {
    this.#flush();
    this.#reader!.end();
  }

  #flush(): void {
    this.#reader ??= new CsvReader(csvDialect(this.#text, this.#delimiter), this.#report, this.#onRecord);
    this.#reader.push(this.#text);
    this.#text = '';
  }
}

/**
 * A browser Blob or File as a ByteSource.
 *
 * @example
 * await importDatasetStream(blobSource(file), file.name, options);
 */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    chunks: {
      async *[Symbol.asyncIterator]() {
        const reader = blob.stream().getReader();
        try {
          for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
        } finally {
          reader.releaseLock();
        }
      },
    },
  };
}

