import { splitForRun } from '../../src/lib/data/split';
import type { Row } from '../../src/lib/data/types';
import { meanAccuracy } from '../../src/lib/eval/accuracy';
import { headTail, shareOf, splitGains, valueShares } from '../../src/lib/eval/head-tail';
import { lengthShift } from '../../src/lib/eval/shift';
import { lengthsOf, points } from '../../src/lib/experiment/findings';
import { pairLosses, targetingGains, type ModelUnderTest } from '../../src/lib/experiment/measure-model';
import { measureModel, type Measurement } from '../../src/lib/experiment/run-cell';
import { DEFAULT_EVAL } from '../../src/lib/experiment/sweep';
import { LENGTH_BUCKETS } from '../../src/lib/markers/taxonomy';
import type { CheckpointRecord } from '../../src/lib/model/checkpoint';
import { trainedCategories, trainedLengthThresholds, trainedSplit } from '../../src/lib/model/checkpoint-record';
import type { GPT } from '../../src/lib/model/gpt';
import { CONTROL_KINDS, DEFAULT_CONTROL, formatControl, measureControl, type ControlSpec } from '../../src/lib/experiment/control';
import { DEFAULT_TRAINING } from '../../src/lib/model/session';
import { parseBackend, startBackend } from '../backend';
import { UsageError } from '../errors';
import { inferenceModel, readCheckpoint } from '../model';
import { loadSource } from '../source';
import { SWEEP } from '../../src/lib/settings';
import { integerFlag, listFlag, numberFlag, parseLengthBuckets, settingFlag } from './common';
import type { CommandContext } from './index';

/**
 * `markerlab eval --ckpt FILE --data SRC [--baseline FILE] [--json]`: the sweep's measurements for
 * one checkpoint on the validation split its training used (same seed, same split): inferred-marker
 * accuracy, length violations in inferred and fixed mode, per-value text losses; with a no-marker
 * baseline checkpoint also its violations and the head-vs-tail gains.
 * `--control`: marker control as a user sees it (src/lib/experiment/control.ts) instead;
 * `--only length_bucket,…` measures just those kinds of it.
 */
export async function evaluateCommand(ctx: CommandContext): Promise<number> {
  const f = ctx.flags;
  if (ctx.positionals.length > 0) throw new UsageError(`eval takes its data as --data, got also "${ctx.positionals.join(' ')}"`);
  if (f.data === undefined) throw new UsageError('eval needs --data FILE or --data builtin:NAME (the rows the model was trained on)');
  const record = readCheckpoint(f.ckpt, 'ckpt');
  const baseline = f.baseline === undefined ? undefined : readCheckpoint(f.baseline, 'baseline');
  const e = {
    ...DEFAULT_EVAL,
    n: settingFlag(SWEEP.n, f.n),
    maxTokens: settingFlag(SWEEP.maxTokens, f['max-tokens']),
    prompts: settingFlag(SWEEP.prompts, f.prompts),
  };
  const requested = parseBackend(f.backend);
  if (f.only !== undefined && !f.control) throw new UsageError('--only goes with --control');
  const kinds = f.only === undefined ? undefined : parseKinds(f.only);
  const ds = await loadSource(f.data, {
    lenient: f.lenient, wrapper: f.wrapper, lengthBuckets: parseLengthBuckets(f['length-buckets']), warn: (line) => ctx.io.stderr(`${line}\n`),
  });
  const rows = f.rows === undefined ? ds.rows : ds.rows.slice(0, integerFlag('rows', f.rows, 0, 2, 10_000_000));
  await startBackend(requested, ctx.io, f.json);
  const seed = typeof record.training?.seed === 'number' ? record.training.seed : 0;
  // The split the checkpoint's run made (recorded; older files: their seed with the default share and strata).
  const val = splitForRun(rows, trainedSplit(record, { ...DEFAULT_TRAINING, seed })).val;
  const say = (stage: string) => { if (!f.json) ctx.io.stderr(`${stage}\n`); };

  if (f.control) {
    const spec = {
      promptsPerLang: integerFlag('prompts', f.prompts, DEFAULT_CONTROL.promptsPerLang, 1, 100),
      n: integerFlag('n', f.n, DEFAULT_CONTROL.n, 1, 64),
      temperature: numberFlag('temperature', f.temperature, DEFAULT_CONTROL.temperature, 0, 5),
      seed: integerFlag('seed', f.seed, DEFAULT_CONTROL.seed, 0, 2 ** 31 - 1),
      ...(f['max-tokens'] === undefined ? {} : { maxTokens: integerFlag('max-tokens', f['max-tokens'], 0, 1, 100_000) }),
      ...(kinds ? { kinds } : {}),
    };
    const model = inferenceModel(record);
    try {
      const report = await measureControl(underTest(record, model), rows, val, spec, say);
      ctx.io.stdout(f.json ? `${JSON.stringify({ dataset: ds.name, step: record.step, ...report })}\n` : `${formatControl(report).join('\n')}\n`);
    } finally {
      model.dispose();
    }
    return 0;
  }
  const main = await measure(record, val, rows, e, seed, 'model', say);
  const base = baseline ? await measure(baseline, val, rows, e, seed, 'baseline', say) : undefined;
  const share = shareOf(valueShares(rows));
  const ht = base ? headTail(pairLosses(main.losses, base.losses, share), e.tailShare) : null;
  const targeting = base && main.targeting && base.targeting ? splitGains(targetingGains(main.targeting, base.targeting, share), e.tailShare) : null;
  const fixed = main.lengths.fixed ? lengthShift(lengthsOf(main.lengths.fixed), LENGTH_BUCKETS) : null;
  const out = {
    dataset: ds.name, validationRows: val.length, step: record.step,
    inferredAccuracy: main.accuracy ?? null, inferredAccuracyMean: main.accuracy ? meanAccuracy(main.accuracy) : null,
    lengthViolation: {
      baseline: base?.lengths.baseline?.rate ?? main.lengths.baseline?.rate ?? null,
      inferred: main.lengths.inferred?.rate ?? null, fixed: main.lengths.fixed?.rate ?? null,
    },
    lengthShift: fixed, headTail: ht, targeting, losses: main.losses,
  };
  if (f.json) {
    ctx.io.stdout(`${JSON.stringify(out)}\n`);
    return 0;
  }
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);
  const lines = [`${ds.name}: ${val.length} validation rows, checkpoint at step ${record.step}`];
  if (main.accuracy) {
    lines.push(`inferred-marker accuracy ${pct(out.inferredAccuracyMean)}: ${Object.entries(main.accuracy).map(([c, a]) => `${c} ${pct(a.accuracy)}`).join(', ')}`);
  }
  const v = out.lengthViolation;
  lines.push(`length_bucket violation rate: baseline ${pct(v.baseline)}, inferred ${pct(v.inferred)}, fixed ${pct(v.fixed)}`);
  if (fixed) lines.push(`median length in fixed mode: ${fixed.summaries.map((s) => `${s.value} ${Math.round(s.median)}`).join(', ')} (${fixed.ordered ? 'in order' : 'not in order'})`);
  if (ht) lines.push(`text-loss gain over the baseline: tail values ${ht.tailGain?.toFixed(3) ?? '–'}, head values ${ht.headGain?.toFixed(3) ?? '–'} nats/token`);
  if (targeting) {
    const gain = (g: number | null) => (g === null ? '–' : points(g));
    lines.push(`samples on target with the rows' markers minus the baseline's: tail values ${gain(targeting.tailGain)}, head values ${gain(targeting.headGain)} points`);
  }
  ctx.io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

async function measure(record: CheckpointRecord, val: Row[], rows: Row[], e: typeof DEFAULT_EVAL, seed: number, label: string, say: (s: string) => void): Promise<Measurement> {
  const model = inferenceModel(record);
  try {
    const m = underTest(record, model);
    return await measureModel(m, val, rows, e, { markers: m.categories.length > 0, seed, batchSize: 16, label, onStage: say });
  } finally {
    model.dispose();
  }
}

function parseKinds(value: string): NonNullable<ControlSpec['kinds']> {
  const list = listFlag(value);
  const known: readonly string[] = CONTROL_KINDS;
  const bad = list.filter((k) => !known.includes(k));
  if (list.length === 0 || bad.length > 0) throw new UsageError(`--only expects a list of ${CONTROL_KINDS.join(', ')}, got "${value}"`);
  return list as NonNullable<ControlSpec['kinds']>;
}

/** A checkpoint's model with what it was trained on: its categories and its data's length rule. */
function underTest(record: CheckpointRecord, model: GPT): ModelUnderTest {
  const thresholds = trainedLengthThresholds(record);
  return { model, tokenizer: record.tokenizer, taxonomy: record.taxonomy, categories: trainedCategories(record), ...(thresholds ? { lengthThresholds: thresholds } : {}) };
}

