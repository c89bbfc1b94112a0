/**
 * The CLI as its users meet it: every command on every row shape and file format, the paper
 * export with its dropout, and every kind of bad input turned into one line on stderr with exit
 * code 2. Most tests call `main(argv, io)` in-process; a few spawn `node cli/markerlab.mjs` to
 * prove the real entry point, its exit code and its streams.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './cli-run';
import { DEFAULT_MAX_BYTES } from '../../src/lib/data/parse';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string): string => join(ROOT, 'test/fixtures', name);

type Result = CliResult;
const run = runCli;

/** The real binary, as `npx markerlab` runs it. `closeEarly`: stop reading stdout after its first chunk, like `| head`. */
function spawnCli(args: string[], closeEarly = false): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['cli/markerlab.mjs', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (closeEarly) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function jsonLines(text: string): unknown[] {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown);
}

interface Annotated {
  prompt: string;
  completion: string;
  markers: Record<string, string>;
}

function annotatedRows(text: string): Annotated[] {
  const rows = jsonLines(text) as Annotated[];
  for (const r of rows) {
    expect(Object.keys(r)).toEqual(['prompt', 'completion', 'markers']);
    expect(typeof r.prompt).toBe('string');
    expect(typeof r.completion).toBe('string');
    for (const v of Object.values(r.markers)) expect(typeof v).toBe('string');
  }
  return rows;
}

let tmp = '';
const at = (name: string): string => join(tmp, name);
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'markerlab-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------- rows in every shape and format

interface Logical {
  prompt: string;
  completion: string;
  markers?: Record<string, string>;
}

const FRENCH = 'Ce matin, je me suis levé tôt pour préparer le café et lire le journal avant de partir au travail à pied 🙂';
const ROWS: Logical[] = [
  { prompt: 'Décris ta matinée.', completion: FRENCH },
  {
    prompt: 'Describe your morning.',
    completion: 'This morning I got up early, made coffee and read the paper before walking to work.',
    // Deliberately wrong for the text: values in the data win over annotation.
    markers: { lang: 'German', length_tokens: '999' },
  },
  { prompt: 'Describe tu mañana.', completion: 'Esta mañana me levanté temprano, preparé café y leí el periódico antes de caminar al trabajo.' },
];

type ShapeName = '{prompt, completion}' | 'Alpaca' | 'chat' | '{text}';
const SHAPES: Record<ShapeName, { fields: (r: Logical) => Record<string, unknown>; prompt: (r: Logical) => string }> = {
  '{prompt, completion}': { fields: (r) => ({ prompt: r.prompt, completion: r.completion }), prompt: (r) => r.prompt },
  Alpaca: {
    fields: (r) => ({ instruction: r.prompt, input: 'In one sentence.', output: r.completion }),
    prompt: (r) => `${r.prompt}\n\nIn one sentence.`,
  },
  chat: {
    fields: (r) => ({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: r.prompt },
        { role: 'assistant', content: r.completion },
      ],
    }),
    prompt: (r) => `System: Be brief.\nUser: ${r.prompt}`,
  },
  '{text}': { fields: (r) => ({ text: r.completion }), prompt: () => '' },
};

type Format = 'jsonl' | 'json' | 'csv';

/** JSON formats carry markers as a `markers` object, CSV as one column per category. */
function fileText(shape: ShapeName, format: Format): string {
  const records = ROWS.map((r) => ({ ...SHAPES[shape].fields(r), ...(r.markers ? { markers: r.markers } : {}) }));
  if (format === 'jsonl') return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  if (format === 'json') return JSON.stringify(records, null, 2);
  const header = [...Object.keys(SHAPES[shape].fields(ROWS[0]!)), 'lang', 'length_tokens'];
  const cell = (v: unknown): string => `"${(typeof v === 'string' ? v : JSON.stringify(v)).replaceAll('"', '""')}"`;
  const lines = ROWS.map((r) => {
    const fields = SHAPES[shape].fields(r);
    return header.map((h) => cell(fields[h] ?? r.markers?.[h] ?? '')).join(',');
  });
  return [header.map(cell).join(','), ...lines].join('\n') + '\n';
}

const codePoints = (s: string): number => [...s].length;

describe('markerlab datasets', () => {
  it('lists the built-in datasets by the name builtin:NAME takes', async () => {
    const r = await run('datasets');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^builtin:teaching\s+5000 rows\s+\S/m);
    expect(r.stdout).toMatch(/^builtin:udhr\s+\d+ rows\s+\S/m);
  });

  it('--json is an array of {name, title, rows, description}', async () => {
    const r = await run('datasets', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ name: string; rows: number; title: string }>;
    expect(list.map((d) => d.name)).toEqual(['teaching', 'varied', 'udhr']);
    expect(list[0]!.rows).toBeGreaterThanOrEqual(5000);
    for (const d of list) expect(d.title.length).toBeGreaterThan(0);
  });
});

describe('markerlab annotate', () => {
  const cases = (Object.keys(SHAPES) as ShapeName[]).flatMap((shape) =>
    (['jsonl', 'json', 'csv'] as const).map((format) => ({ shape, format })),
  );

  it.each(cases)('$shape rows in $format: {prompt, completion, markers}, annotated, data markers winning', async ({ shape, format }) => {
    const file = at(`${shape.replace(/\W+/g, '')}.${format}`);
    writeFileSync(file, fileText(shape, format));
    const r = await run('annotate', file);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const rows = annotatedRows(r.stdout);
    expect(rows.map((x) => x.prompt)).toEqual(ROWS.map(SHAPES[shape].prompt));
    expect(rows.map((x) => x.completion)).toEqual(ROWS.map((x) => x.completion));
    // Annotated: language identified, length counted in code points (the emoji is one, not two).
    expect(rows[0]!.markers.lang).toBe('French');
    expect(rows[2]!.markers.lang).toBe('Spanish');
    expect(codePoints(FRENCH)).not.toBe(FRENCH.length);
    expect(rows[0]!.markers.length_tokens).toBe(String(codePoints(FRENCH)));
    expect(rows[2]!.markers.length_tokens).toBe(String(codePoints(ROWS[2]!.completion)));
    // Present in the data: kept, however wrong they look.
    expect(rows[1]!.markers).toMatchObject({ lang: 'German', length_tokens: '999' });
    for (const row of rows) {
      expect(['concise', 'medium', 'long']).toContain(row.markers.length_bucket);
      expect(row.markers).toMatchObject({ length_sentences: '1', length_paragraphs: '1' });
    }
  });

  it.each([
    ['alpaca.json', 3],
    ['chat.jsonl', 3],
    ['data.csv', 3],
    ['text.jsonl', 2],
    ['bom.csv', 1],
  ])('reads the fixture %s (%i rows)', async (name, count) => {
    const r = await run('annotate', fixture(name));
    expect(r.code).toBe(0);
    const rows = annotatedRows(r.stdout);
    expect(rows).toHaveLength(count);
    for (const row of rows) expect(row.markers.length_tokens).toBe(String(codePoints(row.completion)));
  });

  it('keeps the fixtures\' own markers: chat persona, Alpaca task, CSV lang on an English answer', async () => {
    const chat = annotatedRows((await run('annotate', fixture('chat.jsonl'))).stdout);
    expect(chat[2]!.markers).toMatchObject({ persona: 'pirate', politeness: '2' });
    expect(chat[0]!.markers).toMatchObject({ lang: 'English', length_bucket: 'concise' });
    const alpaca = annotatedRows((await run('annotate', fixture('alpaca.json'))).stdout);
    expect(alpaca[0]!.markers).toMatchObject({ lang: 'French', task: 'Translation' });
    const csv = annotatedRows((await run('annotate', fixture('data.csv'))).stdout);
    expect(csv[2]!.markers.lang).toBe('French');
  });

  it('--out writes the rows to the file and prints a summary instead', async () => {
    const file = at('plain.jsonl');
    writeFileSync(file, fileText('{prompt, completion}', 'jsonl'));
    const toStdout = await run('annotate', file);
    const out = at('annotated.jsonl');
    const r = await run('annotate', file, '--out', out);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(out, 'utf8')).toBe(toStdout.stdout);
    expect(r.stdout).toContain(`annotated 3 rows of plain.jsonl → ${out}`);
    expect(r.stdout).toMatch(/^\s+lang\s+annotated 2, kept 1, unset 0, invalid 0$/m);
  });

  it('--out with --json prints the summary as JSON', async () => {
    const file = at('plain.jsonl');
    writeFileSync(file, fileText('{prompt, completion}', 'jsonl'));
    const out = at('annotated-json.jsonl');
    const r = await run('annotate', file, '--out', out, '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { rows: number; out: string; categories: Record<string, { annotated: number; kept: number }> };
    expect(summary).toMatchObject({ rows: 3, out });
    expect(summary.categories.lang).toMatchObject({ annotated: 2, kept: 1 });
    expect(summary.categories.length_tokens).toMatchObject({ annotated: 2, kept: 1 });
    expect(annotatedRows(readFileSync(out, 'utf8'))).toHaveLength(3);
  });
});

interface CategoryJson {
  name: string;
  kind: 'categorical' | 'numeric';
  set: number;
  unset: number;
  invalid?: number;
  values?: Array<{ value: string; count: number; share: number }>;
  bins?: Array<{ count: number }>;
}

describe('markerlab stats', () => {
  it('shows histograms per category, marks the long tail and lists it', async () => {
    const r = await run('stats', 'builtin:teaching');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^teaching: 5000 rows$/m);
    for (const c of ['lang', 'domain', 'format', 'length_bucket', 'length_tokens', 'quality']) {
      expect(r.stdout).toContain(`<${c}>  on `);
    }
    expect(r.stdout).toMatch(/^\s+English\s+█+\s+\d+\s+[45]\d%$/m);
    expect(r.stdout).toMatch(/^\s+Italian\s+█+\s+\d+\s+[\d.]+%\s+← tail$/m);
    expect(r.stdout).toMatch(/^long tail \(≤ 5% of rows\): .*domain=Legal.*lang=Italian/m);
    // Bin edges are readable numbers, not floating-point noise.
    expect(r.stdout).not.toMatch(/\d\.\d{6,}/);
  });

  it('--json: per-category counts that add up, the tail that --tail asks for', async () => {
    const r = await run('stats', 'builtin:teaching', '--json', '--tail', '0.1');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { rows: number; categories: CategoryJson[]; tail: Array<{ category: string; value: string; share: number }> };
    expect(s.rows).toBe(5000);
    for (const c of s.categories) {
      if (c.kind === 'categorical') {
        expect(c.set + c.unset).toBe(s.rows);
        expect(c.values!.reduce((n, v) => n + v.count, 0)).toBe(c.set);
      } else {
        expect(c.set + c.unset + c.invalid!).toBe(s.rows);
        expect(c.bins!.reduce((n, b) => n + b.count, 0)).toBe(c.set);
      }
    }
    const lang = s.categories.find((c) => c.name === 'lang')!;
    expect(lang.values!.find((v) => v.value === 'English')!.share).toBeGreaterThanOrEqual(0.45);
    // German (~5%) is tail at 10% but not at the default 5%.
    expect(s.tail).toContainEqual(expect.objectContaining({ category: 'lang', value: 'German' }));
    for (const t of s.tail) expect(t.share).toBeLessThanOrEqual(0.1);
  });

  it('--json counts match the rows annotate writes', async () => {
    const file = at('stats.jsonl');
    writeFileSync(file, fileText('{prompt, completion}', 'jsonl'));
    const s = JSON.parse((await run('stats', file, '--json')).stdout) as { categories: CategoryJson[] };
    const langs = s.categories.find((c) => c.name === 'lang')!.values!.filter((v) => v.count > 0);
    expect(Object.fromEntries(langs.map((v) => [v.value, v.count]))).toEqual({ French: 1, German: 1, Spanish: 1 });
  });
});

// ---------------------------------------------------------------- export

interface PaperRow {
  input: string;
  target: string;
}

const BLOCK = /^(.*?)<MARKER_LIST>((?:<(\w+)>[^<]*<\/\3>)*)<\/MARKER_LIST>(.*)$/s;

/** The `<name>value</name>` pairs of a block's inside. */
function pairs(inside: string): Record<string, string> {
  return Object.fromEntries([...inside.matchAll(/<(\w+)>([^<]*)<\/\1>/g)].map((m) => [m[1]!, m[2]!]));
}

function paperRows(text: string): PaperRow[] {
  const rows = jsonLines(text) as PaperRow[];
  for (const r of rows) expect(Object.keys(r)).toEqual(['input', 'target']);
  return rows;
}

/** Input split into prompt and the kept markers (null when the prompt has no block). */
function readInput(input: string): { prompt: string; kept: Record<string, string> | null } {
  const m = BLOCK.exec(input);
  return m && m[4] === '' ? { prompt: m[1]!, kept: pairs(m[2]!) } : { prompt: input, kept: null };
}

describe('markerlab export', () => {
  let annotated: Annotated[] = [];
  beforeAll(async () => {
    annotated = annotatedRows((await run('annotate', 'builtin:teaching')).stdout);
  });

  it('every target starts with the full block; dataset-level dropout removes the prompt block from ≈ X of rows', async () => {
    const X = 0.3;
    const r = await run('export', 'builtin:teaching', '--dataset-dropout', String(X), '--sample-dropout', '0', '--seed', '7');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const rows = paperRows(r.stdout);
    expect(rows).toHaveLength(annotated.length);
    let bare = 0;
    rows.forEach((row, i) => {
      const a = annotated[i]!;
      const t = BLOCK.exec(row.target);
      expect(t, row.target.slice(0, 80)).not.toBeNull();
      expect(t![1]).toBe('');
      expect(pairs(t![2]!)).toEqual(a.markers);
      expect(t![4]).toBe(a.completion);
      const input = readInput(row.input);
      expect(input.prompt).toBe(a.prompt);
      if (input.kept === null) bare++;
      // With no sample-level dropout a kept block is the whole block, the target's own.
      else expect(row.input).toBe(`${a.prompt}<MARKER_LIST>${t![2]}</MARKER_LIST>`);
    });
    // 4.5 standard deviations of a binomial share over 6000 rows.
    const share = bare / rows.length;
    expect(Math.abs(share - X)).toBeLessThan(4.5 * Math.sqrt((X * (1 - X)) / rows.length));
  });

  it('same seed: identical output; another seed: different; sample-level dropout keeps ≈ half the markers', async () => {
    const args = ['export', 'builtin:teaching', '--dataset-dropout', '0.5', '--sample-dropout', '0.5'];
    const [a, b, c] = await Promise.all([run(...args, '--seed', '1'), run(...args, '--seed', '1'), run(...args, '--seed', '2')]);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).not.toBe(a.stdout);
    let kept = 0;
    let total = 0;
    let blocks = 0;
    paperRows(a.stdout).forEach((row, i) => {
      const input = readInput(row.input);
      if (input.kept === null) return;
      blocks++;
      const all = annotated[i]!.markers;
      for (const [k, v] of Object.entries(input.kept)) expect(all[k]).toBe(v);
      kept += Object.keys(input.kept).length;
      total += Object.keys(all).length;
    });
    expect(Math.abs(blocks / annotated.length - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(kept / total - 0.5)).toBeLessThan(0.02);
  });

  it('--out writes the same lines and prints a summary (--json parses)', async () => {
    const out = at('paper.jsonl');
    const args = ['export', 'builtin:udhr', '--seed', '3'];
    const [plain, toFile] = await Promise.all([run(...args), run(...args, '--out', out, '--json')]);
    expect(toFile.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(plain.stdout);
    expect(JSON.parse(toFile.stdout)).toMatchObject({
      dataset: 'udhr', out, rows: paperRows(plain.stdout).length,
      dropout: { datasetRate: 0.5, sampleRate: 0.5, seed: 3 },
    });
  });

  it('--never lang keeps lang in every prompt block, even through dataset-level dropout', async () => {
    const r = await run('export', 'builtin:teaching', '--never', 'lang', '--seed', '5');
    expect(r.code).toBe(0);
    let langOnly = 0;
    paperRows(r.stdout).forEach((row, i) => {
      const input = readInput(row.input);
      expect(input.kept).not.toBeNull();
      expect(input.kept!.lang).toBe(annotated[i]!.markers.lang);
      if (Object.keys(input.kept!).length === 1) langOnly++;
    });
    // The dataset-level draw still empties everything else in about half of the rows.
    expect(langOnly / annotated.length).toBeGreaterThan(0.45);
    expect(langOnly / annotated.length).toBeLessThan(0.55);
  });

  it('--wrapper TEMPLATE names the block as in the talk', async () => {
    const r = await run('export', 'builtin:udhr', '--wrapper', 'TEMPLATE', '--seed', '1');
    expect(r.code).toBe(0);
    const rows = paperRows(r.stdout);
    for (const row of rows) {
      expect(row.target).toMatch(/^<TEMPLATE>(<(\w+)>[^<]*<\/\2>)+<\/TEMPLATE>/);
      expect(row.target + row.input).not.toContain('MARKER_LIST');
    }
    expect(rows.some((row) => /<TEMPLATE>.*<\/TEMPLATE>$/.test(row.input))).toBe(true);
  });
});

// ---------------------------------------------------------------- help and bad input

describe('help', () => {
  it('markerlab help prints the usage and exits 0; no command prints it and exits 2', async () => {
    const help = await run('help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: markerlab <command>/m);
    for (const flag of ['--json', '--out', '--lenient', '--dataset-dropout', '--sample-dropout', '--seed', '--never', '--always', '--wrapper', '--tail']) {
      expect(help.stdout).toContain(flag);
    }
    expect((await run('export', '--help')).code).toBe(0);
    expect((await run()).code).toBe(2);
  });
});

describe('bad input: exit 2, one line on stderr, nothing on stdout', () => {
  const cases: Array<[kind: string, argv: () => string[], expected: Array<string | RegExp>]> = [
    ['missing file', () => ['annotate', at('nope.jsonl')], [`${at('nope.jsonl')}: no such file`]],
    ['directory', () => ['stats', tmp], [`${tmp} is a directory`]],
    ['bad row on line 7', () => ['annotate', fixture('bad-line7.jsonl')],
      [`${fixture('bad-line7.jsonl')} line 7, field "completion": expected a non-empty string, got number (7)`]],
    ['invalid JSON on line 7', () => ['export', at('syntax7.jsonl')], [`${at('syntax7.jsonl')} line 7, column`, 'invalid JSON']],
    ['bad element of a JSON array', () => ['annotate', at('bad.json')], [`${at('bad.json')} line 3`, 'field "output"']],
    ['CSV without a completion column', () => ['annotate', at('nocompletion.csv')], ['no "completion" column']],
    ['invalid UTF-8', () => ['annotate', fixture('latin1.csv')], [`${fixture('latin1.csv')} line 2`, 'not valid UTF-8', 'byte 0xE9']],
    ['binary', () => ['annotate', at('binary.jsonl')], ['looks binary']],
    ['oversize', () => ['annotate', at('huge.jsonl')], [`${at('huge.jsonl')}: the file is`, 'over the import limit of']],
    ['empty file', () => ['annotate', at('empty.jsonl')], ['the file is empty']],
    ['whitespace only', () => ['stats', at('blank.csv')], ['the file is empty']],
    ['lenient, yet no good row', () => ['annotate', at('allbad.jsonl'), '--lenient'], ['none of the 2 rows could be imported']],
    ['unknown command', () => ['frobnicate'], ['unknown command "frobnicate"']],
    ['option before the command', () => ['--json', 'datasets'], ['expected a command before --json']],
    ['unknown flag', () => ['annotate', fixture('chat.jsonl'), '--frob'], ['unknown option --frob for annotate']],
    ['flag another command takes', () => ['annotate', fixture('chat.jsonl'), '--seed', '3'], ['annotate does not take --seed']],
    ['flag without its value', () => ['export', 'builtin:udhr', '--seed'], ['--seed needs a value']],
    ['dropout out of range', () => ['export', 'builtin:teaching', '--dataset-dropout', '2'], ['--dataset-dropout "2": Dataset-level dropout (X) must be a number from 0 to 1.']],
    ['seed not an integer', () => ['export', 'builtin:udhr', '--seed', '1.5'], ['--seed expects an integer']],
    ['unknown category for --never', () => ['export', fixture('text.jsonl'), '--never', 'langauge'], ['--never/--always: no category "langauge" in text.jsonl (categories: domain, task']],
    ['--never and --always on one category', () => ['export', 'builtin:udhr', '--never', 'lang', '--always', 'lang'], ['both --never and --always']],
    ['bad wrapper', () => ['export', 'builtin:udhr', '--wrapper', 'a b'], ['--wrapper "a b" is not a valid tag name']],
    ['bad --length-buckets', () => ['stats', 'builtin:udhr', '--length-buckets', '300'], ['--length-buckets expects']],
    ['unknown builtin', () => ['stats', 'builtin:nope'], ['unknown built-in dataset "nope"', 'builtin:teaching']],
    ['no source', () => ['annotate'], ['annotate needs a data file or builtin:NAME']],
    ['two sources', () => ['stats', 'builtin:udhr', 'builtin:teaching'], ['stats takes one data source']],
    ['argument to datasets', () => ['datasets', 'teaching'], ['datasets takes no arguments']],
    ['--out into a missing folder', () => ['annotate', fixture('chat.jsonl'), '--out', at('no/such/dir/x.jsonl')], ['there is no folder']],
  ];

  beforeAll(() => {
    const good = (i: number): string => JSON.stringify({ prompt: `Row ${i}`, completion: `Answer ${i}` });
    writeFileSync(at('syntax7.jsonl'), [1, 2, 3, 4, 5, 6].map(good).join('\n') + '\n{"prompt": "Seven", "completion": }\n' + good(8) + '\n');
    writeFileSync(at('bad.json'), '[\n  {"instruction": "a", "output": "b"},\n  {"instruction": "c", "output": 3}\n]\n');
    writeFileSync(at('nocompletion.csv'), 'prompt,answer\nHi,Hello\n');
    writeFileSync(at('binary.jsonl'), Uint8Array.from([0x7b, 0x00, 0x01, 0x02, 0xff, 0x00, 0x10, 0x7d]));
    writeFileSync(at('huge.jsonl'), '');
    truncateSync(at('huge.jsonl'), DEFAULT_MAX_BYTES + 1); // sparse: the size check must refuse it unread
    writeFileSync(at('empty.jsonl'), '');
    writeFileSync(at('blank.csv'), '\n  \n\n');
    writeFileSync(at('allbad.jsonl'), '{"text": ""}\n{"text": 1}\n');
  });

  it.each(cases)('%s', async (_kind, argv, expected) => {
    const r = await run(...argv());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^markerlab: [^\n]+\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
    for (const e of expected) {
      if (typeof e === 'string') expect(r.stderr).toContain(e);
      else expect(r.stderr).toMatch(e);
    }
  });

  it('--lenient imports the good rows and lists each skipped one with its line on stderr', async () => {
    const r = await run('annotate', at('syntax7.jsonl'), '--lenient');
    expect(r.code).toBe(0);
    expect(annotatedRows(r.stdout).map((x) => x.prompt)).toEqual(['Row 1', 'Row 2', 'Row 3', 'Row 4', 'Row 5', 'Row 6', 'Row 8']);
    expect(r.stderr.split('\n')).toEqual([
      `skipped 1 bad row of ${at('syntax7.jsonl')}:`,
      expect.stringMatching(new RegExp(`^  skipped: ${at('syntax7.jsonl').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 7, column \\d+: invalid JSON`)),
      '',
    ]);
    const fixed = await run('stats', fixture('bad-line7.jsonl'), '--lenient', '--json');
    expect(fixed.code).toBe(0);
    expect((JSON.parse(fixed.stdout) as { rows: number }).rows).toBe(7);
    expect(fixed.stderr).toContain('line 7, field "completion"');
  });

  it('--lenient with many bad rows lists the first 100 and counts the rest', async () => {
    const file = at('many-bad.jsonl');
    writeFileSync(file, [{ text: 'good' }, ...Array.from({ length: 150 }, (_, i) => ({ text: i }))].map((r) => JSON.stringify(r)).join('\n'));
    const r = await run('annotate', file, '--lenient');
    expect(r.code).toBe(0);
    expect(annotatedRows(r.stdout)).toHaveLength(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`skipped 150 bad rows of ${file}:`);
    expect(lines.filter((l) => l.startsWith('  skipped: '))).toHaveLength(100);
    expect(lines[1]).toContain('line 2, field "text"');
    expect(lines.at(-1)).toBe('  … and 50 more');
  });
});

describe('the real binary', () => {
  it('datasets --json: exit 0, JSON on stdout, nothing on stderr', async () => {
    const r = await spawnCli(['datasets', '--json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect((JSON.parse(r.stdout) as Array<{ name: string }>).map((d) => d.name)).toEqual(['teaching', 'varied', 'udhr']);
  });

  it('a bad file: exit 2, exactly one line on stderr naming the file as typed, line and field', async () => {
    const r = await spawnCli(['annotate', 'test/fixtures/bad-line7.jsonl']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'markerlab: test/fixtures/bad-line7.jsonl line 7, field "completion": expected a non-empty string, got number (7)\n',
    });
  });

  it('a reader that stops early (| head) ends the export quietly', async () => {
    const r = await spawnCli(['export', 'builtin:udhr'], true);
    expect(r.stdout.startsWith('{"input":')).toBe(true);
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });
});
