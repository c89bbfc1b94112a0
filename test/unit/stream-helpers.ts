/** Feeding bytes to the streaming import in chosen chunks, and comparing it with the whole-file import. */
import { expect } from 'vitest';
import { importDatasetStream, type ByteSource } from '../../src/lib/data/import-stream';
import { ImportError, importDataset, type ImportOptions } from '../../src/lib/data/parse';

/** The bytes in chunks cut at `cuts` (positions, any order, duplicates ignored). */
export function chunked(bytes: Uint8Array, cuts: readonly number[] = []): ByteSource {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const bounds = [0, ...at, bytes.length];
  return {
    size: bytes.length,
    chunks: (async function* () {
      for (let k = 0; k + 1 < bounds.length; k++) if (bounds[k + 1]! > bounds[k]!) yield bytes.slice(bounds[k], bounds[k + 1]);
    })(),
  };
}

/** Cuts every `n` bytes. */
export const every = (n: number, length: number): number[] => Array.from({ length: Math.ceil(length / n) }, (_, k) => n * k);

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** What an import gave: its result, or its ImportError's message, issues and count (anything else is thrown). */
export async function settle(f: () => unknown): Promise<Outcome> {
  try {
    return { ok: true, value: await f() };
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    return { ok: false, error: { message: error.message, issues: error.issues, count: error.count } };
  }
}

/** The streaming import of `bytes` cut at `cuts` gives exactly what the whole-file import gives. */
export async function expectSame(bytes: Uint8Array, name: string, options: ImportOptions, cuts: readonly number[]): Promise<void> {
  const whole = await settle(() => importDataset(bytes, name, options));
  const streamed = await settle(() => importDatasetStream(chunked(bytes, cuts), name, options));
  expect(streamed).toEqual(whole);
}
