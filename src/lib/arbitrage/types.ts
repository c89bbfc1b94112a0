/**
 * Multilingual Arbitrage (Odumakinde, D'souza, Verga, Ermis, Hooker; ACL 2025): no teacher is best
 * in every language, so each prompt goes to the teacher best placed to answer it. This file holds the
 * plain data every router and the set builder share. Pure: no tf, no DOM.
 *
 * Flow: prompts (from a dataset's rows) → router → one answer per prompt → arbitrage rows → JSONL.
 * Prompt-only routers (single, random, fixed, learned) choose before any sampling, so only the chosen
 * teacher has to answer; the reward router needs every teacher's answers (best and most expensive).
 */
import type { Row } from '../data/types';
import { detectLanguage } from '../markers/measure';
import type { Markers } from '../markers/taxonomy';

/** A prompt to route: the text and the markers it asks for (its prompt-side block). */
export interface ArbitragePrompt {
  /** Id of the row it came from; candidates refer to it. */
  id: string;
  prompt: string;
  /** What the answer is asked to be: `lang`, `length_bucket`, `format`, and topic markers (`domain`, `task`). */
  markers: Markers;
}

/**
 * One teacher's answer to one prompt, as plain data. Later code fills it from `sampleSteered`
 * (src/lib/model/steer.ts) with {@link candidateFromSample}; tests write it by hand.
 */
export interface Candidate {
  /** Pool member that wrote it (a checkpoint id or name). */
  teacher: string;
  /** The {@link ArbitragePrompt.id} it answers. */
  promptId: string;
  /** The answer's text, without its marker block. */
  completion: string;
  /** The block the teacher wrote, when it wrote one: shown beside the answer, never scored (the reward reads the text). */
  block?: Markers;
  /** A judge checkpoint's likelihood of the answer in [0, 1] (see judgeScore), when the user picked a judge. */
  judge?: number;
}

/** What a router decided for one prompt. */
export interface RouteChoice {
  teacher: string;
  /** For the answers-based router: index (into the candidates it was given) of the answer kept. */
  candidate?: number;
  /** One line for a reader: why this teacher. */
  why: string;
}

export type RouterKind = 'single' | 'random' | 'fixed' | 'reward' | 'learned';

/**
 * The one interface of every router. `needs: 'prompt'` routers ignore `candidates`; the
 * `'answers'` router (reward) throws a RouterError without them.
 *
 * @example
 * const router: Router = createSingleRouter('A');
 * router.route({ id: 'p1', prompt: 'Bonjour ?', markers: {} }).teacher; // 'A'
 */
export interface Router {
  readonly kind: RouterKind;
  readonly needs: 'prompt' | 'answers';
  route(prompt: ArbitragePrompt, candidates?: readonly Candidate[]): RouteChoice;
}

export class RouterError extends Error {
  override name = 'RouterError';
}

/** The categories a prompt can ask for: its language, length and format, and what it is about. */
export const REQUESTED_CATEGORIES = ['domain', 'task', 'format', 'lang', 'length_bucket'] as const;

/**
 * Prompts from a dataset's rows, asking for the markers the rows have in `categories`.
 *
 * @example
 * promptsFromRows([{ id: 't:0', prompt: 'Hi?', completion: 'Salut.', markers: { lang: 'French', quality: '1.0' } }]);
 * // [{ id: 't:0', prompt: 'Hi?', markers: { lang: 'French' } }]
 */
export function promptsFromRows(rows: readonly Row[], categories: readonly string[] = REQUESTED_CATEGORIES): ArbitragePrompt[] {
  return rows.map((r) => {
    const markers: Markers = {};
    for (const c of categories) if (r.markers[c] !== undefined) markers[c] = r.markers[c]!;
    return { id: r.id, prompt: r.prompt, markers };
  });
}

/**
 * The language the answer to a prompt must be in: the `lang` marker the prompt carries (it names the
 * answer's language, which in cross-lingual rows is not the language the prompt is written in), else
 * the language the prompt is written in, identified among `among` (closed set, see detectLanguage).
 * Undefined when neither tells. Routers, the reward and the compositions all use this one rule.
 *
 * @example
 * targetLanguage({ id: 'p', prompt: 'What do you know about the Moon?', markers: { lang: 'German' } }, ['English', 'German']); // 'German'
 * targetLanguage({ id: 'p', prompt: 'Que peux-tu me dire sur le cinéma ?', markers: {} }, ['English', 'French']);             // 'French'
 */
export function targetLanguage(prompt: ArbitragePrompt, among: readonly string[]): string | undefined {
  const asked = prompt.markers.lang;
  if (asked !== undefined) return asked;
  return among.length > 0 ? detectLanguage(prompt.prompt, { among }).lang : undefined;
}

/**
 * A candidate from one `sampleSteered` sample (its parsed completion), typed structurally so this pure
 * module does not import the model.
 *
 * @example
 * const samples = await sampleSteered(model, tok, taxonomy, req, opts);
 * const candidates = samples.map((s) => candidateFromSample('ckpt-fr', 'teaching:3', s));
 */
export function candidateFromSample(
  teacher: string,
  promptId: string,
  sample: { parsed: { completion: string; markers: Markers } },
): Candidate {
  const block = sample.parsed.markers;
  return { teacher, promptId, completion: sample.parsed.completion, ...(Object.keys(block).length > 0 ? { block: { ...block } } : {}) };
}
