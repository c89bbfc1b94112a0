import { buildPrefix, markerDistributions, nextTokenDistribution } from '../../src/lib/model/steer';
import { topTokens } from '../../src/lib/model/sampling';
import { tokenLabel } from '../../src/lib/tokenizer/tokenizer';
import { parseBackend, startBackend } from '../backend';
import { UsageError } from '../errors';
import { inferenceModel, parseMarkers, parseMode, readCheckpoint, trainedCategories } from '../model';
import { inlineText, printJson } from '../output';
import { DIST_TOP } from '../../src/lib/settings';
import { noPositionals, settingFlag } from './common';
import type { CommandContext } from './index';

/**
 * `markerlab dist --ckpt FILE --prompt TEXT [--marker name=value …] [--mode …] [--top-k K]`: the
 * model's next-token distribution after the prompt (the K most likely tokens), and for every
 * categorical category the user left unset, its probability of each value when it writes its block.
 */
export async function dist(ctx: CommandContext): Promise<number> {
  const f = ctx.flags;
  noPositionals(ctx, 'dist');
  if (f.prompt === undefined) throw new UsageError('dist needs --prompt TEXT (--prompt "" for none)');
  const mode = parseMode(f.mode);
  const k = settingFlag(DIST_TOP, f['top-k']);
  const requested = parseBackend(f.backend);
  const record = readCheckpoint(f.ckpt, 'ckpt');
  const markers = parseMarkers(f.marker, record);
  await startBackend(requested, ctx.io, f.json);

  const { tokenizer: tok, taxonomy } = record;
  const known = new Set(trainedCategories(record));
  const unset = taxonomy.categories.filter((c) => c.kind === 'categorical' && known.has(c.name) && !Object.hasOwn(markers, c.name)).map((c) => c.name);
  const model = inferenceModel(record);
  try {
    const prefix = buildPrefix(tok, taxonomy, { prompt: f.prompt, markers, mode });
    const probs = await nextTokenDistribution(model, prefix.ids);
    const next = topTokens(probs, k).map(({ id, p }) => ({ id, token: tokenLabel(tok, id), p }));
    const categories = await markerDistributions(model, tok, prefix.ids, unset);
    if (f.json) {
      printJson(ctx.io, { prompt: f.prompt, markers, mode, next, categories });
      return 0;
    }
    const lines = [`next token after the ${mode === 'fixed' && Object.keys(markers).length > 0 ? 'forced block start' : 'prompt'}:`];
    for (const t of next) lines.push(`  ${t.token.padEnd(28)} ${bar(t.p)} ${pct(t.p)}`);
    for (const c of categories) {
      lines.push('', `<${c.category}> (the model puts ${pct(c.mass)} on a value here):`);
      for (const v of c.values) lines.push(`  ${inlineText(v.value).padEnd(28)} ${bar(v.p)} ${pct(v.p)}`);
    }
    ctx.io.stdout(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}

const bar = (p: number): string => '█'.repeat(Math.round(p * 30)).padEnd(30);
const pct = (p: number): string => `${(p * 100).toFixed(1).padStart(5)}%`;
