/**
 * The UDHR dataset: the committed JSON is exactly what the build step makes from the installed
 * package, holds clean text for all 23 taxonomy languages, and becomes rows whose language franc
 * confirms. Also the built-in registry that loads it.
 */
import { readFileSync, statSync } from 'node:fs';
import { franc } from 'franc';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS, getBuiltin, loadBuiltin, udhrJsonUrl, UDHR_JSON_PATH } from '../../src/lib/data/builtin/index';
import { parseUdhrJson, udhrRows } from '../../src/lib/data/builtin/udhr';
import {
  buildUdhrJson, decodeEntities, parseDeclarationHtml, serializeUdhrJson, UDHR_FILES,
} from '../../src/lib/data/builtin/udhr-build';
import { checkValue, defaultTaxonomy, getCategory, LANGUAGES } from '../../src/lib/markers/taxonomy';

const committed = readFileSync(UDHR_JSON_PATH, 'utf8');
const data = parseUdhrJson(JSON.parse(committed));
const rows = udhrRows(data);

/** Every string in a JSON value, for checks over the whole file. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

describe('udhr build step', () => {
  it('rebuilds the committed public/datasets/udhr.json byte for byte', () => {
    expect(serializeUdhrJson(buildUdhrJson('node_modules'))).toBe(committed);
  });

  it('keeps the file small (< 1.5 MB) and notes source and license', () => {
    expect(statSync(UDHR_JSON_PATH).size).toBeLessThan(1.5e6);
    expect(data.source).toMatch(/udhr \d+\.\d+\.\d+/);
    expect(data.license).toMatch(/MIT/);
  });

  it('includes every taxonomy language with its preamble and articles 1..30', () => {
    expect(Object.keys(data.languages).sort()).toEqual([...LANGUAGES].sort());
    for (const [lang, d] of Object.entries(data.languages)) {
      expect(d!.articles.map((a) => a.number), lang).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(d!.preamble.text.length, lang).toBeGreaterThan(300);
      expect(d!.title, lang).not.toBe('');
      for (const a of d!.articles) {
        expect(a.title, `${lang} ${a.number}`).not.toBe('');
        expect(a.text.length, `${lang} ${a.number}`).toBeGreaterThan(5);
      }
    }
  });

  it('leaves no markup and no character references in the text', () => {
    for (const s of strings(data.languages)) {
      expect(s).not.toMatch(/<\/?[a-z][^>]*>/i);
      expect(s).not.toMatch(/&(#x[0-9a-f]+|#\d+|[a-z]+);/i);
      expect(s).toBe(s.trim());
      expect(s).not.toMatch(/ {2,}/);
    }
  });

  it('parses sections, numbered clauses and entities', () => {
    const html = `<html><body><h1>Title &amp; more</h1>
      <header><h2>Preamble</h2><p>First
        line,</p><p>Second &#8216;quoted&#x2019; &lt;b&gt;</p></header>
      <article data-number="1"><h2>Article 1</h2><p>Intro <em>text</em>.</p>
        <ol><li><p>One.</p></li><li><p>Two.</p></li></ol></article>
      </body></html>`;
    const d = parseDeclarationHtml(html, 'xxx', 'xxx');
    expect(d.title).toBe('Title & more');
    expect(d.preamble).toEqual({ title: 'Preamble', text: 'First line,\n\nSecond ‘quoted’ <b>' });
    expect(d.articles).toEqual([{ number: 1, title: 'Article 1', text: 'Intro text.\n\n1. One.\n2. Two.' }]);
    expect(decodeEntities('a&nbsp;b &unknown; &#233;')).toBe('a\u00a0b &unknown; é');
  });

  it('rejects a JSON file of the wrong shape', () => {
    expect(() => parseUdhrJson(null)).toThrow(TypeError);
    expect(() => parseUdhrJson({ source: 's', license: 'l', languages: { English: { title: 'x' } } })).toThrow(/English/);
  });
});

describe('udhr rows', () => {
  it('has a preamble, 30 quotations and (except English) 30 translations per language', () => {
    expect(rows.length).toBe(23 * 31 + 22 * 30);
    rows.forEach((r, i) => expect(r.id).toBe(`udhr:${i}`));
    for (const lang of LANGUAGES) {
      const mine = rows.filter((r) => r.markers.lang === lang);
      expect(mine.filter((r) => r.markers.task === 'QuestionAnswering').length, lang).toBe(31);
      expect(mine.filter((r) => r.markers.task === 'Translation').length, lang).toBe(lang === 'English' ? 0 : 30);
    }
  });

  it('asks for each article by number and answers with that article', () => {
    for (const r of rows) {
      const m = /Article (\d+)/.exec(r.prompt);
      if (!m) continue;
      const article = data.languages[r.markers.lang as (typeof LANGUAGES)[number]]!.articles[Number(m[1]) - 1]!;
      expect(r.completion, r.id).toBe(article.text);
      if (r.markers.task === 'Translation') {
        expect(r.prompt, r.id).toContain(data.languages.English!.articles[article.number - 1]!.text);
      }
    }
  });

  it('sets valid markers: real lang, Legal, Formal, Human for the originals and Translation for the rest', () => {
    const taxonomy = defaultTaxonomy();
    for (const r of rows) {
      for (const [name, value] of Object.entries(r.markers)) expect(checkValue(getCategory(taxonomy, name)!, value)).toBeNull();
      expect(r.markers.domain).toBe('Legal');
      expect(r.markers.source).toBe(['English', 'French'].includes(r.markers.lang!) ? 'Human' : 'Translation');
      expect(r.markers.format === 'Enumeration').toBe(r.completion.split('\n').filter((l) => /^\d+\. /.test(l)).length >= 2);
    }
  });

  it('is in the language it claims: franc agrees on ≥ 98% of completions', () => {
    const only = [...new Set(Object.values(UDHR_FILES).map((f) => f.iso6393))];
    const long = rows.filter((r) => r.completion.length >= 60);
    const agree = long.filter((r) => franc(r.completion, { only }) === UDHR_FILES[r.markers.lang as keyof typeof UDHR_FILES].iso6393);
    expect(agree.length / long.length).toBeGreaterThanOrEqual(0.98);
  });
});

describe('built-in registry', () => {
  it('loads udhr from disk in Node and through an injected fetch in a browser', async () => {
    const fromDisk = await loadBuiltin('udhr', { readFile: (p) => readFileSync(p, 'utf8') });
    expect(fromDisk).toEqual(rows);
    const urls: string[] = [];
    const fetched = await loadBuiltin('udhr', { fetchJson: (url) => { urls.push(url); return Promise.resolve(JSON.parse(committed)); } });
    expect(fetched.length).toBe(rows.length);
    expect(urls).toEqual([udhrJsonUrl()]);
    expect(udhrJsonUrl()).toMatch(/\/datasets\/udhr\.json$/);
  });

  it('generates the teaching set, reports true row counts, and rejects unknown names', async () => {
    expect(BUILTIN_DATASETS.map((d) => d.name)).toEqual(['teaching', 'varied', 'udhr']);
    expect((await loadBuiltin('teaching')).length).toBe(getBuiltin('teaching')!.rows);
    expect(getBuiltin('udhr')!.rows).toBe(rows.length);
    for (const d of BUILTIN_DATASETS) expect(d.description.length).toBeGreaterThan(200);
    await expect(loadBuiltin('nope')).rejects.toThrow(/unknown built-in dataset "nope"/);
  });
});
