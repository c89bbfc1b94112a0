/**
 * Marker control as a user sees it: for held-out prompts in every language, fixed-mode samples per
 * requested value, judged on the text by the same measures as annotation (the data's length rule,
 * the language identifier among the data's languages, the format detector), plus readability (the share of generated words
 * that are words of the training data) and what the model infers when no marker is set. None of
 * these reads the model's own block, except the inferred-language check, whose subject it is.
 *
 * `markerlab eval --control` prints it; the README's demo-model figures come from it.
 */
import { quote } from '../data/errors';
import type { Row } from '../data/types';
import { vocabularyOf, readability, type Readability } from '../eval/readability';
import { judge, type JudgedCategory, type Measured } from '../eval/violation';
import type { LengthThresholds } from '../markers/annotate-dataset';
import { countTokens, detectFormat, detectLanguage } from '../markers/measure';
import { LENGTH_BUCKETS, type Markers } from '../markers/taxonomy';
import { maxBlockTokens, sampleSteered } from '../model/steer';
import { completionBudget, type ModelUnderTest } from './measure-model';

export interface ControlSpec {
  /** Held-out prompts per language (distinct prompts of the validation rows). */
  promptsPerLang: number;
  /** Samples per prompt and requested value. */
  n: number;
  temperature: number;
  seed: number;
  /** Token budget per sample; default 1.5 × the longest completion of the data, within the context. */
  maxTokens?: number;
  /** Measure only these (default: all); readability is then judged on their samples. */
  kinds?: readonly MeasuredKind[];
}

export const DEFAULT_CONTROL: ControlSpec = { promptsPerLang: 3, n: 4, temperature: 0.8, seed: 1 };

/** The issue's targets for the shipped demo model (shares of samples). */
export const CONTROL_TARGETS = { length_bucket: 0.9, lang: 0.9, format: 0.9, readable: 0.9, inferred_lang: 0.9 } as const;

/** The formats whose control is measured (when the model knows them). */
export const CONTROLLED_FORMATS = ['Enumeration', 'JSON'] as const;

export type ControlKind = keyof typeof CONTROL_TARGETS;

/** What `kinds` can ask for (readability always comes with the samples drawn). */
export const CONTROL_KINDS = ['length_bucket', 'lang', 'format', 'inferred_lang'] as const;
export type MeasuredKind = (typeof CONTROL_KINDS)[number];

export interface ControlResult {
  kind: ControlKind;
  /** The requested value (a bucket, language or format; for readability the language). */
  value: string;
  /** Which prompts: 'all', 'same language', 'other languages', 'format-neutral'. */
  prompts: string;
  n: number;
  /** Share of the n samples that do what was asked; null when nothing was measured. */
  share: number | null;
  target: number;
  met: boolean;
  /** Up to three samples' texts, for a reader. */
  examples: string[];
  /** Up to three samples that did not do what was asked, with their prompt and what the judge found. */
  misses: ControlMiss[];
}

export interface ControlMiss {
  prompt: string;
  text: string;
  /** What the text measured: its language, format and length in tokens; whether it finished. */
  measured: Measured;
}

export interface ControlReport {
  maxTokens: number;
  promptsByLang: Record<string, string[]>;
  results: ControlResult[];
  readability: Record<string, Readability>;
  /** Categories not measured, with the reason. */
  skipped: Array<{ category: string; reason: string }>;
  met: number;
  total: number;
}

/**
 * The language a row's prompt is written in: its metadata (`prompt_lang`), else the identifier when
 * it names one of the data's languages, else the row's own `lang`.
 */
export function promptLanguageOf(row: Row, known: ReadonlySet<string>): string | undefined {
  const meta = row.meta?.prompt_lang;
  if (meta) return meta;
  const detected = detectLanguage(row.prompt).lang;
  return detected && known.has(detected) ? detected : row.markers.lang;
}

/**
 * Held-out prompts per language: the first `perLang` distinct prompts of the validation rows
 * written in each language the data has (of the rows `accept` keeps, if given).
 *
 * @example
 * heldOutPrompts(val, 2); // { English: ['Tell me about rain.', …], French: [...] }
 */
export function heldOutPrompts(val: readonly Row[], perLang: number, accept: (row: Row) => boolean = () => true): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const known = new Set(val.flatMap((r) => (r.markers.lang ? [r.markers.lang] : [])));
  for (const row of val) {
    if (!accept(row)) continue;
    const lang = promptLanguageOf(row, known);
    if (!lang || row.prompt.length === 0) continue;
    const list = (out[lang] ??= []);
    if (list.length < perLang && !list.includes(row.prompt)) list.push(row.prompt);
  }
  return out;
}

interface Sampled { prompt: string; text: string; measured: Measured; block: Markers }

/**
 * Measure marker control. `rows` are the training data (vocabulary, languages, formats, token
 * budget); `val` the held-out rows the prompts come from.
 */
export async function measureControl(
  m: ModelUnderTest, rows: readonly Row[], val: readonly Row[], spec: ControlSpec = DEFAULT_CONTROL,
  onStage?: (stage: string) => void,
): Promise<ControlReport> {
  const trained = new Set(m.categories);
  const wanted = (kind: MeasuredKind): boolean => spec.kinds === undefined || spec.kinds.includes(kind);
  const skipped: ControlReport['skipped'] = [];
  const promptsByLang = heldOutPrompts(val, spec.promptsPerLang);
  const langs = Object.keys(promptsByLang).sort();
  const allPrompts = langs.flatMap((l) => promptsByLang[l]!);
  const maxTokens = spec.maxTokens ?? completionBudget(m, rows);
  // The identifier judges among the languages the model was trained on (a closed set, see detectLanguage).
  const dataLangs = [...new Set(rows.flatMap((r) => (r.markers.lang ? [r.markers.lang] : [])))];
  const results: ControlResult[] = [];
  const textsByLang = new Map<string, string[]>();
  const allTexts: string[] = [];

  const sample = async (prompt: string, markers: Markers, mode: 'fixed' | 'inferred', n: number, temperature: number, seed: number): Promise<Sampled[]> => {
    const out = await sampleSteered(m.model, m.tokenizer, m.taxonomy, { prompt, markers, mode }, { n, maxTokens, temperature, seed, maxBlockTokens: maxBlockTokens(m.taxonomy, m.categories) });
    return out.map((s) => {
      const text = s.parsed.completion;
      const lang = detectLanguage(text, { among: dataLangs }).lang;
      const format = detectFormat(text);
      return { prompt, text, block: s.parsed.markers, measured: { lengthTokens: countTokens(text), finished: s.finished, ...(lang ? { lang } : {}), ...(format ? { format } : {}) } };
    });
  };
  const judged = async (kind: 'length_bucket' | 'lang' | 'format', value: string, prompts: readonly string[], label: string): Promise<void> => {
    onStage?.(`${kind}=${value}, ${label} prompts`);
    const all: Sampled[] = [];
    for (const [i, prompt] of prompts.entries()) all.push(...await sample(prompt, { [kind]: value }, 'fixed', spec.n, spec.temperature, spec.seed + i));
    const options = m.lengthThresholds ? { lengthThresholds: m.lengthThresholds } : {};
    // A sample cut short whose bucket is still open counts as a miss: the user saw no finished answer.
    results.push(result(kind, value, label, all, (s) => judge(kind as JudgedCategory, value, s.measured, options) === 'agrees'));
    // Readability is judged per requested language, on every sample asked for it (garbage included).
    if (kind === 'lang') textsByLang.set(value, [...(textsByLang.get(value) ?? []), ...all.map((s) => s.text)]);
    allTexts.push(...all.map((s) => s.text));
  };

  if (!wanted('length_bucket')) skipped.push({ category: 'length_bucket', reason: 'not asked for' });
  else if (!trained.has('length_bucket')) skipped.push({ category: 'length_bucket', reason: 'the model was not trained with it' });
  else if (!m.lengthThresholds) skipped.push({ category: 'length_bucket', reason: 'the checkpoint does not record its length thresholds' });
  else for (const b of LENGTH_BUCKETS) await judged('length_bucket', b, allPrompts, 'all');

  if (!wanted('lang')) skipped.push({ category: 'lang', reason: 'not asked for' });
  else if (!trained.has('lang')) skipped.push({ category: 'lang', reason: 'the model was not trained with it' });
  else {
    for (const l of langs) {
      await judged('lang', l, promptsByLang[l]!, 'same language');
      const others = langs.filter((o) => o !== l).flatMap((o) => promptsByLang[o]!.slice(0, Math.max(1, Math.ceil(spec.promptsPerLang / 2))));
      if (others.length > 0) await judged('lang', l, others, 'other languages');
    }
  }

  const formats = new Set(rows.flatMap((r) => (r.markers.format ? [r.markers.format] : [])));
  if (!wanted('format')) skipped.push({ category: 'format', reason: 'not asked for' });
  else if (!trained.has('format')) skipped.push({ category: 'format', reason: 'the model was not trained with it' });
  else {
    // Prompts of answers without a format name none ("Tell me about…"): the marker alone asks for the
    // format. A prompt that names one ("Give me a list…") would pit the marker against the request.
    const neutral = Object.values(heldOutPrompts(val, spec.promptsPerLang, (r) => !r.markers.format)).flat();
    for (const f of CONTROLLED_FORMATS) if (formats.has(f)) await judged('format', f, neutral, 'format-neutral');
  }

  if (wanted('inferred_lang') && trained.has('lang')) {
    onStage?.('inferred mode: the block the model writes for prompts without markers');
    for (const l of langs) {
      const all: Sampled[] = [];
      for (const prompt of promptsByLang[l]!) all.push(...await sample(prompt, {}, 'inferred', 1, 0, spec.seed));
      results.push(result('inferred_lang', l, 'same language', all, (s) => s.block.lang === l));
    }
  }

  // Per language: the samples that asked for it, against the words of that language's rows. Pooled:
  // every sample of every run, against all the data's words.
  const read: Record<string, Readability> = {};
  const groups: Array<[string, string[], Set<string>]> = langs
    .filter((l) => textsByLang.has(l))
    .map((l) => [l, textsByLang.get(l)!, vocabularyOf(rows.filter((r) => r.markers.lang === l).flatMap((r) => [r.prompt, r.completion]))]);
  groups.push(['all', allTexts, vocabularyOf(rows.flatMap((r) => [r.prompt, r.completion]))]);
  for (const [l, texts, vocab] of groups) {
    const r = (read[l] = readability(texts, vocab));
    results.push({ kind: 'readable', value: l, prompts: 'all', n: r.words, share: r.share, target: CONTROL_TARGETS.readable, met: (r.share ?? 0) >= CONTROL_TARGETS.readable, examples: texts.slice(0, 3), misses: [] });
  }
  const met = results.filter((r) => r.met).length;
  return { maxTokens, promptsByLang, results, readability: read, skipped, met, total: results.length };
}

/** One line of the report: the share of `all` that `ok` accepts, a few samples, and the first misses. */
function result(kind: ControlResult['kind'], value: string, prompts: string, all: readonly Sampled[], ok: (s: Sampled) => boolean): ControlResult {
  const missed = all.filter((s) => !ok(s));
  const share = all.length > 0 ? (all.length - missed.length) / all.length : null;
  const target = CONTROL_TARGETS[kind];
  const misses = missed.slice(0, 3).map(({ prompt, text, measured }) => ({ prompt, text, measured }));
  return { kind, value, prompts, n: all.length, share, target, met: share !== null && share >= target, examples: all.slice(0, 3).map((s) => s.text), misses };
}

/** 1.5 × the longest completion of the data in this tokenizer's tokens, within the context. */

/** The control report as lines for a terminal (figures as percentages, misses marked). */
export function formatControl(report: ControlReport): string[] {
  const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
  const lines = [`marker control: ${report.met}/${report.total} targets met (fixed mode, judged on the text; up to ${report.maxTokens} tokens per sample)`];
  for (const r of report.results) {
    const what = r.kind === 'readable' ? `readable ${r.value} (words of the data)` : r.kind === 'inferred_lang' ? `inferred block names ${r.value}` : `${r.kind}=${r.value}`;
    lines.push(`${r.met ? '  ok ' : '  MISS'} ${what}${r.prompts === 'all' ? '' : r.prompts === 'format-neutral' ? ', prompts that name no format' : `, prompts in ${r.prompts}`}: ${pct(r.share)} of ${r.n} (target ${pct(r.target)})`);
    // A missed target shows what its misses were: the prompt, the start of the text and what it measured.
    if (!r.met) for (const x of r.misses) lines.push(`       missed: ${JSON.stringify(x.prompt)} → ${quote(x.text.replace(/\s+/g, ' ').trim(), 59)} (${describe(x.measured)})`);
  }
  for (const s of report.skipped) lines.push(`  not measured: ${s.category} (${s.reason})`);
  return lines;
}

function describe(m: Measured): string {
  const parts = [m.lang ? `reads as ${m.lang}` : 'language not identified', m.format ? `format ${m.format}` : 'no format', `${m.lengthTokens} tokens`];
  if (m.finished === false) parts.push('cut at the token limit');
  return parts.join(', ');
}
