/**
 * Shapes of the varied dataset's word banks. One `LanguagePack` per language holds everything the
 * generator writes in that language: topics with their facts, prompt templates, and the small phrases
 * that make style and format visible. The generator never writes a word of its own, so every
 * language reads as that language and nothing else.
 */
import type { LENGTH_BUCKETS } from '../../markers/taxonomy';

export type VariedLang = 'English' | 'French' | 'Spanish' | 'German' | 'Italian';
export type VariedDomain = 'Sciences' | 'Technology' | 'Culture' | 'Medical' | 'Legal';
export type LengthBucket = (typeof LENGTH_BUCKETS)[number];

/**
 * One subject (volcanoes, contracts …) in one language. Ids are shared across languages so the same
 * subject can be compared between them.
 */
export interface Topic {
  id: string;
  domain: VariedDomain;
  /** Title form, used as the JSON `topic` value: "Volcanoes", "Les volcans". */
  name: string;
  /** Prepositional phrase that follows a request verb: "about volcanoes", "sur les volcans". */
  about: string;
  /** One sentence of ≤ 60 characters: the concise answer and the one-line summary. */
  gist: string;
  /** Three key terms, each starting with a capital letter. */
  keywords: string[];
  /** Five sentences of roughly 45–110 characters. */
  facts: string[];
  /** Clause that completes "Explain why …": "volcanoes erupt". */
  why: string;
  /** Three sentences answering `why`; the first is ≤ 75 characters so it can stand alone. */
  reasons: string[];
  /** Two short poem lines about the topic, ending in punctuation. */
  images: string[];
}

/** Prompt templates per kind of request. Placeholders: {about}, {why}, {text}. */
export interface PromptBank {
  qa: string[];
  explain: string[];
  list: string[];
  keywords: string[];
  json: string[];
  jsonKeywords: string[];
  table: string[];
  summary: string[];
  poem: string[];
  classify: string[];
}

export interface LanguagePack {
  lang: VariedLang;
  topics: Topic[];
  prompts: PromptBank;
  /** Optional sentence appended to a prompt that states the wanted length. */
  hints: Record<LengthBucket, string[]>;
  /** Casual lead-ins for informal prompts. After "," or ":" the prompt continues in lower case. */
  informalPrefixes: string[];
  /** Informal openers of a completion; each contains "!" so informality is visible in the text. */
  openers: string[];
  /** Informal closing remarks. */
  closers: string[];
  /** Line before a bulleted list. */
  listIntro: { Formal: string[]; Informal: string[] };
  jsonKeys: { topic: string; field: string; facts: string; keywords: string };
  /** Column headers of the Markdown table of facts. */
  tableHeader: [string, string];
  /** What the language calls each domain (JSON `field`, classification answers). */
  domainLabels: Record<VariedDomain, string>;
  /** Classification answers; {label} is the domain label, capitalised when it opens the sentence. */
  classifyAnswers: string[];
  /** Topic-neutral poem lines, each ≤ 50 characters and ending in punctuation. */
  poemLines: string[];
}
