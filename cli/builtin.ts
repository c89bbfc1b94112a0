/** Built-in datasets from Node: the shared registry, reading its files from the repository. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_DATASETS, loadBuiltin } from '../src/lib/data/builtin';
import type { Row } from '../src/lib/data/types';

export { BUILTIN_DATASETS };

/** The repository root, wherever the CLI is started from. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export function loadBuiltinNode(name: string): Promise<Row[]> {
  return loadBuiltin(name, { readFile: (path) => readFileSync(join(REPO_ROOT, path), 'utf8') });
}
