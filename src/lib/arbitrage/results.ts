/**
 * The results of an arbitrage run as one plain, versioned record: the pool, the prompts, every
 * scored answer, each router's choices, compositions and reward summary, and (for `--paper`) each
 * student's figures. `markerlab arbitrage` writes it as `results.json`; the Arbitrage view imports
 * it and re-routes the same answers live with `routeOutcome`, the function the CLI used, so the two
 * agree for the same seeds. Pure: no tf, no DOM.
 */
import type { LengthThresholds } from '../markers/annotate-dataset';
import { composition, type Composition, type RoutedItem } from './compositions';
import type { FixedTable } from './routers';
import type { LanguageFigures, GroupFigures } from './paper';
import {
  buildRouter, calibrate, routeScored, summariseRewards, type Calibration, type RewardSummary, type RouterSpec, type RoutingContext,
  type ScoredRoute, type StoredCandidate,
} from './plan';
import { REWARD_PARTS, type RewardWeights } from './reward';
import { targetLanguage, type ArbitragePrompt, type RouterKind } from './types';
import { errorMessage } from '../util/errors';

export const ARBITRAGE_RESULTS_VERSION = 1 as const;

export interface PoolEntry {
  name: string;
  /** Where it came from: a file name, or how --paper fine-tuned it. */
  about: string;
}

/** One router's set, summarised. */
export interface RouterOutcome {
  kind: RouterKind;
  spec: RouterSpec;
  description: string;
  table?: FixedTable;
  /** Per routed prompt, in prompt order: the teacher kept and why. */
  choices: Array<{ promptId: string; teacher: string; why: string }>;
  summary: RewardSummary;
  byLanguage: Composition;
  byDomain: Composition;
}

/** A student fine-tuned on one router's set (--paper). */
export interface StudentOutcome {
  router: RouterKind;
  /** The teacher the single router chose, when this is its student. */
  teacher?: string;
  steps: number;
  trainLoss: number | null;
  figures: LanguageFigures[];
  head: GroupFigures;
  tail: GroupFigures;
  trainMs: number;
  evalMs: number;
}

export interface ArbitrageResults {
  format: 'markerlab-arbitrage';
  formatVersion: typeof ARBITRAGE_RESULTS_VERSION;
  createdAt: string;
  pool: PoolEntry[];
  /** Routing context: the data's languages and the reward weights the CLI used. */
  languages: string[];
  weights: RewardWeights;
  tail: string[];
  /** The data's length rule: labels the routed set's length_bucket on export (absent in older files). */
  lengthRule?: LengthThresholds;
  /** How teachers were asked: steering mode and sampling settings. */
  sampling: { mode: 'fixed' | 'inferred'; temperature: number; maxTokens: number; seed: number };
  calibrationPrompts: ArbitragePrompt[];
  prompts: ArbitragePrompt[];
  candidates: StoredCandidate[];
  calibration?: Pick<Calibration, 'best' | 'means'>;
  routers: RouterOutcome[];
  students?: StudentOutcome[];
  /** Wall-clock milliseconds per stage. */
  timings: Record<string, number>;
  /** Settings of the run, for a reader (budgets, slices). */
  settings: Record<string, unknown>;
}

/** What a set is routed from: the answers and what routing needs. */
export interface RoutingInput {
  pool: readonly string[];
  context: RoutingContext;
  calibrationPrompts: readonly ArbitragePrompt[];
  prompts: readonly ArbitragePrompt[];
  candidates: readonly StoredCandidate[];
}

/**
 * Route the prompts with one router spec (calibrated on the calibration prompts when it needs it)
 * and summarise: choices, reward summary, compositions.
 *
 * @example
 * routeOutcome(input, { kind: 'fixed' }).byLanguage.groups[0]; // { value: 'English', shares: { english: 0.9, … } }
 */
export function routeOutcome(input: RoutingInput, spec: RouterSpec): { outcome: RouterOutcome; routed: ScoredRoute[] } {
  const calibration = input.calibrationPrompts.length > 0 ? calibrate(input.calibrationPrompts, input.candidates, input.pool, input.context) : undefined;
  const built = buildRouter(spec, input.pool, input.context, calibration);
  const routed = routeScored(input.prompts, built.router, input.candidates, input.context.weights);
  const { byLanguage, byDomain } = routedCompositions(routed, input.pool, input.context.languages);
  return {
    routed,
    outcome: {
      kind: spec.kind, spec, description: built.description, ...(built.table ? { table: built.table } : {}),
      choices: routed.map((r) => ({ promptId: r.prompt.id, teacher: r.choice.teacher, why: r.choice.why })),
      summary: summariseRewards(routed, input.context.languages), byLanguage, byDomain,
    },
  };
}

/**
 * Compositions straight from routed prompts: the language the prompt asks for and its domain, as
 * `compositions` reads them off arbitrageRows.
 */
export function routedCompositions(routed: readonly ScoredRoute[], pool: readonly string[], among: readonly string[]): { byLanguage: Composition; byDomain: Composition } {
  const items: RoutedItem[] = routed.map((r) => {
    const lang = targetLanguage(r.prompt, among);
    const domain = r.prompt.markers.domain;
    return { teacher: r.choice.teacher, ...(lang !== undefined ? { lang } : {}), ...(domain !== undefined ? { domain } : {}) };
  });
  return { byLanguage: composition(items, 'lang', pool), byDomain: composition(items, 'domain', pool) };
}

/** The routing input a results record holds. */
export function routingInputOf(results: ArbitrageResults, weights: RewardWeights = results.weights): RoutingInput {
  return {
    pool: results.pool.map((p) => p.name),
    context: { languages: results.languages, weights },
    calibrationPrompts: results.calibrationPrompts,
    prompts: results.prompts,
    candidates: results.candidates,
  };
}

export class ResultsError extends Error {
  override name = 'ResultsError';
}

/**
 * Parse and check a results file: the shape the view reads, with an error naming the field for
 * anything else (the file may come from anywhere).
 *
 * @example
 * readResults(await file.text(), file.name).pool.map((p) => p.name); // ['english', 'french-spanish', 'broad']
 */
export function readResults(text: string, source = 'results file'): ArbitrageResults {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ResultsError(`${source}: not JSON (${errorMessage(err)})`);
  }
  const fail = (field: string, why: string): never => {
    throw new ResultsError(`${source}, field "${field}": ${why}`);
  };
  const obj = (v: unknown, field: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'expected an object');
    return v as Record<string, unknown>;
  };
  const arr = (v: unknown, field: string): unknown[] => (Array.isArray(v) ? v : fail(field, 'expected an array'));
  const str = (v: unknown, field: string): string => (typeof v === 'string' ? v : fail(field, `expected a string, got ${typeof v}`));
  const num = (v: unknown, field: string): number => (typeof v === 'number' && Number.isFinite(v) ? v : fail(field, 'expected a finite number'));

  const r = obj(value, '(top level)');
  if (r.format !== 'markerlab-arbitrage') fail('format', `expected "markerlab-arbitrage", got ${JSON.stringify(r.format)}`);
  if (r.formatVersion !== ARBITRAGE_RESULTS_VERSION) fail('formatVersion', `this version reads ${ARBITRAGE_RESULTS_VERSION}, got ${JSON.stringify(r.formatVersion)}`);
  const pool = arr(r.pool, 'pool').map((p, i) => {
    const e = obj(p, `pool[${i}]`);
    return { name: str(e.name, `pool[${i}].name`), about: str(e.about ?? '', `pool[${i}].about`) };
  });
  const names = new Set(pool.map((p) => p.name));
  if (names.size !== pool.length || pool.length === 0) fail('pool', 'expected one or more teachers with distinct names');
  const languages = arr(r.languages, 'languages').map((l, i) => str(l, `languages[${i}]`));
  const w = obj(r.weights, 'weights');
  const weights = Object.fromEntries(REWARD_PARTS.map((p) => [p, num(w[p], `weights.${p}`)])) as RewardWeights;
  const prompt = (p: unknown, field: string): ArbitragePrompt => {
    const e = obj(p, field);
    const markers = obj(e.markers ?? {}, `${field}.markers`);
    for (const [k, v] of Object.entries(markers)) str(v, `${field}.markers.${k}`);
    return { id: str(e.id, `${field}.id`), prompt: str(e.prompt, `${field}.prompt`), markers: markers as Record<string, string> };
  };
  const prompts = arr(r.prompts, 'prompts').map((p, i) => prompt(p, `prompts[${i}]`));
  const calibrationPrompts = arr(r.calibrationPrompts, 'calibrationPrompts').map((p, i) => prompt(p, `calibrationPrompts[${i}]`));
  const ids = new Set([...prompts, ...calibrationPrompts].map((p) => p.id));
  const candidates = arr(r.candidates, 'candidates').map((c, i): StoredCandidate => {
    const f = `candidates[${i}]`;
    const e = obj(c, f);
    const teacher = str(e.teacher, `${f}.teacher`);
    if (!names.has(teacher)) fail(`${f}.teacher`, `${teacher} is not in the pool`);
    const promptId = str(e.promptId, `${f}.promptId`);
    if (!ids.has(promptId)) fail(`${f}.promptId`, `no prompt has id ${promptId}`);
    const reward = obj(e.reward, `${f}.reward`);
    const parts = arr(reward.parts, `${f}.reward.parts`).map((p, k) => {
      const q = obj(p, `${f}.reward.parts[${k}]`);
      const name = str(q.name, `${f}.reward.parts[${k}].name`);
      if (!(REWARD_PARTS as readonly string[]).includes(name)) fail(`${f}.reward.parts[${k}].name`, `unknown part ${name}`);
      const score = q.score === null ? null : num(q.score, `${f}.reward.parts[${k}].score`);
      return { name: name as (typeof REWARD_PARTS)[number], score, weight: num(q.weight, `${f}.reward.parts[${k}].weight`), detail: str(q.detail, `${f}.reward.parts[${k}].detail`) };
    });
    return {
      teacher, promptId, completion: str(e.completion, `${f}.completion`),
      reward: { total: num(reward.total, `${f}.reward.total`), parts, checks: arr(reward.checks ?? [], `${f}.reward.checks`) as StoredCandidate['reward']['checks'] },
      ...(typeof e.judge === 'number' ? { judge: e.judge } : {}),
    };
  });
  arr(r.routers, 'routers');
  if (r.students !== undefined) arr(r.students, 'students');
  const sampling = obj(r.sampling, 'sampling');
  let lengthRule: LengthThresholds | undefined;
  if (r.lengthRule !== undefined) {
    const l = obj(r.lengthRule, 'lengthRule');
    lengthRule = { mode: str(l.mode, 'lengthRule.mode') as LengthThresholds['mode'], concise: num(l.concise, 'lengthRule.concise'), medium: num(l.medium, 'lengthRule.medium') };
  }
  return {
    ...(r as unknown as ArbitrageResults),
    pool, languages, weights, prompts, calibrationPrompts, candidates,
    sampling: {
      mode: sampling.mode === 'inferred' ? 'inferred' : 'fixed', temperature: num(sampling.temperature, 'sampling.temperature'),
      maxTokens: num(sampling.maxTokens, 'sampling.maxTokens'), seed: num(sampling.seed, 'sampling.seed'),
    },
    tail: arr(r.tail ?? [], 'tail').map((l, i) => str(l, `tail[${i}]`)),
    ...(lengthRule ? { lengthRule } : {}),
  };
}
