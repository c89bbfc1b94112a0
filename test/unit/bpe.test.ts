/**
 * The BPE tokenizer's contracts: deterministic learning, exact round trips, no markup from text,
 * extension without moving ids, version-1 specs still load, checkpoints keep the merges, and the
 * compression and learning speed that justify it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBuiltinNode } from '../../cli/builtin';
import { addValues, defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { formatExample, toSequence, type Piece } from '../../src/lib/markers/template';
import { fromSafetensors, toSafetensors } from '../../src/lib/model/checkpoint';
import { paramSpecs, presetConfig } from '../../src/lib/model/config';
import {
  buildTokenizer, decodeIds, encodePieces, extendTokenizer, FIXED_TOKENS, isTextToken, learnMerges, learnMergesAsync,
  markupIds, preSplit, tokenizerFromJSON, tokenLabel, type TokenizerSpec,
} from '../../src/lib/tokenizer/tokenizer';
import { createRng } from '../../src/lib/util/rng';
import { makeRecord } from '../fixtures/checkpoint-record';
import { ALL_TEXTS, randomTricky, TEXTS } from './fixtures/marker-texts';

const taxonomy = defaultTaxonomy();
const corpus = [
  ...Array.from({ length: 40 }, (_, i) => `The rain in Spain falls mainly on the plain, said the teacher ${i}.`),
  'Il pleut sur la ville comme il pleut dans mon cœur.', 'Es regnet in der Stadt.', ...ALL_TEXTS,
];
const char = buildTokenizer({ taxonomy, texts: corpus });
const bpe = learnMerges(char, corpus, 200);
const text = (t: string): Piece[] => [{ type: 'text', text: t }];
const decodeText = (tok: TokenizerSpec, ids: Int32Array): string =>
  decodeIds(tok, ids).pieces.map((p) => (p.type === 'text' ? p.text : '')).join('');

describe('pre-split', () => {
  it('keeps a leading space with its word and joins back to the text', () => {
    expect(preSplit('Hello, world!\n  two  spaces')).toEqual(['Hello', ',', ' world', '!', '\n ', ' two', ' ', ' spaces']);
    for (const s of [...ALL_TEXTS, 'e\u0301te\u0301\r\n\r\n x', '\uD800 lone']) expect(preSplit(s).join('')).toBe(s);
  });
});

describe('learning', () => {
  it('is deterministic and appends pieces after every existing id', () => {
    expect(learnMerges(char, corpus, 200)).toEqual(bpe);
    expect(bpe.formatVersion).toBe(2);
    // The small corpus runs out of pairs seen twice before 200 merges.
    expect(bpe.merges!.length).toBeGreaterThan(50);
    expect(bpe.merges!.length).toBeLessThanOrEqual(200);
    expect(bpe.tokens.slice(0, char.tokens.length)).toEqual(char.tokens);
    expect(bpe.tokens.slice(char.tokens.length).every((d) => d.type === 'piece')).toBe(true);
    expect(bpe.tokens.map((d) => (d.type === 'piece' ? d.text : ''))).toContain(' the');
  });

  it('stops early when no pair occurs twice', () => {
    const few = learnMerges(char, ['abc'], 50);
    expect(few).toEqual(char);
    expect(few.formatVersion).toBe(1);
  });

  it('gives the same result asynchronously, reporting progress', async () => {
    const seen: number[] = [];
    const async = await learnMergesAsync(char, corpus, 200, { sliceMs: 0, onProgress: (p) => seen.push(p.merges) });
    expect(async).toEqual(bpe);
    expect(seen.length).toBeGreaterThan(10);
  });
});

describe('encoding', () => {
  it('round-trips any string exactly (lone surrogates become U+FFFD, as with characters)', () => {
    const strings = [
      ...ALL_TEXTS, 'The rain in Spain', 'the the the  the\r\n\r\nthe', 'e\u0301te\u0301 ñ', '中文 和 日本語',
      '👨‍👩‍👧 🎂🎂', 'unseen: ₩ ☃ 𝔘', '   ', '',
    ];
    for (let seed = 0; seed < 500; seed++) strings.push(randomTricky(seed, 16));
    for (const s of strings) expect(decodeText(bpe, encodePieces(bpe, text(s))), JSON.stringify(s)).toBe(s);
    expect(decodeText(bpe, encodePieces(bpe, text('a\uD800b')))).toBe('a\uFFFDb');
  });

  it('round-trips random Unicode (every plane, marks, whitespace, no lone surrogates)', () => {
    const rng = createRng(11);
    const ranges = [[0x20, 0x7e], [0x0300, 0x036f], [0x00c0, 0x024f], [0x4e00, 0x4e40], [0x1f300, 0x1f64f], [0x09, 0x0d], [0x10000, 0x10fff]] as const;
    for (let i = 0; i < 300; i++) {
      let s = '';
      for (let n = rng.int(40); n > 0; n--) {
        const [lo, hi] = ranges[rng.int(ranges.length)]!;
        s += String.fromCodePoint(lo + rng.int(hi - lo + 1));
      }
      if (rng.next() < 0.5) s = `${s} the rain ${s}`;
      expect(decodeText(bpe, encodePieces(bpe, text(s))), JSON.stringify(s)).toBe(s);
    }
  });

  it('uses fewer tokens than characters on text like the corpus', () => {
    const s = 'The rain in Spain falls mainly on the plain.';
    expect(encodePieces(bpe, text(s)).length).toBeLessThan(encodePieces(char, text(s)).length / 2);
  });

  it('never yields a markup id from text that looks like markup', () => {
    const markup = new Set(markupIds(bpe));
    const spoofed = learnMerges(char, Array(20).fill(`${TEXTS.spoofBlock} ${TEXTS.spoofSpecial} <lang>French</lang></MARKER_LIST>`), 300);
    for (const tok of [bpe, spoofed]) {
      for (const attack of ['<lang>French</lang>', '</MARKER_LIST>', TEXTS.spoofBlock, TEXTS.spoofSpecial]) {
        const ids = encodePieces(tok, text(attack));
        expect([...ids].every((id) => isTextToken(tok.tokens[id]!)), attack).toBe(true);
        expect(decodeIds(tok, ids).pieces).toEqual(text(attack));
      }
    }
    const seq = toSequence(formatExample({ prompt: TEXTS.spoofBlock, completion: '</MARKER_LIST>', markers: { lang: 'German' } }, {}, taxonomy));
    // BOS, SEP, EOS and the one block the template wrote (open, tag, value, close tag, close).
    expect([...encodePieces(bpe, seq)].filter((id) => markup.has(id) || id === 2).length).toBe(3 + 5);
  });

  it('labels pieces with visible spaces and line breaks', () => {
    const id = bpe.tokens.findIndex((d) => d.type === 'piece' && d.text === ' the');
    expect(tokenLabel(bpe, id)).toBe('␣the');
  });
});

describe('extension', () => {
  const more = ['Ein völlig neuer Satz über Übungen.', 'Ein völlig neuer Satz über Übungen.', 'Übungen über Übungen'];

  it('keeps every id and merge, appends markup, characters and new merges after them', () => {
    const grownTaxonomy = addValues(taxonomy, 'domain', ['Cooking']);
    const ext = extendTokenizer(bpe, grownTaxonomy, more);
    expect(ext.tokens.slice(0, bpe.tokens.length)).toEqual(bpe.tokens);
    expect(ext.merges).toEqual(bpe.merges);
    expect(ext.tokens.slice(bpe.tokens.length).map((d) => d.type)).toEqual(['value', 'char', 'char', 'char']);
    const learned = learnMerges(ext, more, 10);
    expect(learned.tokens.slice(0, ext.tokens.length)).toEqual(ext.tokens);
    expect(learned.merges!.slice(0, bpe.merges!.length)).toEqual(bpe.merges);
    expect(learned.merges!.length).toBeGreaterThan(bpe.merges!.length);
    expect(learned.merges!.slice(bpe.merges!.length).every(([a, b]) => a < learned.tokens.length && b < learned.tokens.length)).toBe(true);
    // Old text still encodes to what it did, as long as no new merge applies to it.
    const s = 'The rain in Spain';
    expect(decodeText(learned, encodePieces(learned, text(s)))).toBe(s);
    expect(encodePieces(learned, text(s))).toEqual(encodePieces(bpe, text(s)));
  });
});

describe('stored specs', () => {
  it('loads a version-1 character spec unchanged and writes it as version 1', () => {
    const v1 = JSON.parse(JSON.stringify(char)) as Record<string, unknown>;
    expect(Object.keys(v1)).toEqual(['formatVersion', 'wrapper', 'tokens']);
    expect(v1.formatVersion).toBe(1);
    expect(tokenizerFromJSON(v1)).toEqual(char);
    expect(() => tokenizerFromJSON({ ...v1, merges: [] })).toThrow(/version 1 tokenizer has no merges/);
  });

  it('loads the shipped BPE checkpoints (tokenizer version 2) and a character one (version 1)', () => {
    for (const name of ['demo', 'base']) {
      const record = fromSafetensors(new Uint8Array(readFileSync(`public/models/${name}.safetensors`)), `${name}.safetensors`);
      expect(record.tokenizer.formatVersion).toBe(2);
      expect(record.tokenizer.merges!.length).toBeGreaterThan(1000);
    }
    const chars = fromSafetensors(toSafetensors(makeRecord()), 'chars.safetensors');
    expect(chars.tokenizer.formatVersion).toBe(1);
    expect(chars.tokenizer.merges).toBeUndefined();
  });

  it('validates merges', () => {
    const json = JSON.parse(JSON.stringify(bpe)) as { merges: number[][]; tokens: unknown[] };
    expect(tokenizerFromJSON(json)).toEqual(bpe);
    expect(() => tokenizerFromJSON({ ...json, merges: [[0, 5]] })).toThrow(/merge 0 must be two ids of char or piece tokens/);
    const last = json.tokens.length - 1;
    expect(() => tokenizerFromJSON({ ...json, tokens: json.tokens.slice(0, last) })).toThrow(/has no piece token/);
    expect(() => tokenizerFromJSON({ ...json, tokens: [...json.tokens, { type: 'piece', text: 'x' }] })).toThrow(/two or more/);
  });

  it('survives a checkpoint save and load', () => {
    const base = makeRecord();
    const config = presetConfig('nano', bpe.tokens.length, 1);
    const weights = Object.fromEntries(paramSpecs(config).map((s) => [s.name, new Float32Array(s.shape.reduce((a, b) => a * b, 1)).fill(0.01)]));
    const record = { ...base, config, tokenizer: bpe, weights };
    delete (record as { optimizer?: unknown }).optimizer;
    const loaded = fromSafetensors(toSafetensors(record), 'bpe.safetensors');
    expect(loaded.tokenizer).toEqual(bpe);
    const s = 'The rain in Spain falls';
    expect(encodePieces(loaded.tokenizer, text(s))).toEqual(encodePieces(bpe, text(s)));
  });
});

describe('on real text', () => {
  it('cuts tokens per row by ≥ 2.5× with 1,000 merges (teaching set) and learns 2,000 merges fast (varied set)', async () => {
    const rows = await loadBuiltinNode('teaching');
    const texts = rows.flatMap((r) => [r.prompt, r.completion]);
    const tok = buildTokenizer({ taxonomy, texts });
    const sample = texts.slice(0, 1000);
    const count = (t: TokenizerSpec) => sample.reduce((n, s) => n + encodePieces(t, text(s)).length, 0);
    const m1000 = learnMerges(tok, texts, 1000);
    expect(count(tok) / count(m1000)).toBeGreaterThan(2.5);
    // The closed vocabulary runs out of pairs that occur twice before 2,000 merges: time them on `varied`.
    expect(learnMerges(tok, texts, 3000).merges!.length).toBeLessThan(3000);
    const richer = (await loadBuiltinNode('varied')).flatMap((r) => [r.prompt, r.completion]);
    const base = buildTokenizer({ taxonomy, texts: richer });
    const started = performance.now();
    const m2000 = learnMerges(base, richer, 2000);
    const ms = performance.now() - started;
    expect(m2000.merges!.length).toBe(2000);
    expect(m2000.tokens.length - base.tokens.length).toBeLessThanOrEqual(2000);
    expect(ms).toBeLessThan(5000); // ~0.6 s on this machine
    expect(m2000.tokens.slice(FIXED_TOKENS).filter((d) => !isTextToken(d)).length).toBe(base.tokens.slice(FIXED_TOKENS).filter((d) => !isTextToken(d)).length);
  }, 30_000);
});
