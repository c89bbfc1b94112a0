/**
 * Can a model tell a category's values apart as inputs? Per category, the mean cosine similarity
 * between the embeddings (transformer.wte rows, tied to the output head) of the values the teaching
 * set uses. Near 1: the values are near copies of one another, and attention cannot act on which one
 * the block holds.
 *
 *   npx tsx cli/studies/value-embeddings.ts CKPT.safetensors [CKPT2 …]
 */
import { readFileSync } from 'node:fs';
import { generateTeachingDataset } from '../../src/lib/data/builtin/teaching';
import { prepareDataset } from '../../src/lib/data/pipeline';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { fromSafetensors } from '../../src/lib/model/checkpoint';

const used = new Map<string, Set<string>>();
for (const r of prepareDataset('teaching', generateTeachingDataset(), defaultTaxonomy()).rows) {
  for (const [k, v] of Object.entries(r.markers)) (used.get(k) ?? used.set(k, new Set()).get(k)!).add(v);
}
for (const file of process.argv.slice(2)) {
  const record = fromSafetensors(new Uint8Array(readFileSync(file)));
  const wte = record.weights['transformer.wte.weight']!;
  const C = record.config.nEmbd;
  const row = (id: number) => wte.subarray(id * C, (id + 1) * C);
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
  const cos = (a: Float32Array, b: Float32Array) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  const ids = new Map<string, number[]>();
  record.tokenizer.tokens.forEach((d, id) => {
    if (d.type === 'value' && used.get(d.category)?.has(d.value) && used.get(d.category)!.size > 1) (ids.get(d.category) ?? ids.set(d.category, []).get(d.category)!).push(id);
  });
  const parts = [...ids].map(([cat, list]) => {
    let sum = 0, n = 0;
    for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) { sum += cos(row(list[i]!), row(list[j]!)); n++; }
    return `${cat} ${(sum / n).toFixed(2)}`;
  });
  console.log(`${file}: mean cosine between a category's values: ${parts.join('  ')}`);
}
