/**
 * Shapes of the teaching set's word banks. One `TeachingLexicon` per language holds every word the
 * generator writes in it; the banks are PARALLEL: entry i of a list in one language translates entry
 * i of the same list in every other (a test checks that the lists line up and use the same slots).
 *
 * Slots, filled from the entity of the row (articles and case live in the fillers, per syntactic role,
 * so no template has to agree with a gender):
 *   {S} the entity as subject ("the Moon", "la Lune", "der Mond"), capitalised at a sentence start;
 *   {P} the subject pronoun ("it", "elle", "er"; empty where the language drops it: Spanish, Italian);
 *   {O} the entity as direct object ("den Mond");
 *   {A} a phrase "about the entity" ("sur la Lune", "über den Mond", "sulla Luna");
 *   {E} the experts of the row's domain ("Scientists", "Les médecins", "Juristen").
 */
import type { LENGTH_BUCKETS } from '../../markers/taxonomy';

export type TeachingLang = 'English' | 'French' | 'Spanish' | 'German' | 'Italian';
export type TeachingDomain = 'Sciences' | 'Technology' | 'Culture' | 'Medical' | 'Legal';
export type LengthBucket = (typeof LENGTH_BUCKETS)[number];

/** The kinds of request; each has its task, format and prompts. */
export type PromptKind = 'qa' | 'explain' | 'list' | 'json' | 'table';

/** Entities per domain, by id; every lexicon names each of them. Three common domains, two rare. */
export const TEACHING_ENTITIES: Readonly<Record<TeachingDomain, readonly string[]>> = {
  Sciences: ['moon', 'sun', 'ocean', 'rain', 'forest'],
  Technology: ['computer', 'bridge', 'train', 'phone', 'robot'],
  Culture: ['music', 'theatre', 'painting', 'library', 'cinema'],
  Medical: ['heart', 'sleep', 'vaccine'],
  Legal: ['contract', 'court', 'law'],
};

/** One entity in one language, one form per syntactic role (see the module comment). */
export interface EntityForms {
  S: string;
  O: string;
  A: string;
  /** '' in pro-drop languages: the sentence then starts with its verb. */
  P: string;
}

/**
 * A sentence template: "{S} has a long history." (subject sentences, which take {P} instead of {S}
 * after the first sentence of an answer) or a frame with its own subject ("{E} study {O} closely.").
 */
export interface TeachingLexicon {
  lang: TeachingLang;
  entities: Readonly<Record<string, EntityForms>>;
  experts: Readonly<Record<TeachingDomain, string>>;
  /** Predicates of a subject: "{S} " + predicate + ".". Per domain, plus `Any` for every domain. */
  predicates: Readonly<Record<TeachingDomain | 'Any', readonly string[]>>;
  /** Whole sentences with {O}, {A} or {E}; they fit every domain. */
  frames: readonly string[];
  /** Requests per kind, with {A}. */
  prompts: Readonly<Record<PromptKind, readonly string[]>>;
  /** Header of the table answers' second column (the first is "#"). */
  tableHeader: string;
}
