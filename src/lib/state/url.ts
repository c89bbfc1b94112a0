/**
 * What a link reproduces: the view, the dataset, the training settings, the marker toggles and the
 * sampling settings (never weights). Pure: `readUrlState(location.search)` on load,
 * `writeUrlState(state)` after every change (history.replaceState, so Back leaves the app).
 *
 * Parameters: view, data, preset, steps, batch, lr, dd, sd (dropout X and Y), m.<category>=value
 * (one per set marker), mode, prompt, t (temperature), k (top-k, 0 = off), p (top-p, 1 = off),
 * seed. Defaults and limits come from the settings schema (src/lib/settings). A value that does not
 * parse falls back to its default, so an old or hand-edited link still opens the app; `onProblem`
 * hears why, in the same words the form and the CLI use.
 *
 * @example
 * readUrlState('?view=play&m.lang=French&t=0.7').markers;   // { lang: 'French' }
 * writeUrlState({ ...DEFAULT_URL_STATE, view: 'train' });    // '?view=train'
 */
import type { PresetName } from '../model/config';
import { DROPOUT, parseSetting, SAMPLING, STEER_MODE, TRAINING, TRAINING_CHOICES, type NumberSetting } from '../settings';

export const VIEWS = ['play', 'data', 'train', 'compare', 'experiments', 'arbitrage'] as const;
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
  preset: TRAINING_CHOICES.preset.default,
  steps: TRAINING.steps.default,
  batchSize: TRAINING.batchSize.default,
  lr: TRAINING.lr.default,
  datasetDropout: DROPOUT.datasetRate.default,
  sampleDropout: DROPOUT.sampleRate.default,
  markers: Object.freeze({}) as Record<string, string>,
  mode: STEER_MODE.default,
  prompt: '',
  temperature: SAMPLING.temperature.default,
  topK: SAMPLING.topK.default,
  topP: SAMPLING.topP.default,
  seed: SAMPLING.seed.default,
});

/** The numeric fields of a link and the setting each one is. */
const NUMBERS = {
  steps: TRAINING.steps, batchSize: TRAINING.batchSize, lr: TRAINING.lr,
  datasetDropout: DROPOUT.datasetRate, sampleDropout: DROPOUT.sampleRate,
  temperature: SAMPLING.temperature, topK: SAMPLING.topK, topP: SAMPLING.topP, seed: SAMPLING.seed,
} as const satisfies Partial<Record<keyof UrlState, NumberSetting & { url: string }>>;

/** Longest prompt kept in a link (longer prompts are cut, links stay shareable). */
export const MAX_URL_PROMPT = 500;
const MAX_NAME = 64;

/**
 * The state a query string describes; a refused value keeps its default and is reported to `onProblem`.
 *
 * @example
 * readUrlState('?lr=5', (key, message) => console.warn(key, message)).lr; // the default; warns lr 'Learning rate must be …'
 */
export function readUrlState(search: string, onProblem?: (key: string, message: string) => void): UrlState {
  const q = new URLSearchParams(search);
  const d = DEFAULT_URL_STATE;
  const num = (field: keyof typeof NUMBERS): number => {
    const setting = NUMBERS[field];
    const raw = q.get(setting.url);
    if (raw === null || raw.trim() === '') return d[field];
    const parsed = parseSetting(setting, raw);
    if (parsed.ok) return parsed.value;
    onProblem?.(setting.url, parsed.message);
    return d[field];
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
    preset: oneOf('preset', TRAINING_CHOICES.preset.options, d.preset),
    steps: num('steps'),
    batchSize: num('batchSize'),
    lr: num('lr'),
    datasetDropout: num('datasetDropout'),
    sampleDropout: num('sampleDropout'),
    markers,
    mode: oneOf('mode', STEER_MODE.options, d.mode),
    prompt: (q.get('prompt') ?? d.prompt).slice(0, MAX_URL_PROMPT),
    temperature: num('temperature'),
    topK: num('topK'),
    topP: num('topP'),
    seed: num('seed'),
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
  for (const field of ['steps', 'batchSize', 'lr', 'datasetDropout', 'sampleDropout'] as const) put(NUMBERS[field].url, state[field], d[field]);
  for (const name of Object.keys(state.markers).sort()) {
    const value = state.markers[name];
    if (value !== undefined && value !== '') q.append(`m.${name}`, value);
  }
  put('mode', state.mode, d.mode);
  put('prompt', state.prompt.slice(0, MAX_URL_PROMPT), d.prompt);
  for (const field of ['temperature', 'topK', 'topP', 'seed'] as const) put(NUMBERS[field].url, state[field], d[field]);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
