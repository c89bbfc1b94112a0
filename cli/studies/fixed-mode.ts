/**
 * Which fixed mode works better (issue 3): forcing the fixed markers at the start of the
 * completion's block ("prefix") or letting the model write its block in its own order and forcing
 * each fixed value where its tag appears ("constrained"), on models trained with canonical or
 * shuffled block order. Adherence is measured on the generated text by the same code annotation
 * uses (language identifier, format detector, the training data's length_bucket rule), never by
 * the model's own block.
 *
 *   npx tsx cli/studies/fixed-mode.ts --backend wasm A.safetensors B.safetensors … [--n 16] [--json]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateTeachingDataset } from '../../src/lib/data/builtin/teaching';
import { lengthBucketOf, type LengthThresholds } from '../../src/lib/markers/annotate-dataset';
import { countTokens, detectFormat, detectLanguage } from '../../src/lib/markers/measure';
import type { Markers } from '../../src/lib/markers/taxonomy';
import { fromSafetensors } from '../../src/lib/model/checkpoint';
import { sampleSteered, type FixedStrategy } from '../../src/lib/model/steer';
import { modelFromWeights } from '../../src/lib/model/weights';
import { parseBackend, startBackend } from '../backend';
import { processIo } from '../output';

const SETTINGS: Markers[] = [
  { lang: 'French' }, { lang: 'Spanish' }, { lang: 'German' },
  { length_bucket: 'concise' }, { length_bucket: 'long' },
  { format: 'Enumeration' },
  { lang: 'French', length_bucket: 'long' },
];

const { values, positionals } = parseArgs({
  options: { backend: { type: 'string' }, n: { type: 'string', default: '16' }, 'max-tokens': { type: 'string', default: '200' }, json: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const n = Number(values.n), maxTokens = Number(values['max-tokens']);
await startBackend(parseBackend(values.backend), processIo, true);

// English prompts of the teaching set (same seed as the built-in), so "lang=French" asks for a switch.
const prompts = generateTeachingDataset().filter((r) => /^[A-Z][a-z]+ /.test(r.prompt) && detectLanguage(r.prompt).lang === 'English').slice(0, 3).map((r) => r.prompt);

function adheres(category: string, wanted: string, text: string, t: LengthThresholds | undefined): boolean | undefined {
  if (category === 'lang') return detectLanguage(text).lang === wanted;
  if (category === 'format') return detectFormat(text) === wanted;
  if (category === 'length_bucket') return t ? lengthBucketOf(countTokens(text), t) === wanted : undefined;
  return undefined;
}

const rows: Array<Record<string, string | number>> = [];
for (const file of positionals) {
  const record = fromSafetensors(new Uint8Array(readFileSync(file)), file);
  const t = record.training?.lengthThresholds as LengthThresholds | undefined;
  const model = modelFromWeights(record.config, record.weights);
  for (const strategy of ['prefix', 'constrained'] as FixedStrategy[]) {
    for (const markers of SETTINGS) {
      let ok = 0, total = 0, wellFormed = 0, samples = 0;
      for (const [i, prompt] of prompts.entries()) {
        const out = await sampleSteered(model, record.tokenizer, record.taxonomy, { prompt, markers, mode: 'fixed', fixedStrategy: strategy },
          { n, maxTokens, temperature: 0.8, seed: 100 + i });
        for (const s of out) {
          samples++;
          if (!s.parsed.issues.some((x) => ['unclosedBlock', 'unclosedTag', 'mismatchedTag', 'duplicateCategory', 'textInBlock', 'invalidValue'].includes(x.kind))) wellFormed++;
          for (const [category, wanted] of Object.entries(markers)) {
            const a = adheres(category, wanted, s.parsed.completion, t);
            if (a === undefined) continue;
            total++;
            if (a) ok++;
          }
        }
      }
      const row = {
        model: file.split('/').at(-1)!, blockOrder: String(record.training?.blockOrder ?? '?'), strategy,
        fixed: Object.entries(markers).map(([k, v]) => `${k}=${v}`).join(' '), adherence: total ? ok / total : NaN, wellFormed: wellFormed / samples, samples,
      };
      rows.push(row);
      if (values.json) console.log(JSON.stringify(row));
      else console.log(`${row.blockOrder.padEnd(9)} ${strategy.padEnd(11)} ${row.fixed.padEnd(34)} adherence ${(row.adherence * 100).toFixed(1).padStart(5)}%  well-formed ${(row.wellFormed * 100).toFixed(0)}%  (n=${samples})`);
    }
  }
  model.dispose();
}
// Mean adherence per (block order, strategy).
const groups = new Map<string, number[]>();
for (const r of rows) {
  const key = `${r.blockOrder} ${r.strategy}`;
  groups.set(key, [...(groups.get(key) ?? []), r.adherence as number]);
}
for (const [key, list] of groups) {
  const mean = list.reduce((a, b) => a + b, 0) / list.length;
  const line = { summary: key, meanAdherence: mean };
  console.log(values.json ? JSON.stringify(line) : `mean adherence ${key}: ${(mean * 100).toFixed(1)}%`);
}
