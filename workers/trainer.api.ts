/**
 * The trainer worker: one training session at a time, on the fastest backend this browser has.
 * The page talks to it through this interface only (Comlink); progress comes back through a
 * proxied callback that the run awaits, so no update arrives after the run's promise resolves.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import type { Row } from '../src/lib/data/types';
import type { Taxonomy } from '../src/lib/markers/taxonomy';
import type { BackendOptions, BackendReport } from '../src/lib/model/backend';
import { fromSafetensors, toSafetensors } from '../src/lib/model/checkpoint';
import type { Progress, RunEnd } from '../src/lib/model/run';
import { TrainingSession, type SessionInfo, type TrainingSetup } from '../src/lib/model/session';
import { maxBlockTokens, sampleSteered } from '../src/lib/model/steer';
import { readWeights } from '../src/lib/model/weights';
import type { Markers } from '../src/lib/markers/taxonomy';
import { classifyFault, type Fault, type WeightsMessage } from './faults';
import { createDeviceGuard } from './device-loss';

/** Settings as they cross the worker boundary: the base checkpoint as safetensors bytes. */
export type TrainerSetup = Omit<TrainingSetup, 'init' | 'rows' | 'taxonomy'> & {
  rows: Row[];
  taxonomy: Taxonomy;
  init?: Uint8Array;
};

export interface TrainOutcome {
  end: RunEnd | 'fault';
  last?: Progress;
  fault?: Fault;
}

/** A short generation from the weights being trained (the run's periodic samples). */
export interface TrainSampleRequest {
  prompt: string;
  /** Markers to set in the prompt (inferred mode); empty: the model writes its own block. */
  markers: Markers;
  n: number;
  maxTokens: number;
  temperature: number;
  seed: number;
}

export interface TrainSample {
  /** The text after the model's marker block. */
  completion: string;
  /** What the model's own block says. */
  markers: Markers;
  /** Ended with EOS (not cut at maxTokens). */
  finished: boolean;
}

export interface TrainerApi {
  init(options?: BackendOptions): Promise<BackendReport>;
  /** Build the session (split, tokenizer, model, sampler). Replaces any previous one. */
  prepare(setup: TrainerSetup): Promise<SessionInfo>;
  /** Run until the steps are done, stop() is called, or a fault happens (never throws for those). */
  train(onProgress: (p: Progress) => void | Promise<void>): Promise<TrainOutcome>;
  pause(): void;
  resume(): void;
  stop(): void;
  /** Validation losses of the current weights, with and without prompt markers. */
  evaluate(): Promise<{ valLoss: number; valLossNoMarkers: number }>;
  /** The current weights and optimizer state as a safetensors checkpoint (transferred). */
  checkpoint(metrics?: Record<string, number | string>): Promise<Uint8Array>;
  /**
   * Sample from the current weights. Call it between steps (e.g. from the progress callback, which
   * the run awaits) so generation never interleaves with a training step.
   */
  sample(req: TrainSampleRequest): Promise<TrainSample[]>;
  /** The current weights for the player (arrays transferred, not copied). */
  weights(): Promise<WeightsMessage>;
  numTensors(): number;
  dispose(): void;
}

/** @example Comlink.expose(createTrainer()) in trainer.worker.ts */
export function createTrainer(): TrainerApi {
  let session: TrainingSession | null = null;
  const need = (): TrainingSession => {
    if (!session) throw new Error('no training session: call prepare() first');
    return session;
  };
  // A lost GPU stops the run at once; the worker then moves to the next backend by itself.
  const device = createDeviceGuard(() => session?.run.stop());
  const lostFault = async (): Promise<TrainOutcome | null> => {
    const message = await device.explain();
    return message === null ? null : { end: 'fault', fault: { kind: 'device-lost', message } };
  };
  return {
    init: (options) => device.init(options),
    async prepare(setup) {
      try {
        session?.dispose();
      } catch {
        // Its tensors lived on a lost device; nothing is left to free.
      }
      session = null;
      await device.settled();
      const { init, ...rest } = setup;
      session = TrainingSession.create(init ? { ...rest, init: fromSafetensors(init, 'base checkpoint') } : rest);
      return session.info;
    },
    async train(onProgress) {
      const s = need();
      try {
        const result = await s.train({ onProgress });
        const lost = await lostFault();
        if (lost) return result.last ? { ...lost, last: result.last } : lost;
        if (result.end === 'non-finite' && result.error) {
          return { end: 'non-finite', ...(result.last ? { last: result.last } : {}), fault: classifyFault(result.error) };
        }
        return result.last ? { end: result.end, last: result.last } : { end: result.end };
      } catch (err) {
        return (await lostFault()) ?? { end: 'fault', fault: classifyFault(err) };
      }
    },
    pause: () => need().run.pause(),
    resume: () => need().run.resume(),
    stop: () => need().run.stop(),
    evaluate: () => need().evaluate(),
    async checkpoint(metrics = {}) {
      const bytes = toSafetensors(await need().toRecord(metrics));
      return Comlink.transfer(bytes, [bytes.buffer]);
    },
    async sample(req) {
      const s = need();
      const samples = await sampleSteered(s.model, s.tokenizer, s.taxonomy, { prompt: req.prompt, markers: req.markers, mode: 'inferred' }, {
        n: req.n, maxTokens: req.maxTokens, temperature: req.temperature, seed: req.seed, maxBlockTokens: maxBlockTokens(s.taxonomy, s.categories),
      });
      return samples.map(({ parsed, finished }) => ({ completion: parsed.completion, markers: parsed.markers, finished }));
    },
    async weights() {
      const s = need();
      const weights = await readWeights(s.model.config, s.model.params);
      const message: WeightsMessage = {
        config: s.model.config, tokenizer: s.tokenizer, taxonomy: s.taxonomy, step: s.optimizer.state.step, weights, categories: [...s.categories],
        ...(s.lengthThresholds ? { lengthThresholds: s.lengthThresholds } : {}), charsPerToken: s.info.charsPerToken, values: s.valueCounts,
      };
      return Comlink.transfer(message, Object.values(weights).map((w) => w.buffer as ArrayBuffer));
    },
    numTensors: () => tf.memory().numTensors,
    dispose() {
      session?.dispose();
      session = null;
    },
  };
}

