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
