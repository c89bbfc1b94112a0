/**
 * Training throughput of the embedding formulations (embedding.ts), in one run so the ratios are
 * fair: the tiny preset at a character-sized vocabulary and a BPE-sized one, with the old one-hot ×
 * table embedding (`matmul`) and with the gather + custom gradient the backend picks by default.
 *
 * Batch 16 × the preset's context, random tokens, every position in the loss; best of the repeats.
 *
 *   npx tsx cli/studies/embedding-speed.ts [--backend wasm] [--vocab 300,1300] [--preset tiny] [--repeats 2] [--steps 3]
 */
import { parseArgs } from 'node:util';
import { presetConfig, type GPTConfig, type PresetName } from '../../src/lib/model/config';
import { embeddingMode, setEmbeddingMode, type EmbeddingMode } from '../../src/lib/model/embedding';
import { GPT } from '../../src/lib/model/gpt';
import { AdamW } from '../../src/lib/model/optimizer';
import { trainStep } from '../../src/lib/model/train';
import type { TokenBatch } from '../../src/lib/data/batch-pack';
import { decayNames } from '../../src/lib/model/weights';
import { parseBackend, startBackend } from '../backend';
import { processIo } from '../output';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' }, vocab: { type: 'string', default: '300,1300' },
    preset: { type: 'string', default: 'tiny' }, repeats: { type: 'string', default: '2' }, steps: { type: 'string', default: '3' },
  },
});
const B = 16;

/** ms per AdamW step on a random full batch, over `steps` timed steps after one warm-up step. */
async function msPerStep(config: GPTConfig, steps: number): Promise<number> {
  const model = GPT.init(config), opt = new AdamW(model.params, decayNames(config));
  const n = B * config.blockSize;
  let s = 7;
  const next = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % config.vocabSize);
  const batch: TokenBatch = {
    x: Int32Array.from({ length: n }, next), y: Int32Array.from({ length: n }, next), lossMask: new Float32Array(n).fill(1),
    positions: Int32Array.from({ length: n }, (_, i) => i % config.blockSize), segments: new Int32Array(n),
    stats: { tokens: n, lossTokens: n, paddingTokens: 0, examples: B },
  };
  const step = (i: number) => trainStep(model, opt, [batch], { lr: 1e-3, batchSize: B, blockSize: config.blockSize, dropoutSeed: i });
  try {
    await step(0);
    const t0 = performance.now();
    for (let i = 1; i <= steps; i++) await step(i);
    return (performance.now() - t0) / steps;
  } finally {
    model.dispose();
    opt.dispose();
  }
}
const report = await startBackend(parseBackend(values.backend), processIo, true);
const auto = embeddingMode();
const modes: EmbeddingMode[] = ['matmul', auto];
const results: Array<{ vocab: number; mode: EmbeddingMode; tokensPerSec: number; msPerStep: number }> = [];
// Interleaved and repeated, keeping each case's best, so a busy neighbour skews no single case.
for (let r = 0; r < Number(values.repeats); r++) {
  for (const vocab of values.vocab.split(',').map(Number)) {
    for (const mode of modes) {
      setEmbeddingMode(mode);
      const config = presetConfig(values.preset as PresetName, vocab, 1, { dropout: 0 });
      const ms = await msPerStep(config, Number(values.steps));
      const tokensPerSec = (B * config.blockSize * 1000) / ms;
      const prev = results.find((x) => x.vocab === vocab && x.mode === mode);
      if (!prev) results.push({ vocab, mode, tokensPerSec, msPerStep: Math.round(ms) });
      else if (tokensPerSec > prev.tokensPerSec) Object.assign(prev, { tokensPerSec, msPerStep: Math.round(ms) });
    }
  }
}
setEmbeddingMode(undefined);
const base = results[0]!.tokensPerSec;
for (const x of results) x.tokensPerSec = Math.round(x.tokensPerSec);
console.log(JSON.stringify({
  backend: report.backend, preset: values.preset, batch: 16,
  results: results.map((x) => ({ ...x, vsFirst: Number((x.tokensPerSec / base).toFixed(2)) })),
}, null, 1));
