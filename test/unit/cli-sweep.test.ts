/**
 * `markerlab sweep` end to end in Node: a baseline and one marker run of `nano` on a slice of the
 * teaching set, each trained and measured, with checkpoints, results.json and results.csv written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromSafetensors } from '../../src/lib/model/checkpoint';
import { CSV_COLUMNS } from '../../src/lib/experiment/report';
import { settingMessage, SWEEP as SWEEP_SETTINGS } from '../../src/lib/settings';
import { runCli, type CliResult } from './cli-run';

let tmp = '';
let swept: CliResult;
const SWEEP = ['sweep', '--data', 'builtin:teaching', '--rows', '120', '--preset', 'nano', '--steps', '6', '--batch', '2',
  '--dataset-dropout', '0.5', '--sample-dropout', '0.5', '--seeds', '3', '--prompts', '1', '--n', '2', '--max-tokens', '16', '--backend', 'wasm'];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'markerlab-sweep-'));
  swept = await runCli(...SWEEP, '--out', join(tmp, 'out'), '--jobs', '2', '--json');
}, 240_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('markerlab sweep', { timeout: 60_000 }, () => {
  it('trains and measures a baseline and a marker run, and reports the four findings', () => {
    expect(swept.code).toBe(0);
    const lines = swept.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ event: 'sweep', cells: ['baseline-s3', 'x0.5-y0.5-s3'], preset: 'nano', steps: 6, backend: 'wasm', jobs: 2 });
    const summary = lines.at(-1)!;
    expect(summary.event).toBe('summary');
    expect((summary.findings as Array<{ id: number }>).map((f) => f.id)).toEqual([1, 2, 3, 4]);
    const cells = summary.cells as Array<Record<string, unknown>>;
    expect(cells.map((c) => c.cell)).toEqual(['baseline-s3', 'x0.5-y0.5-s3']);
    expect(cells[0]!.inferredAccuracy).toBeNull(); // a baseline writes no markers to judge
    expect(typeof cells[1]!.inferredAccuracy).toBe('number');

    type Hits = { category: string; value: string; rows: number; samples: number; hits: number; cut: number };
    const report = JSON.parse(readFileSync(join(tmp, 'out', 'results.json'), 'utf8')) as { results: Array<{ cell: { id: string }; losses: unknown[]; lengths: Record<string, unknown>; targeting?: Hits[] }> };
    expect(report.results).toHaveLength(2);
    expect(Object.keys(report.results[0]!.lengths)).toEqual(['baseline']);
    expect(Object.keys(report.results[1]!.lengths)).toEqual(['inferred', 'fixed']);
    expect(report.results[1]!.losses.length).toBeGreaterThan(3);
    // Finding 3 on samples: both runs sampled the same language and format values, two samples per row.
    for (const r of report.results) {
      const t = r.targeting!;
      expect(t.some((h) => h.category === 'lang'), r.cell.id).toBe(true);
      for (const h of t) expect(h.samples === 2 * h.rows && h.hits >= 0 && h.hits <= h.samples && h.cut >= 0 && h.cut <= h.samples && h.rows > 0, `${r.cell.id} ${h.value}`).toBe(true);
    }
    const keys = (t: Hits[]) => t.map((h) => `${h.category}=${h.value}×${h.rows}`);
    expect(keys(report.results[0]!.targeting!)).toEqual(keys(report.results[1]!.targeting!));

    const csv = readFileSync(join(tmp, 'out', 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe(CSV_COLUMNS.join(','));
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['baseline-s3', 'x0.5-y0.5-s3']);

    const steps = (id: string) => {
      const file = join(tmp, 'out', `${id}.safetensors`);
      expect(existsSync(file)).toBe(true);
      return fromSafetensors(new Uint8Array(readFileSync(file))).step;
    };
    expect(steps('x0.5-y0.5-s3')).toBe(6);
    // The baseline reads as many examples as the marker run: its rows carry no blocks, so fewer steps.
    expect(steps('baseline-s3')).toBeGreaterThan(0);
    expect(steps('baseline-s3')).toBeLessThan(6);
    expect(lines.some((l) => l.event === 'stage' && String(l.stage).includes('as many examples as 6 steps with markers'))).toBe(true);
    expect(fromSafetensors(new Uint8Array(readFileSync(join(tmp, 'out', 'baseline-s3.safetensors')))).training?.categories).toEqual([]);
  });

  it('markerlab eval gives the same measurements as the sweep for the same checkpoint and rows', async () => {
    const out = join(tmp, 'out');
    const r = await runCli('eval', '--ckpt', join(out, 'x0.5-y0.5-s3.safetensors'), '--baseline', join(out, 'baseline-s3.safetensors'),
      '--data', 'builtin:teaching', '--rows', '120', '--prompts', '1', '--n', '2', '--max-tokens', '16', '--backend', 'wasm', '--json');
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout) as { inferredAccuracyMean: number; lengthViolation: Record<string, number | null>; losses: unknown[]; headTail: unknown };
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { results: Array<{ accuracy?: Record<string, { accuracy: number | null }>; losses: unknown[]; lengths: Record<string, { rate: number | null }> }> };
    const [base, marker] = report.results;
    const a = got.losses as Array<{ value: string; rows: number; loss: number }>, b = marker!.losses as typeof a;
    // The same rows and values; losses equal up to float32 summation order.
    expect(a.map((x) => [x.value, x.rows])).toEqual(b.map((x) => [x.value, x.rows]));
    a.forEach((x, i) => expect(x.loss).toBeCloseTo(b[i]!.loss, 5));
    expect(got.lengthViolation).toEqual({ baseline: base!.lengths.baseline!.rate, inferred: marker!.lengths.inferred!.rate, fixed: marker!.lengths.fixed!.rate });
    const accs = Object.values(marker!.accuracy!).flatMap((a) => (a.accuracy === null ? [] : [a.accuracy]));
    expect(got.inferredAccuracyMean).toBeCloseTo(accs.reduce((a, b) => a + b, 0) / accs.length, 10);
    expect(got.headTail).not.toBeNull();
  });

  it('markerlab eval --control judges fixed-mode samples on the text, per value and language', async () => {
    const r = await runCli('eval', '--ckpt', join(tmp, 'out', 'x0.5-y0.5-s3.safetensors'), '--control', '--data', 'builtin:teaching', '--rows', '120',
      '--prompts', '1', '--n', '2', '--max-tokens', '12', '--backend', 'wasm', '--json');
    expect(r.code).toBe(0);
    type Miss = { prompt: string; text: string; measured: { lang?: string; lengthTokens: number } };
    type Result = { kind: string; value: string; prompts: string; n: number; share: number | null; target: number; met: boolean; misses: Miss[] };
    const got = JSON.parse(r.stdout) as { results: Result[]; promptsByLang: Record<string, string[]>; met: number; total: number; maxTokens: number };
    expect(got.maxTokens).toBe(12);
    const langs = Object.keys(got.promptsByLang).sort();
    expect(langs.length).toBeGreaterThan(1);
    const prompts = langs.flatMap((l) => got.promptsByLang[l]!).length;
    const of = (kind: string) => got.results.filter((x) => x.kind === kind);
    // Every bucket, asked of every held-out prompt, n samples each.
    expect(of('length_bucket').map((x) => [x.value, x.n])).toEqual([['concise', 2 * prompts], ['medium', 2 * prompts], ['long', 2 * prompts]]);
    // Every language, with prompts in it and with prompts in the others.
    expect(of('lang').map((x) => `${x.value}/${x.prompts}`)).toEqual(langs.flatMap((l) => [`${l}/same language`, `${l}/other languages`]));
    expect(of('inferred_lang').map((x) => x.value)).toEqual(langs);
    expect(of('readable').map((x) => x.value)).toEqual([...langs, 'all']);
    for (const x of got.results) {
      expect(x.target).toBe(0.9);
      expect(x.met).toBe(x.share !== null && x.share >= 0.9);
      // The misses shown are samples that missed, each with the held-out prompt it answered.
      if (x.kind === 'readable') continue;
      expect(x.misses.length).toBe(Math.min(3, x.n - Math.round((x.share ?? 0) * x.n)));
      for (const miss of x.misses) expect(langs.flatMap((l) => got.promptsByLang[l]!)).toContain(miss.prompt);
      if (x.kind === 'lang') for (const miss of x.misses) expect(miss.measured.lang).not.toBe(x.value);
    }
    expect(got.results.some((x) => x.misses.length > 0)).toBe(true);
    expect(got.met).toBe(got.results.filter((x) => x.met).length);
  });

  it('markerlab eval --control --only length_bucket measures length alone (the fine-tuning study reads it)', async () => {
    const r = await runCli('eval', '--ckpt', join(tmp, 'out', 'x0.5-y0.5-s3.safetensors'), '--control', '--only', 'length_bucket', '--data', 'builtin:teaching',
      '--rows', '120', '--prompts', '1', '--n', '2', '--max-tokens', '12', '--backend', 'wasm', '--json');
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout) as { results: Array<{ kind: string; value: string }>; skipped: Array<{ category: string; reason: string }> };
    expect(got.results.map((x) => `${x.kind}=${x.value}`)).toEqual(['length_bucket=concise', 'length_bucket=medium', 'length_bucket=long', 'readable=all']);
    expect(got.skipped).toEqual([{ category: 'lang', reason: 'not asked for' }, { category: 'format', reason: 'not asked for' }]);
    const bad = await runCli('eval', '--ckpt', join(tmp, 'out', 'x0.5-y0.5-s3.safetensors'), '--control', '--only', 'length', '--data', 'builtin:teaching');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--only expects a list of length_bucket, lang, format, inferred_lang, got "length"');
  });

  it('gives the same numbers one run at a time as two at once in worker threads', async () => {
    // The sweep above ran its two cells side by side, each in a worker thread.
    const one = await runCli(...SWEEP, '--out', join(tmp, 'one'), '--jobs', '1', '--json');
    expect(one.code).toBe(0);
    type Report = { results: Array<{ cell: { id: string }; train: { valLoss: number }; accuracy?: unknown; losses: unknown; lengths: unknown }> };
    const read = (dir: string) => JSON.parse(readFileSync(join(tmp, dir, 'results.json'), 'utf8')) as Report;
    const strip = (r: Report) => r.results.map((x) => ({ id: x.cell.id, valLoss: x.train.valLoss, accuracy: x.accuracy, losses: x.losses, lengths: x.lengths }));
    expect(strip(read('one'))).toEqual(strip(read('out')));
  });

  it('refuses a bad grid before training, in one line', async () => {
    const bad = await runCli('sweep', '--dataset-dropout', '0,1.5', '--out', join(tmp, 'x'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`markerlab: --dataset-dropout "1.5": ${settingMessage(SWEEP_SETTINGS.rate)}\n`);
    const twice = await runCli('sweep', '--seeds', '1,1', '--out', join(tmp, 'x'));
    expect(twice.stderr).toMatch(/seeds: a seed is listed twice/);
    expect(existsSync(join(tmp, 'x'))).toBe(false);
  });
});
