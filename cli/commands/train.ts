import { writeFileSync } from 'node:fs';
import type { BlockOrder } from '../../src/lib/data/batch';
import { validateDropout } from '../../src/lib/markers/dropout';
import type { Taxonomy } from '../../src/lib/markers/taxonomy';
import { toSafetensors, type CheckpointRecord } from '../../src/lib/model/checkpoint';
import { PRESETS, type GPTConfig, type PresetName } from '../../src/lib/model/config';
import type { Progress, RunResult } from '../../src/lib/model/run';
import { DEFAULT_TRAINING, TrainingSession } from '../../src/lib/model/session';
import { parseBackend, startBackend } from '../backend';
import { UsageError } from '../errors';
import { readCheckpoint } from '../model';
import { checkOut } from '../output';
import { loadSource } from '../source';
import { DROPOUT, minLrOf, shortRunRecipe, TRAINING, TRAINING_CHOICES } from '../../src/lib/settings';
import { integerFlag, parseLengthBuckets, parseTokenizer, settingFlag } from './common';
import type { CommandContext } from './index';

/** Progress lines at most this often (validations are always shown). */
const PROGRESS_EVERY_MS = 1000;

/**
 * `markerlab train --data SRC --preset P --out FILE.safetensors`: a training session as in the
 * app's trainer worker. Progress: JSON lines on stdout with --json, else one line per second on
 * stderr; then a summary on stdout. Non-finite loss: the last good weights are written and the
 * exit code is 1.
 */
export async function train(ctx: CommandContext): Promise<number> {
  const f = ctx.flags;
  if (ctx.positionals.length > 0) throw new UsageError(`train takes its data as --data, got also "${ctx.positionals.join(' ')}"`);
  if (f.data === undefined) throw new UsageError('train needs --data FILE or --data builtin:NAME');
  if (f.out === undefined) throw new UsageError('train needs --out FILE.safetensors');
  checkOut(f.out);
  const steps = settingFlag(TRAINING.steps, f.steps);
  const batchSize = settingFlag(TRAINING.batchSize, f.batch);
  const lr = settingFlag(TRAINING.lr, f.lr);
  const seed = settingFlag(TRAINING.seed, f.seed);
  const maxRows = f.rows === undefined ? undefined : integerFlag('rows', f.rows, 0, 2, 10_000_000);
  const blockOrder = parseBlockOrder(f['block-order']);
  const tokenizer = parseTokenizer(f.tokenizer, f.merges);
  const requested = parseBackend(f.backend);
  const dropout = validateDropout({
    datasetRate: settingFlag(DROPOUT.datasetRate, f['dataset-dropout']),
    sampleRate: settingFlag(DROPOUT.sampleRate, f['sample-dropout']),
    seed, overrides: {},
  });
  const init = f.init === undefined ? undefined : readCheckpoint(f.init, 'init');
  const preset = choosePreset(f.preset, init);

  const ds = await loadSource(f.data, {
    lenient: f.lenient, wrapper: f.wrapper, lengthBuckets: parseLengthBuckets(f['length-buckets']),
    warn: (line) => ctx.io.stderr(`${line}\n`),
  });
  const rows = maxRows === undefined ? ds.rows : ds.rows.slice(0, maxRows);
  const categories = parseMarkers(f.markers, ds.taxonomy);
  if (rows.length < 2) throw new UsageError(`${ds.name} has ${rows.length} row${rows.length === 1 ? '' : 's'}; training needs at least 2`);
  const backend = await startBackend(requested, ctx.io, f.json);

  const session = TrainingSession.create({
    ...DEFAULT_TRAINING, rows, taxonomy: ds.taxonomy, preset, seed, dropout, blockOrder, tokenizer,
    steps, batchSize, lr, minLr: minLrOf({ lr }), ...shortRunRecipe(steps), progressEveryMs: PROGRESS_EVERY_MS,
    ...(init ? { init } : {}),
    ...(categories ? { categories } : {}),
  });
  try {
    const info = session.info;
    if (!f.json) {
      const tok = info.tokenizer.kind === 'bpe' ? `BPE, ${info.tokenizer.merges} merges` : 'characters';
      ctx.io.stderr(`training ${preset} (${info.params.toLocaleString('en')} parameters, vocabulary ${info.vocabSize}: ${tok}) on ${ds.name}: ` +
        `${info.trainRows} train / ${info.valRows} validation rows, ${info.windowedRows} windowed, ${steps} steps of ${batchSize}×${info.config.blockSize} tokens\n`);
    }
    const result = await session.train({ onProgress: (p) => report(ctx, p) });
    const last = result.last;
    const metrics = { ...checkpointMetrics(last, ds.name, preset, backend.backend), tokenizer: info.tokenizer.kind, merges: info.tokenizer.merges };
    // A non-finite step leaves the weights as they were: what is written is the last good state.
    const wrote = last !== undefined;
    if (wrote) writeCheckpoint(f.out, await session.toRecord(metrics));
    const summary = {
      event: 'summary', end: result.end, dataset: ds.name, preset, backend: backend.backend,
      steps: last?.step ?? info.startStep, loss: last?.loss ?? null, valLoss: last?.valLoss ?? null, valLossNoMarkers: last?.valLossNoMarkers ?? null,
      tokensPerSec: last ? Math.round(last.tokensPerSec) : null, elapsedMs: last ? Math.round(last.elapsedMs) : null,
      params: info.params, vocabSize: info.vocabSize, tokenizer: info.tokenizer.kind, merges: info.tokenizer.merges, trainRows: info.trainRows, valRows: info.valRows,
      windowedRows: info.windowedRows, truncatedTokens: info.truncatedTokens, out: wrote ? f.out : null,
    };
    if (f.json) ctx.io.stdout(`${JSON.stringify(summary)}\n`);
    else ctx.io.stdout(summaryText(summary, info.config));
    return stopReason(ctx, result, wrote ? f.out : undefined);
  } finally {
    session.dispose();
  }
}

/** --markers all (default: every categorical category) | none (empty blocks) | a,b (those categories). */
function parseMarkers(flag: string | undefined, taxonomy: Taxonomy): string[] | undefined {
  if (flag === undefined || flag === 'all') return undefined;
  if (flag === 'none') return [];
  const names = flag.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const known = new Set(taxonomy.categories.map((c) => c.name));
  const unknown = names.filter((n) => !known.has(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`--markers expects all, none or category names (${[...known].join(', ')}), got "${flag}"`);
  }
  return names;
}

function parseBlockOrder(flag: string | undefined): BlockOrder {
  const { default: fallback, options } = TRAINING_CHOICES.blockOrder;
  if (flag === undefined) return fallback;
  if ((options as readonly string[]).includes(flag)) return flag as BlockOrder;
  throw new UsageError(`--block-order expects ${options.join(' or ')}, got "${flag}"`);
}

/** --preset; with --init the checkpoint fixes the shape, so --preset may be left out but must agree. */
function choosePreset(flag: string | undefined, init: CheckpointRecord | undefined): PresetName {
  const names = Object.keys(PRESETS) as PresetName[];
  if (flag !== undefined && !names.includes(flag as PresetName)) throw new UsageError(`--preset expects ${names.join(', ')}, got "${flag}"`);
  if (!init) {
    if (flag === undefined) throw new UsageError(`train needs --preset (${names.join(', ')})`);
    return flag as PresetName;
  }
  const match = names.find((n) => sameShape(PRESETS[n], init.config));
  if (flag === undefined) {
    if (match) return match;
    throw new UsageError(`--init ${shape(init.config)} matches no preset; name the closest with --preset`);
  }
  if (match !== undefined && match !== flag) throw new UsageError(`--preset ${flag} does not match --init, which is a ${match} model (${shape(init.config)})`);
  return flag as PresetName;
}

const sameShape = (a: Pick<GPTConfig, 'blockSize' | 'nLayer' | 'nHead' | 'nEmbd'>, b: GPTConfig): boolean =>
  a.blockSize === b.blockSize && a.nLayer === b.nLayer && a.nHead === b.nHead && a.nEmbd === b.nEmbd;

const shape = (c: GPTConfig): string => `context ${c.blockSize}, ${c.nLayer} layers, ${c.nHead} heads, ${c.nEmbd} wide`;

function report(ctx: CommandContext, p: Progress): void {
  if (ctx.flags.json) {
    ctx.io.stdout(`${JSON.stringify({ event: 'progress', ...p })}\n`);
    return;
  }
  const val = p.valLoss === undefined ? '' : `  val ${p.valLoss.toFixed(3)} (no markers ${p.valLossNoMarkers?.toFixed(3) ?? '–'})`;
  ctx.io.stderr(`step ${p.step}/${p.totalSteps}  loss ${p.loss.toFixed(3)}${val}  lr ${p.lr.toExponential(1)}  ` +
    `${Math.round(p.tokensPerSec)} tok/s  eta ${seconds(p.etaMs)}\n`);
}

/** Checkpoint metrics: finite numbers and strings only (validateRecord refuses NaN). */
function checkpointMetrics(last: Progress | undefined, dataset: string, preset: PresetName, backend: string): Record<string, number | string> {
  const m: Record<string, number | string> = { dataset, preset, backend, createdAt: new Date().toISOString() };
  const put = (key: string, v: number | undefined): void => {
    if (v !== undefined && Number.isFinite(v)) m[key] = v;
  };
  put('loss', last?.loss);
  put('valLoss', last?.valLoss);
  put('valLossNoMarkers', last?.valLossNoMarkers);
  put('tokensPerSec', last?.tokensPerSec);
  return m;
}

function writeCheckpoint(out: string, record: CheckpointRecord): void {
  try {
    writeFileSync(out, toSafetensors(record));
  } catch (err) {
    throw new UsageError(`cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function stopReason(ctx: CommandContext, result: RunResult, out: string | undefined): number {
  if (result.end !== 'non-finite') return 0;
  const kept = out ? `; the last good weights are in ${out}` : '; no checkpoint was written';
  ctx.io.stderr(`markerlab: ${result.error?.message ?? 'training stopped on a non-finite loss'}${kept}\n`);
  return 1;
}

interface Summary {
  end: string; dataset: string; steps: number; loss: number | null; valLoss: number | null; valLossNoMarkers: number | null;
  tokensPerSec: number | null; params: number; windowedRows: number; trainRows: number; out: string | null;
}

function summaryText(s: Summary, config: GPTConfig): string {
  const fixed = (v: number | null): string => (v === null ? '–' : v.toFixed(4));
  return [
    `${s.end === 'completed' ? 'trained' : `stopped (${s.end})`}: ${s.steps} steps on ${s.dataset}, ${s.params.toLocaleString('en')} parameters (${shape(config)})`,
    `  loss ${fixed(s.loss)}   val loss ${fixed(s.valLoss)}   val loss without prompt markers ${fixed(s.valLossNoMarkers)}`,
    `  ${s.tokensPerSec ?? '–'} tokens/s, ${s.trainRows} training rows (${s.windowedRows} windowed)`,
    `  checkpoint: ${s.out ?? 'none written'}`,
    '',
  ].join('\n');
}

function seconds(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
