/** Where a command's result goes: stdout, or a file with --out; JSON with --json. */
import { statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './errors';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Characters a terminal may act on or that change how the text around them looks: C0 controls (ESC
 * starts CSI/OSC sequences, BEL rings, CR rewrites the line, BS erases), DEL, C1 controls (0x9B is a
 * one-byte CSI on some terminals), bidirectional overrides and isolates, line/paragraph separators,
 * and lone surrogates. Newline and tab are layout and kept, except in {@link inlineText}.
 */
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const UNSAFE_INLINE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function escapeChar(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * THE output sanitiser: text bound for a terminal with every character a terminal could interpret
 * shown in its visible `\u001b` form. Newlines and tabs stay. The escape is JSON's own, and JSON.stringify
 * leaves no raw C0 control outside a string, so `--json` output passed through here is the same JSON
 * (it parses to the same value). Every byte the CLI writes to stdout and stderr goes through it
 * ({@link safeIo}); files written with --out are left exact.
 *
 * @example
 * terminalSafe('red \x1b[31mtext\x07') // → 'red \\u001b[31mtext\\u0007'
 * terminalSafe('line one\nline two')   // → unchanged
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * User or model text placed inside one line of output (a marker value in a histogram label, a sample's
 * marker summary): like {@link terminalSafe}, and newlines, carriage returns and tabs escaped too, so
 * the text cannot start a line of its own that looks like the CLI's.
 *
 * @example
 * inlineText('Legal\nannotated 5 rows') // → 'Legal\\u000aannotated 5 rows'
 */
export function inlineText(text: string): string {
  return text.replace(UNSAFE_INLINE, escapeChar);
}

/**
 * `io` with both streams passed through {@link terminalSafe}: `main` wraps its Io in this once, so no
 * command can forget it.
 *
 * @example
 * const io = safeIo(processIo);
 * io.stdout('\x1b]0;pwned\x07\n'); // prints \u001b]0;pwned\u0007
 */
export function safeIo(io: Io): Io {
  return { stdout: (text) => io.stdout(terminalSafe(text)), stderr: (text) => io.stderr(terminalSafe(text)) };
}

/** Write JSONL lines to --out, or to stdout when no file is given. */
export function writeLines(io: Io, lines: Iterable<string>, out: string | undefined): number {
  let n = 0;
  const chunks: string[] = [];
  for (const line of lines) {
    chunks.push(line.endsWith('\n') ? line : `${line}\n`);
    n++;
  }
  if (out === undefined) io.stdout(chunks.join(''));
  else {
    try {
      writeFileSync(out, chunks.join(''));
    } catch (err) {
      throw new UsageError(`cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  return n;
}

export function printJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Refuse an --out that cannot be written before any work is done, so a typo in the path is
 * the one line the user sees, not an error after a long import and its warnings.
 */
export function checkOut(out: string | undefined): void {
  if (out === undefined) return;
  if (out === '') throw new UsageError('--out needs a file name');
  if (statOrNull(out)?.isDirectory()) throw new UsageError(`--out ${out} is a directory; give a file name`);
  const dir = dirname(out);
  if (!statOrNull(dir)?.isDirectory()) throw new UsageError(`cannot write ${out}: there is no folder ${dir}`);
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
