/**
 * The whole data side, end to end on both built-in datasets: rows → annotate → split →
 * dropout → format → tokenize → decode → parse gives back exactly what went in.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltin } from '../../src/lib/data/builtin';
import { prepareDataset, type PreparedDataset } from '../../src/lib/data/pipeline';
import { splitDataset } from '../../src/lib/data/split';
import { applyDropout, DEFAULT_DROPOUT } from '../../src/lib/markers/dropout';
import { formatExample, parseCompletionPieces, parseInputPieces, toSequence } from '../../src/lib/markers/template';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { buildTokenizer, decodeIds, encodePieces, SEP_ID, type TokenizerSpec } from '../../src/lib/tokenizer/tokenizer';

const datasets: Record<string, PreparedDataset> = {};
beforeAll(async () => {
  for (const name of ['teaching', 'udhr']) {
    const rows = await loadBuiltin(name, { readFile: (p) => readFileSync(p, 'utf8') });
    datasets[name] = prepareDataset(name, rows, defaultTaxonomy());
  }
});

describe.each(['teaching', 'udhr'])('%s: raw rows to token ids and back', (name) => {
  it('every row has length markers and a consistent length bucket after annotation', () => {
    const ds = datasets[name]!;
    for (const row of ds.rows) {
      expect(Number(row.markers.length_tokens)).toBe([...row.completion].length);
      expect(row.markers.length_bucket).toMatch(/^(concise|medium|long)$/);
    }
  });

  it('splits stratified by lang, then round-trips every training example through the tokenizer', () => {
    const ds = datasets[name]!;
    const { train, val } = splitDataset(ds.rows, { valFraction: 0.1, stratifyBy: 'lang', seed: 3 });
    expect(train.length + val.length).toBe(ds.rows.length);
    const tok: TokenizerSpec = buildTokenizer({ taxonomy: ds.taxonomy, texts: train.flatMap((r) => [r.prompt, r.completion]) });
    for (const row of [...train, ...val]) {
      const { kept } = applyDropout(row.markers, { ...DEFAULT_DROPOUT, seed: 9 }, row.id, 0);
      const ids = encodePieces(tok, toSequence(formatExample(row, kept, ds.taxonomy)));
      const sep = ids.indexOf(SEP_ID);
      const input = decodeIds(tok, ids.subarray(1, sep));
      const target = decodeIds(tok, ids.subarray(sep + 1, ids.length - 1));
      expect(input.invalid).toEqual([]);
      expect(parseInputPieces(input.pieces, ds.taxonomy)).toEqual({ prompt: row.prompt, markers: kept, issues: [] });
      expect(parseCompletionPieces(target.pieces, ds.taxonomy)).toEqual({ markers: row.markers, completion: row.completion, issues: [] });
    }
  });
});
