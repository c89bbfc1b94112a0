/**
 * The engine from the terminal: `markerlab train` writes a checkpoint that loads and carries its
 * metrics, `sample` honours fixed markers and seeds, `dist` returns distributions, and bad
 * checkpoints or markers are one line on stderr with exit code 2. In-process `main(argv, io)` on
 * the wasm backend, a nano model and a few steps on 40 rows of the teaching set.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './cli-run';
import { fromSafetensors } from '../../src/lib/model/checkpoint';

type Result = CliResult;
const run = runCli;

function jsonLines(text: string): Array<Record<string, unknown>> {
  return text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

function expectUsageError(r: Result, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^markerlab: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
}

let tmp = '';
const at = (name: string): string => join(tmp, name);
const TRAIN = ['train', '--data', 'builtin:teaching', '--rows', '40', '--preset', 'nano', '--batch', '2', '--backend', 'wasm'];
let trained: Result;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'markerlab-engine-'));
  trained = await run(...TRAIN, '--steps', '6', '--seed', '3', '--out', at('nano.safetensors'), '--json');
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ckpt = (): string => at('nano.safetensors');
const PROMPT = ['--prompt', 'Tell me about rain.'];

describe('markerlab train', { timeout: 30_000 }, () => {
  it('prints progress as JSON lines, then a summary, and writes a checkpoint with its metrics', () => {
    expect(trained.code).toBe(0);
    expect(trained.stderr).toBe('');
    const lines = jsonLines(trained.stdout);
    const summary = lines.at(-1)!;
    const progress = lines.slice(0, -1);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.event === 'progress' && typeof p.loss === 'number')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ step: 6, totalSteps: 6 });
    expect(summary).toMatchObject({ event: 'summary', end: 'completed', steps: 6, dataset: 'teaching', preset: 'nano', backend: 'wasm', out: ckpt() });
    expect(summary.trainRows as number + (summary.valRows as number)).toBe(40);
    for (const key of ['loss', 'valLoss', 'valLossNoMarkers', 'tokensPerSec', 'params', 'windowedRows']) expect(typeof summary[key]).toBe('number');

    const record = fromSafetensors(new Uint8Array(readFileSync(ckpt())), 'nano.safetensors');
    expect(record.step).toBe(6);
    expect(record.config.nLayer).toBe(1);
    expect(record.metrics).toMatchObject({ dataset: 'teaching', preset: 'nano', loss: summary.loss, valLoss: summary.valLoss, valLossNoMarkers: summary.valLossNoMarkers });
    expect(record.optimizer?.step).toBe(6);
  });

  it('continues from --init in human mode: progress and backend on stderr, summary on stdout', async () => {
    const r = await run('train', '--data', 'builtin:teaching', '--rows', '40', '--batch', '2', '--backend', 'wasm', '--steps', '2', '--init', ckpt(), '--out', at('more.safetensors'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^backend: wasm\n/);
    expect(r.stderr).toMatch(/step 8\/8 +loss \d/);
    expect(r.stdout).toMatch(/^trained: 8 steps on teaching/);
    expect(fromSafetensors(new Uint8Array(readFileSync(at('more.safetensors')))).step).toBe(8);
  });

  it('--markers none trains a plain-text model (empty blocks); --markers a,b keeps only those', async () => {
    const none = await run(...TRAIN, '--steps', '1', '--markers', 'none', '--out', at('plain.safetensors'), '--json');
    expect(none.code).toBe(0);
    expect(fromSafetensors(new Uint8Array(readFileSync(at('plain.safetensors')))).training?.categories).toEqual([]);
    const some = await run(...TRAIN, '--steps', '1', '--markers', 'lang,length_bucket', '--out', at('some.safetensors'), '--json');
    expect(some.code).toBe(0);
    expect(fromSafetensors(new Uint8Array(readFileSync(at('some.safetensors')))).training?.categories).toEqual(['lang', 'length_bucket']);
  });

  it('refuses bad options before training, in one line', async () => {
    expectUsageError(await run('train', '--data', 'builtin:teaching', '--preset', 'nano'), /needs --out/);
    expectUsageError(await run('train', '--data', 'builtin:teaching', '--out', at('x.safetensors')), /needs --preset/);
    expectUsageError(await run(...TRAIN, '--preset', 'huge', '--out', at('x.safetensors')), /--preset expects nano, tiny, small/);
    expectUsageError(await run(...TRAIN, '--backend', 'webgl', '--out', at('x.safetensors')), /--backend expects wasm, cpu or webgpu/);
    expectUsageError(await run(...TRAIN, '--block-order', 'random', '--out', at('x.safetensors')), /--block-order/);
    expectUsageError(await run(...TRAIN, '--markers', 'lang,colour', '--out', at('x.safetensors')), /--markers expects all, none or category names \(domain, .*got "lang,colour"/);
    expectUsageError(await run(...TRAIN, '--preset', 'tiny', '--init', ckpt(), '--out', at('x.safetensors')), /does not match --init, which is a nano model/);
    expectUsageError(await run(...TRAIN, '--tokenizer', 'word', '--out', at('x.safetensors')), /--tokenizer expects bpe or char, got "word"/);
    expectUsageError(await run(...TRAIN, '--tokenizer', 'char', '--merges', '100', '--out', at('x.safetensors')), /--merges needs --tokenizer bpe/);
  });

  it('--tokenizer bpe --merges N learns merges and records them in the checkpoint', async () => {
    const r = await run(...TRAIN, '--steps', '1', '--tokenizer', 'bpe', '--merges', '60', '--out', at('bpe.safetensors'), '--json');
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ event: 'summary', tokenizer: 'bpe', merges: 60 });
    const record = fromSafetensors(new Uint8Array(readFileSync(at('bpe.safetensors'))), 'bpe.safetensors');
    expect(record.tokenizer.formatVersion).toBe(2);
    expect(record.tokenizer.merges).toHaveLength(60);
    expect(record.metrics).toMatchObject({ tokenizer: 'bpe', merges: 60 });
    expect(record.training?.tokenizer).toMatchObject({ kind: 'bpe', merges: 60 });
    const s = await run('sample', '--ckpt', at('bpe.safetensors'), ...PROMPT, '--n', '1', '--max-tokens', '5', '--backend', 'wasm', '--json');
    expect(s.code).toBe(0);
  });
});

describe('markerlab sample', { timeout: 30_000 }, () => {
  const SAMPLE = ['sample', '--ckpt', '', ...PROMPT, '--n', '3', '--max-tokens', '12', '--backend', 'wasm', '--json'];
  const sample = (...extra: string[]): Promise<Result> => run(...SAMPLE.map((a) => (a === '' ? ckpt() : a)), ...extra);

  it('fixed mode: every sample’s block says the requested markers', async () => {
    const r = await sample('--mode', 'fixed', '--marker', 'lang=French', '--marker', 'length_bucket=concise', '--seed', '1');
    expect(r.code).toBe(0);
    const rows = jsonLines(r.stdout);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['text', 'markers', 'completion']);
      expect(row.markers).toMatchObject({ lang: 'French', length_bucket: 'concise' });
      expect(row.text).toMatch(/^<MARKER_LIST><lang>French<\/lang><length_bucket>concise<\/length_bucket>/);
    }
  });

  it('--fixed-by constrained: the requested markers are in every block, wherever the model put them', async () => {
    const r = await sample('--mode', 'fixed', '--fixed-by', 'constrained', '--marker', 'length_bucket=long', '--seed', '2');
    expect(r.code).toBe(0);
    for (const row of jsonLines(r.stdout)) {
      expect(row.markers).toMatchObject({ length_bucket: 'long' });
      expect(row.text).toMatch(/^<MARKER_LIST>(<\w+>\w+<\/\w+>)*<\/MARKER_LIST>/);
    }
    expectUsageError(await sample('--fixed-by', 'constrained', '--marker', 'lang=French'), /--fixed-by goes with --mode fixed/);
    expectUsageError(await sample('--mode', 'fixed', '--fixed-by', 'later'), /--fixed-by expects prefix or constrained, got "later"/);
  });

  it('the same seed gives the same samples; another seed gives others', async () => {
    const a = await sample('--seed', '7', '--temperature', '1', '--top-k', '40', '--top-p', '0.95');
    const b = await sample('--seed', '7', '--temperature', '1', '--top-k', '40', '--top-p', '0.95');
    const c = await sample('--seed', '8', '--temperature', '1', '--top-k', '40', '--top-p', '0.95');
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('refuses markers the checkpoint does not know, naming what it does know', async () => {
    expectUsageError(await sample('--marker', 'mood=happy'), /no category "mood" \(categories: .*lang/);
    expectUsageError(await sample('--marker', 'lang=Klingon'), /"Klingon" is not a value of <lang>/);
    expectUsageError(await sample('--marker', 'length_tokens=40'), /not trained with <length_tokens> markers/);
    expectUsageError(await sample('--marker', 'lang'), /--marker expects name=value/);
    expectUsageError(await sample('--marker', 'lang=French', '--marker', 'lang=German'), /given twice/);
    expectUsageError(await sample('--mode', 'forced'), /--mode expects inferred or fixed/);
  });
});

describe('markerlab dist', { timeout: 30_000 }, () => {
  it('top next tokens sum to at most 1; each unset category’s values sum to 1', async () => {
    const r = await run('dist', '--ckpt', ckpt(), ...PROMPT, '--marker', 'lang=French', '--top-k', '5', '--backend', 'wasm', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      next: Array<{ id: number; token: string; p: number }>;
      categories: Array<{ category: string; mass: number; values: Array<{ value: string; p: number }> }>;
    };
    expect(out.next).toHaveLength(5);
    const total = out.next.reduce((s, t) => s + t.p, 0);
    expect(total).toBeLessThanOrEqual(1 + 1e-6);
    expect(out.next.every((t, i) => typeof t.token === 'string' && (i === 0 || t.p <= out.next[i - 1]!.p))).toBe(true);
    const names = out.categories.map((c) => c.category);
    expect(names).toContain('length_bucket');
    expect(names).not.toContain('lang'); // set by the user
    expect(names).not.toContain('length_tokens'); // numeric: no value distribution
    for (const c of out.categories) {
      expect(c.values.reduce((s, v) => s + v.p, 0)).toBeCloseTo(1, 5);
      expect(c.mass).toBeGreaterThan(0);
      expect(c.mass).toBeLessThanOrEqual(1 + 1e-6);
    }
  });

  it('refuses a file that is not a checkpoint, a missing one and a truncated one', async () => {
    writeFileSync(at('junk.safetensors'), 'not a checkpoint at all');
    expectUsageError(await run('dist', '--ckpt', at('junk.safetensors'), ...PROMPT), /junk\.safetensors: not a valid safetensors file/);
    expectUsageError(await run('dist', '--ckpt', at('missing.safetensors'), ...PROMPT), /missing\.safetensors: no such file/);
    writeFileSync(at('cut.safetensors'), readFileSync(ckpt()).subarray(0, 5000));
    expectUsageError(await run('sample', '--ckpt', at('cut.safetensors'), ...PROMPT), /cut\.safetensors: /);
    expectUsageError(await run('dist', ...PROMPT), /--ckpt needs a checkpoint file/);
    expectUsageError(await run('dist', '--ckpt', ckpt()), /dist needs --prompt/);
  });
});
