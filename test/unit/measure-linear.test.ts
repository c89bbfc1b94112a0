/**
 * Hostile shapes of text through every annotator and measure: each 1 MB row must finish well inside
 * the 2 s budget (the test's timeout guards against a hang; the figure is logged), and doubling
 * the input must not quadruple the time (what a quadratic pattern would do).
 */
import { describe, expect, it } from 'vitest';
import { COMPLETION_ANNOTATORS, annotateRows } from '../../src/lib/markers/annotate';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { CLASSIFY_MAX_CHARS, classifiable } from '../../src/lib/markers/measure-limits';
import { detectLanguage } from '../../src/lib/markers/measure';

const MB = 1 << 20;

/** `unit` repeated to exactly `size` characters. */
function fill(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** Shape name → a text of `size` characters of that shape. */
const SHAPES: Record<string, (size: number) => string> = {
  'no spaces': (n) => fill('a', n),
  'all spaces': (n) => fill(' ', n - 1) + 'x',
  'all newlines': (n) => fill('\n', n - 1) + 'x',
  'blank lines with spaces': (n) => fill('\n \t\n', n),
  'one huge word': (n) => fill('abcdefghij', n),
  'e-mail-like run': (n) => fill('a@b.c', n),
  'only @': (n) => fill('@', n),
  'dotted word': (n) => fill('a.', n),
  'deep brackets': (n) => fill('[', n / 2) + fill(']', n / 2),
  'deep braces': (n) => fill('{', n / 2) + fill('}', n / 2),
  'many <': (n) => fill('<', n),
  'many tags': (n) => fill('<a>', n),
  'unclosed tags': (n) => fill('<a b="', n),
  'many fences': (n) => fill('```\n', n),
  'alternating fences': (n) => fill('```x\n~~~\n', n),
  'tabs': (n) => fill('\t', n - 1) + 'x',
  'dollars': (n) => fill('$x', n),
  'display math openers': (n) => fill('\\[', n),
  'shell tests': (n) => fill('if [ ', n),
  'SQL without FROM': (n) => fill('SELECT ', n),
  'functions without bodies': (n) => fill('function(', n),
  'table rules': (n) => fill('|---', n),
  'prose': (n) => fill('Il a plu toute la nuit, mais vers midi le ciel s\'est dégagé. ', n),
};

function annotateAll(text: string): void {
  for (const annotate of COMPLETION_ANNOTATORS.values()) annotate(text);
}

function timeMs(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

describe('annotators on 1 MB rows', () => {
  it.each(Object.keys(SHAPES))('%s: every annotator finishes', (shape) => {
    const text = SHAPES[shape]!(MB);
    const ms = timeMs(() => annotateAll(text));
    // About 0.05–0.5 s each on a loaded 2-core machine; the timeout (not a tight assert) catches a hang.
    expect(ms).toBeLessThan(20_000);
  }, 20_000);

  it('a whole 1 MB row goes through annotateRows', () => {
    const row = { id: 'r1', prompt: 'p', completion: SHAPES['e-mail-like run']!(MB), markers: {}, meta: {} };
    const { report } = annotateRows([row], defaultTaxonomy());
    expect(report.rows).toBe(1);
  }, 20_000);
});

describe('linear growth', () => {
  const SIZE = 1 << 16;
  it.each(Object.keys(SHAPES))('%s: twice the text takes less than four times as long', (shape) => {
    const small = SHAPES[shape]!(SIZE);
    const large = SHAPES[shape]!(2 * SIZE);
    // Best of five, and 5 ms of slack, so GC pauses or a busy machine's scheduler do not decide it.
    const best = (t: string): number => Math.min(...[0, 1, 2, 3, 4].map(() => timeMs(() => annotateAll(t))));
    annotateAll(small); // warm up the regexp compiler
    expect(best(large)).toBeLessThan(4 * best(small) + 5);
  }, 20_000);
});

describe('classifiable', () => {
  it('caps the text the classifiers read, never splitting a surrogate pair', () => {
    expect(classifiable('x'.repeat(MB)).length).toBe(CLASSIFY_MAX_CHARS);
    const emoji = 'a'.repeat(CLASSIFY_MAX_CHARS - 1) + '👍';
    expect(classifiable(emoji)).toBe('a'.repeat(CLASSIFY_MAX_CHARS - 1));
    expect(classifiable('short')).toBe('short');
  });

  it('still finds an e-mail address to ignore without the quadratic pattern', () => {
    const withMail = 'Schreiben Sie mir bitte eine kurze Nachricht an anna.schmidt@example.de, ich antworte morgen früh.';
    expect(detectLanguage(withMail).lang).toBe('German');
  });
});
