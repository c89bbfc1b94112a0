/**
 * The built-in teaching set, designed to be learned in minutes by a browser-sized model (2 layers,
 * 64 wide, context 256, a 2,000-merge BPE vocabulary): a closed vocabulary per language (a few hundred
 * words), sentence templates with slots, and parallel translations, so the text varies but the language
 * is the main thing that changes its surface. Every marker is measurable back from the text (length
 * bucket by characters, format by parsing, language by identification, quality by counting defects),
 * and every row — prompt, both full marker blocks and completion — fits 0.9 × 256 BPE tokens: no
 * windowing (a character tokenizer windows the long answers).
 *
 * The method's long tails stay: English ≈ 50 % of rows, Italian ≈ 4.5 % (under the 5 % that makes a tail); Medical and Legal ≈ 5 and 3 %;
 * tables ≈ 3 %. A fifth of prompts are written in another language than the answer (a third for
 * Italian), so the `lang` marker, not the prompt, decides the answer's language; half the list and JSON
 * answers and three tables in four answer a prompt that names no format, so the `format` marker, not the
 * prompt's wording, decides the format; half the Medical and Legal rows are about a topic of Sciences or
 * Technology, so the `domain` marker, not the topic, decides the domain. The rare values are the ones
 * whose marker carries the most the prompt does not: the paper's long tail, targeted by its markers.
 *
 * 5,000 rows: about 225 in Italian (≈ 75 per length bucket) and 150 in Legal, enough for the tail to
 * be learnable with its marker. Every row depends only on (seed, index), so the set is identical in
 * Node, the browser and a worker.
 */
import type { Row } from '../types';
import { createRng, deriveSeed, type Rng } from '../../util/rng';
import { wordsOf } from '../../markers/measure';
import { DE } from './teaching-lexicon-de';
import { EN } from './teaching-lexicon-en';
import { ES } from './teaching-lexicon-es';
import { FR } from './teaching-lexicon-fr';
import { IT } from './teaching-lexicon-it';
import {
  applyDefects, DEFECTS, inLengthRange, qualityOf, renderAnswer, sentencesFor, type AnswerFormat, type Defect,
} from './teaching-write';
import {
  TEACHING_ENTITIES, type LengthBucket, type PromptKind, type TeachingDomain, type TeachingLang, type TeachingLexicon,
} from './teaching-types';

export const TEACHING_LEXICONS: Readonly<Record<TeachingLang, TeachingLexicon>> = {
  English: EN, French: FR, Spanish: ES, German: DE, Italian: IT,
};

/** Long-tailed: one head language and a rare one (Italian) to target with its marker. */
export const TEACHING_LANG_WEIGHTS: Readonly<Record<TeachingLang, number>> = {
  English: 0.5, French: 0.22, Spanish: 0.155, German: 0.08, Italian: 0.045,
};

/** Three common domains and two rare ones (< 5 %), like the paper's tail domains. */
export const TEACHING_DOMAIN_WEIGHTS: Readonly<Record<TeachingDomain, number>> = {
  Sciences: 0.31, Technology: 0.3, Culture: 0.31, Medical: 0.05, Legal: 0.03,
};

/**
 * Share of prompts written in another language than the answer. At 15 % the demo model still wrote
 * Italian answers to prompts in other languages in the prompt's language one time in five.
 */
export const CROSS_LINGUAL_RATE = 0.2;

/**
 * The same share for answers in the rare language: at 20 % (about 45 of its 225 rows) the demo model
 * wrote Italian under prompts in other languages 84–92 % of the time; the marker is the only way to
 * reach a rare language from a prompt in another, so its rows teach that more often.
 */
export const RARE_CROSS_LINGUAL_RATE = 0.35;

/**
 * Rare domains share their topics: with this chance a Medical row is about an entity of Sciences and a
 * Legal row about one of Technology ("Tell me about the train." answered "The train follows strict
 * rules…"). The prompt then does not tell the domain; only the `domain` marker does, which is how a
 * rare domain is targeted in the paper. When every Legal row was about a legal entity, the prompt named
 * the domain, the marker carried nothing, and markers helped rare domains less than common ones.
 */
export const SHARED_TOPIC_RATE = 0.5;
export const SHARED_TOPICS: Readonly<Partial<Record<TeachingDomain, TeachingDomain>>> = { Medical: 'Sciences', Legal: 'Technology' };

/**
 * Share of list, JSON and table answers whose prompt names no format (a question or explanation
 * prompt). When every list answered "Give me a list…", the model learned the format from the prompt
 * and ignored the marker: asked for JSON on other prompts, 7 % of its answers were JSON.
 */
export const NEUTRAL_PROMPT_RATE = 0.5;

/** The same share for the rare format (tables): mostly reached through its marker, as a rare value is. */
export const RARE_NEUTRAL_PROMPT_RATE = 0.75;

export interface KindSpec {
  task: 'QuestionAnswering' | 'Explanation' | 'InformationExtraction';
  /** undefined for prose: the taxonomy has no value for it. */
  format?: 'Enumeration' | 'JSON' | 'Tabular';
  answer: AnswerFormat;
  weight: number;
  /** A list needs two items to be a list; a table's frame leaves no room for a concise one. */
  buckets: readonly LengthBucket[];
}

/** Prose dominates, lists and JSON are common, the table is a rare (≈ 3 %) format to target. */
export const TEACHING_KINDS: Readonly<Record<PromptKind, KindSpec>> = {
  qa: { task: 'QuestionAnswering', answer: 'prose', weight: 0.4, buckets: ['concise', 'medium', 'long'] },
  explain: { task: 'Explanation', answer: 'prose', weight: 0.2, buckets: ['concise', 'medium', 'long'] },
  list: { task: 'QuestionAnswering', format: 'Enumeration', answer: 'list', weight: 0.2, buckets: ['medium', 'long'] },
  json: { task: 'InformationExtraction', format: 'JSON', answer: 'json', weight: 0.17, buckets: ['concise', 'medium', 'long'] },
  table: { task: 'InformationExtraction', format: 'Tabular', answer: 'table', weight: 0.03, buckets: ['medium', 'long'] },
};

/** Number of defects in an answer (0 … 3) and their shares: most answers are clean. */
const DEFECT_COUNT_WEIGHTS = [0.5, 0.25, 0.15, 0.1];

/**
 * Most characters of prompt + completion in one row. With both full blocks (36 tokens each with a
 * format) and BOS/SEP/EOS, a row of 300 characters stays under 0.9 × 256 tokens of the 2,000-merge BPE
 * the demo uses (a test measures the longest row).
 */
export const MAX_TEXT_CHARS = 300;

/** Draws of sentences before the generator gives up (a test shows it never does with seed 1). */
const ATTEMPTS = 600;
/** After this many draws, only the shortest sentences are drawn: long JSON and table answers need them. */
const SHORT_AFTER = 150;
const SHORT_POOL = 7;

export interface TeachingOptions {
  /** Same seed → identical rows. Default 1. */
  seed?: number;
  /** Number of rows. Default 5000. */
  rows?: number;
  /** Write defects where the quality score says so (default). `false`: every answer clean, quality 1.0. */
  defects?: boolean;
}

const LANGS = Object.keys(TEACHING_LANG_WEIGHTS) as TeachingLang[];
const LANG_W = LANGS.map((l) => TEACHING_LANG_WEIGHTS[l]);
const DOMAINS = Object.keys(TEACHING_DOMAIN_WEIGHTS) as TeachingDomain[];
const DOMAIN_W = DOMAINS.map((d) => TEACHING_DOMAIN_WEIGHTS[d]);
const KINDS = Object.keys(TEACHING_KINDS) as PromptKind[];
const KIND_W = KINDS.map((k) => TEACHING_KINDS[k].weight);

/**
 * Generate the teaching set. Deterministic: the same options give identical rows.
 * Markers set here: domain, task, format (not for prose), lang (the answer's), length_bucket and
 * quality. Length counts and quality_bucket are left to annotation. `source` is not set: it would
 * always be Synthetic, and a marker with one value teaches nothing.
 *
 * @example
 * const rows = generateTeachingDataset({ seed: 1 });
 * rows[0].id;                    // "teaching:0"
 * rows[0].markers.length_bucket; // "concise" | "medium" | "long"
 */
export function generateTeachingDataset(options: TeachingOptions = {}): Row[] {
  const { seed = 1, rows = 5000, defects = true } = options;
  const out = new Array<Row>(rows);
  for (let i = 0; i < rows; i++) out[i] = teachingRow(i, seed, defects);
  return out;
}

/**
 * One row of the teaching set, by index; equal to `generateTeachingDataset({ seed })[index]`.
 *
 * @example
 * teachingRow(41, 1).id; // "teaching:41"
 */
export function teachingRow(index: number, seed = 1, defects = true): Row {
  const rng = createRng(deriveSeed(seed, 'teaching-learnable', index));
  const lang = rng.weighted(LANGS, LANG_W);
  const crossRate = lang === 'Italian' ? RARE_CROSS_LINGUAL_RATE : CROSS_LINGUAL_RATE;
  const promptLang = rng.chance(crossRate) ? rng.weighted(LANGS.filter((l) => l !== lang), LANG_W.filter((_, i) => LANGS[i] !== lang)) : lang;
  const domain = rng.weighted(DOMAINS, DOMAIN_W);
  // Only rare-domain rows draw once more, so every other row is the same as before topics were shared.
  const partner = SHARED_TOPICS[domain];
  const entity = rng.pick(TEACHING_ENTITIES[partner !== undefined && rng.chance(SHARED_TOPIC_RATE) ? partner : domain]);
  const kind = rng.weighted(KINDS, KIND_W);
  const spec = TEACHING_KINDS[kind];
  const bucket = rng.pick(spec.buckets);
  const neutralRate = kind === 'table' ? RARE_NEUTRAL_PROMPT_RATE : NEUTRAL_PROMPT_RATE;
  const promptKinds: readonly PromptKind[] = spec.format && rng.chance(neutralRate) ? ['qa', 'explain'] : [kind];
  const defectCount = defects ? rng.weighted([0, 1, 2, 3], DEFECT_COUNT_WEIGHTS) : 0;

  const lex = TEACHING_LEXICONS[lang];
  const promptLex = TEACHING_LEXICONS[promptLang];
  const sentences = sentencesAbout(lex, domain, entity);
  const shortest = [...sentences].sort((a, b) => a.first.length + a.later.length - b.first.length - b.later.length).slice(0, SHORT_POOL);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const prompt = fill(rng.pick(promptLex.prompts[rng.pick(promptKinds)]), promptLex, domain, entity);
    const units = pickSentences(attempt < SHORT_AFTER ? sentences : shortest, sentencesFor(spec.answer, bucket), rng);
    // The last draws write the answer cleanly: a doubled word can be what pushes it out of its range.
    const allowed = attempt < ATTEMPTS - SHORT_AFTER ? defectCount : 0;
    const kinds = rng.shuffle(DEFECTS.filter((d) => d !== 'repeat' || units.length >= 2)).slice(0, allowed);
    const completion = renderAnswer(applyDefects(units, kinds, rng), spec.answer, lex);
    if (!inLengthRange(completion, bucket) || prompt.length + completion.length > MAX_TEXT_CHARS) continue;
    const markers: Record<string, string> = { domain, task: spec.task };
    if (spec.format) markers.format = spec.format;
    markers.lang = lang;
    markers.length_bucket = bucket;
    markers.quality = qualityOf(kinds.length);
    // The prompt's language, for evaluation (held-out prompts per language); it is not a marker.
    return { id: `teaching:${index}`, prompt, completion, markers, meta: { prompt_lang: promptLang } };
  }
  throw new Error(`teaching: no ${bucket} ${kind} answer fits for ${lang}/${entity} (row ${index})`);
}

/** The sentences an answer about an entity may use, each as [first-sentence form, later form]. */
export interface SentenceForms {
  /** "The Moon has a long history." */
  first: string;
  /** "It has a long history." (same as `first` for frames, which have their own subject) */
  later: string;
}

/**
 * Every sentence of a lexicon about one entity of a domain: its predicates, then the frames. The list
 * is parallel across languages: index i is the same sentence translated.
 *
 * @example
 * sentencesAbout(EN, 'Sciences', 'moon')[0]; // { first: 'The Moon changes with the seasons.', later: 'It changes with the seasons.' }
 */
export function sentencesAbout(lex: TeachingLexicon, domain: TeachingDomain, entity: string): SentenceForms[] {
  const forms = lex.entities[entity];
  if (!forms) throw new Error(`teaching: ${lex.lang} has no entity "${entity}"`);
  const predicates = [...lex.predicates[domain], ...lex.predicates.Any];
  return [
    ...predicates.map((p) => ({
      first: upperFirst(`${forms.S} ${p}.`),
      later: upperFirst(forms.P === '' ? `${p}.` : `${forms.P} ${p}.`),
    })),
    ...lex.frames.map((f) => {
      const s = upperFirst(fill(f, lex, domain, entity));
      return { first: s, later: s };
    }),
  ];
}

/** `n` distinct sentences; the first names the entity, the later ones may use its pronoun. */
function pickSentences(all: readonly SentenceForms[], n: number, rng: Rng): string[] {
  const order = rng.shuffle(all.map((_, i) => i)).slice(0, n);
  return order.map((i, k) => (k === 0 ? all[i]!.first : all[i]!.later));
}

/**
 * Fill {S} {O} {A} {P} {E} of a template with one entity's forms in a lexicon.
 *
 * @example
 * fill(EN.prompts.qa[0], EN, 'Sciences', 'moon'); // "Tell me about the Moon."
 */
export function fill(template: string, lex: TeachingLexicon, domain: TeachingDomain, entity: string): string {
  const forms = lex.entities[entity]!;
  const slots: Record<string, string> = { ...forms, E: lex.experts[domain] };
  return template.replace(/\{([SOAPE])\}/g, (_, k: string) => slots[k]!);
}

function upperFirst(text: string): string {
  return text.replace(/\p{L}/u, (c) => c.toLocaleUpperCase());
}

/**
 * The words of the teaching set per language (lower-cased, as `wordsOf` splits them): every word a
 * prompt or an answer of that language can contain. For a readability measure: the share of a
 * generated text's words that are words of the data.
 *
 * @example
 * teachingVocabulary().get('French')?.has('lune'); // true
 */
export function teachingVocabulary(): Map<TeachingLang, Set<string>> {
  const out = new Map<TeachingLang, Set<string>>();
  for (const lang of LANGS) {
    const lex = TEACHING_LEXICONS[lang];
    const words = new Set<string>();
    const add = (text: string): void => {
      for (const w of wordsOf(text)) words.add(w);
    };
    for (const domain of DOMAINS) {
      for (const entity of TEACHING_ENTITIES[domain]) {
        for (const s of sentencesAbout(lex, domain, entity)) add(`${s.first} ${s.later}`);
        for (const kind of KINDS) for (const p of lex.prompts[kind]) add(fill(p, lex, domain, entity));
      }
    }
    add(lex.tableHeader);
    out.set(lang, words);
  }
  return out;
}
