/**
 * Global set-up of the node project: the annotated 6,000-row teaching set is built once per run
 * (about a second of annotation) and handed to every test file as a JSON file, instead of each
 * file (and each in-process CLI command) annotating it again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadSource } from '../../cli/source';
import { TEACHING_OPTIONS } from './teaching-options';

let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'markerlab-test-'));
  const path = join(dir, 'teaching.json');
  writeFileSync(path, JSON.stringify(await loadSource('builtin:teaching', { ...TEACHING_OPTIONS, lenient: false, warn: () => {} })));
  project.provide('teachingJson', path);
}

export function teardown(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    teachingJson: string;
  }
}
