/**
 * The arbitrage reward: how good one teacher's answer to one prompt is, measured on the text, as a
 * weighted mean of named parts, each in [0, 1] and shown to the user:
 *
 * - `language`    1 when the answer is in the language the prompt asks for (targetLanguage), identified
 *                 among the data's languages (closed set, as the evaluation judges answers), else 0.
 *                 A closed set of one language cannot tell a wrong one: arbitrage needs two or more.
 * - `markers`     share of the requested markers the text obeys: `length_bucket` by the data's length
 *                 rule (lengthBucketOf), `format` by detectFormat. Other requests are not measurable.
 * - `readability` share of the answer's words that are words of the target language's rows
 *                 (readability / vocabularyOf, the vocabulary the evaluation uses).
 * - `judge`       a judge checkpoint's likelihood of the answer, supplied by the caller (see judgeScore).
 *
 * A part that does not apply (nothing requested, no target language, no judge) is null and left out
 * of the mean, so it neither rewards nor punishes. The block a teacher wrote is never read: a teacher
 * that claims `<lang>French</lang>` and writes English is judged on the English. Pure: no tf, no DOM.
 */
import type { Row } from '../data/types';
import { readability, vocabularyOf } from '../eval/readability';
import { lengthBucketOf, lengthRuleOfRows, lengthThresholds, type LengthThresholds } from '../markers/annotate-dataset';
import { countTokens, detectFormat, detectLanguage } from '../markers/measure';
import { targetLanguage, type ArbitragePrompt } from './types';

export const REWARD_PARTS = ['language', 'markers', 'readability', 'judge'] as const;
export type RewardPartName = (typeof REWARD_PARTS)[number];
export type RewardWeights = Record<RewardPartName, number>;

/** Relative weights; only their ratios matter, over the parts that apply. */
export const DEFAULT_REWARD_WEIGHTS: Readonly<RewardWeights> = Object.freeze({
  // Arbitrage exists for this: a fluent answer in the wrong language teaches the student nothing.
  language: 2,
  // Markers are what MarkerLab trains on; an answer that ignores them would teach wrong markers.
  markers: 1,
  // Invented words (a small model's typical failure) would be learned as words.
  readability: 1,
  // Counts only when the user picks a judge; as much as any measured part, so it refines, not rules.
  judge: 1,
});

/** What the reward knows about the data it serves. */
export interface RewardContext {
  /** The data's languages: the closed set the identifier chooses among. */
  languages: string[];
  /** The data's length_bucket rule; without one, length requests are not checked. */
  lengthRule?: LengthThresholds;
  /** Language → the words of that language's rows (prompts and completions, as the evaluation counts). */
  vocabularies: Record<string, ReadonlySet<string>>;
  weights: RewardWeights;
}

/** One requested marker checked against the text. */
export interface MarkerCheck {
  category: 'length_bucket' | 'format';
  requested: string;
  /** What the text measures (null: plain prose for format). */
  measured: string | null;
  ok: boolean;
}

export interface RewardPart {
  name: RewardPartName;
  /** In [0, 1]; null when the part does not apply to this prompt. */
  score: number | null;
  weight: number;
  /** For a reader: what was measured. */
  detail: string;
}

export interface RewardBreakdown {
  /** Weighted mean of the parts that apply and weigh > 0; 0 when none does. */
  total: number;
  parts: RewardPart[];
  checks: MarkerCheck[];
}

/**
 * A reward context from the rows a set is built from: their languages, their length rule (from their
 * length_bucket labels, else their terciles) and one vocabulary per language.
 *
 * @example
 * const ctx = rewardContext(rows, { weights: { judge: 0 } });
 * ctx.languages; // ['English', 'French', …]
 */
export function rewardContext(
  rows: readonly Row[],
  options: { weights?: Partial<RewardWeights>; lengthRule?: LengthThresholds } = {},
): RewardContext {
  const byLang = new Map<string, string[]>();
  for (const r of rows) {
    const lang = r.markers.lang;
    if (lang === undefined) continue;
    const texts = byLang.get(lang) ?? [];
    texts.push(r.prompt, r.completion);
    byLang.set(lang, texts);
  }
  const vocabularies: Record<string, ReadonlySet<string>> = {};
  for (const [lang, texts] of byLang) vocabularies[lang] = vocabularyOf(texts);
  const lengthRule = options.lengthRule ?? lengthRuleOfRows(rows) ?? (rows.length > 0 ? lengthThresholds(rows.map((r) => countTokens(r.completion))) : undefined);
  return {
    languages: [...byLang.keys()].sort(),
    ...(lengthRule ? { lengthRule } : {}),
    vocabularies,
    weights: checkWeights({ ...DEFAULT_REWARD_WEIGHTS, ...options.weights }),
  };
}

/**
 * Score one answer to one prompt. `judge` is a likelihood already in [0, 1] (see judgeScore).
 *
 * @example
 * scoreAnswer({ id: 'p', prompt: 'Parle-moi de la Lune.', markers: { lang: 'French' } }, 'La Lune change avec les saisons.', ctx);
 * // { total: 1, parts: [{ name: 'language', score: 1, … }, { name: 'markers', score: null, … }, …], checks: [] }
 */
export function scoreAnswer(prompt: ArbitragePrompt, completion: string, context: RewardContext, judge?: number): RewardBreakdown {
  const w = context.weights;
  const target = targetLanguage(prompt, context.languages);
  const parts: RewardPart[] = [];

  if (target === undefined) {
    parts.push({ name: 'language', score: null, weight: w.language, detail: 'the prompt names no language and none was identified' });
  } else {
    const among = context.languages.includes(target) ? context.languages : [...context.languages, target];
    const found = detectLanguage(completion, { among }).lang;
    parts.push({ name: 'language', score: found === target ? 1 : 0, weight: w.language, detail: `asked for ${target}, answer in ${found ?? 'no identifiable language'}` });
  }

  const checks = markerChecks(prompt, completion, context.lengthRule);
  const obeyed = checks.filter((c) => c.ok).length;
  parts.push({
    name: 'markers',
    score: checks.length > 0 ? obeyed / checks.length : null,
    weight: w.markers,
    detail: checks.length > 0
      ? checks.map((c) => `${c.category} ${c.requested}: ${c.measured ?? 'none'} ${c.ok ? '✓' : '✗'}`).join('; ')
      : 'no length or format requested',
  });

  const vocab = target === undefined ? undefined : context.vocabularies[target];
  if (vocab === undefined) {
    parts.push({ name: 'readability', score: null, weight: w.readability, detail: `no vocabulary for ${target ?? 'an unknown language'}` });
  } else {
    const r = readability([completion], vocab);
    parts.push({ name: 'readability', score: r.share ?? 0, weight: w.readability, detail: `${r.known} of ${r.words} words are ${target} words of the data` });
  }

  if (judge === undefined) {
    parts.push({ name: 'judge', score: null, weight: w.judge, detail: 'no judge chosen' });
  } else {
    if (!(judge >= 0 && judge <= 1)) throw new RangeError(`judge score must be in [0, 1], got ${judge}`);
    parts.push({ name: 'judge', score: judge, weight: w.judge, detail: `judge likelihood ${judge.toFixed(3)} per token` });
  }

  return { total: rewardTotal(parts), parts, checks };
}

/**
 * The weighted mean of the parts that apply and weigh > 0; 0 when none does.
 *
 * @example
 * rewardTotal([{ name: 'language', score: 1, weight: 2, detail: '' }, { name: 'readability', score: 0.5, weight: 1, detail: '' }]); // 5 / 6
 */
export function rewardTotal(parts: readonly RewardPart[]): number {
  let sum = 0, weight = 0;
  for (const p of parts) {
    if (p.score === null || p.weight <= 0) continue;
    sum += p.weight * p.score;
    weight += p.weight;
  }
  return weight > 0 ? sum / weight : 0;
}

/**
 * A breakdown under other weights: the same measured parts, re-weighted, and the new total. The
 * measuring (language identification, vocabularies) is not repeated, so a view can change the
 * weights of answers scored elsewhere and get the numbers scoreAnswer would.
 *
 * @example
 * reweigh(breakdown, { ...DEFAULT_REWARD_WEIGHTS, readability: 0 }).total;
 */
export function reweigh(breakdown: RewardBreakdown, weights: RewardWeights): RewardBreakdown {
  checkWeights({ ...weights });
  const parts = breakdown.parts.map((p) => ({ ...p, weight: weights[p.name] }));
  return { total: rewardTotal(parts), parts, checks: breakdown.checks };
}

/** Weights checked: each finite and ≥ 0, at least one > 0 (throws a RangeError naming the weight). */
export function validRewardWeights(weights: RewardWeights): RewardWeights {
  return checkWeights({ ...weights });
}

/**
 * The requested length_bucket and format, checked on the text. Length needs the data's rule.
 *
 * @example
 * markerChecks({ id: 'p', prompt: 'List it.', markers: { format: 'Enumeration' } }, '- a\n- b', undefined);
 * // [{ category: 'format', requested: 'Enumeration', measured: 'Enumeration', ok: true }]
 */
export function markerChecks(prompt: ArbitragePrompt, completion: string, lengthRule: LengthThresholds | undefined): MarkerCheck[] {
  const checks: MarkerCheck[] = [];
  const bucket = prompt.markers.length_bucket;
  if (bucket !== undefined && lengthRule !== undefined) {
    const measured = lengthBucketOf(countTokens(completion), lengthRule);
    checks.push({ category: 'length_bucket', requested: bucket, measured, ok: measured === bucket });
  }
  const format = prompt.markers.format;
  if (format !== undefined) {
    const measured = detectFormat(completion) ?? null;
    checks.push({ category: 'format', requested: format, measured, ok: measured === format });
  }
  return checks;
}

/**
 * A judge's likelihood as a part in [0, 1]: the geometric-mean probability per token,
 * exp(mean log-probability), so long and short answers compare.
 *
 * @example
 * judgeScore(Math.log(0.5)); // 0.5
 */
export function judgeScore(meanLogProb: number): number {
  if (Number.isNaN(meanLogProb) || meanLogProb > 1e-9) throw new RangeError(`a mean log-probability must be ≤ 0, got ${meanLogProb}`);
  return Math.min(1, Math.exp(meanLogProb));
}

function checkWeights(w: RewardWeights): RewardWeights {
  for (const name of REWARD_PARTS) {
    const v = w[name];
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`reward weight ${name} must be a finite number ≥ 0, got ${v}`);
  }
  if (REWARD_PARTS.every((name) => w[name] === 0)) throw new RangeError('at least one reward weight must be > 0');
  return w;
}
