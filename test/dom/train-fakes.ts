/**
 * In-process stand-ins for the Train view's collaborators: a trainer worker whose run the test
 * drives step by step, and an in-memory checkpoint store holding real safetensors bytes.
 */
import { trainedCategories } from '../../src/lib/model/checkpoint-record';
import { prepareDataset } from '../../src/lib/data/pipeline';
import type { Row } from '../../src/lib/data/types';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { fromSafetensors, recordSummary, toSafetensors } from '../../src/lib/model/checkpoint';
import type { CheckpointRecord } from '../../src/lib/model/checkpoint';
import type { CheckpointStore, StoredCheckpoint } from '../../src/lib/model/checkpoint-store';
import type { Progress } from '../../src/lib/model/run';
import type { BackendOptions, BackendReport } from '../../src/lib/model/backend';
import { CheckpointsState } from '../../src/lib/state/checkpoints.svelte';
import { DatasetsState } from '../../src/lib/state/datasets.svelte';
import { DropoutSettings } from '../../src/lib/state/dropout.svelte';
import { TrainState, type TrainOptions } from '../../src/lib/state/train.svelte';
import type { TrainerApi, TrainerSetup, TrainOutcome, TrainSample, TrainSampleRequest } from '../../workers/trainer.api';
import type { Fault } from '../../workers/faults';
import { makeRecord } from '../fixtures/checkpoint-record';
import { createDataApi } from '../../workers/data.api';

export function rows(n = 24): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `t:${i}`, prompt: 'Say something.',
    completion: i % 6 === 0 ? 'Bonjour à tous, voici une phrase.' : `Sentence ${i} in plain English.`,
    markers: { lang: i % 6 === 0 ? 'French' : 'English', domain: i % 2 ? 'Culture' : 'Sciences' },
  }));
}

/** A trainer whose loss falls 0.1 a step; `failAt` ends the run with a fault at that step. */
export class FakeTrainer implements TrainerApi {
  setups: TrainerSetup[] = [];
  calls: string[] = [];
  failAt: { step: number; outcome: TrainOutcome['end']; fault: Fault } | null = null;
  /** Resolves the next step when the test wants manual stepping; null runs freely. */
  gate: (() => Promise<void>) | null = null;
  /** Set: before each validation, report `validating: true` as the real run does (run.ts), then wait on it. */
  validationGate: (() => Promise<void>) | null = null;
  #setup: TrainerSetup | null = null;
  #step = 0;
  #paused = false;
  #stopped = false;
  #wake: (() => void) | null = null;

  /** The options of each init(); it reports the first backend of the order (cpu without one). */
  inits: BackendOptions[] = [];
  async init(options: BackendOptions = {}): Promise<BackendReport> {
    this.inits.push(options);
    return { backend: options.order?.[0] ?? 'cpu', fallbacks: [] };
  }
  async prepare(setup: TrainerSetup) {
    this.setups.push(setup);
    this.#setup = setup;
    this.#stopped = false;
    this.#step = setup.init ? fromSafetensors(setup.init).step : 0;
    return {
      config: { vocabSize: 100, blockSize: 64, nLayer: 1, nHead: 2, nEmbd: 32, dropout: 0, seed: 1 },
      params: 1234, vocabSize: 100, tokenizer: { kind: 'char' as const, merges: 0, vocabSize: 100 }, charsPerToken: 1, trainRows: 20, valRows: 4, windowedRows: 0, truncatedTokens: 0, startStep: this.#step,
    };
  }
  async train(onProgress: (p: Progress) => void | Promise<void>): Promise<TrainOutcome> {
    const s = this.#setup!;
    const end = this.#step + s.steps;
    let last: Progress | undefined;
    while (this.#step < end) {
      if (this.#paused && !this.#stopped) await new Promise<void>((w) => (this.#wake = w));
      if (this.#stopped) break;
      await this.gate?.();
      const step = this.#step + 1;
      if (this.failAt && step === this.failAt.step) {
        const f = this.failAt;
        this.failAt = null;
        return last ? { end: f.outcome, last, fault: f.fault } : { end: f.outcome, fault: f.fault };
      }
      this.#step = step;
      last = { step, totalSteps: end, loss: 5 - 0.1 * step, lr: s.lr, gradNorm: 1, tokensPerSec: 1000, elapsedMs: step * 10, etaMs: (end - step) * 10, numTensors: 10 };
      if (s.evalEvery > 0 && step % s.evalEvery === 0) {
        if (this.validationGate) {
          await onProgress({ ...last, validating: true });
          await this.validationGate();
        }
        Object.assign(last, { valLoss: 5.2 - 0.1 * step, valLossNoMarkers: 5.4 - 0.1 * step });
      }
      await onProgress(last);
    }
    const end2 = this.#step < end ? 'stopped' : 'completed';
    return last ? { end: end2, last } : { end: end2 };
  }
  pause() { this.#paused = true; this.calls.push('pause'); }
  resume() { this.#paused = false; this.#wake?.(); this.calls.push('resume'); }
  stop() { this.#stopped = true; this.#wake?.(); this.calls.push('stop'); }
  evaluate = async () => ({ valLoss: 1, valLossNoMarkers: 1 });
  async checkpoint(metrics: Record<string, number | string> = {}) {
    this.calls.push(`checkpoint@${this.#step}`);
    const r = makeRecord({ optimizer: true });
    return toSafetensors({ ...r, step: this.#step, optimizer: { ...r.optimizer!, step: this.#step }, metrics });
  }
  async sample(req: TrainSampleRequest): Promise<TrainSample[]> {
    this.calls.push(`sample@${req.seed}`);
    return [
      { completion: `answer at ${this.#step}`, markers: { lang: 'English' }, finished: true },
      { completion: 'another', markers: {}, finished: false },
    ];
  }
  async weights() {
    const r = makeRecord();
    return { config: r.config, tokenizer: r.tokenizer, taxonomy: r.taxonomy, step: this.#step, categories: trainedCategories(r), weights: r.weights };
  }
  numTensors = () => 0;
  dispose() {}
}

/** The CheckpointStore surface CheckpointsState uses, in memory. */
export class MemoryStore {
  files = new Map<string, { bytes: Uint8Array<ArrayBuffer>; summary: StoredCheckpoint }>();
  #n = 0;
  async list() {
    return [...this.files.values()].map((f) => f.summary).sort((a, b) => b.savedAt - a.savedAt);
  }
  async survey() {
    return { checkpoints: await this.list(), unreadable: [] };
  }
  async estimate() { return null; }
  async save(record: CheckpointRecord, options: { name?: string; id?: string } = {}) {
    const named = options.name === undefined ? record : { ...record, metrics: { ...record.metrics, name: options.name } };
    const bytes = toSafetensors(named);
    const id = options.id ?? `c${++this.#n}`;
    const summary = { ...recordSummary(named, { id, sizeBytes: bytes.length }), savedAt: Date.now() + this.#n, fileName: `${id}.safetensors` };
    this.files.set(id, { bytes, summary });
    return id;
  }
  async importFile(bytes: Uint8Array, fileName: string) {
    return this.save(fromSafetensors(bytes, fileName), { name: fileName.replace(/\.safetensors$/, '') });
  }
  async exportFile(id: string) {
    const f = this.files.get(id);
    if (!f) throw new Error(`no stored checkpoint with id "${id}"`);
    return { bytes: f.bytes, fileName: f.summary.fileName };
  }
  async delete(id: string) { this.files.delete(id); }
}

export class MemoryStorage {
  map = new Map<string, string>();
  getItem(k: string) { return this.map.get(k) ?? null; }
  setItem(k: string, v: string) { this.map.set(k, v); }
  removeItem(k: string) { this.map.delete(k); }
}

/** A TrainState wired to fakes; `connects` counts the workers it asked for. */
export function setup(options: Partial<TrainOptions> = {}) {
  const trainers: FakeTrainer[] = [];
  const closed: number[] = [];
  const store = new MemoryStore();
  const base = toSafetensors({ ...makeRecord(), step: 700 });
  const checkpoints = new CheckpointsState(store as unknown as CheckpointStore, [
    { id: 'builtin:base', name: 'Base', description: 'base', path: 'models/base.safetensors' },
  ], { fetch: async () => new Response(base.slice()) });
  const storage = new MemoryStorage();
  /**
   * `gate` runs before every fake step (set it before begin()): hold or observe the run.
   * `validation`, set before the trainer connects, runs during each validation pass.
   */
  const control: { gate: (() => Promise<void>) | null; validation: (() => Promise<void>) | null } = { gate: null, validation: null };
  const dropout = new DropoutSettings({ datasetRate: 0.3, sampleRate: 0.6 });
  const data = rows();
  const train = new TrainState({
    connect: () => {
      const t = new FakeTrainer();
      t.gate = async () => control.gate?.();
      if (control.validation) t.validationGate = async () => control.validation?.();
      const index = trainers.push(t) - 1;
      return { api: t, close: () => void closed.push(index) };
    },
    rows: async () => ({ rows: data, taxonomy: defaultTaxonomy() }),
    checkpoints, dropout, storage,
    initial: { preset: 'nano', steps: 10, batchSize: 4, lr: 0.01 },
    weightsEveryMs: 0,
    ...options,
  });
  train.form.evalEvery = 5;
  train.form.warmupSteps = 2;
  return { train, trainers, closed, store, checkpoints, storage, dropout, control };
}

export function datasetsWithTeaching(): DatasetsState {
  const ds = prepareDataset('teaching', rows(), defaultTaxonomy());
  return new DatasetsState({
    ...createDataApi(),
    builtins: () => [{ name: 'teaching', title: 'Teaching set', description: '', rows: 24 }],
    loadBuiltin: async (name) => ({ name, title: 'Teaching set', description: '', stats: ds.stats, tail: ds.tail }),
  });
}
