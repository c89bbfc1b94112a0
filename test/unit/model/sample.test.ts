import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { presetConfig } from '../../../src/lib/model/config';
import { GPT, type LayerCache } from '../../../src/lib/model/gpt';
import { generate } from '../../../src/lib/model/sample';
import { blockTokenIds as blockIds, slidingContext } from '../../../src/lib/data/batch-window';
import { buildPrefix, markerDistributions, nextTokenDistribution, ownBlock, sampleSteered, type SteerRequest } from '../../../src/lib/model/steer';
import { defaultTaxonomy } from '../../../src/lib/markers/taxonomy';
import { buildTokenizer } from '../../../src/lib/tokenizer/tokenizer';
import { useCpu } from './helpers';

beforeAll(useCpu);

const taxonomy = defaultTaxonomy();
const tok = buildTokenizer({ taxonomy, texts: ['The quick brown fox jumps over the lazy dog. Le renard brun.'] });
const V = tok.tokens.length;

describe('KV cache', () => {
  it('logits from the cache match a full recompute at every position', async () => {
    const model = GPT.init(presetConfig('nano', V, 11));
    const ids = [1, 270, 300, 301, 302, 3, 260, 280, 290, 305, 306, 307];
    const full = tf.tidy(() => model.forward(tf.tensor2d([ids], [1, ids.length], 'int32')).logits);
    const fullData = await full.data();
    full.dispose();
    // Feed 4 tokens at once, then one at a time.
    let cache: LayerCache[] = model.emptyCache(1);
    const chunks = [ids.slice(0, 4), ...ids.slice(4).map((i) => [i])];
    let pos = 0;
    for (const chunk of chunks) {
      const out = tf.tidy(() => {
        const r = model.forward(tf.tensor2d([chunk], [1, chunk.length], 'int32'), { cache });
        return { logits: r.logits, cache: r.cache! } as unknown as tf.TensorContainer;
      }) as unknown as { logits: tf.Tensor; cache: LayerCache[] };
      for (const c of cache) tf.dispose([c.k, c.v]);
      cache = out.cache;
      const got = await out.logits.data();
      out.logits.dispose();
      for (let t = 0; t < chunk.length; t++) {
        for (let v = 0; v < V; v += 7) {
          expect(Math.abs(got[t * V + v]! - fullData[(pos + t) * V + v]!)).toBeLessThan(1e-5);
        }
      }
      pos += chunk.length;
    }
    for (const c of cache) tf.dispose([c.k, c.v]);
    model.dispose();
  });
});

describe('generate', () => {
  it('same seed → same samples; different seed → different; no tensors leak', async () => {
    const model = GPT.init(presetConfig('nano', V, 12));
    const prefix = buildPrefix(tok, taxonomy, { prompt: 'The fox', markers: {}, mode: 'inferred' }).ids;
    const opts = { n: 3, maxTokens: 40, temperature: 1, seed: 5, ...blockIds(tok) };
    const before = tf.memory().numTensors;
    const a = await generate(model, prefix, opts);
    const b = await generate(model, prefix, opts);
    const c = await generate(model, prefix, { ...opts, seed: 6 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a.tokens).toEqual(b.tokens);
    expect(a.tokens).not.toEqual(c.tokens);
    expect(a.tokens.every((t, i) => (a.finished[i] ? t.at(-1) === 2 : t.length === 40))).toBe(true);
    model.dispose();
  });

  it('slides past the context, keeping the marker blocks in view, with a flat tensor count', async () => {
    const model = GPT.init(presetConfig('nano', V, 13));
    const prefix = buildPrefix(tok, taxonomy, { prompt: 'fox', markers: { lang: 'French' }, mode: 'fixed' }).ids;
    const before = tf.memory().numTensors;
    const eos = 2;
    const r = await generate(model, prefix, {
      n: 2, maxTokens: 150, temperature: 1, seed: 1, ...blockIds(tok),
      banned: () => [eos], // force length beyond the 64-token context
    });
    expect(r.tokens.every((t) => t.length === 150)).toBe(true);
    expect(r.slides).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('steering', () => {
  it('fixed mode always yields the requested markers in the parsed block, even from an untrained model', async () => {
    const model = GPT.init(presetConfig('nano', V, 14));
    const markers = { length_bucket: 'long', lang: 'French', domain: 'Legal' };
    const samples = await sampleSteered(model, tok, taxonomy, { prompt: 'Tell me', markers, mode: 'fixed' }, { n: 6, maxTokens: 30, temperature: 1.2, seed: 3 });
    for (const s of samples) expect(s.parsed.markers).toMatchObject(markers);
    model.dispose();
  });

  it('constrained fixed mode: the model writes its own block order, yet every fixed value is there once', async () => {
    const model = GPT.init(presetConfig('nano', V, 16));
    const markers = { lang: 'French', length_bucket: 'long' };
    const req = { prompt: 'Tell me', markers, mode: 'fixed' as const, fixedStrategy: 'constrained' as const };
    const samples = await sampleSteered(model, tok, taxonomy, req, { n: 8, maxTokens: 40, temperature: 1.5, seed: 5 });
    const { blockOpenId, blockCloseId } = blockIds(tok);
    for (const s of samples) {
      expect(s.parsed.markers).toMatchObject(markers);
      // A well-formed block whatever an untrained model would have written (after it, anything goes).
      const blockIssues = ['noBlock', 'unclosedBlock', 'unclosedTag', 'mismatchedTag', 'duplicateCategory', 'textInBlock', 'textBeforeBlock', 'invalidValue'];
      expect(s.parsed.issues.filter((i) => blockIssues.includes(i.kind))).toEqual([]);
      expect(s.pieces[0]).toEqual({ type: 'blockOpen' });
    }
    // Unlike prefix forcing, the fixed tags are not all at the start of every block.
    const firsts = samples.map((s) => s.pieces[1]);
    expect(firsts.some((p) => !(p?.type === 'tagOpen' && p.category === 'lang'))).toBe(true);
    expect([blockOpenId, blockCloseId].every((id) => id > 0)).toBe(true);
    await expect(sampleSteered(model, tok, taxonomy, { ...req, markers: { length_tokens: '40' } }, { n: 1, maxTokens: 5, temperature: 1, seed: 1 }))
      .rejects.toThrow('constrained fixed mode needs categorical markers the model knows; "length_tokens=40" is not one');
    model.dispose();
  });

  it('every mode writes a well-formed block with no category twice, even from an untrained model', async () => {
    const model = GPT.init(presetConfig('nano', V, 18));
    const blockIssues = ['noBlock', 'unclosedBlock', 'unclosedTag', 'mismatchedTag', 'duplicateCategory', 'textInBlock', 'textBeforeBlock', 'invalidValue'];
    const requests: SteerRequest[] = [
      { prompt: 'Tell me', markers: {}, mode: 'inferred' as const },
      { prompt: 'Tell me', markers: { lang: 'French' }, mode: 'inferred' as const },
      { prompt: 'Tell me', markers: { domain: 'Legal', length_bucket: 'long' }, mode: 'fixed' as const },
    ];
    for (const req of requests) {
      const samples = await sampleSteered(model, tok, taxonomy, req, { n: 6, maxTokens: 40, temperature: 2, seed: 9 });
      for (const s of samples) {
        expect(s.parsed.issues.filter((i) => blockIssues.includes(i.kind))).toEqual([]);
        // After the block: text only (and EOS), never marker markup.
        const close = s.pieces.findIndex((p) => p.type === 'blockClose');
        expect(s.pieces.slice(close + 1).every((p) => p.type === 'text' || (p.type === 'special' && p.name === 'EOS'))).toBe(true);
      }
    }
    model.dispose();
  });

  it('distributions: next token sums to 1; each unset category gives a distribution over its values', async () => {
    const model = GPT.init(presetConfig('nano', V, 15));
    const prefix = buildPrefix(tok, taxonomy, { prompt: 'The fox', markers: { lang: 'English' }, mode: 'inferred' }).ids;
    const next = await nextTokenDistribution(model, prefix);
    expect(next.length).toBe(V);
    expect(next.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const dists = await markerDistributions(model, tok, prefix, ['domain', 'length_bucket', 'quality']);
    expect(dists.map((d) => d.category)).toEqual(['domain', 'length_bucket']); // quality is numeric: no value tokens
    for (const d of dists) {
      expect(d.values.reduce((a, v) => a + v.p, 0)).toBeCloseTo(1, 4);
      expect(d.mass).toBeGreaterThan(0);
      expect(d.mass).toBeLessThanOrEqual(1 + 1e-6);
    }
    expect(dists[1]!.values.map((v) => v.value).sort()).toEqual(['concise', 'long', 'medium']);
    model.dispose();
  });
});

describe('block budget', () => {
  it('a block the model never closes is closed in time for the window to slide (nano, context 64)', async () => {
    const model = GPT.init(presetConfig('nano', V, 17));
    const ids = blockIds(tok);
    const prefix = buildPrefix(tok, taxonomy, { prompt: 'Tell me', markers: { length_bucket: 'long' }, mode: 'fixed' }).ids;
    const eos = 2;
    const { tokens, slides } = await generate(model, prefix, {
      n: 2, maxTokens: 150, temperature: 1, seed: 2, ...ids, maxBlockTokens: 69, banned: (_, g) => (g.includes(ids.blockCloseId) ? [eos] : [ids.blockCloseId, eos]),
    });
    expect(slides).toBeGreaterThan(0);
    for (const t of tokens) {
      expect(t).toHaveLength(150);
      // Forced shut within half the context (the prefix already holds the block opener and one marker).
      expect(t.indexOf(ids.blockCloseId)).toBeLessThanOrEqual(30);
    }
    model.dispose();
  });
});

describe('slidingContext', () => {
  it('keeps BOS, the prompt block, SEP and the completion block, then the latest tokens', () => {
    const { blockOpenId: O, blockCloseId: C } = blockIds(tok);
    const prompt = Array.from({ length: 30 }, (_, i) => 300 + (i % 5));
    const body = Array.from({ length: 80 }, (_, i) => 310 + (i % 7));
    const seq = [1, ...prompt, O, 270, 280, 271, C, 3, O, 272, 281, 273, C, ...body];
    const ctx = slidingContext(seq, blockIds(tok), 64);
    expect(ctx.slice(0, 12)).toEqual([1, O, 270, 280, 271, C, 3, O, 272, 281, 273, C]);
    expect(ctx.slice(12)).toEqual(body.slice(-(ctx.length - 12)));
    expect(ctx.length).toBeLessThanOrEqual(63);
  });
});

describe('ownBlock', () => {
  it('writes a well-formed block (forced values kept in fixed mode), then text, and the first text token’s distribution', async () => {
    const model = GPT.init(presetConfig('nano', V, 19));
    const before = tf.memory().numTensors;
    const fixed = await ownBlock(model, tok, taxonomy, { prompt: 'The fox', markers: { lang: 'French' }, mode: 'fixed' }, { textTokens: 3 });
    expect(fixed.block.lang).toBe('French');
    expect(fixed.next).toHaveLength(V);
    expect(fixed.next.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const inferred = await ownBlock(model, tok, taxonomy, { prompt: 'The fox', markers: {}, mode: 'inferred' }, { textTokens: 3 });
    expect(Array.from(inferred.text).length).toBeLessThanOrEqual(3 * 8);
    // Greedy: the same request gives the same answer.
    expect(await ownBlock(model, tok, taxonomy, { prompt: 'The fox', markers: {}, mode: 'inferred' }, { textTokens: 3 })).toEqual(inferred);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
