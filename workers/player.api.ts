/**
 * The player worker: inference on its own backend, so the Play view stays responsive while the
 * trainer works. It loads a checkpoint, or fresh weights from the trainer every few seconds, and
 * answers with distributions and samples the UI draws (probabilities as Float32Array; the UI
 * attaches labels to the top-k only).
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { measureCompletion } from '../src/lib/markers/measure';
import type { LengthThresholds } from '../src/lib/markers/annotate-dataset';
import type { Markers, Taxonomy } from '../src/lib/markers/taxonomy';
import type { BackendOptions, BackendReport, DeviceLoss } from '../src/lib/model/backend';
import { fromSafetensors } from '../src/lib/model/checkpoint';
import type { GPTConfig } from '../src/lib/model/config';
import { topTokens } from '../src/lib/model/sampling';
import { buildPrefix, markerDistributions, maxBlockTokens, nextTokenDistribution, ownBlock, sampleSteered, type SteerRequest, type ValueDistribution } from '../src/lib/model/steer';
import { modelFromWeights } from '../src/lib/model/weights';
import type { GPT } from '../src/lib/model/gpt';
import type { ParseIssue } from '../src/lib/markers/template';
import { recordedCharsPerToken, type TokenizerSpec } from '../src/lib/tokenizer/tokenizer';
import type { WeightsMessage } from './faults';
import { trainedCategories, trainedLanguages, trainedLengthThresholds, trainedValues, type ValueCounts } from '../src/lib/model/checkpoint-record';
import { createDeviceGuard } from './device-loss';
import type { ArbitragePrompt, Candidate } from '../src/lib/arbitrage/types';
import type { TeacherSampling } from '../src/lib/arbitrage-run/answer-settings';
import { answerWith, type AnsweringRecord } from '../src/lib/arbitrage-run/sample';

export interface ModelInfo {
  config: GPTConfig;
  tokenizer: TokenizerSpec;
  taxonomy: Taxonomy;
  step: number;
  /** The rule that labelled length_bucket in the model's training data (judges generated lengths). */
  lengthThresholds?: LengthThresholds;
  /** The categories the model was trained to write in its blocks. */
  categories: string[];
  /**
   * Characters per token (1 for a character tokenizer, ~3 for BPE): lengths and length buckets are
   * measured in characters, budgets in tokens.
   */
  charsPerToken?: number;
  /**
   * Training rows per value of each trained categorical category (only values that occurred);
   * absent for checkpoints written before they were recorded. Play offers only these values, and
   * samples' languages are identified among the `lang` ones.
   */
  values?: ValueCounts;
}

export interface DistributionRequest extends SteerRequest {
  temperature: number;
  /** How many next tokens to return. */
  topK: number;
}

export interface Distributions {
  /** The top next tokens after the prompt (and, in fixed mode, the forced block start). */
  next: { ids: Int32Array; probs: Float32Array };
  /** For every categorical category the request left unset. */
  markers: ValueDistribution[];
}

export interface SampleRequest extends SteerRequest {
  n: number;
  maxTokens: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
}

/** What the model writes after its own block (see ownBlock in steer.ts). */
export interface Continuation {
  /** Its block, greedy (forced values included in fixed mode). */
  block: Markers;
  /** The first text tokens after the block, greedy. */
  text: string;
  /** The top tokens the answer starts with. */
  next: { ids: Int32Array; probs: Float32Array };
}

export interface PlayedSample {
  /** The completion's text after its marker block. */
  completion: string;
  /** What the model's own block says. */
  markers: Markers;
  issues: ParseIssue[];
  finished: boolean;
  /** Attributes measured on the completion (the same code as annotation and evaluation). */
  measured: { lengthTokens: number; lang?: string; format?: string };
}

export interface PlayerApi {
  init(options?: BackendOptions): Promise<BackendReport>;
  /** Load a safetensors checkpoint (validated; a bad file leaves the current model in place). */
  load(bytes: Uint8Array): Promise<ModelInfo>;
  /** Swap in weights from the trainer (same or new shape). */
  loadWeights(message: WeightsMessage): Promise<ModelInfo>;
  distributions(req: DistributionRequest): Promise<Distributions>;
  /** The model's own block, its first text tokens and the first text token's distribution. */
  continuation(req: DistributionRequest & { textTokens: number }): Promise<Continuation>;
  /**
   * Draw N samples; `onToken` streams (sequence, token id) as tokens arrive. A cancelled draw ends at
   * the next token and returns what it has (samples not finished).
   */
  sample(req: SampleRequest, onToken?: (sequence: number, id: number) => void): Promise<PlayedSample[]>;
  /**
   * The loaded model answers arbitrage prompts as the CLI's teachers do (answerWith: one sample per
   * prompt, seeded by the prompt, the prompt's markers it was trained on asked for); `onAnswer` after
   * each. A cancelled call returns the answers so far with `cancelled: true`.
   */
  answer(req: AnswerRequest, onAnswer?: (done: number, total: number) => void | Promise<void>): Promise<{ candidates: Candidate[]; cancelled: boolean }>;
  /** Cancel every draw running now (checked between tokens; the model stays loaded). */
  cancel(): void;
  /**
   * Resolves when this worker's GPU device is lost (from the device's `lost` promise, whatever runs
   * then: a draw, a load, or nothing); never off WebGPU. The model is gone with the device, so the
   * page reloads it, on a fresh worker (PlayerClient).
   */
  lost(): Promise<DeviceLoss>;
  numTensors(): number;
}

/** Arbitrage: a pool member (named `teacher` in its answers) answers `prompts`. */
export interface AnswerRequest {
  teacher: string;
  prompts: ArbitragePrompt[];
  sampling: TeacherSampling;
}

/** @example Comlink.expose(createPlayer()) in player.worker.ts */
export function createPlayer(): PlayerApi {
  // Draws are numbered; cancel() marks every draw started so far as cancelled.
  let draws = 0, cancelledThrough = 0;
  let current: { model: GPT; info: ModelInfo; record: AnsweringRecord } | null = null;
  const swap = (model: GPT, info: ModelInfo, record: AnsweringRecord): ModelInfo => {
    current?.model.dispose();
    current = { model, info, record };
    return info;
  };
  // On a lost GPU the loaded model's tensors are gone: forget it, start the next backend, tell the
  // page (lost()), and say so on the next call until a model is loaded again (on the new backend).
  let onLost = (_: DeviceLoss): void => {};
  const lost = new Promise<DeviceLoss>((resolve) => (onLost = resolve));
  const device = createDeviceGuard((loss) => {
    current = null;
    onLost(loss);
  });
  const need = async () => {
    if (!current) {
      const lost = await device.explain('load the model again.');
      throw new Error(lost ?? 'no model loaded');
    }
    return current;
  };
  return {
    init: (options) => device.init(options),
    async load(bytes) {
      await device.settled();
      const record = fromSafetensors(bytes, 'checkpoint');
      const model = modelFromWeights(record.config, record.weights);
      const lengthThresholds = trainedLengthThresholds(record);
      const charsPerToken = recordedCharsPerToken(record.tokenizer, record.training);
      const values = trainedValues(record);
      return swap(model, {
        config: record.config, tokenizer: record.tokenizer, taxonomy: record.taxonomy, step: record.step, categories: trainedCategories(record), charsPerToken,
        ...(lengthThresholds ? { lengthThresholds } : {}), ...(values ? { values } : {}),
      }, { taxonomy: record.taxonomy, tokenizer: record.tokenizer, training: record.training });
    },
    async loadWeights(message) {
      await device.settled();
      const model = modelFromWeights(message.config, message.weights);
      // Read as a checkpoint's training record is, so a run and its saved checkpoint offer the same markers.
      const record = { taxonomy: message.taxonomy, tokenizer: message.tokenizer, training: { categories: message.categories, ...(message.values ? { values: message.values } : {}) } };
      const values = trainedValues(record);
      return swap(model, {
        config: message.config, tokenizer: message.tokenizer, taxonomy: message.taxonomy, step: message.step, categories: trainedCategories(record),
        charsPerToken: message.charsPerToken ?? recordedCharsPerToken(message.tokenizer, undefined),
        ...(message.lengthThresholds ? { lengthThresholds: message.lengthThresholds } : {}), ...(values ? { values } : {}),
      }, record);
    },
    async distributions(req) {
      const { model, info } = await need();
      const prefix = buildPrefix(info.tokenizer, info.taxonomy, req);
      const probs = await nextTokenDistribution(model, prefix.ids, req.temperature);
      const top = topTokens(probs, req.topK);
      const trained = new Set(info.categories);
      const unset = info.taxonomy.categories.filter((c) => c.kind === 'categorical' && trained.has(c.name) && !(c.name in req.markers)).map((c) => c.name);
      const markers = await markerDistributions(model, info.tokenizer, prefix.ids, unset);
      const next = { ids: Int32Array.from(top.map((t) => t.id)), probs: Float32Array.from(top.map((t) => t.p)) };
      return Comlink.transfer({ next, markers }, [next.ids.buffer, next.probs.buffer]);
    },
    async continuation(req) {
      const { model, info } = await need();
      const own = await ownBlock(model, info.tokenizer, info.taxonomy, req, {
        textTokens: req.textTokens, temperature: req.temperature, maxBlockTokens: maxBlockTokens(info.taxonomy, info.categories),
      });
      const top = topTokens(own.next, req.topK);
      const next = { ids: Int32Array.from(top.map((t) => t.id)), probs: Float32Array.from(top.map((t) => t.p)) };
      return Comlink.transfer({ block: own.block, text: own.text, next }, [next.ids.buffer, next.probs.buffer]);
    },
    cancel() {
      cancelledThrough = draws;
    },
    async answer(req, onAnswer) {
      const draw = ++draws;
      const { model, record } = await need();
      const cancelled = () => draw <= cancelledThrough;
      const candidates = await answerWith(model, { name: req.teacher, record }, req.prompts, req.sampling, onAnswer, cancelled);
      return { candidates, cancelled: cancelled() };
    },
    async sample(req, onToken) {
      const draw = ++draws;
      const { model, info } = await need();
      // Languages are judged among the ones the model was trained on, when its checkpoint says (see detectLanguage).
      const among = trainedLanguages(info.values);
      const samples = await sampleSteered(model, info.tokenizer, info.taxonomy, req, {
        maxBlockTokens: maxBlockTokens(info.taxonomy, info.categories), n: req.n, maxTokens: req.maxTokens, seed: req.seed, temperature: req.temperature,
        ...(req.topK !== undefined ? { topK: req.topK } : {}),
        ...(req.topP !== undefined ? { topP: req.topP } : {}),
        ...(onToken ? { onToken } : {}),
        cancelled: () => draw <= cancelledThrough,
      });
      return samples.map(({ parsed, finished }) => ({
        completion: parsed.completion, markers: parsed.markers, issues: parsed.issues, finished, measured: measureCompletion(parsed.completion, among ? { among } : {}),
      }));
    },
    lost: () => lost,
    numTensors: () => tf.memory().numTensors,
  };
}
