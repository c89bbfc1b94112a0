/**
 * Importing a file as a stream of byte chunks (a browser `File.stream()`, a Node read stream), so a
 * large JSONL upload is never held whole: neither its bytes, nor its text, nor its parsed records.
 * Same result as `importDataset` on the same bytes: the same rows, issues, warnings and taxonomy.
 *
 * size (before a byte is read) → first 8 kB sniffed (binary, UTF-16, ZIP, gzip) → format from the
 * name and the first lines → JSONL: one line at a time (split on bytes, decoded strictly, parsed,
 * turned into a row); JSON and CSV: read whole (≤ the size limit) and handed to importDataset.
 *
 * Lines are split on the byte 0x0A (never part of a multi-byte UTF-8 character) and each is decoded
 * on its own with a fatal decoder, rather than through a TextDecoderStream: an invalid byte is then
 * reported at its exact offset and line, as the whole-file import does.
 */
import { DEFAULT_MAX_BYTES, firstInvalidUtf8, notUtf8Message, SNIFF_BYTES, sizeProblem, sniffBinary } from './decode';
import { ImportError, IssueReport } from './errors';
import { RowCollector } from './import-rows';
import { detectFormat, importDataset, type ImportOptions, type ImportResult } from './parse';
import { jsonlRecord } from './parse-jsonl';

/** A file to read: its size as the file system or File reports it, and its bytes in chunks. */
export interface ByteSource {
  size: number;
  chunks: AsyncIterable<Uint8Array>;
}

/**
 * Import a file read in chunks. Throws ImportError with file, line and field like importDataset:
 * refused from `size` before anything is read when it is over the limit, and again if more bytes
 * arrive than that. In strict mode the first bad row fails the import as soon as it is read.
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
  if (format !== 'jsonl' || utf8Problem) {
    // JSON documents and CSV (whose quoted fields span lines) are parsed whole, as are files that
    // are empty or not UTF-8 (for the same message): the chunks read so far plus the rest.
    return importDataset(await lines.all(), fileName, options);
  }

  const report = new IssueReport(fileName, options.mode, options.maxIssues);
  if (options.format === undefined) detectFormat(fileName, prefix, report); // its warning, if any
  lines.forget();
  const collector = new RowCollector(options.taxonomy, report);
  const add = (line: Line): void => {
    const text = decodeLine(line);
    if (text === null) {
      const at = firstInvalidUtf8(line.bytes);
      refuse(notUtf8Message(line.bytes[at] ?? 0, line.offset + at), line.number);
    }
    const record = jsonlRecord(text!, line.number);
    if (record) collector.add(record, `${fileName}:${line.number}`);
  };
  for (const line of early) add(line);
  for (let line = await lines.next(); line; line = await lines.next()) add(line);
  return collector.finish('jsonl');
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

/** One line's bytes (without its "\n"), where it starts in the file, and its 1-based number. */
interface Line {
  bytes: Uint8Array;
  offset: number;
  number: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The line as text (a UTF-8 BOM at the file's start dropped), or null when it is not UTF-8. */
function decodeLine(line: Line): string | null {
  const b = line.bytes;
  const bom = line.offset === 0 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  try {
    return utf8.decode(bom ? b.subarray(3) : b);
  } catch {
    return null;
  }
}

/**
 * Lines from a stream of byte chunks. Until `forget()` it also keeps every chunk, so `all()` can
 * still return the whole file when the format turns out to need it.
 */
class ByteLines {
  readonly #chunks: AsyncIterator<Uint8Array>;
  readonly #overLimit: (read: number) => never;
  readonly #maxBytes: number;
  #kept: Uint8Array[] | null = [];
  /** The current chunk, where in the file it starts, and how far lines have been taken from it. */
  #buf: Uint8Array = new Uint8Array(0);
  #bufOffset = 0;
  #at = 0;
  /** Parts of the current line that lie in earlier chunks, and where in the file that line starts. */
  #partial: Uint8Array[] = [];
  #lineStart = 0;
  #line = 0;
  #read = 0;
  #eof = false;
  #lastTaken = false;

  constructor(chunks: AsyncIterator<Uint8Array>, overLimit: (read: number) => never, maxBytes: number) {
    this.#chunks = chunks;
    this.#overLimit = overLimit;
    this.#maxBytes = maxBytes;
  }

  /** The first `n` bytes of the file (fewer if it is shorter). Call before the first `next()`. */
  async head(n: number): Promise<Uint8Array> {
    while (this.#read < n && (await this.#pull()));
    // Lines are then read from one buffer holding everything pulled so far.
    this.#buf = concat(this.#kept!);
    this.#kept = [this.#buf];
    this.#bufOffset = 0;
    return this.#buf.subarray(0, n);
  }

  /**
   * The next line, or null after the last. As in a split on "\n", the text after the last "\n" is
   * a line too (empty when the file ends with one).
   */
  async next(): Promise<Line | null> {
    for (;;) {
      const nl = this.#buf.indexOf(0x0a, this.#at);
      if (nl !== -1) return this.#take(nl, nl + 1);
      if (this.#at < this.#buf.length) this.#partial.push(this.#buf.subarray(this.#at));
      this.#at = this.#buf.length;
      if (!(await this.#pull())) {
        if (this.#lastTaken) return null;
        this.#lastTaken = true;
        return this.#take(this.#buf.length, this.#buf.length);
      }
    }
  }

  /** The whole file: what was kept, and the rest of the stream. */
  async all(): Promise<Uint8Array> {
    if (!this.#kept) throw new Error('ByteLines.all after forget');
    while (await this.#pull());
    return concat(this.#kept);
  }

  /** Stop keeping chunks: from now on only the current line is held. */
  forget(): void {
    this.#kept = null;
  }

  /** The line ending at `end` (exclusive) of the current chunk; the next one starts at `resume`. */
  #take(end: number, resume: number): Line {
    const tail = this.#buf.subarray(this.#at, end);
    const bytes = this.#partial.length === 0 ? tail : concat([...this.#partial, tail]);
    const line: Line = { bytes, offset: this.#lineStart, number: ++this.#line };
    this.#partial = [];
    this.#at = resume;
    this.#lineStart = this.#bufOffset + resume;
    return line;
  }

  async #pull(): Promise<boolean> {
    if (this.#eof) return false;
    const r = await this.#chunks.next();
    if (r.done) {
      this.#eof = true;
      return false;
    }
    this.#read += r.value.length;
    if (this.#read > this.#maxBytes) this.#overLimit(this.#read);
    this.#kept?.push(r.value);
    this.#bufOffset += this.#buf.length;
    this.#buf = r.value;
    this.#at = 0;
    return true;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
