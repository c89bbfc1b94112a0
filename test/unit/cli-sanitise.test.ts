/** No byte of user or model text reaches a terminal raw; --json output stays the exact JSON. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineText, safeIo, terminalSafe } from '../../cli/output';
import { runCli } from './cli-run';

const ESC = '\x1b';
const BEL = '\x07';
/** Colour (CSI), window title (OSC … BEL), OSC 8 hyperlink (… ST), 8-bit CSI, bidi override, CR. */
const HOSTILE = [
  `${ESC}[31mred${ESC}[0m`,
  `${ESC}]0;pwned${BEL}`,
  `${ESC}]8;;http://evil.example${ESC}\\link${ESC}]8;;${ESC}\\`,
  '\u009b2J',
  'abc\u202Edcba',
  'over\rwrite',
  'back\bspace',
];

/** Anything a terminal would act on, besides newline and tab. */
const RAW_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

describe('terminalSafe', () => {
  it.each(HOSTILE)('shows %j escaped', (text) => {
    const safe = terminalSafe(text);
    expect(safe).not.toMatch(RAW_CONTROL);
    expect(safe).toContain('\\u');
  });

  it('keeps newlines, tabs and every printable character', () => {
    const text = 'Línea uno\n\tdos → 图书馆 👍 █ \\frac{1}{2}';
    expect(terminalSafe(text)).toBe(text);
  });

  it('escapes lone surrogates but keeps pairs', () => {
    expect(terminalSafe('a\uD800b')).toBe('a\\ud800b');
    expect(terminalSafe('👍')).toBe('👍');
  });

  it('leaves JSON.stringify output parsing to the same value', () => {
    const value = { text: HOSTILE.join('\n'), markers: { domain: `${ESC}[2J\u009b` } };
    expect(JSON.parse(terminalSafe(JSON.stringify(value)))).toEqual(value);
  });

  it('inlineText also escapes line breaks and tabs', () => {
    expect(inlineText('Legal\nannotated 5 rows\r\t')).toBe('Legal\\u000aannotated 5 rows\\u000d\\u0009');
  });

  it('safeIo filters both streams', () => {
    let out = '';
    let err = '';
    const io = safeIo({ stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
    io.stdout(`${ESC}[31m`);
    io.stderr(BEL);
    expect(out).toBe('\\u001b[31m');
    expect(err).toBe('\\u0007');
  });
});

describe('the CLI with hostile marker values', () => {
  const dir = mkdtempSync(join(tmpdir(), 'markerlab-sanitise-'));
  const file = join(dir, 'hostile.jsonl');
  // A user category (the paper's categories have fixed values) whose values carry the sequences.
  // (A value may not hold a line break, so the CR case goes into the text only.)
  const VALUES = HOSTILE.filter((v) => !v.includes('\r'));
  const rows = HOSTILE.map((v, i) => ({
    prompt: `p${i} ${v}`, completion: `c${i} ${v}`, markers: v.includes('\r') ? {} : { topic: v, style: 'Formal' },
  }));
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));

  it('stats prints them escaped', async () => {
    const r = await runCli('stats', file);
    expect(r.stdout + r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stdout).toContain('\\u001b[31mred');
  });

  it('stats --json stays exact JSON carrying the raw values', async () => {
    const r = await runCli('stats', file, '--json');
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    const s = JSON.parse(r.stdout) as { categories: Array<{ name: string; values?: Array<{ value: string }> }> };
    const topic = s.categories.find((c) => c.name === 'topic');
    expect(topic?.values?.map((v) => v.value).sort()).toEqual([...VALUES].sort());
  });

  it('annotate to stdout writes JSONL that parses back to the exact rows', async () => {
    const r = await runCli('annotate', file);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    const back = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { prompt: string; completion: string });
    expect(back.map((b) => b.prompt)).toEqual(rows.map((x) => x.prompt));
    expect(back.map((b) => b.completion)).toEqual(rows.map((x) => x.completion));
  });

  it('an error naming a hostile file name is escaped on stderr', async () => {
    const r = await runCli('stats', join(dir, `missing${ESC}]0;x${BEL}.jsonl`));
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain('\\u001b]0;x\\u0007');
  });
});
