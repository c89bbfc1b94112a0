import { piecesToString } from '../../src/lib/markers/template';
import { maxBlockTokens, sampleSteered } from '../../src/lib/model/steer';
import { parseBackend, startBackend } from '../backend';
import { UsageError } from '../errors';
import { inlineText } from '../output';
import { inferenceModel, parseMarkers, parseMode, readCheckpoint, trainedCategories } from '../model';
import { SAMPLING } from '../../src/lib/settings';
import { noPositionals, settingFlag } from './common';
import type { CommandContext } from './index';
import type { Markers, Taxonomy } from '../../src/lib/markers/taxonomy';
import type { FixedStrategy, SteerMode } from '../../src/lib/model/steer';

function parseFixedBy(flag: string | undefined, mode: SteerMode, markers: Markers, taxonomy: Taxonomy): FixedStrategy {
  if (flag === undefined) return 'prefix';
  if (flag !== 'prefix' && flag !== 'constrained') throw new UsageError(`--fixed-by expects prefix or constrained, got "${flag}"`);
  if (mode !== 'fixed') throw new UsageError('--fixed-by goes with --mode fixed');
  const numeric = Object.keys(markers).filter((name) => taxonomy.categories.find((c) => c.name === name)?.kind !== 'categorical');
  if (flag === 'constrained' && numeric.length > 0) {
    throw new UsageError(`--fixed-by constrained forces one value token per marker; ${numeric.join(', ')} ${numeric.length === 1 ? 'is' : 'are'} numeric (use --fixed-by prefix)`);
  }
  return flag;
}

/**
 * `markerlab sample --ckpt FILE --prompt TEXT [--marker name=value …] [--mode inferred|fixed]`:
 * N completions. --json: one object per line, `{text, markers, completion}` — `text` is the whole
 * completion with its marker block in string form, `markers` what that block says, `completion`
 * the answer after it.
 */
export async function sample(ctx: CommandContext): Promise<number> {
  const f = ctx.flags;
  noPositionals(ctx, 'sample');
  if (f.prompt === undefined) throw new UsageError('sample needs --prompt TEXT (--prompt "" for none)');
  const mode = parseMode(f.mode);
  const n = settingFlag(SAMPLING.n, f.n);
  const maxTokens = settingFlag(SAMPLING.maxTokens, f['max-tokens']);
  const temperature = settingFlag(SAMPLING.temperature, f.temperature);
  const topK = settingFlag(SAMPLING.topK, f['top-k']);
  const topP = settingFlag(SAMPLING.topP, f['top-p']);
  const seed = settingFlag(SAMPLING.seed, f.seed);
  const requested = parseBackend(f.backend);
  const record = readCheckpoint(f.ckpt, 'ckpt');
  const markers = parseMarkers(f.marker, record);
  const fixedStrategy = parseFixedBy(f['fixed-by'], mode, markers, record.taxonomy);
  await startBackend(requested, ctx.io, f.json);

  const model = inferenceModel(record);
  try {
    const samples = await sampleSteered(model, record.tokenizer, record.taxonomy, { prompt: f.prompt, markers, mode, fixedStrategy }, {
      n, maxTokens, temperature, seed, maxBlockTokens: maxBlockTokens(record.taxonomy, trainedCategories(record)), ...(topK > 0 ? { topK } : {}), ...(topP < 1 ? { topP } : {}),
    });
    const out = samples.map((s) => ({
      text: piecesToString(s.pieces, record.taxonomy),
      markers: s.parsed.markers,
      completion: s.parsed.completion,
    }));
    if (f.json) {
      ctx.io.stdout(out.map((o) => `${JSON.stringify(o)}\n`).join(''));
    } else {
      ctx.io.stdout(out.map((o, i) => {
        const said = Object.entries(o.markers).map(([k, v]) => `${inlineText(k)}=${inlineText(v)}`).join(', ') || 'no markers';
        return `--- sample ${i + 1} of ${n} (${said})\n${o.completion}\n`;
      }).join(''));
    }
    return 0;
  } finally {
    model.dispose();
  }
}
