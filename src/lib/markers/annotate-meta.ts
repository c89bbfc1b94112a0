/**
 * Marker values from a dataset's own metadata (`row.meta`), for `source`, `domain`, `task`, `style`
 * and any user-defined categorical category. A metadata value is matched to the taxonomy's values
 * ignoring case, spaces, `_` and `-` ("question_answering" → QuestionAnswering), then through common
 * synonyms ("qa", "medicine", "human-written"). A value that matches nothing is reported, never guessed.
 */
import type { CategoricalCategory } from './taxonomy';

/** Metadata keys read for a category, besides the category's own name. */
const KEY_ALIASES: ReadonlyMap<string, readonly string[]> = new Map(Object.entries({
  source: ['origin', 'data_source'],
  domain: ['topic', 'subject', 'field'],
  task: ['task_type', 'tasktype', 'task_category'],
  style: ['register', 'tone'],
}));

/** Keys whose value is a quality score (higher is better). */
export const QUALITY_META_KEYS: readonly string[] = ['quality', 'score', 'reward', 'rating'];

/** Normalised synonym → taxonomy value. Keys are written normalised (lower case, letters and digits). */
const SYNONYMS: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map(Object.entries({
  task: {
    qa: 'QuestionAnswering', question: 'QuestionAnswering', questions: 'QuestionAnswering',
    openqa: 'QuestionAnswering', closedqa: 'QuestionAnswering', generalqa: 'QuestionAnswering',
    brainstorming: 'OpenEnded', brainstorm: 'OpenEnded', open: 'OpenEnded', generation: 'OpenEnded', chat: 'OpenEnded',
    explain: 'Explanation', classify: 'Classification',
    translate: 'Translation', mt: 'Translation', machinetranslation: 'Translation',
    creative: 'CreativeWriting', story: 'CreativeWriting', poem: 'CreativeWriting', poetry: 'CreativeWriting',
    extraction: 'InformationExtraction', ie: 'InformationExtraction',
    summarize: 'Summarization', summarise: 'Summarization', summary: 'Summarization', summarisation: 'Summarization',
    rewriting: 'Rewrite', paraphrase: 'Rewrite', paraphrasing: 'Rewrite', editing: 'Rewrite',
    logic: 'Reasoning', codegen: 'CodeGeneration', coding: 'CodeGeneration', programming: 'CodeGeneration',
    debugging: 'CodeFix', bugfix: 'CodeFix', debug: 'CodeFix', codereview: 'CodeFix',
  },
  domain: {
    medicine: 'Medical', health: 'Medical', healthcare: 'Medical', clinical: 'Medical', biomedical: 'Medical',
    law: 'Legal', legislation: 'Legal',
    financial: 'Finance', banking: 'Finance', business: 'Finance', economics: 'Finance', accounting: 'Finance',
    science: 'Sciences', physics: 'Sciences', chemistry: 'Sciences', biology: 'Sciences', stem: 'Sciences',
    tech: 'Technology', it: 'Technology', computing: 'Technology', engineering: 'Technology',
    socialscience: 'SocialSciences', sociology: 'SocialSciences', psychology: 'SocialSciences',
    politics: 'SocialSciences', politicalscience: 'SocialSciences', education: 'SocialSciences',
    arts: 'Culture', art: 'Culture', literature: 'Culture', music: 'Culture', history: 'Culture',
    religion: 'Culture', entertainment: 'Culture', sports: 'Culture', sport: 'Culture',
    general: 'Unspecified', misc: 'Unspecified', other: 'Unspecified', none: 'Unspecified',
    chat: 'Conversation', dialogue: 'Conversation', dialog: 'Conversation', chitchat: 'Conversation', smalltalk: 'Conversation',
    coding: 'Code', programming: 'Code', software: 'Code',
    maths: 'Math', mathematics: 'Math', arithmetic: 'Math', algebra: 'Math', geometry: 'Math',
  },
  source: {
    humanwritten: 'Human', humans: 'Human', manual: 'Human', crowdsourced: 'Human', annotated: 'Human',
    humanannotated: 'Human', expert: 'Human', native: 'Human',
    translated: 'Translation', mt: 'Translation', machinetranslated: 'Translation', machinetranslation: 'Translation',
    generated: 'Synthetic', llm: 'Synthetic', model: 'Synthetic', modelgenerated: 'Synthetic',
    machinegenerated: 'Synthetic', aigenerated: 'Synthetic', distilled: 'Synthetic',
    other: 'Others', misc: 'Others', unknown: 'Others',
  },
  style: {
    casual: 'Informal', colloquial: 'Informal', conversational: 'Informal', chatty: 'Informal',
    professional: 'Formal', academic: 'Formal',
    other: 'Custom',
  },
}).map(([category, table]) => [category, new Map(Object.entries(table))]));

/** What metadata says about one category of one row. */
export type MetaMatch =
  | { kind: 'none' }
  | { kind: 'value'; value: string }
  | { kind: 'unknown'; raw: string };

/**
 * Read `category` from a row's metadata and map it to one of the category's values.
 *
 * @example
 * const task = getCategory(defaultTaxonomy(), 'task') as CategoricalCategory;
 * matchMetadata(task, { task: 'open_qa' })  // → { kind: 'value', value: 'QuestionAnswering' }
 * matchMetadata(task, { Task: 'juggling' }) // → { kind: 'unknown', raw: 'juggling' }
 */
export function matchMetadata(category: CategoricalCategory, meta: Readonly<Record<string, string>> | undefined): MetaMatch {
  const raw = metaValue(meta, [category.name, ...(KEY_ALIASES.get(category.name) ?? [])]);
  if (raw === undefined) return { kind: 'none' };
  const key = normalise(raw);
  const direct = category.values.find((v) => normalise(v) === key);
  if (direct !== undefined) return { kind: 'value', value: direct };
  const synonym = SYNONYMS.get(category.name)?.get(key);
  if (synonym !== undefined && category.values.includes(synonym)) return { kind: 'value', value: synonym };
  return { kind: 'unknown', raw };
}

/**
 * The quality score in metadata (`quality`, `score`, `reward` or `rating`) as a decimal string.
 *
 * @example
 * qualityFromMeta({ score: ' 0.830 ' }) // → { kind: 'value', value: '0.83' }
 * qualityFromMeta({ score: 'good' })    // → { kind: 'unknown', raw: 'good' }
 */
export function qualityFromMeta(meta: Readonly<Record<string, string>> | undefined): MetaMatch {
  const raw = metaValue(meta, QUALITY_META_KEYS);
  if (raw === undefined) return { kind: 'none' };
  const n = Number(raw);
  return Number.isFinite(n) ? { kind: 'value', value: String(n) } : { kind: 'unknown', raw };
}

/** The first non-empty value among `keys`, keys compared ignoring case. */
function metaValue(meta: Readonly<Record<string, string>> | undefined, keys: readonly string[]): string | undefined {
  if (!meta) return undefined;
  for (const key of keys) {
    const wanted = key.toLowerCase();
    for (const [k, v] of Object.entries(meta)) {
      if (k.toLowerCase() === wanted && typeof v === 'string' && v.trim() !== '') return v.trim();
    }
  }
  return undefined;
}

/** Lower case, letters and digits only: "Question-Answering", "question_answering" → "questionanswering". */
function normalise(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}
