/**
 * The arbitrage training set: each prompt with the one answer its router kept, as Rows a student
 * trains on, exportable as JSONL through the paper-format export (src/lib/data/export.ts).
 *
 * The `source` marker. Its values are the taxonomy's closed list (Human, Translation, Synthetic,
 * Others): the built-in categories refuse other values on import (src/lib/data/row-markers.ts) and
 * every value is one atomic token of the tokenizer, so a teacher's name would be a token the base
 * model's vocabulary lacks, and the students are fine-tuned from that base model. So every routed row
 * says `source: Synthetic` (a model wrote it) and names its teacher in `row.meta.teacher`; the JSONL
 * carries it in a `teacher` field beside the paper's `input` and `target`.
 *
 * Pure: no tf, no DOM.
 */
import { paperRows } from '../data/export';
import { parseJsonl } from '../data/parse-jsonl';
import type { Row } from '../data/types';
import { lengthBucketOf, type LengthThresholds } from '../markers/annotate-dataset';
import type { DropoutConfig } from '../markers/dropout';
import { countTokens, detectFormat, detectLanguage } from '../markers/measure';
import type { Markers, Taxonomy } from '../markers/taxonomy';
import { parseCompletionString, parseInputString } from '../markers/template';
import { routerText, type RouterExample } from './learned';
import { RouterError, targetLanguage, type ArbitragePrompt, type Candidate, type RouteChoice, type Router } from './types';

/** The `source` value of every routed row (see the module comment). */
export const ARBITRAGE_SOURCE = 'Synthetic';

/** One prompt, what its router decided and the answer kept. */
export interface Routed {
  prompt: ArbitragePrompt;
  choice: RouteChoice;
  candidate: Candidate;
}

/**
 * Route every prompt. `candidates` holds the answers sampled so far, for any prompts: the reward
 * router gets all of a prompt's answers; a prompt-only router gets the chosen teacher's first answer,
 * and a RouterError says which answer is missing when that teacher has not answered yet.
 *
 * @example
 * routePrompts(prompts, createRewardRouter(['A', 'B'], ctx), candidates).map((r) => r.choice.teacher); // ['B', 'A', …]
 */
export function routePrompts(prompts: readonly ArbitragePrompt[], router: Router, candidates: readonly Candidate[]): Routed[] {
  const byPrompt = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const list = byPrompt.get(c.promptId) ?? [];
    list.push(c);
    byPrompt.set(c.promptId, list);
  }
  return prompts.map((prompt) => {
    const mine = byPrompt.get(prompt.id) ?? [];
    if (router.needs === 'answers') {
      const choice = router.route(prompt, mine);
      const candidate = choice.candidate === undefined ? undefined : mine[choice.candidate];
      if (candidate === undefined) throw new RouterError(`the ${router.kind} router chose no answer for prompt ${prompt.id}`);
      return { prompt, choice, candidate };
    }
    const choice = router.route(prompt);
    const candidate = mine.find((c) => c.teacher === choice.teacher);
    if (candidate === undefined) throw new RouterError(`no answer from ${choice.teacher} to prompt ${prompt.id}: sample it before building the set`);
    return { prompt, choice, candidate };
  });
}

/**
 * Training examples for the learned router: each prompt with the teacher its (reward) router chose.
 *
 * @example
 * trainRouter(routerExamples(routePrompts(prompts, rewardRouter, candidates)), pool);
 */
export function routerExamples(routed: readonly Routed[]): RouterExample[] {
  return routed.map((r) => ({ prompt: routerText(r.prompt), teacher: r.choice.teacher }));
}

export interface ArbitrageRowOptions {
  /** The data's languages: the closed set the answer's language is identified among. */
  among: readonly string[];
  /** The data's length rule, to label the answer's length_bucket (left unset without one). */
  lengthRule?: LengthThresholds;
  /** Markers of the prompt copied to the row because they describe the topic, not the text. */
  keep?: readonly string[];
}

/** Topic markers: what the prompt is about holds for any teacher's answer to it. */
export const KEPT_MARKERS = ['domain', 'task'] as const;

/**
 * One Row per routed prompt. Its markers describe the answer that was kept, as annotation would:
 * the prompt's topic markers (`keep`), then `lang`, `length_bucket` and `format` measured on the
 * answer (so a teacher that ignored a request is labelled with what it wrote), then `source`.
 * `meta` names the teacher, the router and the language the prompt asked for (for compositions).
 *
 * @example
 * arbitrageRows(routed, 'reward', { among: ['English', 'French'], lengthRule })[0];
 * // { id: 'teaching:1', prompt, completion, markers: { domain: 'Culture', lang: 'French', length_bucket: 'long', source: 'Synthetic' },
 * //   meta: { teacher: 'B', router: 'reward', target_lang: 'French' } }
 */
export function arbitrageRows(routed: readonly Routed[], kind: Router['kind'], options: ArbitrageRowOptions): Row[] {
  const keep = options.keep ?? KEPT_MARKERS;
  return routed.map(({ prompt, choice, candidate }) => {
    const text = candidate.completion;
    const markers: Markers = {};
    for (const c of keep) if (prompt.markers[c] !== undefined) markers[c] = prompt.markers[c]!;
    const lang = detectLanguage(text, { among: options.among }).lang;
    if (lang !== undefined) markers.lang = lang;
    if (options.lengthRule) markers.length_bucket = lengthBucketOf(countTokens(text), options.lengthRule);
    const format = detectFormat(text);
    if (format !== undefined) markers.format = format;
    markers.source = ARBITRAGE_SOURCE;
    const target = targetLanguage(prompt, options.among);
    const meta: Record<string, string> = { teacher: choice.teacher, router: kind, ...(target !== undefined ? { target_lang: target } : {}) };
    return { id: prompt.id, prompt: prompt.prompt, completion: text, markers, meta };
  });
}

/** Export without dropout: the file holds every marker; training draws its own dropout. */
export const NO_DROPOUT: Readonly<DropoutConfig> = Object.freeze({ datasetRate: 0, sampleRate: 0, overrides: {}, seed: 0 });

/**
 * JSONL lines: the paper's `{input, target}` (paperRows, with `dropout`) plus the row's `id` and
 * `teacher`, which trainers reading the paper format ignore.
 *
 * @example
 * for (const line of arbitrageLines(rows, defaultTaxonomy())) out.write(line + '\n');
 */
export function* arbitrageLines(rows: readonly Row[], taxonomy: Taxonomy, dropout: DropoutConfig = NO_DROPOUT): Generator<string> {
  let i = 0;
  for (const paper of paperRows(rows, taxonomy, dropout)) {
    const row = rows[i++]!;
    yield JSON.stringify({ input: paper.input, target: paper.target, id: row.id, teacher: row.meta?.teacher ?? '' });
  }
}

/**
 * The whole set as one JSONL string, each line ending in a newline.
 *
 * @example
 * writeFileSync('arbitrage.jsonl', arbitrageJsonl(rows, taxonomy));
 */
export function arbitrageJsonl(rows: readonly Row[], taxonomy: Taxonomy, dropout: DropoutConfig = NO_DROPOUT): string {
  let out = '';
  for (const line of arbitrageLines(rows, taxonomy, dropout)) out += `${line}\n`;
  return out;
}

/**
 * Read an arbitrage JSONL file back (parseJsonl, then the template parsers): prompt from `input`,
 * completion and markers from `target` (which always holds the full block), teacher into meta.
 * Throws an Error naming the line for a line that is not such a record.
 *
 * @example
 * readArbitrageJsonl(arbitrageJsonl(rows, taxonomy), taxonomy)[0].meta.teacher; // 'B'
 */
export function readArbitrageJsonl(text: string, taxonomy: Taxonomy): Row[] {
  return parseJsonl(text).map((record) => {
    if ('problem' in record) throw new Error(`line ${record.line}: ${record.problem.message}`);
    const v = record.value as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null || typeof v.input !== 'string' || typeof v.target !== 'string') {
      throw new Error(`line ${record.line}: expected an object with string fields "input" and "target"`);
    }
    const input = parseInputString(v.input, taxonomy);
    const answer = parseCompletionString(v.target, taxonomy);
    const issue = answer.issues[0] ?? input.issues[0];
    if (issue) throw new Error(`line ${record.line}: ${issue.message}`);
    const meta: Record<string, string> = typeof v.teacher === 'string' && v.teacher !== '' ? { teacher: v.teacher } : {};
    const id = typeof v.id === 'string' ? v.id : `arbitrage:${record.line}`;
    return { id, prompt: input.prompt, completion: answer.completion, markers: answer.markers, meta };
  });
}
