/**
 * Embedding rows for tokens a model has never read. A run without markers still has every marker
 * token in its vocabulary; they are never inputs, and every text position pushes their logits down
 * through the tied output head, so their rows drift together until they are one vector (mean cosine
 * 1.00 between the values of a category in the built-in base model). A fine-tune that adds markers
 * must first tell `concise` from `long` again, and at a browser's budget it does not get there.
 *
 * So, before fine-tuning, the rows of tokens the source run never saw start over, and so do the rows
 * a bigger vocabulary appends: each becomes the mean of the read text rows plus Gaussian noise with
 * their per-dimension spread, "an ordinary token" that is as different from its neighbours as real
 * tokens are from each other. Every other row, and every other weight, is kept. Their AdamW moments
 * start at zero, as a fresh optimizer's would.
 */
import { trainedCategories, trainedValues } from './checkpoint-record';
import type { CheckpointRecord } from './checkpoint';
import { isTextToken, type TokenizerSpec } from '../tokenizer/tokenizer';
import { createRng, fillNormal } from '../util/rng';

const WTE = 'transformer.wte.weight';

/**
 * Ids of the marker tokens a checkpoint's run never had in its rows: the tags of categories it did
 * not train and the values it never saw (when its record counts them). Empty for a marker-trained
 * model whose record does not say which values it saw (older files): nothing is reset on a guess.
 *
 * @example
 * unreadMarkerIds(base).length; // every tag and value token: the base model was trained without markers
 */
export function unreadMarkerIds(record: Pick<CheckpointRecord, 'training' | 'taxonomy' | 'tokenizer'>): number[] {
  const trained = new Set(trainedCategories(record));
  const seen = trainedValues(record);
  const out: number[] = [];
  record.tokenizer.tokens.forEach((def, id) => {
    if (def.type === 'tagOpen' || def.type === 'tagClose') {
      if (!trained.has(def.category)) out.push(id);
    } else if (def.type === 'value') {
      if (!trained.has(def.category) || (seen !== undefined && !(seen[def.category]?.[def.value] ?? 0))) out.push(id);
    }
  });
  return out;
}

/**
 * The embedding values for `count` new or reset rows of width C: the mean of the reference rows plus
 * N(0, 1) × their per-dimension standard deviation, drawn from `createRng(seed)`.
 */
export function ordinaryRows(wte: Float32Array, C: number, referenceIds: readonly number[], count: number, seed: number): Float32Array {
  const n = Math.max(1, referenceIds.length);
  const mean = new Float64Array(C), sq = new Float64Array(C);
  for (const r of referenceIds) {
    for (let c = 0; c < C; c++) {
      const v = wte[r * C + c]!;
      mean[c]! += v / n;
      sq[c]! += (v * v) / n;
    }
  }
  const std = mean.map((m, c) => Math.sqrt(Math.max(0, sq[c]! - m * m)));
  const out = fillNormal(new Float32Array(count * C), createRng(seed));
  for (let k = 0; k < out.length; k++) out[k] = mean[k % C]! + out[k]! * std[k % C]!;
  return out;
}

/** Ids of the text tokens (characters, bytes, BPE pieces) below `limit`: the reference for new rows. */
export function textTokenIds(tok: TokenizerSpec, limit = tok.tokens.length): number[] {
  return tok.tokens.slice(0, limit).flatMap((def, id) => (isTextToken(def) ? [id] : []));
}

/**
 * The record with the given embedding rows started over as ordinary tokens (see the top of this
 * file), their optimizer moments at zero. Returns the record itself when there is nothing to reset.
 *
 * @example
 * const ready = resetRows(base, unreadMarkerIds(base), 1); // then fine-tune from `ready`
 */
export function resetRows(record: CheckpointRecord, ids: readonly number[], seed: number): CheckpointRecord {
  if (ids.length === 0) return record;
  const C = record.config.nEmbd;
  const reset = new Set(ids);
  const reference = textTokenIds(record.tokenizer, record.config.vocabSize).filter((id) => !reset.has(id));
  const wte = Float32Array.from(record.weights[WTE]!);
  const fresh = ordinaryRows(wte, C, reference, ids.length, seed);
  ids.forEach((id, i) => wte.set(fresh.subarray(i * C, (i + 1) * C), id * C));
  const out: CheckpointRecord = { ...record, weights: { ...record.weights, [WTE]: wte } };
  if (record.optimizer) {
    const zero = (a: Float32Array) => {
      const b = Float32Array.from(a);
      for (const id of ids) b.fill(0, id * C, (id + 1) * C);
      return b;
    };
    const { m, v } = record.optimizer;
    out.optimizer = { ...record.optimizer, m: { ...m, [WTE]: zero(m[WTE]!) }, v: { ...v, [WTE]: zero(v[WTE]!) } };
  }
  return out;
}
