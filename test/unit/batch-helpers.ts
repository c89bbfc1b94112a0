import type { PreparedDataset } from '../../src/lib/data/pipeline';
import type { Row } from '../../src/lib/data/types';
import type { Taxonomy } from '../../src/lib/markers/taxonomy';
import { buildTokenizer } from '../../src/lib/tokenizer/tokenizer';
import type { TokenizerSpec } from '../../src/lib/tokenizer/tokenizer';
import { variedJson } from '../setup/teaching-preload';

let cached: { rows: Row[]; taxonomy: Taxonomy; tok: TokenizerSpec } | undefined;

/** The annotated 6,000-row varied dataset (rows long enough to be windowed; built once per run, test/setup) and a tokenizer for it. */
export function varied(): { rows: Row[]; taxonomy: Taxonomy; tok: TokenizerSpec } {
  if (!cached) {
    const ds = JSON.parse(variedJson()) as PreparedDataset;
    const tok = buildTokenizer({ taxonomy: ds.taxonomy, texts: ds.rows.flatMap((r) => [r.prompt, r.completion]) });
    cached = { rows: ds.rows, taxonomy: ds.taxonomy, tok };
  }
  return cached;
}

/** The sequences of a packed batch, rebuilt from x/y and segments: row → [tokens of each sequence]. */
export function unpack(batch: { x: Int32Array; y: Int32Array; segments: Int32Array }, B: number, T: number): number[][][] {
  const rows: number[][][] = [];
  for (let b = 0; b < B; b++) {
    const seqs: number[][] = [];
    for (let t = 0; t < T; t++) {
      const s = batch.segments[b * T + t]!;
      if (s < 0) continue;
      if (s === seqs.length) seqs.push([batch.x[b * T + t]!]);
      else seqs[s]!.push(batch.x[b * T + t]!);
      if (t === T - 1 || batch.segments[b * T + t + 1] !== s) seqs[s]!.push(batch.y[b * T + t]!);
    }
    rows.push(seqs);
  }
  return rows;
}
