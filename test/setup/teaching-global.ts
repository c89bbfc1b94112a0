/**
 * Global set-up of the node project: the annotated teaching set (and the 6,000-row varied set the
 * batch tests window) is built once per run and handed to every test file as a JSON file, instead
 * of each file (and each in-process CLI command) annotating it again.
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
  for (const name of ['teaching', 'varied'] as const) {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(await loadSource(`builtin:${name}`, { ...TEACHING_OPTIONS, lenient: false, warn: () => {} })));
    project.provide(`${name}Json`, path);
  }
}

export function teardown(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    teachingJson: string;
    variedJson: string;
  }
}
