/**
 * The bridge between live tfjs variables and the checkpoint record: read weights (and AdamW
 * moments) out in PyTorch layout, build a model (and optimizer) back from a record, and grow the
 * vocabulary for fine-tuning. Linear weights are [in, out] in the model and [out, in] in records.
 */
import * as tf from '@tensorflow/tfjs';
import type { Taxonomy } from '../markers/taxonomy';
import type { TokenizerSpec } from '../tokenizer/tokenizer';
import { CHECKPOINT_FORMAT_VERSION, type CheckpointRecord } from './checkpoint';
import { paramSpecs, type GPTConfig } from './config';
import { GPT } from './gpt';
import { AdamW, type AdamWOptions } from './optimizer';
import { ordinaryRows, textTokenIds } from './fresh-rows';

/** name → values in PyTorch layout. Reads with `await data()` (safe on WebGPU). */
export async function readWeights(config: GPTConfig, tensors: ReadonlyMap<string, tf.Tensor>): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const spec of paramSpecs(config)) {
    const t = tensors.get(spec.name);
    if (!t) throw new Error(`no tensor for ${spec.name}`);
    const file = spec.transposed ? tf.transpose(t) : t;
    out[spec.name] = Float32Array.from((await file.data()) as Float32Array);
    if (file !== t) file.dispose();
  }
  return out;
}

/** Tensors in model layout from PyTorch-layout arrays. The caller owns (disposes) them. */
export function toModelLayout(config: GPTConfig, weights: Readonly<Record<string, Float32Array>>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const spec of paramSpecs(config)) {
    const data = weights[spec.name];
    if (!data) throw new Error(`no values for ${spec.name}`);
    out.set(spec.name, tf.tidy(() => (spec.transposed ? tf.tensor(data, spec.shape).transpose() : tf.tensor(data, spec.shape))));
  }
  return out;
}

export interface RecordInput {
  model: GPT;
  optimizer?: AdamW;
  tokenizer: TokenizerSpec;
  taxonomy: Taxonomy;
  metrics?: Record<string, number | string>;
  training?: Record<string, unknown>;
}

/**
 * A checkpoint record of a live model (and optimizer).
 *
 * @example
 * const bytes = toSafetensors(await modelToRecord({ model, optimizer, tokenizer, taxonomy, metrics: { loss } }));
 */
export async function modelToRecord(input: RecordInput): Promise<CheckpointRecord> {
  const { model, optimizer } = input;
  const record: CheckpointRecord = {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    config: model.config,
    tokenizer: input.tokenizer,
    taxonomy: input.taxonomy,
    step: optimizer?.state.step ?? 0,
    weights: await readWeights(model.config, model.params),
    metrics: input.metrics ?? {},
  };
  if (input.training) record.training = input.training;
  if (optimizer) {
    record.optimizer = {
      step: optimizer.state.step,
      m: await readWeights(model.config, optimizer.state.m),
      v: await readWeights(model.config, optimizer.state.v),
    };
  }
  return record;
}

/**
 * A model from PyTorch-layout weights, for inference (no optimizer state is allocated).
 *
 * @example
 * const model = modelFromWeights(record.config, record.weights);
 */
export function modelFromWeights(config: GPTConfig, weights: Readonly<Record<string, Float32Array>>): GPT {
  const values = toModelLayout(config, weights);
  const model = GPT.fromParams(config, values);
  tf.dispose([...values.values()]);
  return model;
}

/** Build a model and its optimizer (with the record's moments when it has them) from a record, to train on. */
export function recordToModel(record: CheckpointRecord, adamw: Partial<AdamWOptions> = {}): { model: GPT; optimizer: AdamW } {
  const model = modelFromWeights(record.config, record.weights);
  const optimizer = new AdamW(model.params, decayNames(record.config), adamw);
  if (record.optimizer) {
    const m = toModelLayout(record.config, record.optimizer.m);
    const v = toModelLayout(record.config, record.optimizer.v);
    optimizer.load(record.optimizer.step, m, v);
    tf.dispose([...m.values(), ...v.values()]);
  }
  return { model, optimizer };
}

export function decayNames(config: GPTConfig): Set<string> {
  return new Set(paramSpecs(config).filter((s) => s.decay).map((s) => s.name));
}

/**
 * Fine-tuning with a bigger vocabulary (the new dataset or taxonomy brings tokens): the embedding
 * gets new rows, old rows and every other weight are kept. A new row starts as an ordinary token: the
 * mean of the text rows plus noise of their spread (fresh-rows.ts), neither an outlier nor a copy of
 * its new neighbours. Ids of old tokens never move (extendTokenizer appends), so the old rows stay where they were.
 */
export function growVocabulary(record: CheckpointRecord, tokenizer: TokenizerSpec, taxonomy: Taxonomy, seed = 0): CheckpointRecord {
  const oldV = record.config.vocabSize, newV = tokenizer.tokens.length, C = record.config.nEmbd;
  if (newV < oldV) throw new Error(`the new tokenizer has ${newV} tokens, fewer than the model's ${oldV}`);
  const config: GPTConfig = { ...record.config, vocabSize: newV };
  const old = record.weights['transformer.wte.weight']!;
  const wte = new Float32Array(newV * C);
  wte.set(old);
  wte.set(ordinaryRows(old, C, textTokenIds(record.tokenizer, oldV), newV - oldV, seed), oldV * C);
  const weights = { ...record.weights, 'transformer.wte.weight': wte };
  const grown: CheckpointRecord = { ...record, config, tokenizer, taxonomy, weights };
  if (record.optimizer) {
    // Moments of the new rows start at zero, like a fresh optimizer's.
    const pad = (a: Float32Array) => {
      const b = new Float32Array(newV * C);
      b.set(a);
      return b;
    };
    const { m, v } = record.optimizer;
    grown.optimizer = {
      step: record.optimizer.step,
      m: { ...m, 'transformer.wte.weight': pad(m['transformer.wte.weight']!) },
      v: { ...v, 'transformer.wte.weight': pad(v['transformer.wte.weight']!) },
    };
  }
  return grown;
}
