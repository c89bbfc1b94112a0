/**
 * The one theme (src/ui/theme.css) stays the one place for colours and shared styles: no component
 * writes a colour literal or its own `.card`, and every custom property a component reads exists.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../src');
const THEME = readFileSync(join(ROOT, 'ui/theme.css'), 'utf8');

const components = [
  'App.svelte',
  ...readdirSync(join(ROOT, 'ui'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.svelte')).map((f) => join('ui', f)),
].map((file) => ({ file, source: readFileSync(join(ROOT, file), 'utf8') }));

/** The source with everything outside <style> blanked, so line numbers stay the file's. */
const styleOf = (source: string) =>
  source.split(/(<style>[\s\S]*?<\/style>)/).map((part) => (part.startsWith('<style>') ? part : part.replace(/[^\n]/g, ''))).join('');
const withoutComments = (text: string) => text.replace(/<!--[\s\S]*?-->/g, '').replace(/\/\*[\s\S]*?\*\//g, '');

/** Each line of `text` that matches `pattern`, as "file:line: text". */
function hits(file: string, text: string, pattern: RegExp): string[] {
  return text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('the theme', () => {
  it('finds the components it checks', () => {
    expect(components.length).toBeGreaterThan(30);
    expect(components.some((c) => c.file.endsWith('PlayView.svelte'))).toBe(true);
  });

  it('is the only place with colour literals (hex, rgb, hsl, white/black)', () => {
    const found = components.flatMap(({ file, source }) => [
      ...hits(file, withoutComments(source), /#[0-9a-f]{3,8}\b(?![-\w])|\b(rgba?|hsla?)\(/i).filter((h) => !/&#x?[0-9a-f]+;/i.test(h)),
      ...hits(file, styleOf(source), /:\s*(white|black)\b/),
    ]);
    expect(found).toEqual([]);
  });

  it('defines the card once: no component styles .card itself', () => {
    const found = components.flatMap(({ file, source }) => hits(file, styleOf(source), /\.card\b/));
    expect(found).toEqual([]);
  });

  it('defines every custom property a component reads (or the component sets it itself)', () => {
    const defined = new Set([...THEME.matchAll(/(--[\w-]+)\s*:/g)].map((m) => m[1]));
    const found = components.flatMap(({ file, source }) => {
      const local = new Set([...source.matchAll(/(?:style:|\s)(--[\w-]+)\s*[:=]/g)].map((m) => m[1]));
      return [...source.matchAll(/var\((--[\w-]+)/g)].map((m) => m[1]!).filter((name) => !defined.has(name) && !local.has(name)).map((name) => `${file}: ${name}`);
    });
    expect(found).toEqual([]);
  });
});
