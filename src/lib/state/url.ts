/**
 * What a link reproduces: the view, the dataset, the training settings, the marker toggles and the
 * sampling settings (never weights). Pure: `readUrlState(location.search)` on load,
 * `writeUrlState(state)` after every change (history.replaceState, so Back leaves the app).
 *
 * Parameters: view, data, preset, steps, batch, lr, dd, sd (dropout X and Y), m.<category>=value
 * (one per set marker), mode, prompt, t (temperature), k (top-k, 0 = off), p (top-p, 1 = off),
 * seed. A value that does not parse falls back to its default: an old or hand-edited link still
 * opens the app.
 *
 * @example
 * readUrlState('?view=play&m.lang=French&t=0.7').markers;   // { lang: 'French' }
 * writeUrlState({ ...DEFAULT_URL_STATE, view: 'train' });    // '?view=train'
 */
import type { PresetName } from '../model/config';

export const VIEWS = ['play', 'data', 'train', 'compare', 'experiments'] as const;
export type View = (typeof VIEWS)[number];

export interface UrlState {
  view: View;
  dataset: string;
  preset: PresetName;
  steps: number;
  batchSize: number;
  lr: number;
  datasetDropout: number;
  sampleDropout: number;
  markers: Record<string, string>;
  mode: 'inferred' | 'fixed';
  prompt: string;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
}

export const DEFAULT_URL_STATE: Readonly<UrlState> = Object.freeze({
  view: 'play',
  dataset: 'teaching',
  preset: 'tiny',
  steps: 1000,
  batchSize: 16,
  lr: 3e-3,
  datasetDropout: 0.5,
  sampleDropout: 0.5,
  markers: Object.freeze({}) as Record<string, string>,
  mode: 'inferred',
  prompt: '',
  temperature: 0.8,
  topK: 0,
  topP: 1,
  seed: 0,
});

/** Longest prompt kept in a link (longer prompts are cut, links stay shareable). */
export const MAX_URL_PROMPT = 500;
const MAX_NAME = 64;
const PRESETS: readonly PresetName[] = ['nano', 'tiny', 'small'];

export function readUrlState(search: string): UrlState {
  const q = new URLSearchParams(search);
  const d = DEFAULT_URL_STATE;
  const num = (key: string, fallback: number, lo: number, hi: number, integer = false): number => {
    const raw = q.get(key);
    if (raw === null || raw.trim() === '') return fallback;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) return fallback;
    return v;
  };
  const oneOf = <T extends string>(key: string, options: readonly T[], fallback: T): T => {
    const raw = q.get(key);
    return raw !== null && (options as readonly string[]).includes(raw) ? (raw as T) : fallback;
  };
  const markers: Record<string, string> = {};
  for (const [key, value] of q) {
    if (!key.startsWith('m.')) continue;
    const name = key.slice(2);
    // Names Object.prototype has (__proto__, constructor, …) are never category names.
    if (/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) && !(name in Object.prototype) && value !== '' && value.length <= MAX_NAME && !Object.hasOwn(markers, name)) {
      markers[name] = value;
    }
  }
  const dataset = q.get('data');
  return {
    view: oneOf('view', VIEWS, d.view),
    dataset: dataset !== null && dataset !== '' && dataset.length <= MAX_NAME ? dataset : d.dataset,
    preset: oneOf('preset', PRESETS, d.preset),
    steps: num('steps', d.steps, 1, 1_000_000, true),
    batchSize: num('batch', d.batchSize, 1, 4096, true),
    lr: num('lr', d.lr, 1e-8, 1),
    datasetDropout: num('dd', d.datasetDropout, 0, 1),
    sampleDropout: num('sd', d.sampleDropout, 0, 1),
    markers,
    mode: oneOf('mode', ['inferred', 'fixed'] as const, d.mode),
    prompt: (q.get('prompt') ?? d.prompt).slice(0, MAX_URL_PROMPT),
    temperature: num('t', d.temperature, 0, 5),
    topK: num('k', d.topK, 0, 100_000, true),
    topP: num('p', d.topP, 0, 1),
    seed: num('seed', d.seed, -(2 ** 31), 2 ** 31 - 1, true),
  };
}

/** The query string for `state`; settings at their default are left out, so links stay short. */
export function writeUrlState(state: UrlState): string {
  const d = DEFAULT_URL_STATE;
  const q = new URLSearchParams();
  const put = (key: string, value: string | number, fallback: string | number): void => {
    if (value !== fallback) q.set(key, String(value));
  };
  put('view', state.view, d.view);
  put('data', state.dataset, d.dataset);
  put('preset', state.preset, d.preset);
  put('steps', state.steps, d.steps);
  put('batch', state.batchSize, d.batchSize);
  put('lr', state.lr, d.lr);
  put('dd', state.datasetDropout, d.datasetDropout);
  put('sd', state.sampleDropout, d.sampleDropout);
  for (const name of Object.keys(state.markers).sort()) {
    const value = state.markers[name];
    if (value !== undefined && value !== '') q.append(`m.${name}`, value);
  }
  put('mode', state.mode, d.mode);
  put('prompt', state.prompt.slice(0, MAX_URL_PROMPT), d.prompt);
  put('t', state.temperature, d.temperature);
  put('k', state.topK, d.topK);
  put('p', state.topP, d.topP);
  put('seed', state.seed, d.seed);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
