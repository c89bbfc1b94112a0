/**
 * Per test file of the node project: the teaching set the global set-up annotated is handed to
 * the CLI's loader, so `markerlab … builtin:teaching` in-process reads it instead of annotating again.
 */
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { preloadBuiltin } from '../../cli/source';
import { TEACHING_OPTIONS } from './teaching-options';

/** The annotated teaching set as JSON (`JSON.stringify(PreparedDataset)`), read once per file. */
export const teachingJson = readFileSync(inject('teachingJson'), 'utf8');
preloadBuiltin('teaching', TEACHING_OPTIONS, teachingJson);

/** The annotated varied set (rows long enough to be windowed), read when a file asks for it. */
export const variedJson = (): string => readFileSync(inject('variedJson'), 'utf8');
