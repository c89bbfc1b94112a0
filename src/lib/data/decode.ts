/**
 * Bytes → text for imports: refuse what is not a UTF-8 text file before any parser sees it,
 * and say why in terms a person can act on (size and limit, the offending byte and its line).
 */
import { ImportError } from './errors';

/** Default upload limit. The whole file is held in memory several times over while parsing. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** How much of the file's start the binary heuristic looks at. */
export const SNIFF_BYTES = 8192;
/** Share of control bytes in the sniffed start above which a file counts as binary. */
const MAX_CONTROL_SHARE = 0.1;

/**
 * Decode an uploaded file as UTF-8 text (a BOM is accepted and stripped).
 * Throws ImportError when the file is too big, empty, binary, UTF-16 or not valid UTF-8.
 *
 * @example
 * decodeText(new TextEncoder().encode('{"text":"hi"}'), 'a.jsonl') // '{"text":"hi"}'
 */
export function decodeText(bytes: Uint8Array, file: string, maxBytes: number = DEFAULT_MAX_BYTES): string {
  const refuse = (message: string, line = 0): never => {
    throw new ImportError([{ file, line, message }]);
  };
  const tooBig = sizeProblem(bytes.length, maxBytes);
  if (tooBig !== null) refuse(tooBig);
  if (bytes.length === 0) refuse('the file is empty');
  const kind = sniffBinary(bytes);
  if (kind) refuse(kind);

  let text: string;
  try {
    // The default (ignoreBOM: false) strips a leading UTF-8 BOM.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    return refuse(notUtf8Message(bytes[offset] ?? 0, offset), lineAtByte(bytes, offset));
  }
  if (text.trim() === '') refuse('the file is empty (only whitespace)');
  return text;
}

/**
 * Why a file is not UTF-8, naming the first bad byte and its offset in the file.
 *
 * @example
 * notUtf8Message(0xe9, 12) // 'the file is not valid UTF-8: byte 0xE9 at byte offset 12 cannot start …'
 */
export function notUtf8Message(bad: number, offset: number): string {
  return `the file is not valid UTF-8: byte 0x${bad.toString(16).toUpperCase().padStart(2, '0')} at byte offset ` +
    `${offset} cannot start or continue a character (the file is probably Latin-1 or Windows-1252); ` +
    'save it as UTF-8 and import it again';
}

/**
 * A reason the file is not text, or null when it looks like text; `bytes` is the file's start
 * (the first SNIFF_BYTES are read).
 */
export function sniffBinary(bytes: Uint8Array): string | null {
  const b0 = bytes[0], b1 = bytes[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    return 'the file is UTF-16 text; save it as UTF-8 and import it again';
  }
  if (b0 === 0x50 && b1 === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    return 'the file is a ZIP archive (an Excel .xlsx is one), not text; export the sheet as CSV';
  }
  if (b0 === 0x1f && b1 === 0x8b) return 'the file is gzip-compressed; decompress it first';
  const n = Math.min(bytes.length, SNIFF_BYTES);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 0) return `the file looks binary (it contains a NUL byte at offset ${i}); expected a JSONL, JSON or CSV text file`;
    // Tab, line feed, vertical tab, form feed and carriage return occur in text files.
    if ((c < 0x20 && (c < 0x09 || c > 0x0d)) || c === 0x7f) control++;
  }
  if (control / n > MAX_CONTROL_SHARE) {
    return `the file looks binary (${Math.round((100 * control) / n)}% of its first ${n} bytes are control characters); expected a JSONL, JSON or CSV text file`;
  }
  return null;
}

/**
 * Byte offset of the first sequence that is not well-formed UTF-8 (the rules TextDecoder applies:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or -1 when all bytes are valid.
 *
 * @example
 * firstInvalidUtf8(new Uint8Array([0x61, 0xe9, 0x62])) // 1
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80, hi = 0xbf; // allowed range of the first continuation byte
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0; // overlong
      else if (c === 0xed) hi = 0x9f; // UTF-16 surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90; // overlong
      else if (c === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const d = bytes[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

function lineAtByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/**
 * Why a file of `size` bytes cannot be imported, or null. Call it with `File.size` before reading a
 * byte of an upload: a 2 GB file is then refused at once instead of after it was read into memory.
 *
 * @example
 * sizeProblem(60 * 1024 * 1024) // → 'the file is 60 MB, over the import limit of 50 MB'
 * sizeProblem(1000)             // → null
 */
export function sizeProblem(size: number, maxBytes: number = DEFAULT_MAX_BYTES): string | null {
  if (size <= maxBytes) return null;
  const [shown, limit] = sizeAndLimit(size, maxBytes);
  return `the file is ${shown}, over the import limit of ${limit}`;
}

/**
 * A size and the limit it is over, for a message: "50 MB, over the limit of 50 MB" would read as a
 * bug, so both are given in bytes when rounding hides the gap.
 *
 * @example
 * sizeAndLimit(600 * 1024 * 1024, 512 * 1024 * 1024) // ['600 MB', '512 MB']
 * sizeAndLimit(50 * 1024 * 1024 + 1, 50 * 1024 * 1024) // ['52428801 bytes', '52428800 bytes']
 */
export function sizeAndLimit(size: number, limit: number): [string, string] {
  const shown = formatBytes(size), max = formatBytes(limit);
  return shown === max ? [`${size} bytes`, `${limit} bytes`] : [shown, max];
}

/**
 * Human-readable size, e.g. `61.2 MB`.
 *
 * @example
 * formatBytes(50 * 1024 * 1024) // '50 MB'
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number(v.toFixed(1))} ${units[u]}`;
}
