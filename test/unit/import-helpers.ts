import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { ImportError, importDataset, type ImportOptions, type ImportResult } from '../../src/lib/data/parse';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';

export const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
}

export function importText(
  text: string | Uint8Array,
  fileName: string,
  options: Partial<ImportOptions> = {},
): ImportResult {
  const bytes = typeof text === 'string' ? enc(text) : text;
  return importDataset(bytes, fileName, { mode: 'strict', taxonomy: defaultTaxonomy(), ...options });
}

/** The ImportError an import throws (fails the test if it does not throw one). */
export function importFailure(
  text: string | Uint8Array,
  fileName: string,
  options: Partial<ImportOptions> = {},
): ImportError {
  try {
    importText(text, fileName, options);
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return e as ImportError;
  }
  throw new Error(`expected importing ${fileName} to fail`);
}

export const jsonl = (objs: readonly unknown[]): string => objs.map((o) => JSON.stringify(o)).join('\n') + '\n';

/** CSV with every field quoted; objects/arrays (messages, markers) go in as JSON text. */
export function csv(objs: ReadonlyArray<Record<string, unknown>>): string {
  const columns = [...new Set(objs.flatMap((o) => Object.keys(o)))];
  const cell = (v: unknown): string => {
    const s = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return `"${s.replaceAll('"', '""')}"`;
  };
  return [columns.join(','), ...objs.map((o) => columns.map((c) => cell(o[c])).join(','))].join('\n') + '\n';
}
