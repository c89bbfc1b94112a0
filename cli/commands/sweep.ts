import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../../src/lib/data/types';
import { meanAccuracy } from '../../src/lib/eval/accuracy';
import { shareOf, valueShares } from '../../src/lib/eval/head-tail';
import { lengthRuleOfRows } from '../../src/lib/markers/annotate-dataset';
import { paperFindings } from '../../src/lib/experiment/findings';
import { runCell, type CellEvents, type CellResult } from '../../src/lib/experiment/run-cell';
import { resultsCsv } from '../../src/lib/experiment/report';
import { PAPER_SWEEP, SweepError, sweepCells, validateSweep, type SweepSpec } from '../../src/lib/experiment/sweep';
import { toSafetensors } from '../../src/lib/model/checkpoint';
import { PRESETS, type PresetName } from '../../src/lib/model/config';
import { parseBackend, startBackend } from '../backend';
import { UsageError } from '../errors';
import { loadSource } from '../source';
import { runCellInWorker } from '../workers/run-in-worker';
import { SWEEP, TRAINING } from '../../src/lib/settings';
import { integerFlag, listFlag, parseLengthBuckets, parseTokenizer, settingFlag } from './common';
import type { CommandContext } from './index';

/**
 * `markerlab sweep --data SRC --preset P --dataset-dropout 0,0.5,0.7 --sample-dropout 0.5 --seeds 1,2
 * --steps N --out DIR [--json]`: one training run per grid cell (plus a no-marker baseline per
 * seed), each measured; checkpoints, results.json and results.csv go to DIR. `--paper` runs the
 * built-in experiment (the paper in small) and reports its four findings.
 */
export async function sweep(ctx: CommandContext): Promise<number> {
  const f = ctx.flags;
  if (ctx.positionals.length > 0) throw new UsageError(`sweep takes its data as --data, got also "${ctx.positionals.join(' ')}"`);
  const out = f.out;
  if (out === undefined) throw new UsageError('sweep needs --out DIR (checkpoints and results go there)');
  // Without --paper: the schema's batch and rate, the X = 0 / 0.5 grid, the paper's measurement settings.
  const base: SweepSpec = f.paper ? PAPER_SWEEP : {
    ...PAPER_SWEEP, shape: {}, batchSize: SWEEP.batchSize.default, lr: SWEEP.lr.default, datasetRates: [0, 0.5],
    baseline: !f['no-baseline'], noDropout: f['no-dropout-run'],
  };
  const spec = specFromFlags(ctx, base);
  const requested = parseBackend(f.backend);
  const ds = await loadSource(f.data ?? `builtin:${spec.dataset}`, {
    lenient: f.lenient, wrapper: f.wrapper, lengthBuckets: parseLengthBuckets(f['length-buckets']),
    warn: (line) => ctx.io.stderr(`${line}\n`),
  });
  const rows: Row[] = f.rows === undefined ? ds.rows : ds.rows.slice(0, integerFlag('rows', f.rows, 0, 2, 10_000_000));
  try {
    mkdirSync(out, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create ${out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const backend = await startBackend(requested, ctx.io, f.json);
  const cells = sweepCells(spec);
  const say = (event: Record<string, unknown>, human: string): void => {
    if (f.json) ctx.io.stdout(`${JSON.stringify(event)}\n`);
    else ctx.io.stderr(`${human}\n`);
  };
  const jobs = Math.min(cells.length, f.jobs === undefined ? defaultJobs(backend.backend) : integerFlag('jobs', f.jobs, 1, 1, 64));
  if (jobs > 1 && backend.backend === 'webgpu') throw new UsageError('--jobs above 1 needs the wasm or cpu backend (one GPU device per process)');
  say({ event: 'sweep', cells: cells.map((c) => c.id), preset: spec.preset, steps: spec.steps, dataset: ds.name, backend: backend.backend, jobs },
    `sweep: ${cells.length} runs of ${spec.preset} × ${spec.steps} steps on ${ds.name} (${backend.backend}, ${jobs} at a time)`);
  const started = Date.now();
  const results = new Array<CellResult>(cells.length);
  const runOne = async (i: number): Promise<void> => {
    const cell = cells[i]!;
    let lastShown = 0;
    const events: CellEvents = {
      onStage: (stage) => say({ event: 'stage', cell: cell.id, stage }, `[${i + 1}/${cells.length}] ${stage}`),
      onProgress: (p) => {
        if (p.step === p.totalSteps || Date.now() - lastShown > 15_000) {
          lastShown = Date.now();
          say({ event: 'progress', cell: cell.id, step: p.step, totalSteps: p.totalSteps, loss: p.loss, tokensPerSec: p.tokensPerSec },
            `  [${i + 1}/${cells.length}] step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSec)} tok/s`);
        }
      },
    };
    const { result, checkpoint } = jobs > 1
      ? await runCellInWorker({ rows, taxonomy: ds.taxonomy, spec, cell, backend: backend.backend }, events)
      : await runCell(rows, ds.taxonomy, spec, cell, events).then(({ result, record }) => ({ result, checkpoint: toSafetensors(record) }));
    writeFileSync(join(out, `${cell.id}.safetensors`), checkpoint);
    results[i] = result;
    say({ event: 'cell', ...summaryOf(result) }, `  done: ${cellLine(result)}`);
  };
  let next = 0;
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (next < cells.length) await runOne(next++);
  }));
  const share = shareOf(valueShares(rows));
  const findings = paperFindings(results, share, spec.eval.tailShare, lengthRuleOfRows(rows));
  const report = { spec, dataset: ds.name, backend: backend.backend, elapsedMs: Date.now() - started, results, findings };
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(join(out, 'results.csv'), resultsCsv(results));
  if (f.json) {
    ctx.io.stdout(`${JSON.stringify({ event: 'summary', elapsedMs: report.elapsedMs, out, findings, cells: results.map(summaryOf) })}\n`);
  } else {
    const lines = [`sweep done in ${Math.round(report.elapsedMs / 1000)} s; results in ${join(out, 'results.json')} and results.csv`, ''];
    for (const r of results) lines.push(cellLine(r));
    lines.push('', 'The paper in small:');
    for (const x of findings) lines.push(`  ${x.id}. ${x.holds === null ? 'not measured' : x.holds ? 'holds' : 'does NOT hold'}: ${x.claim}`, `     ${x.detail}`);
    ctx.io.stdout(`${lines.join('\n')}\n`);
  }
  return 0;
}

/** One cell per core on wasm and cpu (single-threaded in Node); one at a time on WebGPU. */
function defaultJobs(backend: string): number {
  return backend === 'webgpu' ? 1 : Math.max(1, availableParallelism());
}

function specFromFlags(ctx: CommandContext, base: SweepSpec): SweepSpec {
  const f = ctx.flags;
  const rates = (name: 'dataset-dropout' | 'sample-dropout', fallback: number[]): number[] =>
    f[name] === undefined ? fallback : listFlag(f[name]).map((v) => settingFlag({ ...SWEEP.rate, flag: name }, v));
  const presets = Object.keys(PRESETS);
  if (f.preset !== undefined && !presets.includes(f.preset)) throw new UsageError(`--preset expects ${presets.join(', ')}, got "${f.preset}"`);
  const seeds = f.seeds === undefined ? base.seeds : listFlag(f.seeds).map((v) => settingFlag({ ...TRAINING.seed, flag: 'seeds' }, v));
  const spec: SweepSpec = {
    ...base,
    preset: (f.preset as PresetName | undefined) ?? base.preset,
    // The paper's shorter context goes with its preset; another preset keeps its own shape.
    ...(f.preset !== undefined && f.preset !== base.preset ? { shape: {} } : {}),
    steps: settingFlag(SWEEP.steps, f.steps, base.steps),
    batchSize: settingFlag(SWEEP.batchSize, f.batch, base.batchSize),
    lr: settingFlag(SWEEP.lr, f.lr, base.lr),
    datasetRates: rates('dataset-dropout', base.datasetRates),
    sampleRates: rates('sample-dropout', base.sampleRates),
    seeds,
    ...(f.tokenizer !== undefined || f.merges !== undefined ? { tokenizer: parseTokenizer(f.tokenizer, f.merges) } : {}),
    eval: {
      ...base.eval,
      n: settingFlag(SWEEP.n, f.n, base.eval.n),
      maxTokens: settingFlag(SWEEP.maxTokens, f['max-tokens'], base.eval.maxTokens),
      prompts: settingFlag(SWEEP.prompts, f.prompts, base.eval.prompts),
    },
  };
  try {
    return validateSweep(spec);
  } catch (err) {
    if (err instanceof SweepError) throw new UsageError(`sweep: ${err.message}`);
    throw err;
  }
}

function summaryOf(r: CellResult) {
  return {
    cell: r.cell.id, markers: r.cell.markers, datasetRate: r.cell.datasetRate, sampleRate: r.cell.sampleRate, seed: r.cell.seed,
    valLoss: r.train.valLoss, tokensPerSec: r.train.tokensPerSec, trainMs: r.train.elapsedMs, evalMs: r.evalMs,
    inferredAccuracy: r.accuracy ? meanAccuracy(r.accuracy) : null,
    lengthViolation: { baseline: r.lengths.baseline?.rate ?? null, inferred: r.lengths.inferred?.rate ?? null, fixed: r.lengths.fixed?.rate ?? null },
  };
}

function cellLine(r: CellResult): string {
  const s = summaryOf(r);
  const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
  const v = s.lengthViolation;
  return `${r.cell.label}: val loss ${s.valLoss?.toFixed(3) ?? '–'}, inferred-marker accuracy ${pct(s.inferredAccuracy)}, ` +
    `length violations ${r.cell.markers ? `inferred ${pct(v.inferred)} / fixed ${pct(v.fixed)}` : pct(v.baseline)}`;
}
