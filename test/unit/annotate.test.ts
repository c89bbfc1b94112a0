import { describe, expect, it } from 'vitest';
import { annotatableCategories, annotateRows } from '../../src/lib/markers/annotate';
import { addCategory, defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import type { Row } from '../../src/lib/data/types';
import { COOKING, SENTENCES, WEATHER } from './fixtures/sentences';

const taxonomy = defaultTaxonomy();

function row(id: string, completion: string, markers: Record<string, string> = {}, meta?: Record<string, string>): Row {
  return { id, prompt: 'Tell me something.', completion, markers, ...(meta ? { meta } : {}) };
}

describe('annotateRows: values present in the data win', () => {
  it('never overwrites a valid marker, even a wrong-looking one', () => {
    const input = [row('r:1', SENTENCES.French!, { lang: 'German', length_tokens: '7', format: 'JSON' })];
    const { rows, report } = annotateRows(input, taxonomy);
    expect(rows[0]!.markers).toMatchObject({ lang: 'German', length_tokens: '7', format: 'JSON' });
    expect(report.categories.lang).toEqual({ annotated: 0, kept: 1, unset: 0, invalid: 0 });
    expect(report.categories.length_sentences!.annotated).toBe(1);
  });

  it('reports an invalid value and leaves it in place instead of replacing it', () => {
    const input = [row('r:1', SENTENCES.Spanish!, { lang: 'Klingon', length_tokens: 'long' })];
    const { rows, report } = annotateRows(input, taxonomy);
    expect(rows[0]!.markers.lang).toBe('Klingon');
    expect(rows[0]!.markers.length_tokens).toBe('long');
    expect(report.categories.lang!.invalid).toBe(1);
    expect(report.categories.length_tokens!.invalid).toBe(1);
    expect(report.invalid.map((i) => [i.rowId, i.category, i.value])).toEqual([
      ['r:1', 'lang', 'Klingon'],
      ['r:1', 'length_tokens', 'long'],
    ]);
    expect(report.invalid[0]!.reason).toMatch(/not a value of <lang>/);
  });

  it('treats an empty value as absent and fills it', () => {
    const { rows } = annotateRows([row('r:1', SENTENCES.Polish!, { lang: ' ' })], taxonomy, { categories: ['lang'] });
    expect(rows[0]!.markers.lang).toBe('Polish');
  });

  it('leaves the input rows untouched', () => {
    const input = [row('r:1', SENTENCES.Dutch!, { domain: 'Culture' }, { task: 'qa' })];
    const snapshot = structuredClone(input);
    annotateRows(input, taxonomy);
    expect(input).toEqual(snapshot);
  });
});

describe('annotateRows: completion measures', () => {
  it('fills lengths, language, format and code type from the completion', () => {
    const completion = 'Voici la fonction :\n\n```python\ndef carre(x):\n    return x * x\n```\n\nElle renvoie le carré du nombre donné en argument.';
    const { rows } = annotateRows([row('r:1', completion)], taxonomy);
    expect(rows[0]!.markers).toMatchObject({
      length_tokens: String([...completion].length),
      length_sentences: '3',
      length_paragraphs: '3',
      lang: 'French',
      format: 'Markdown',
      code_type: 'python',
    });
  });

  it('leaves lang unset when the identifier is not confident, and format/code_type unset for prose', () => {
    const { rows, report } = annotateRows([row('r:1', 'Merci beaucoup'), row('r:2', WEATHER.English!)], taxonomy);
    expect(rows[0]!.markers.lang).toBeUndefined();
    expect(rows[1]!.markers.lang).toBe('English');
    expect(rows[1]!.markers.format).toBeUndefined();
    expect(rows[1]!.markers.code_type).toBeUndefined();
    expect(report.categories.lang).toEqual({ annotated: 1, kept: 0, unset: 1, invalid: 0 });
    expect(report.categories.code_type!.unset).toBe(2);
  });

  it('annotates only the categories asked for', () => {
    const { rows, report } = annotateRows([row('r:1', WEATHER.German!)], taxonomy, { categories: ['lang', 'length_tokens'] });
    expect(Object.keys(rows[0]!.markers).sort()).toEqual(['lang', 'length_tokens']);
    expect(Object.keys(report.categories).sort()).toEqual(['lang', 'length_tokens']);
  });

  it('refuses categories it cannot annotate, by name', () => {
    expect(() => annotateRows([], taxonomy, { categories: ['persona'] })).toThrow(/"persona".*no such category/);
    const withScore = addCategory(taxonomy, { name: 'toxicity', kind: 'numeric', integer: false, description: '' });
    expect(() => annotateRows([], withScore, { categories: ['toxicity'] })).toThrow(/"toxicity"/);
    expect(annotatableCategories(withScore)).not.toContain('toxicity');
  });
});

describe('annotateRows: length buckets', () => {
  const lengths = [40, 55, 80, 120, 160, 240, 300, 420, 650];
  const rows = lengths.map((n, i) => row(`r:${i}`, 'a'.repeat(n)));

  it('by default cuts the dataset\'s own terciles, so small data spans all three buckets', () => {
    const { rows: out, report } = annotateRows(rows, taxonomy, { categories: ['length_bucket'] });
    expect(out.map((r) => r.markers.length_bucket)).toEqual([
      'concise', 'concise', 'concise', 'medium', 'medium', 'medium', 'long', 'long', 'long',
    ]);
    expect(report.lengthThresholds).toEqual({ mode: 'quantile', concise: 120, medium: 240 });
  });

  it('uses the paper\'s 300/1000 tokens or fixed limits when asked', () => {
    const paper = annotateRows(rows, taxonomy, { categories: ['length_bucket'], lengthBuckets: { mode: 'paper' } });
    expect(paper.rows.map((r) => r.markers.length_bucket)).toEqual([
      'concise', 'concise', 'concise', 'concise', 'concise', 'concise', 'medium', 'medium', 'medium',
    ]);
    const fixed = annotateRows(rows, taxonomy, { categories: ['length_bucket'], lengthBuckets: { mode: 'fixed', concise: 100, medium: 400 } });
    expect(fixed.rows.map((r) => r.markers.length_bucket)).toEqual([
      'concise', 'concise', 'concise', 'medium', 'medium', 'medium', 'medium', 'long', 'long',
    ]);
    expect(fixed.report.lengthThresholds).toEqual({ mode: 'fixed', concise: 100, medium: 400 });
  });

  it('buckets by the row\'s own length_tokens when the data has one', () => {
    const input = [row('r:0', 'short', { length_tokens: '5000' }), row('r:1', 'a'.repeat(50))];
    const { rows: out } = annotateRows(input, taxonomy, { categories: ['length_bucket'], lengthBuckets: { mode: 'paper' } });
    expect(out.map((r) => r.markers.length_bucket)).toEqual(['long', 'concise']);
  });
});

describe('annotateRows: quality buckets', () => {
  /** n rows of one language with scores 1..n (meta `score`). */
  const scored = (lang: string, texts: readonly string[], offset: number): Row[] =>
    texts.map((t, i) => row(`${lang}:${i}`, t, { lang }, { score: String(offset + i) }));

  it('computes quartiles per language, 1 = best', () => {
    // English scores 100..119, French 0..19: global quartiles would make every French row a 4.
    const en = scored('English', Array.from({ length: 20 }, (_, i) => `${WEATHER.English} (${i})`), 100);
    const fr = scored('French', Array.from({ length: 20 }, (_, i) => `${WEATHER.French} (${i})`), 0);
    const { rows, report } = annotateRows([...en, ...fr], taxonomy, { categories: ['quality', 'quality_bucket'] });
    const buckets = (lang: string): string[] => rows.filter((r) => r.markers.lang === lang).map((r) => r.markers.quality_bucket!);
    const expected = [...Array(5).fill('4'), ...Array(5).fill('3'), ...Array(5).fill('2'), ...Array(5).fill('1')];
    expect(buckets('English')).toEqual(expected);
    expect(buckets('French')).toEqual(expected);
    expect(rows[0]!.markers.quality).toBe('100');
    expect(Object.keys(report.quality!.perLanguage).sort()).toEqual(['English', 'French']);
    expect(report.quality!.perLanguage.French!.bucketMin).toEqual([15, 10, 5, 0]);
  });

  it('sends languages with few rows to the global quartiles', () => {
    const en = scored('English', Array.from({ length: 20 }, (_, i) => `${WEATHER.English} (${i})`), 0);
    const it = scored('Italian', [WEATHER.Italian!, COOKING.Italian!], 100);
    const { rows, report } = annotateRows([...en, ...it], taxonomy, { categories: ['quality_bucket'] });
    expect(rows.filter((r) => r.markers.lang === 'Italian').map((r) => r.markers.quality_bucket)).toEqual(['1', '1']);
    expect(report.quality!.fallback).toEqual(['Italian']);
    expect(report.quality!.global.rows).toBe(22);
  });

  it('gives tied scores the same bucket and leaves unscored rows unset', () => {
    const input = [
      row('a', WEATHER.Spanish!, { quality: '0.5' }), row('b', SENTENCES.Spanish!, { quality: '0.5' }),
      row('c', COOKING.Spanish!, { quality: '0.9' }), row('d', 'Sin puntuación todavía, por ahora.'),
    ];
    const { rows, report } = annotateRows(input, taxonomy, { categories: ['quality_bucket'], qualityMinRows: 1 });
    expect(rows.map((r) => r.markers.quality_bucket)).toEqual(['3', '3', '1', undefined]);
    expect(report.categories.quality_bucket).toEqual({ annotated: 3, kept: 0, unset: 1, invalid: 0 });
  });

  it('reports a score that is not a number', () => {
    const { report } = annotateRows([row('a', WEATHER.Dutch!, {}, { score: 'excellent' })], taxonomy, { categories: ['quality'] });
    expect(report.categories.quality!.unset).toBe(1);
    expect(report.unknownMeta.quality).toEqual({ excellent: 1 });
  });
});

describe('annotateRows: metadata', () => {
  it('maps metadata to taxonomy values through case and synonyms, and reports the rest', () => {
    const input = [
      row('a', WEATHER.English!, {}, { task: 'qa', domain: 'medicine', source: 'human', style: 'casual' }),
      row('b', WEATHER.English!, {}, { Task: 'Creative_Writing', Domain: 'LEGAL', source: 'machine-translated' }),
      row('c', WEATHER.English!, {}, { task: 'juggling', domain: 'astrology' }),
    ];
    const { rows, report } = annotateRows(input, taxonomy, { categories: ['task', 'domain', 'source', 'style'] });
    expect(rows[0]!.markers).toEqual({ task: 'QuestionAnswering', domain: 'Medical', source: 'Human', style: 'Informal' });
    expect(rows[1]!.markers).toEqual({ task: 'CreativeWriting', domain: 'Legal', source: 'Translation' });
    expect(rows[2]!.markers).toEqual({});
    expect(report.unknownMeta).toEqual({ task: { juggling: 1 }, domain: { astrology: 1 } });
    expect(report.categories.domain).toEqual({ annotated: 2, kept: 0, unset: 1, invalid: 0 });
  });

  it('fills a user category from metadata of the same name', () => {
    const withPersona = addCategory(taxonomy, { name: 'persona', kind: 'categorical', values: ['Pirate', 'Teacher'], description: '' });
    const { rows } = annotateRows([row('a', WEATHER.English!, {}, { persona: 'pirate' })], withPersona, { categories: ['persona'] });
    expect(rows[0]!.markers.persona).toBe('Pirate');
  });

  it('refuses a user category named like an Object property', () => {
    // markers.toString would otherwise read a built-in function instead of "unset".
    expect(() => addCategory(taxonomy, { name: 'toString', kind: 'categorical', values: ['Yes'], description: '' }))
      .toThrow(/reserved/);
  });

  it('reports per category counts that add up to the number of rows', () => {
    const input = [
      row('a', SENTENCES.Korean!, { lang: 'Korean' }), row('b', 'Hm.'), row('c', JSON.stringify({ a: [1, 2] })),
      row('d', WEATHER.Turkish!, { format: 'Prose' }),
    ];
    const { report } = annotateRows(input, taxonomy);
    expect(report.rows).toBe(4);
    for (const [name, c] of Object.entries(report.categories)) {
      expect(c.annotated + c.kept + c.unset + c.invalid, name).toBe(4);
    }
    expect(report.categories.format).toEqual({ annotated: 1, kept: 0, unset: 2, invalid: 1 });
  });
});

describe('annotateRows: handOver', () => {
  it('annotates the given rows in place, exactly as it annotates a copy', () => {
    const make = (): Row[] => Object.values(SENTENCES).slice(0, 12).map((completion, i): Row => ({ id: `r:${i}`, prompt: 'p', completion, markers: i % 3 ? {} : { lang: 'French' } }));
    const input = make();
    const copied = annotateRows(input, taxonomy);
    expect(input).toEqual(make()); // untouched by default
    const owned = make();
    const handed = annotateRows(owned, taxonomy, { handOver: true });
    expect(handed.rows).toBe(owned);
    expect(handed.rows).toEqual(copied.rows);
    expect(handed.report).toEqual(copied.report);
  });
});
