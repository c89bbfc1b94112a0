/**
 * Held-out rows for the studies: a fresh draw of the teaching generator with another seed, minus the
 * rows equal to one of the built-in set (prompt and completion), annotated as the built-in set is.
 * Shared by heldout-gains.ts and heldout-accuracy.ts.
 *
 * @example
 * const { builtIn, fresh, drawn } = await freshTeachingRows(1500, 999);
 */
import { generateTeachingDataset } from '../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../src/lib/data/pipeline';
import type { Row } from '../../src/lib/data/types';
import { loadSource } from '../source';

export async function freshTeachingRows(rows: number, seed: number): Promise<{ builtIn: Awaited<ReturnType<typeof loadSource>>; fresh: Row[]; drawn: number }> {
  const builtIn = await loadSource('builtin:teaching', { lenient: false, wrapper: 'MARKER_LIST', lengthBuckets: { mode: 'quantile' }, warn: () => {} });
  const seen = new Set(builtIn.rows.map((r) => `${r.prompt}\u0000${r.completion}`));
  const drawn = prepareDataset('teaching', generateTeachingDataset({ rows, seed }), builtIn.taxonomy).rows;
  return { builtIn, fresh: drawn.filter((r) => !seen.has(`${r.prompt}\u0000${r.completion}`)), drawn: drawn.length };
}
