/**
 * A stream of byte chunks as lines: split on the byte 0x0A (never part of a multi-byte UTF-8
 * character), each line decoded on its own with a fatal decoder, rather than through a
 * TextDecoderStream, so invalid UTF-8 is reported at its exact offset and line, as the whole-file
 * import does. Used by the streaming import (import-stream.ts).
 */

/** One line's bytes (without its "\n"), where it starts in the file, and its 1-based number. */
export interface Line {
  bytes: Uint8Array;
  offset: number;
  number: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The line as text (a UTF-8 BOM at the file's start dropped), or null when it is not UTF-8. */
export function decodeLine(line: Line): string | null {
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
export class ByteLines {
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

  /** The whole file: what was kept, and the rest of the stream. Nothing is kept after it. */
  async all(): Promise<Uint8Array> {
    if (!this.#kept) throw new Error('ByteLines.all after forget');
    while (await this.#pull());
    const whole = concat(this.#kept);
    this.#kept = null;
    this.#buf = new Uint8Array(0);
    return whole;
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
