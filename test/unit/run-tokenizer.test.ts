/**
 * The pieces that let the data worker learn a run's tokenizer ahead of time: the run's split, the
 * async learning (same spec as the session's), the key that proves a spec fits a run, the settings'
 * request, and the Data view's report of a tokenizer on a dataset.
 */
import { describe, expect, it } from 'vitest';
import { splitDataset, splitForRun } from '../../src/lib/data/split';
import { tokenChips, tokenizerReport, typicalRow } from '../../src/lib/data/tokenizer-report';
import type { Row } from '../../src/lib/data/types';
import { addValues, defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { DEFAULT_TRAINING_FORM, RUN_STRATIFY_BY, tokenizerRequestOf } from '../../src/lib/settings/training';
import {
  BOS_ID, buildTokenizer, encodePieces, markupId, prepareTokenizer, prepareTokenizerAsync, tokenizerKey, tokenizerTexts,
} from '../../src/lib/tokenizer/tokenizer';

const taxonomy = defaultTaxonomy();
const LANGS = ['English', 'French', 'Spanish'] as const;
const TEXT = {
  English: 'The rain falls on the plain and the river runs to the sea.',
  French: 'La pluie tombe sur la plaine et la rivière court vers la mer.',
  Spanish: 'La lluvia cae sobre la llanura y el río corre hacia el mar.',
};
const rows: Row[] = Array.from({ length: 60 }, (_, i) => {
  const lang = LANGS[i % 3]!;
  return { id: `t:${i}`, prompt: `Tell me about rain, number ${i}.`, completion: TEXT[lang].repeat(1 + (i % 4)), markers: { lang, domain: 'Sciences' } };
});

describe('splitForRun', () => {
  it('is the stratified split, or every row in train without a validation share', () => {
    const options = { valFraction: 0.1, seed: 3, stratifyBy: 'lang' };
    expect(splitForRun(rows, options)).toEqual(splitDataset(rows, options));
    expect(splitForRun(rows, { ...options, stratifyBy: '' })).toEqual(splitDataset(rows, { valFraction: 0.1, seed: 3 }));
    const none = splitForRun(rows, { valFraction: 0, seed: 3 });
    expect(none.train).toEqual(rows);
    expect(none.val).toEqual([]);
  });
});

describe('prepareTokenizerAsync', () => {
  const texts = tokenizerTexts(rows);

  it('learns exactly what prepareTokenizer learns, in slices, with progress', async () => {
    const progress: number[] = [];
    const spec = await prepareTokenizerAsync({ kind: 'bpe', merges: 80 }, taxonomy, texts, { sliceMs: 0, onProgress: (p) => progress.push(p.merges) });
    expect(spec).toEqual(prepareTokenizer({ kind: 'bpe', merges: 80 }, taxonomy, texts));
    expect(spec.merges).toHaveLength(80);
    expect(progress.length).toBeGreaterThan(10);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await prepareTokenizerAsync({ kind: 'char' }, taxonomy, texts)).toEqual(prepareTokenizer({ kind: 'char' }, taxonomy, texts));
  });

  it('stops when cancelled', async () => {
    let slices = 0;
    const learning = prepareTokenizerAsync({ kind: 'bpe', merges: 80 }, taxonomy, texts, { sliceMs: 0, cancelled: () => ++slices > 3 });
    await expect(learning).rejects.toThrow(/cancelled/);
  });

  it('tokenizerTexts is each row\'s prompt then completion, in order', () => {
    expect(tokenizerTexts(rows.slice(0, 2))).toEqual([rows[0]!.prompt, rows[0]!.completion, rows[1]!.prompt, rows[1]!.completion]);
  });
});

describe('tokenizerKey', () => {
  const texts = tokenizerTexts(rows);
  const bpe = { kind: 'bpe', merges: 100 } as const;

  it('is the same for the same choice, taxonomy and texts, and changes with any of them', () => {
    const key = tokenizerKey(bpe, taxonomy, texts);
    expect(tokenizerKey({ kind: 'bpe', merges: 100 }, defaultTaxonomy(), [...texts])).toBe(key);
    const others = [
      tokenizerKey({ kind: 'bpe', merges: 101 }, taxonomy, texts),
      tokenizerKey({ kind: 'char' }, taxonomy, texts),
      tokenizerKey(bpe, addValues(taxonomy, 'lang', ['Klingon']), texts),
      tokenizerKey(bpe, taxonomy, texts.slice(1)),
      tokenizerKey(bpe, taxonomy, [texts[0] + '!', ...texts.slice(1)]),
      // The same characters cut differently are other texts.
      tokenizerKey(bpe, taxonomy, ['ab', 'c']),
      tokenizerKey(bpe, taxonomy, ['a', 'bc']),
      tokenizerKey(bpe, taxonomy, splitForRun(rows, { valFraction: 0.1, seed: 1, stratifyBy: 'lang' }).train.flatMap((r) => [r.prompt, r.completion])),
    ];
    expect(new Set([key, ...others]).size).toBe(others.length + 1);
  });
});

describe('tokenizerRequestOf', () => {
  it('turns the form into a request, or null while a setting it uses is out of range', () => {
    expect(tokenizerRequestOf(DEFAULT_TRAINING_FORM)).toEqual({
      choice: { kind: 'bpe', merges: DEFAULT_TRAINING_FORM.merges }, valFraction: DEFAULT_TRAINING_FORM.valFraction, seed: DEFAULT_TRAINING_FORM.seed, stratifyBy: RUN_STRATIFY_BY,
    });
    expect(tokenizerRequestOf({ ...DEFAULT_TRAINING_FORM, merges: 50_000 })).toBeNull();
    expect(tokenizerRequestOf({ ...DEFAULT_TRAINING_FORM, merges: 2.5 })).toBeNull();
    expect(tokenizerRequestOf({ ...DEFAULT_TRAINING_FORM, valFraction: 0.9 })).toBeNull();
    // Characters do not use the merges, so a bad merges field does not stop them.
    expect(tokenizerRequestOf({ ...DEFAULT_TRAINING_FORM, tokenizer: 'char', merges: 50_000 })?.choice).toEqual({ kind: 'char' });
  });
});

describe('tokenizer report', () => {
  const texts = tokenizerTexts(rows);
  const char = buildTokenizer({ taxonomy, texts });
  const bpe = prepareTokenizer({ kind: 'bpe', merges: 150 }, taxonomy, texts);

  it('picks the row of median length, the earlier on ties', () => {
    expect(typicalRow([])).toBe(-1);
    expect(typicalRow([{ prompt: 'a', completion: 'bbb' }, { prompt: '', completion: 'c' }, { prompt: 'dd', completion: 'ee' }])).toBe(0);
    expect(typicalRow([{ prompt: '', completion: 'xx' }, { prompt: '', completion: 'x' }, { prompt: 'y', completion: 'y' }, { prompt: '', completion: 'zzz' }])).toBe(0);
  });

  it('labels chips by kind: text, byte, marker markup, special', () => {
    const ids = [BOS_ID, markupId(char, { type: 'tagOpen', category: 'lang' })!, markupId(char, { type: 'value', category: 'lang', value: 'French' })!,
      ...encodePieces(char, [{ type: 'text', text: ' T☃' }])];
    expect(tokenChips(char, ids)).toEqual([
      { id: BOS_ID, label: '<|BOS|>', kind: 'special' },
      { id: ids[1], label: '<lang>', kind: 'markup' },
      { id: ids[2], label: 'lang=French', kind: 'markup' },
      { id: ids[3], label: '␣', kind: 'text' },
      { id: ids[4], label: 'T', kind: 'text' },
      // ☃ is not in the data: its three UTF-8 bytes.
      { id: ids[5], label: '<0xE2>', kind: 'byte' },
      { id: ids[6], label: '<0x98>', kind: 'byte' },
      { id: ids[7], label: '<0x83>', kind: 'byte' },
    ]);
  });

  it('counts tokens per row as training writes it, characters per token on the text, and shows the typical row', () => {
    const r = tokenizerReport(char, rows, taxonomy, null);
    expect(r).toMatchObject({ kind: 'char', merges: 0, vocabSize: char.tokens.length, charsPerToken: 1 });
    // Per row: BOS, prompt, prompt block (open, 2 × (tag, value, tag), close), SEP, the same block, completion, EOS.
    const chars = rows.reduce((n, row) => n + row.prompt.length + row.completion.length, 0);
    expect(r.meanTokensPerRow).toBeCloseTo(chars / rows.length + 3 + 2 * 8, 10);
    const pick = rows[typicalRow(rows)]!;
    expect(r.example?.rowId).toBe(pick.id);
    expect(r.example?.tokens).toBe(pick.prompt.length + pick.completion.length + 19);
    expect(r.example?.chips.slice(0, 2).map((c) => c.label)).toEqual(['<|BOS|>', pick.prompt[0]]);

    const b = tokenizerReport(bpe, rows, taxonomy, ['lang']);
    // This small corpus runs out of repeated pairs before 150 merges.
    expect(bpe.merges!.length).toBeGreaterThan(90);
    expect(b).toMatchObject({ kind: 'bpe', merges: bpe.merges!.length, vocabSize: bpe.tokens.length });
    expect(b.charsPerToken).toBeGreaterThan(3);
    // Only lang in the blocks: 5 markup tokens per block.
    const textTokens = rows.reduce((n, row) => n + encodePieces(bpe, [{ type: 'text', text: row.prompt }]).length + encodePieces(bpe, [{ type: 'text', text: row.completion }]).length, 0);
    expect(b.meanTokensPerRow).toBeCloseTo(textTokens / rows.length + 3 + 2 * 5, 10);
    expect(b.example?.rowId).toBe(pick.id);
    expect(b.example!.tokens).toBeLessThan(r.example!.tokens);
    expect(tokenizerReport(bpe, rows, taxonomy, null, 7).example?.chips).toHaveLength(7);
    expect(tokenizerReport(bpe, [], taxonomy, null)).toMatchObject({ meanTokensPerRow: 0, charsPerToken: 1, example: null });
  });
});
