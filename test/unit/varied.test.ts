/**
 * The varied dataset's promises, measured on the generated text rather than read off its labels:
 * language (franc), length (characters), format (parsing), domain (a word-count classifier),
 * register (exclamation marks) and quality (typos, repetitions, capitalisation, punctuation).
 */
import { franc } from 'franc';
import { describe, expect, it } from 'vitest';
import { generateVariedDataset, variedRow, VARIED_PACKS } from '../../src/lib/data/builtin/varied';
import { LENGTH_RANGES, fitUnits } from '../../src/lib/data/builtin/varied-render';
import { KINDS, draftRow, type Kind } from '../../src/lib/data/builtin/varied-tasks';
import { applyDefects, defectSeverity, typo } from '../../src/lib/data/builtin/varied-defects';
import type { Row } from '../../src/lib/data/types';
import { checkValue, defaultTaxonomy, getCategory } from '../../src/lib/markers/taxonomy';
import { createRng } from '../../src/lib/util/rng';

const rows = generateVariedDataset({ seed: 1 });
const clean = generateVariedDataset({ seed: 1, defects: false });

const FRANC: Record<string, string> = { English: 'eng', French: 'fra', Spanish: 'spa', German: 'deu', Italian: 'ita' };
const ONLY = Object.values(FRANC);
const WORD = /\p{L}+/gu;
const words = (s: string): string[] => s.toLowerCase().match(WORD) ?? [];

function share(key: string, value: string | undefined): number {
  return rows.filter((r) => r.markers[key] === value).length / rows.length;
}

/** Sentences, items or lines of a completion, read back from its text according to its format. */
function units(r: Row): { items: string[]; ends: string[] } {
  const c = r.completion;
  switch (r.markers.format) {
    case 'JSON': {
      const items = Object.values(JSON.parse(c) as Record<string, unknown>).filter(Array.isArray).flat() as string[];
      return { items, ends: items };
    }
    case 'Tabular': {
      const items = c.split('\n').slice(2).map((l) => l.replace(/^\| \d+ \| /, '').replace(/ \|$/, ''));
      return { items, ends: items };
    }
    case 'Enumeration': {
      const items = c.split('\n').filter((l) => /^(- |\d+\. )/.test(l)).map((l) => l.replace(/^(- |\d+\. )/, ''));
      return { items, ends: items };
    }
    default: {
      if (r.markers.task === 'CreativeWriting') {
        const lines = c.split('\n').filter((l) => l.trim() !== '');
        return { items: lines, ends: lines };
      }
      // In prose a lost full stop merges two sentences, so only paragraph ends show it.
      const paragraphs = c.split('\n\n');
      return { items: paragraphs.flatMap((p) => p.split(/(?<=[.!?])\s+/)), ends: paragraphs };
    }
  }
}

const startsLower = (u: string): boolean => {
  const m = /\p{L}/u.exec(u);
  return m !== null && m[0] !== m[0].toLocaleUpperCase();
};
const lacksEnd = (u: string): boolean => !/[.!?,;:…»"“”]$/u.test(u.trim());
const hasRepetition = (r: Row): boolean => {
  if (/(?<!\p{L})(\p{L}+)\s+\1(?!\p{L})/iu.test(r.completion)) return true;
  const items = units(r).items.map((s) => s.toLowerCase());
  return new Set(items).size < items.length;
};

describe('varied dataset: size, ids, determinism, speed', () => {
  it('has ≥ 5,000 rows with ids varied:<index>', () => {
    expect(rows.length).toBe(6000);
    rows.forEach((r, i) => expect(r.id).toBe(`varied:${i}`));
  });

  it('is identical for the same seed and differs for another', () => {
    expect(generateVariedDataset({ seed: 1 })).toEqual(rows);
    const other = generateVariedDataset({ seed: 2, rows: 200 });
    expect(other.filter((r, i) => r.completion === rows[i]!.completion).length).toBeLessThan(20);
    expect(variedRow(4321, 1)).toEqual(rows[4321]);
  });
});

describe('varied dataset: markers', () => {
  it('sets only valid values, and never the counts the annotation pipeline computes', () => {
    const taxonomy = defaultTaxonomy();
    const problems: string[] = [];
    for (const r of rows) {
      for (const [name, value] of Object.entries(r.markers)) {
        const category = getCategory(taxonomy, name);
        const why = category ? checkValue(category, value) : 'unknown category';
        if (why) problems.push(`${r.id} <${name}>: ${why}`);
      }
      if (r.markers.source !== 'Synthetic') problems.push(`${r.id}: source ${r.markers.source}`);
      for (const name of ['length_tokens', 'length_sentences', 'length_paragraphs', 'quality_bucket']) {
        if (name in r.markers) problems.push(`${r.id}: sets ${name}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('covers at least five tasks', () => {
    const tasks = new Set(rows.map((r) => r.markers.task));
    expect(tasks.size).toBeGreaterThanOrEqual(5);
    for (const t of tasks) expect(share('task', t)).toBeGreaterThan(0.03);
  });
});

describe('varied dataset: languages', () => {
  it('is long-tailed: English ≥ 60%, one language ≤ 3%', () => {
    expect(share('lang', 'English')).toBeGreaterThanOrEqual(0.6);
    expect(share('lang', 'French')).toBeGreaterThan(0.15);
    expect(share('lang', 'Spanish')).toBeGreaterThan(0.08);
    expect(share('lang', 'German')).toBeGreaterThan(0.03);
    expect(share('lang', 'Italian')).toBeGreaterThan(0.005);
    expect(share('lang', 'Italian')).toBeLessThanOrEqual(0.03);
  });

  it('writes completions franc identifies as the marked language (≥ 90% overall, ≥ 85% per language)', () => {
    const long = rows.filter((r) => r.completion.length >= 60);
    const agree = (rs: Row[]) => rs.filter((r) => franc(r.completion, { only: ONLY }) === FRANC[r.markers.lang!]).length / rs.length;
    expect(agree(long)).toBeGreaterThanOrEqual(0.9);
    for (const lang of Object.keys(FRANC)) expect(agree(long.filter((r) => r.markers.lang === lang)), lang).toBeGreaterThanOrEqual(0.85);
  });

  it('asks in the same language it answers in', () => {
    const long = rows.filter((r) => r.prompt.length >= 60);
    const agree = long.filter((r) => franc(r.prompt, { only: ONLY }) === FRANC[r.markers.lang!]).length / long.length;
    expect(agree).toBeGreaterThanOrEqual(0.9);
  });
});

describe('varied dataset: length buckets', () => {
  it('puts every completion inside its bucket, and the buckets do not overlap', () => {
    const span: Record<string, [number, number]> = {};
    const outside = rows.filter((r) => {
      const { min, max } = LENGTH_RANGES[r.markers.length_bucket as keyof typeof LENGTH_RANGES];
      return r.completion.length < min || r.completion.length > max;
    });
    expect(outside.map((r) => r.id)).toEqual([]);
    for (const r of rows) {
      const b = r.markers.length_bucket!;
      const s = (span[b] ??= [Infinity, 0]);
      s[0] = Math.min(s[0], r.completion.length);
      s[1] = Math.max(s[1], r.completion.length);
    }
    expect(span.concise![1]).toBeLessThan(span.medium![0]);
    expect(span.medium![1]).toBeLessThan(span.long![0]);
    for (const b of ['concise', 'medium', 'long']) expect(share('length_bucket', b)).toBeGreaterThan(0.15);
  });
});

describe('varied dataset: formats', () => {
  /** What the text looks like, independent of the marker. */
  function detectFormat(text: string): string | undefined {
    try {
      const v: unknown = JSON.parse(text);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return 'JSON';
    } catch { /* not JSON */ }
    const lines = text.split('\n');
    if (lines.length >= 3 && lines.every((l) => l.startsWith('|')) && /^\|(-+\|)+$/.test(lines[1]!)) return 'Tabular';
    if (lines.filter((l) => /^(- |\d+\. )/.test(l)).length >= 2) return 'Enumeration';
    return undefined;
  }

  it('has prose, Enumeration, JSON and a rare Tabular, each recognisable from the text', () => {
    const mismatched = rows.filter((r) => detectFormat(r.completion) !== r.markers.format);
    expect(mismatched.map((r) => r.id)).toEqual([]);
    expect(share('format', undefined)).toBeGreaterThan(0.5);
    expect(share('format', 'Enumeration')).toBeGreaterThan(0.1);
    expect(share('format', 'JSON')).toBeGreaterThan(0.1);
    expect(share('format', 'Tabular')).toBeLessThan(0.05);
    expect(share('format', 'Tabular')).toBeGreaterThan(0.01);
  });
});

describe('varied dataset: domains', () => {
  it('has three common domains and two rare ones (≤ 5%)', () => {
    for (const d of ['Sciences', 'Technology', 'Culture']) expect(share('domain', d)).toBeGreaterThan(0.2);
    for (const d of ['Medical', 'Legal']) {
      expect(share('domain', d)).toBeGreaterThan(0.005);
      expect(share('domain', d)).toBeLessThanOrEqual(0.05);
    }
  });

  it('is learnable from the words: naive Bayes on half the rows labels the other half ≥ 90% right', () => {
    const counts = new Map<string, Map<string, number>>();
    const totals = new Map<string, number>();
    const docs = new Map<string, number>();
    const vocab = new Set<string>();
    rows.forEach((r, i) => {
      if (i % 2 === 1) return;
      const d = r.markers.domain!;
      docs.set(d, (docs.get(d) ?? 0) + 1);
      const m = counts.get(d) ?? new Map<string, number>();
      for (const w of words(r.completion)) {
        m.set(w, (m.get(w) ?? 0) + 1);
        totals.set(d, (totals.get(d) ?? 0) + 1);
        vocab.add(w);
      }
      counts.set(d, m);
    });
    const hits = new Map<string, [number, number]>();
    rows.forEach((r, i) => {
      if (i % 2 === 0) return;
      let best = '';
      let bestScore = -Infinity;
      for (const [d, m] of counts) {
        let s = Math.log(docs.get(d)!);
        for (const w of words(r.completion)) s += Math.log(((m.get(w) ?? 0) + 1) / (totals.get(d)! + vocab.size));
        if (s > bestScore) [best, bestScore] = [d, s];
      }
      const h = hits.get(r.markers.domain!) ?? [0, 0];
      hits.set(r.markers.domain!, [h[0] + (best === r.markers.domain ? 1 : 0), h[1] + 1]);
    });
    const all = [...hits.values()].reduce((a, [x, n]) => [a[0] + x, a[1] + n], [0, 0]);
    expect(all[0] / all[1]).toBeGreaterThanOrEqual(0.9);
    for (const [d, [x, n]] of hits) expect(x / n, d).toBeGreaterThanOrEqual(0.75);
  });
});

describe('varied dataset: requests, answers and style', () => {
  it('asks real questions and answers about the same subject', () => {
    const notRequests = rows.filter((r) => r.prompt.split(/\s+/).length < 3 || !/[.?:»“"]\s*$|\n/.test(r.prompt));
    expect(notRequests.map((r) => r.prompt)).toEqual([]);
    const stems = (s: string) => new Set(words(s).filter((w) => w.length >= 4).map((w) => w.slice(0, 4)));
    const prose = clean.filter((r) => !r.markers.format && ['QuestionAnswering', 'Explanation'].includes(r.markers.task!));
    const related = prose.filter((r) => {
      const p = stems(r.prompt);
      return [...stems(r.completion)].some((w) => p.has(w));
    });
    expect(related.length / prose.length).toBeGreaterThanOrEqual(0.95);
  });

  it('shows the register: informal answers exclaim, formal ones never do', () => {
    const informal = rows.filter((r) => r.markers.style === 'Informal');
    const formal = rows.filter((r) => r.markers.style === 'Formal');
    expect(informal.length / rows.length).toBeGreaterThan(0.1);
    expect(informal.filter((r) => r.completion.includes('!')).length / informal.length).toBeGreaterThanOrEqual(0.95);
    expect(formal.filter((r) => r.completion.includes('!')).length).toBe(0);
  });
});

describe('varied dataset: quality', () => {
  const vocab = new Map<string, Set<string>>();
  for (const r of clean) {
    const v = vocab.get(r.markers.lang!) ?? new Set<string>();
    for (const w of words(r.completion)) v.add(w);
    vocab.set(r.markers.lang!, v);
  }
  const BANDS = [[0.9, 1.01], [0.75, 0.9], [0.6, 0.75], [0, 0.6]] as const;
  const rates = BANDS.map(([lo, hi]) => {
    const rs = rows.filter((r) => Number(r.markers.quality) >= lo && Number(r.markers.quality) < hi);
    let n = 0, oov = 0, starts = 0, lower = 0, ends = 0, missing = 0;
    for (const r of rs) {
      const v = vocab.get(r.markers.lang!)!;
      for (const w of words(r.completion)) { n++; if (!v.has(w)) oov++; }
      const u = units(r);
      for (const s of u.items) { starts++; if (startsLower(s)) lower++; }
      for (const e of u.ends.filter((x) => x.split(' ').length >= 4)) { ends++; if (lacksEnd(e)) missing++; }
    }
    return {
      rows: rs.length,
      typos: oov / n,
      repetitions: rs.filter(hasRepetition).length / rs.length,
      lowercase: lower / starts,
      punctuation: missing / ends,
    };
  });

  it('scores every row, most of them high', () => {
    const q = rows.map((r) => Number(r.markers.quality));
    expect(Math.min(...q)).toBeGreaterThanOrEqual(0.3);
    expect(Math.max(...q)).toBeLessThanOrEqual(0.99);
    expect(rates[0]!.rows / rows.length).toBeGreaterThan(0.25);
    expect(rates[3]!.rows / rows.length).toBeGreaterThan(0.1);
  });

  it('writes high-quality rows cleanly', () => {
    const high = rows.filter((r) => Number(r.markers.quality) >= 0.9);
    expect(high.filter((r) => r.completion !== clean[Number(r.id.slice('varied:'.length))]!.completion)).toEqual([]);
    const c = rates[0]!;
    expect([c.typos, c.repetitions, c.lowercase, c.punctuation]).toEqual([0, 0, 0, 0]);
  });

  it.each(['typos', 'repetitions', 'lowercase', 'punctuation'] as const)('%s rise as quality falls', (defect) => {
    const series = rates.map((r) => r[defect]);
    for (let i = 1; i < series.length; i++) expect(series[i]!, `band ${i}`).toBeGreaterThan(series[i - 1]!);
    expect(series[3]!).toBeGreaterThan(0.05);
  });

  it('the measures find nothing in the clean text (so they measure defects, not the banks)', () => {
    const found = clean.flatMap((r) => {
      const u = units(r);
      return [
        ...u.items.filter(startsLower),
        ...u.ends.filter((e) => e.split(' ').length >= 4 && lacksEnd(e)),
        ...(hasRepetition(r) ? [r.completion] : []),
      ];
    });
    expect(found).toEqual([]);
  });
});

describe('varied word banks and writers', () => {
  it('cover every domain in every language, with the entries each writer needs', () => {
    for (const pack of Object.values(VARIED_PACKS)) {
      expect(new Set(pack.topics.map((t) => t.domain)).size, pack.lang).toBe(5);
      for (const t of pack.topics) {
        const where = `${pack.lang}/${t.id}`;
        expect(t.gist.length, where).toBeLessThanOrEqual(60);
        expect(t.reasons[0]!.length, where).toBeLessThanOrEqual(75);
        expect([t.facts.length, t.reasons.length, t.keywords.length, t.images.length], where).toEqual([5, 3, 3, 2]);
      }
    }
  });

  it('can write every kind of answer in every bucket it offers, for every topic', () => {
    for (const pack of Object.values(VARIED_PACKS)) {
      for (const topic of pack.topics) {
        for (const kind of Object.keys(KINDS) as Kind[]) {
          for (const [bucket] of KINDS[kind].buckets) {
            for (let s = 0; s < 5; s++) {
              const rng = createRng(s);
              const style = KINDS[kind].styled ? 'Formal' : undefined;
              const d = draftRow(kind, { pack, topic, bucket, style, rng });
              expect(fitUnits(d.candidates, d.render, bucket, rng, d.greedy), `${pack.lang}/${topic.id}/${kind}/${bucket}`).not.toBeNull();
            }
          }
        }
      }
    }
  });

  it('typos change a word but keep its first and last letters', () => {
    const rng = createRng(3);
    for (let i = 0; i < 200; i++) {
      const t = typo('volcanoes', rng);
      expect(t).not.toBe('volcanoes');
      expect(t[0]).toBe('v');
      expect(t.at(-1)).toBe('s');
    }
    expect(typo('sky', rng)).toBe('sky');
  });

  it('applies no defects at or above quality 0.9 and many at the floor', () => {
    const units = ['The Moon has phases because we see different parts of its sunlit side.'];
    expect(defectSeverity(0.9)).toBe(0);
    expect(applyDefects(units, defectSeverity(0.95), createRng(1))).toEqual(units);
    const rng = createRng(2);
    const damaged = Array.from({ length: 100 }, () => applyDefects(units, defectSeverity(0.3), rng).join(' '));
    expect(damaged.filter((d) => d !== units[0]).length).toBeGreaterThan(90);
  });
});
