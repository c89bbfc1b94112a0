/**
 * The kinds of request in the varied dataset and how each one is drafted: the prompt, the
 * candidate content units in the order they should be used, and the renderer for its format.
 * Which units are kept is decided afterwards by the length fitter.
 */
import type { FORMATS, TASKS } from '../../markers/taxonomy';
import type { Rng } from '../../util/rng';
import {
  renderJson, renderList, renderPoem, renderProse, renderTable, withinFitLimit, type Render,
} from './varied-render';
import type { LanguagePack, LengthBucket, Topic } from './varied-types';

type Task = (typeof TASKS)[number];
type Format = (typeof FORMATS)[number];

export type Kind = 'qa' | 'explain' | 'list' | 'json' | 'table' | 'summary' | 'poem' | 'classify';
export type Style = 'Formal' | 'Informal';

export interface KindSpec {
  task: Task;
  /** Absent for prose, as the taxonomy has no value for plain prose. */
  format?: Format;
  /** Share of rows. */
  weight: number;
  /** Buckets this kind can be written in, with their shares. */
  buckets: ReadonlyArray<readonly [LengthBucket, number]>;
  /** Whether the completion shows a register (openers, closers, list intros). */
  styled: boolean;
}

/**
 * Prose dominates, lists and JSON are common, tables rare (a tail format to target). Summaries and
 * classifications are short by nature, tables long by nature; the rest span all three buckets.
 */
export const KINDS: Readonly<Record<Kind, KindSpec>> = {
  qa: { task: 'QuestionAnswering', weight: 0.24, styled: true, buckets: [['concise', 0.35], ['medium', 0.4], ['long', 0.25]] },
  explain: { task: 'Explanation', weight: 0.17, styled: true, buckets: [['concise', 0.2], ['medium', 0.45], ['long', 0.35]] },
  list: { task: 'QuestionAnswering', format: 'Enumeration', weight: 0.16, styled: true, buckets: [['concise', 0.25], ['medium', 0.45], ['long', 0.3]] },
  json: { task: 'InformationExtraction', format: 'JSON', weight: 0.14, styled: false, buckets: [['concise', 0.3], ['medium', 0.4], ['long', 0.3]] },
  table: { task: 'InformationExtraction', format: 'Tabular', weight: 0.03, styled: false, buckets: [['medium', 0.5], ['long', 0.5]] },
  summary: { task: 'Summarization', weight: 0.08, styled: false, buckets: [['concise', 0.6], ['medium', 0.4]] },
  poem: { task: 'CreativeWriting', weight: 0.11, styled: false, buckets: [['concise', 0.3], ['medium', 0.45], ['long', 0.25]] },
  classify: { task: 'Classification', weight: 0.07, styled: false, buckets: [['concise', 1]] },
};

export interface DraftContext {
  pack: LanguagePack;
  topic: Topic;
  bucket: LengthBucket;
  /** Only for styled kinds. */
  style: Style | undefined;
  rng: Rng;
}

export interface Draft {
  prompt: string;
  /** Content units in order of use; defects are applied to these, never to the frame around them. */
  candidates: string[];
  render: Render;
  /** Use as many candidates as fit instead of stopping at a target length (keyword lists). */
  greedy?: boolean;
}

/** Chance that a prompt also states the wanted length in words ("Keep it short."). */
const HINT_RATE = 0.3;
/** Chance that an informal request also opens casually ("Hey, …"). */
const INFORMAL_PROMPT_RATE = 0.5;

/**
 * Draft one row of a kind for a topic.
 *
 * @example
 * const d = draftRow('qa', { pack: EN, topic, bucket: 'concise', style: 'Formal', rng });
 * d.prompt; // "Tell me about volcanoes."
 * d.render(d.candidates.slice(0, 1)); // "A volcano is an opening where molten rock escapes."
 */
export function draftRow(kind: Kind, ctx: DraftContext): Draft {
  const { pack, topic, bucket, rng } = ctx;
  const P = pack.prompts;
  const vars = { about: topic.about, why: topic.why };
  const facts = rng.shuffle([...topic.facts]);
  // Reasons read as facts too; they come last, so only long answers on short topics reach them.
  const points = [...facts, ...topic.reasons];
  switch (kind) {
    case 'qa':
      return {
        prompt: request(fill(rng.pick(P.qa), vars), ctx, true),
        candidates: [topic.gist, ...points],
        render: proseFor(ctx, topic.gist),
      };
    case 'explain':
      return {
        prompt: request(fill(rng.pick(P.explain), vars), ctx, true),
        candidates: bucket === 'concise' ? [topic.reasons[0]!] : [...topic.reasons, ...facts],
        render: proseFor(ctx, topic.reasons[0]!),
      };
    case 'list': {
      const keywords = bucket === 'concise';
      const intro = ctx.style === 'Informal'
        ? rng.pick(pack.listIntro.Informal)
        : rng.chance(0.5) ? rng.pick(pack.listIntro.Formal) : undefined;
      return {
        prompt: request(fill(rng.pick(keywords ? P.keywords : P.list), vars), ctx, !keywords),
        candidates: keywords ? [...topic.keywords] : points,
        render: renderList(intro, rng.chance(0.4)),
        greedy: keywords,
      };
    }
    case 'json': {
      const k = pack.jsonKeys;
      if (bucket === 'concise') {
        return {
          prompt: fill(rng.pick(P.jsonKeywords), vars),
          candidates: [...topic.keywords],
          render: renderJson([[k.topic, topic.name]], k.keywords, true),
          greedy: true,
        };
      }
      return {
        prompt: fill(rng.pick(P.json), vars),
        candidates: points,
        render: renderJson([[k.topic, topic.name], [k.field, pack.domainLabels[topic.domain]]], k.facts, false),
      };
    }
    case 'table':
      return { prompt: fill(rng.pick(P.table), vars), candidates: points, render: renderTable(pack.tableHeader) };
    case 'summary': {
      // A summary is shorter than its passage: the gist, plus a few of the passage's points.
      const passage = facts.slice(0, 4 + rng.int(2));
      return {
        prompt: fill(rng.pick(P.summary), { ...vars, text: passage.join(' ') }),
        candidates: bucket === 'concise' ? [topic.gist] : [topic.gist, ...passage.slice(0, 3)],
        render: renderProse({}),
      };
    }
    case 'poem': {
      const lines = rng.shuffle([...pack.poemLines]);
      return {
        prompt: fill(rng.pick(P.poem), vars),
        candidates: [topic.images[0]!, lines[0]!, topic.images[1]!, ...lines.slice(1)],
        render: renderPoem(),
      };
    }
    case 'classify': {
      const label = pack.domainLabels[topic.domain];
      const template = rng.pick(pack.classifyAnswers);
      const answer = fill(template, { label });
      return {
        prompt: fill(rng.pick(P.classify), { text: rng.pick(topic.facts) }),
        candidates: [template.startsWith('{label}') ? upperFirst(answer) : answer],
        render: renderProse({}),
      };
    }
  }
}

/** Prose with the register of the context; `first` is the unit a concise answer will consist of. */
function proseFor(ctx: DraftContext, first: string): Render {
  const { pack, bucket, rng } = ctx;
  if (ctx.style !== 'Informal') return renderProse({ paragraphs: bucket === 'long' && rng.chance(0.5) });
  // A concise answer has room for a short opener only; if none fits, the fitter fails and the
  // generator writes the row formally.
  const fitting = pack.openers.filter((o) => withinFitLimit(`${o} ${first}`, bucket));
  const opener = rng.pick(fitting.length > 0 ? fitting : pack.openers);
  const closer = bucket !== 'concise' && rng.chance(0.5) ? rng.pick(pack.closers) : undefined;
  return renderProse({ opener, closer, paragraphs: bucket === 'long' && rng.chance(0.5) });
}

/** Finish a request: maybe state the length wanted, maybe open casually when informal. */
function request(base: string, ctx: DraftContext, allowHint: boolean): string {
  const { pack, bucket, rng } = ctx;
  let prompt = base;
  if (allowHint && rng.chance(HINT_RATE)) prompt += ` ${rng.pick(pack.hints[bucket])}`;
  if (ctx.style === 'Informal' && rng.chance(INFORMAL_PROMPT_RATE)) {
    const prefix = rng.pick(pack.informalPrefixes);
    // After "Hey, " or "Quick question: " the request continues mid-sentence.
    prompt = prefix + (/[,:]\s$/.test(prefix) ? lowerFirst(prompt) : prompt);
  }
  return prompt;
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);
}

function upperFirst(text: string): string {
  return text.replace(/\p{L}/u, (c) => c.toLocaleUpperCase());
}

function lowerFirst(text: string): string {
  return text.replace(/\p{L}/u, (c) => c.toLocaleLowerCase());
}
