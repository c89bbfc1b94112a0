import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { arbitrageJsonl, arbitrageRows } from '../../src/lib/arbitrage/dataset';
import { PAPER_ARBITRAGE } from '../../src/lib/arbitrage/paper';
import { scaleTeacherSteps } from '../../src/lib/arbitrage/teaching-pool';
import { ROUTER_KINDS, needsCalibration, type RouterSpec } from '../../src/lib/arbitrage/plan';
import { rewardContext } from '../../src/lib/arbitrage/reward';
import { compositionsCsv, compositionTable, resultsMarkdown, rewardTable } from '../../src/lib/arbitrage/report';
import { ARBITRAGE_RESULTS_VERSION, type ArbitrageResults } from '../../src/lib/arbitrage/results';
import { promptsFromRows, RouterError, type RouterKind } from '../../src/lib/arbitrage/types';
import { runJobsHere } from '../../src/lib/arbitrage-run/jobs';
import { runArbitragePaper } from '../../src/lib/arbitrage-run/paper';
import { arbitratePool } from '../../src/lib/arbitrage-run/route-pool';
import { answerBudget, type PoolMember } from '../../src/lib/arbitrage-run/sample';
import type { Row } from '../../src/lib/data/types';
import { trainedCategories } from '../../src/lib/model/checkpoint-record';
import { maxBlockTokens } from '../../src/lib/model/steer';
import { SAMPLING, TRAINING } from '../../src/lib/settings';
import { parseBackend, startBackend } from '../backend';
import { REPO_ROOT } from '../builtin';
import { UsageError } from '../errors';
import { parseMode, readCheckpoint } from '../model';
import { loadSource } from '../source';
import { runJobsInWorkers } from '../workers/run-in-worker';
import { integerFlag, listFlag, parseLengthBuckets, settingFlag } from './common';
import type { CommandContext } from './index';

/**
 * `markerlab arbitrage --pool A.safetensors,B.safetensors --prompts SRC --router KIND --out DIR`: each
 * prompt routed to one teacher of the pool (the reward router has every teacher answer), the routed
 * set as JSONL, its compositions (CSV and in results.json) and the reward of what was kept.
 * `--paper` runs the built-in comparison: a teaching pool fine-tuned from the base model, every
 * router's set, one student per router, measured per language (src/lib/arbitrage-run/paper.ts).
 */
export async function arbitrage(ctx: CommandContext): Promise<number> {
  const f = ctx.flags;
  if (ctx.positionals.length > 0) throw new UsageError(`arbitrage takes no positional arguments, got "${ctx.positionals.join(' ')}"`);
  if (f.out === undefined) throw new UsageError('arbitrage needs --out DIR (the sets, compositions and results.json go there)');
  return f.paper ? paper(ctx, f.out) : pool(ctx, f.out);
}

async function pool(ctx: CommandContext, out: string): Promise<number> {
  const f = ctx.flags;
  for (const flag of ['jobs'] as const) if (f[flag] !== undefined) throw new UsageError(`--${flag} goes with --paper`);
  if (f.pool === undefined) throw new UsageError('arbitrage needs --pool A.safetensors,B.safetensors,… (or --paper)');
  if (f.prompts === undefined) throw new UsageError('arbitrage needs --prompts FILE|builtin:NAME (rows whose prompts are routed)');
  if (f.router === undefined) throw new UsageError(`arbitrage needs --router ${ROUTER_KINDS.join('|')}`);
  const files = listFlag(f.pool);
  if (files.length === 0) throw new UsageError('--pool names no checkpoint');
  const members: PoolMember[] = files.map((file) => ({ name: basename(file).replace(/\.safetensors$/i, ''), record: readCheckpoint(file, 'pool') }));
  const seen = new Set<string>();
  for (const m of members) {
    if (seen.has(m.name)) throw new UsageError(`--pool: two checkpoints are named ${m.name}; teachers are named by their file names, which must differ`);
    seen.add(m.name);
  }
  const seed = settingFlag(TRAINING.seed, f.seed);
  const spec = routerSpec(f.router, f.teacher, f.table, seed, members.map((m) => m.name));
  const judge = f.judge === undefined ? undefined : readCheckpoint(f.judge, 'judge');
  const ds = await loadSource(f.prompts, {
    lenient: f.lenient, wrapper: f.wrapper, lengthBuckets: parseLengthBuckets(f['length-buckets']), warn: (line) => ctx.io.stderr(`${line}\n`),
  });
  const rows: Row[] = f.rows === undefined ? ds.rows : ds.rows.slice(0, integerFlag('rows', f.rows, 0, 1, 10_000_000));
  const calibrateN = integerFlag('calibrate', f.calibrate, needsCalibration(spec) ? Math.min(50, Math.floor(rows.length / 2)) : 0, 0, rows.length - 1);
  if (needsCalibration(spec) && calibrateN === 0) throw new UsageError(`--router ${spec.kind} needs --calibrate N ≥ 1 (prompts every teacher answers)${spec.kind === 'learned' ? '' : ', or name its teacher (--teacher) or table (--table)'}`);
  const context = rewardContext(ds.rows);
  if (context.languages.length < 2) ctx.io.stderr(`note: ${ds.name} has ${context.languages.length} language(s) with a lang marker; the reward's language part needs two or more to tell a wrong one\n`);
  const first = members[0]!.record;
  const categories = trainedCategories(first);
  const maxTokens = settingFlag(SAMPLING.maxTokens, f['max-tokens'], answerBudget(first.tokenizer, first.config.blockSize, rows, maxBlockTokens(first.taxonomy, categories)));
  const sampling = { mode: parseMode(f.mode ?? 'fixed'), temperature: settingFlag(SAMPLING.temperature, f.temperature), maxTokens, seed };
  makeDir(out);
  const backend = await startBackend(parseBackend(f.backend), ctx.io, f.json);
  const started = Date.now();
  const calibrationPrompts = promptsFromRows(rows.slice(0, calibrateN));
  const prompts = promptsFromRows(rows.slice(calibrateN));
  let result;
  try {
    result = await arbitratePool({
      pool: members, calibrationPrompts, prompts, context, spec, sampling, ...(judge ? { judge } : {}),
      onStage: (stage) => say(ctx, { event: 'stage', stage }, stage),
    });
  } catch (err) {
    if (err instanceof RouterError) throw new UsageError(err.message);
    throw err;
  }
  const setRows = arbitrageRows(result.routed, spec.kind, { among: context.languages, ...(context.lengthRule ? { lengthRule: context.lengthRule } : {}) });
  const results: ArbitrageResults = {
    format: 'markerlab-arbitrage', formatVersion: ARBITRAGE_RESULTS_VERSION, createdAt: new Date().toISOString(),
    pool: members.map((m, i) => ({ name: m.name, about: files[i]! })), languages: [...context.languages], weights: context.weights, tail: [],
    sampling, calibrationPrompts, prompts, candidates: [...result.input.candidates], routers: [result.outcome],
    timings: { total: Date.now() - started }, settings: { prompts: ds.name, rows: rows.length, calibrate: calibrateN, backend: backend.backend, answers: result.answers, judge: f.judge ?? null },
  };
  writeFiles(out, results, new Map([[spec.kind, setRows]]), ds.taxonomy);
  if (f.json) {
    ctx.io.stdout(`${JSON.stringify({ event: 'summary', out, router: result.outcome.kind, description: result.outcome.description, answers: result.answers,
      meanReward: result.outcome.summary.mean, byLanguage: result.outcome.byLanguage, byDomain: result.outcome.byDomain, elapsedMs: results.timings.total })}\n`);
  } else {
    ctx.io.stdout([
      `${spec.kind} router: ${result.outcome.description}`,
      `answers sampled: ${Object.entries(result.answers).map(([t, n]) => `${t} ${n}`).join(', ')} in ${Math.round(results.timings.total! / 1000)} s`,
      `wrote ${join(out, `arbitrage-${spec.kind}.jsonl`)} (${setRows.length} rows), compositions.csv, results.json`,
      '', rewardTable([result.outcome], context.languages), '', compositionTable(result.outcome.byLanguage), '', compositionTable(result.outcome.byDomain), '',
    ].join('\n'));
  }
  return 0;
}

async function paper(ctx: CommandContext, out: string): Promise<number> {
  const f = ctx.flags;
  for (const flag of ['pool', 'prompts', 'router', 'teacher', 'table', 'judge', 'calibrate', 'rows'] as const) {
    if (f[flag] !== undefined) throw new UsageError(`--paper runs the built-in comparison; it does not take --${flag}`);
  }
  // --steps N: students train N steps, teachers in proportion (quick looks; the figures need the default).
  const steps = integerFlag('steps', f.steps, PAPER_ARBITRAGE.studentSteps, 1, 100_000);
  const scale = steps / PAPER_ARBITRAGE.studentSteps;
  const spec = { ...scaleTeacherSteps(PAPER_ARBITRAGE, scale), seed: settingFlag(TRAINING.seed, f.seed, PAPER_ARBITRAGE.seed), studentSteps: steps };
  const base = readCheckpoint(join(REPO_ROOT, 'public/models/base.safetensors'), 'base');
  const source = { lenient: false, wrapper: f.wrapper, lengthBuckets: parseLengthBuckets(f['length-buckets']), warn: (line: string) => ctx.io.stderr(`${line}\n`) };
  const teaching = await loadSource('builtin:teaching', source);
  const udhr = await loadSource('builtin:udhr', source);
  makeDir(out);
  const backend = await startBackend(parseBackend(f.backend), ctx.io, f.json);
  const jobs = f.jobs === undefined ? (backend.backend === 'webgpu' ? 1 : Math.max(1, availableParallelism())) : integerFlag('jobs', f.jobs, 1, 1, 64);
  if (jobs > 1 && backend.backend === 'webgpu') throw new UsageError('--jobs above 1 needs the wasm or cpu backend (one GPU device per process)');
  const onStage = (stage: string): void => say(ctx, { event: 'stage', stage }, `[${Math.round((Date.now() - started) / 1000)} s] ${stage}`);
  const started = Date.now();
  const runner = jobs > 1 ? runJobsInWorkers(jobs, backend.backend, onStage) : runJobsHere({ onStage });
  const sets = new Map<RouterKind, Row[]>();
  const results = await runArbitragePaper({ base, rows: teaching.rows, human: udhr.rows, taxonomy: teaching.taxonomy, spec }, runner, {
    onStage,
    onCheckpoint: (name, bytes) => writeFileSync(join(out, `${name}.safetensors`), bytes),
    onSet: (kind, rows) => sets.set(kind, rows),
  });
  results.timings.total = Date.now() - started;
  results.settings = { ...results.settings, backend: backend.backend, jobs };
  writeFiles(out, results, sets, teaching.taxonomy);
  const md = resultsMarkdown(results);
  writeFileSync(join(out, 'report.md'), `${md}\n`);
  if (f.json) ctx.io.stdout(`${JSON.stringify({ event: 'summary', out, elapsedMs: results.timings.total, timings: results.timings, students: results.students })}\n`);
  else ctx.io.stdout(`arbitrage --paper done in ${Math.round(results.timings.total / 1000)} s (${Object.entries(results.timings).map(([k, v]) => `${k} ${Math.round(v / 1000)} s`).join(', ')}); results in ${out}\n\n${md}\n`);
  return 0;
}

function routerSpec(kind: string, teacher: string | undefined, table: string | undefined, seed: number, pool: readonly string[]): RouterSpec {
  if (!(ROUTER_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--router expects ${ROUTER_KINDS.join(', ')}, got "${kind}"`);
  if (teacher !== undefined && kind !== 'single') throw new UsageError('--teacher goes with --router single');
  if (table !== undefined && kind !== 'fixed') throw new UsageError('--table goes with --router fixed');
  const known = (t: string, flag: string): string => {
    if (!pool.includes(t)) throw new UsageError(`${flag}: ${t} is not in the pool (${pool.join(', ')}; teachers are named by their file names)`);
    return t;
  };
  switch (kind as RouterKind) {
    case 'single': return teacher === undefined ? { kind: 'single' } : { kind: 'single', teacher: known(teacher, '--teacher') };
    case 'random': return { kind: 'random', seed };
    case 'fixed': {
      if (table === undefined) return { kind: 'fixed' };
      const entries = listFlag(table).map((pair) => {
        const m = /^([^=]+)=(.+)$/.exec(pair);
        if (!m) throw new UsageError(`--table expects Language=teacher pairs separated by commas (e.g. English=A,French=B), got "${pair}"`);
        return [m[1]!.trim(), known(m[2]!.trim(), `--table ${pair}`)] as const;
      });
      return { kind: 'fixed', table: Object.fromEntries(entries) };
    }
    case 'reward': return { kind: 'reward' };
    case 'learned': return { kind: 'learned', options: { seed } };
  }
}

function writeFiles(out: string, results: ArbitrageResults, sets: ReadonlyMap<RouterKind, Row[]>, taxonomy: Parameters<typeof arbitrageJsonl>[1]): void {
  for (const [kind, rows] of sets) writeFileSync(join(out, `arbitrage-${kind}.jsonl`), arbitrageJsonl(rows, taxonomy));
  writeFileSync(join(out, 'compositions.csv'), compositionsCsv(results.routers));
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(results)}\n`);
}

function makeDir(out: string): void {
  try {
    mkdirSync(out, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create ${out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function say(ctx: CommandContext, event: Record<string, unknown>, human: string): void {
  if (ctx.flags.json) ctx.io.stdout(`${JSON.stringify(event)}\n`);
  else ctx.io.stderr(`${human}\n`);
}
