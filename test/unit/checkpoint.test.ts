import { describe, expect, it } from 'vitest';
import { addCategory } from '../../src/lib/markers/taxonomy';
import {
  CheckpointError, fromSafetensors, META, recordSummary, toSafetensors, validateRecord,
} from '../../src/lib/model/checkpoint';
import type { CheckpointRecord } from '../../src/lib/model/checkpoint';
import { countParams, paramSpecs } from '../../src/lib/model/config';
import { decodeSafetensors, encodeSafetensors } from '../../src/lib/model/safetensors';
import type { Tensor } from '../../src/lib/model/safetensors';
import { comparable, firstDifference, makeRecord } from '../fixtures/checkpoint-record';

const FILE = 'model.safetensors';

/** Decode, let `edit` change tensors/metadata, re-encode: a file as a broken or foreign writer makes it. */
function rewrite(bytes: Uint8Array, edit: (tensors: Map<string, Tensor>, metadata: Record<string, string>) => void): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const map = new Map(Object.entries(tensors));
  edit(map, metadata);
  return encodeSafetensors(map, metadata);
}

/** The raw header as an independent reader sees it (8-byte LE length, JSON). */
function rawHeader(bytes: Uint8Array): Record<string, { dtype: string; shape: number[]; data_offsets: number[] }> & { __metadata__: Record<string, string> } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

function refused(bytes: Uint8Array, message: string | RegExp): void {
  let error: unknown;
  try {
    fromSafetensors(bytes, FILE);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CheckpointError);
  const text = (error as Error).message;
  expect(text.startsWith(`${FILE}: `)).toBe(true);
  if (typeof message === 'string') expect(text).toBe(`${FILE}: ${message}`);
  else expect(text).toMatch(message);
}

const record = makeRecord({ optimizer: true });
const bytes = toSafetensors(record);
const C = record.config.nEmbd;
const V = record.config.vocabSize;

describe('round trip', () => {
  it('record → bytes → record is equal, and bytes → record → bytes is identical', () => {
    const back = fromSafetensors(bytes, FILE);
    expect(comparable(back, record)).toEqual(comparable(record, record));
    expect(firstDifference(toSafetensors(back), bytes)).toBeNull();
    const plain = makeRecord({ seed: 5 });
    const plainBytes = toSafetensors(plain);
    expect(comparable(fromSafetensors(plainBytes), plain)).toEqual(comparable(plain, plain));
    expect(firstDifference(toSafetensors(fromSafetensors(plainBytes)), plainBytes)).toBeNull();
  });

  it('writes the same bytes whatever the key order of the record', () => {
    const shuffled = { ...record, config: Object.fromEntries(Object.entries(record.config).reverse()) } as CheckpointRecord;
    expect(firstDifference(toSafetensors(shuffled), bytes)).toBeNull();
  });

  it('copies weights out of the file: editing the loaded record leaves the bytes alone', () => {
    const back = fromSafetensors(bytes);
    back.weights['transformer.wte.weight']![0] = 42;
    expect(fromSafetensors(bytes).weights['transformer.wte.weight']![0]).toBe(record.weights['transformer.wte.weight']![0]);
  });
});

describe('file layout (what PyTorch sees)', () => {
  it('stores every nanoGPT parameter as F32 in [out, in], no lm_head, moments under optimizer.m/v', () => {
    const tiny = makeRecord({ shape: { nEmbd: 4, nHead: 2, blockSize: 3, nLayer: 1 } });
    const header = rawHeader(toSafetensors(tiny));
    const { __metadata__: _, ...tensors } = header;
    const shapes = Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, [t.dtype, t.shape]]));
    const Vt = tiny.config.vocabSize;
    expect(shapes).toEqual({
      'transformer.wte.weight': ['F32', [Vt, 4]],
      'transformer.wpe.weight': ['F32', [3, 4]],
      'transformer.h.0.ln_1.weight': ['F32', [4]],
      'transformer.h.0.ln_1.bias': ['F32', [4]],
      'transformer.h.0.attn.c_attn.weight': ['F32', [12, 4]],
      'transformer.h.0.attn.c_attn.bias': ['F32', [12]],
      'transformer.h.0.attn.c_proj.weight': ['F32', [4, 4]],
      'transformer.h.0.attn.c_proj.bias': ['F32', [4]],
      'transformer.h.0.ln_2.weight': ['F32', [4]],
      'transformer.h.0.ln_2.bias': ['F32', [4]],
      'transformer.h.0.mlp.c_fc.weight': ['F32', [16, 4]],
      'transformer.h.0.mlp.c_fc.bias': ['F32', [16]],
      'transformer.h.0.mlp.c_proj.weight': ['F32', [4, 16]],
      'transformer.h.0.mlp.c_proj.bias': ['F32', [4]],
      'transformer.ln_f.weight': ['F32', [4]],
      'transformer.ln_f.bias': ['F32', [4]],
    });
    const names = Object.keys(rawHeader(bytes)).filter((n) => n !== '__metadata__');
    const params = paramSpecs(record.config).map((s) => s.name);
    expect(names).toEqual([...params, ...params.map((n) => `optimizer.m.${n}`), ...params.map((n) => `optimizer.v.${n}`)]);
  });

  it('writes each matrix row-major: element [o, i] of c_fc at o·C + i', () => {
    const header = rawHeader(bytes);
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const name = 'transformer.h.0.mlp.c_fc.weight';
    const [begin] = header[name]!.data_offsets as [number];
    const view = new DataView(bytes.buffer, bytes.byteOffset + 8 + n + begin);
    const w = record.weights[name]!;
    for (const [o, i] of [[0, 1], [5, 0], [4 * C - 1, C - 1]] as const) {
      expect(view.getFloat32(4 * (o * C + i), true)).toBe(w[o * C + i]);
    }
  });

  it('puts the rest of the record in __metadata__ as strings (JSON where structured)', () => {
    const meta = rawHeader(bytes).__metadata__;
    expect(Object.keys(meta)).toEqual([
      'format', 'markerlab.format_version', 'markerlab.config', 'markerlab.tokenizer', 'markerlab.taxonomy',
      'markerlab.step', 'markerlab.metrics', 'markerlab.training', 'markerlab.optimizer_step',
    ]);
    expect(meta.format).toBe('pt');
    expect(meta[META.formatVersion]).toBe('1');
    expect(meta[META.step]).toBe('120');
    expect(meta[META.optimizerStep]).toBe('120');
    expect(JSON.parse(meta[META.config]!)).toEqual(record.config);
    expect(JSON.parse(meta[META.tokenizer]!)).toEqual(record.tokenizer);
    expect(JSON.parse(meta[META.taxonomy]!)).toEqual(record.taxonomy);
    expect(JSON.parse(meta[META.metrics]!)).toEqual(record.metrics);
    expect(JSON.parse(meta[META.training]!)).toEqual(record.training);
    const plain = rawHeader(toSafetensors(makeRecord({ seed: 2 }))).__metadata__;
    expect(plain[META.optimizerStep]).toBeUndefined();
  });
});

describe('fromSafetensors refuses bad files, naming the file and the problem', () => {
  it('truncated', () => refused(bytes.subarray(0, bytes.length - 10), /^model\.safetensors: not a valid safetensors file: .*truncated/));
  it('flipped header length', () => {
    const b = bytes.slice();
    b[7] = 0x80;
    refused(b, /not a valid safetensors file: header length \d+ is beyond the end of the file/);
  });
  it('bad header JSON', () => {
    const b = bytes.slice();
    b[9] = 0x7d; // '{"' → '{}'
    refused(b, /not a valid safetensors file: header is not valid JSON/);
  });
  it('not a MarkerLab checkpoint', () => {
    refused(rewrite(bytes, (_, m) => { delete m[META.formatVersion]; }), `not a MarkerLab checkpoint (its __metadata__ has no ${META.formatVersion})`);
  });
  it('future formatVersion', () => {
    refused(rewrite(bytes, (_, m) => { m[META.formatVersion] = '2'; }), /made by a newer MarkerLab \(checkpoint format 2; this version reads format 1\)/);
    refused(rewrite(bytes, (_, m) => { m[META.formatVersion] = 'one'; }), 'checkpoint format "one" is not supported (expected 1)');
  });
  it('bad metadata JSON and missing keys', () => {
    refused(rewrite(bytes, (_, m) => { m[META.config] = '{"nEmbd":'; }), /^model\.safetensors: markerlab\.config is not valid JSON/);
    refused(rewrite(bytes, (_, m) => { delete m[META.tokenizer]; }), '__metadata__ has no markerlab.tokenizer');
    refused(rewrite(bytes, (_, m) => { m[META.step] = '-1'; }), 'markerlab.step must be a whole number, got "-1"');
  });
  it('invalid config, tokenizer, taxonomy', () => {
    const cfg = (patch: object) => rewrite(bytes, (_, m) => { m[META.config] = JSON.stringify({ ...record.config, ...patch }); });
    refused(cfg({ nHead: 3 }), /invalid model config: config\.nEmbd \(32\) must be divisible by config\.nHead \(3\)/);
    refused(rewrite(bytes, (_, m) => { m[META.tokenizer] = '{"formatVersion":1,"wrapper":"X","tokens":[]}'; }), /invalid tokenizer: token 0 must be/);
    refused(rewrite(bytes, (_, m) => { m[META.taxonomy] = '{"version":9}'; }), /invalid taxonomy: taxonomy version 9 is not supported/);
  });
  it('wrong shape (e.g. a Linear weight left in [in, out])', () => {
    const name = 'transformer.h.0.attn.c_attn.weight';
    const b = rewrite(bytes, (t) => { t.set(name, { ...(t.get(name) as Tensor), shape: [C, 3 * C] }); });
    refused(b, `tensor ${name} has shape [${C}, ${3 * C}], expected [${3 * C}, ${C}] for config nEmbd=${C}`);
  });
  it('config that does not match the weights', () => {
    const b = rewrite(bytes, (_, m) => { m[META.config] = JSON.stringify({ ...record.config, vocabSize: V + 1 }); });
    refused(b, `tensor transformer.wte.weight has shape [${V}, ${C}], expected [${V + 1}, ${C}] for config vocabSize=${V + 1}, nEmbd=${C}`);
  });
  it('wrong dtype', () => {
    const name = 'transformer.ln_f.bias';
    const b = rewrite(bytes, (t) => { t.set(name, { dtype: 'F64', shape: [C], data: new Float64Array(C) }); });
    refused(b, `tensor ${name} has dtype F64, expected F32`);
  });
  it('missing tensor', () => {
    refused(rewrite(bytes, (t) => { t.delete('transformer.h.0.mlp.c_fc.bias'); }), 'tensor transformer.h.0.mlp.c_fc.bias is missing (config nLayer=1)');
  });
  it('extra tensors', () => {
    const extra = (name: string) => rewrite(bytes, (t) => { t.set(name, { dtype: 'F32', shape: [C], data: new Float32Array(C) }); });
    refused(extra('transformer.h.1.ln_1.weight'), 'unexpected tensor transformer.h.1.ln_1.weight (not a parameter of config nLayer=1)');
    refused(extra('lm_head.weight'), /unexpected tensor lm_head\.weight \(the output head is tied to transformer\.wte\.weight/);
    refused(extra('transformer.h.0.attn.bias'), /causal-mask buffer/);
  });
  it('NaN or Infinity in a tensor', () => {
    const poison = (name: string, value: number) => rewrite(bytes, (t) => { (t.get(name)!.data as Float32Array)[3] = value; });
    refused(poison('transformer.h.0.ln_2.weight', NaN), 'tensor transformer.h.0.ln_2.weight holds NaN at index 3; refusing a checkpoint with non-finite values');
    refused(poison('optimizer.v.transformer.wpe.weight', -Infinity), /tensor optimizer\.v\.transformer\.wpe\.weight holds -Infinity at index 3/);
  });
  it('vocabulary mismatch', () => {
    const tok = { ...record.tokenizer, tokens: [...record.tokenizer.tokens, { type: 'char', char: '☃' }] };
    refused(rewrite(bytes, (_, m) => { m[META.tokenizer] = JSON.stringify(tok); }), `tokenizer has ${V + 1} tokens but config.vocabSize is ${V}`);
  });
  it('taxonomy the tokenizer cannot write', () => {
    const tax = addCategory(record.taxonomy, { name: 'persona', kind: 'categorical', values: ['pirate'], description: '' });
    refused(rewrite(bytes, (_, m) => { m[META.taxonomy] = JSON.stringify(tax); }), 'taxonomy category "persona" has no tokenizer token for tagOpen:persona');
  });
  it('incomplete optimizer state', () => {
    refused(rewrite(bytes, (t) => { t.delete('optimizer.v.transformer.ln_f.bias'); }), 'optimizer state is incomplete: tensor optimizer.v.transformer.ln_f.bias is missing');
    refused(rewrite(bytes, (_, m) => { delete m[META.optimizerStep]; }), /unexpected tensor optimizer\.m\.transformer\.wte\.weight \(optimizer moments need markerlab\.optimizer_step/);
  });
  it('uses "checkpoint" when no file name is given', () => {
    expect(() => fromSafetensors(new Uint8Array(3))).toThrowError(/^checkpoint: not a valid safetensors file/);
  });
});

describe('validateRecord (in memory, before writing)', () => {
  const bad = (patch: Partial<Record<keyof CheckpointRecord, unknown>>, message: string | RegExp) =>
    expect(() => validateRecord({ ...record, ...patch }, 'run')).toThrowError(message);

  it('returns a normalised record sharing the weight arrays', () => {
    const r = validateRecord(record);
    expect(comparable(r, record)).toEqual(comparable(record, record));
    expect(r.weights['transformer.wte.weight']).toBe(record.weights['transformer.wte.weight']);
  });
  it('refuses bad versions, steps, weights, metrics and settings', () => {
    bad({ formatVersion: 2 }, /^run: made by a newer MarkerLab/);
    bad({ step: 1.5 }, 'run: step must be a whole number ≥ 0, got 1.5');
    const w = (patch: Record<string, unknown>) => ({ weights: { ...record.weights, ...patch } });
    bad(w({ 'transformer.wpe.weight': new Float32Array(3) }), /run: tensor transformer\.wpe\.weight has 3 values, expected 2048 \(shape \[64, 32\] for config blockSize=64, nEmbd=32\)/);
    bad(w({ 'transformer.wpe.weight': [1, 2] }), 'run: tensor transformer.wpe.weight must be a Float32Array');
    bad(w({ 'transformer.ln_f.bias': undefined }), 'run: tensor transformer.ln_f.bias is missing (config nLayer=1)');
    bad(w({ 'lm_head.weight': new Float32Array(1) }), /run: unexpected tensor lm_head\.weight/);
    bad(w({ 'transformer.ln_f.bias': new Float32Array(C).fill(Infinity) }), /holds Infinity at index 0/);
    bad({ metrics: { loss: NaN } }, 'run: metrics.loss must be a string or a finite number, got NaN');
    bad({ training: { big: 1n } }, /run: training settings are not JSON/);
    bad({ optimizer: { step: 1, m: record.weights } }, /run: optimizer moments optimizer\.v\.\* must be an object/);
  });
  it('toSafetensors validates first', () => {
    const poisoned = { ...record, weights: { ...record.weights, 'transformer.ln_f.weight': new Float32Array(C).fill(NaN) } };
    expect(() => toSafetensors(poisoned)).toThrowError(CheckpointError);
  });
});

describe('recordSummary', () => {
  it('names, counts and sizes a checkpoint without touching storage', () => {
    const s = recordSummary(record, { id: 'x1' });
    expect(s).toEqual({
      id: 'x1', name: 'step 120', step: 120, params: countParams(record.config), config: record.config,
      metrics: record.metrics, sizeBytes: bytes.length, hasOptimizer: true,
    });
    expect(recordSummary({ ...record, metrics: { name: 'French, 1k steps' } }).name).toBe('French, 1k steps');
  });
});
