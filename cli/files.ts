/** Opening the user's input files, with one-line errors the CLI prints as they are. */
import { statSync } from 'node:fs';
import { UsageError } from './errors';

/**
 * Size in bytes of a file the user named; a directory, a missing file or an unreadable one is a
 * UsageError. `name` is how the message refers to the argument (the path, or `--flag path`).
 *
 * @example
 * const size = inputFileSize('data.jsonl', 'data file');
 */
export function inputFileSize(path: string, what: string, name: string = path): number {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError(`${name} is a directory, not a ${what}`);
    return st.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? String(err)})`);
  }
}
