/**
 * In-process stand-ins for the Experiments view's collaborators: an experiment worker whose
 * results are computed from the cell (so a mix-up shows in the numbers), optionally held at a
 * training step until the test releases or stops it, and a checkpoint list that records saves.
 */
import type { Row } from '../../src/lib/data/types';
import type { SampledLengths } from '../../src/lib/experiment/measure-model';
import type { CellResult } from '../../src/lib/experiment/run-cell';
import { MemorySweepStore } from '../../src/lib/experiment/store';
import type { SweepCell, SweepSpec } from '../../src/lib/experiment/sweep';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import type { CheckpointsState } from '../../src/lib/state/checkpoints.svelte';
import { DatasetsState, type DataSource } from '../../src/lib/state/datasets.svelte';
import { ExperimentsState } from '../../src/lib/state/experiments.svelte';
import type { BackendChoices } from '../../src/lib/state/backend-choices.svelte';
import type { BackendOptions } from '../../src/lib/model/backend';
import type { CellEvent, ExperimentApi } from '../../workers/experiment.api';

/** Violation rate as a sample set: `bad` of 10 samples judged as violations. */
function lengths(rate: number, medians: [number, number, number] = [40, 150, 400]): SampledLengths {
  const buckets = ['concise', 'medium', 'long'] as const;
  return {
    samples: Object.fromEntries(buckets.map((b, i) => [b, [{ lengthTokens: medians[i]!, finished: true }]])),
    violations: {},
    rate,
  };
}

/**
 * The numbers of a cell: accuracy rises with X (0.3 + X, minus 0.05 per seed above 1), inferred
 * violations 0.3, fixed 0.05, baseline 0.4; the loss is 2 + X.
 */
export function fakeResult(spec: SweepSpec, cell: SweepCell): CellResult {
  const acc = Math.min(1, 0.3 + cell.datasetRate - 0.05 * (cell.seed - 1));
  return {
    cell,
    train: { steps: spec.steps, loss: 2, valLoss: 2 + cell.datasetRate, valLossNoMarkers: 2.5, tokensPerSec: 1000, elapsedMs: 30_000 },
    ...(cell.markers ? {
      accuracy: Object.fromEntries(spec.eval.accuracyCategories.map((c) => [c, { correct: 1, total: 2, accuracy: acc, missing: 0, spurious: 0 }])),
      lengths: { inferred: lengths(0.3), fixed: lengths(0.05) },
    } : { lengths: { baseline: lengths(0.4) } }),
    losses: [
      { category: 'lang', value: 'English', rows: 90, loss: cell.markers ? 1.9 : 2.0 },
      { category: 'lang', value: 'French', rows: 2, loss: cell.markers ? 2.2 : 2.6 },
    ],
    evalMs: 30_000,
  };
}

export class FakeExperimentWorker implements ExperimentApi {
  ran: string[] = [];
  specs: SweepSpec[] = [];
  inits = 0;
  /** The options of each init(). */
  initOptions: BackendOptions[] = [];
  stops = 0;
  failOn: string | null = null;
  /** Hold every cell at step 3 of its training until release() or stop(). */
  hold = false;
  #release: (() => void) | null = null;
  #reject: ((e: Error) => void) | null = null;

  async init(options: BackendOptions = {}) {
    this.inits++;
    this.initOptions.push(options);
    return { backend: 'cpu' as const, fallbacks: [] };
  }

  async runCell(spec: SweepSpec, _rows: Row[], _taxonomy: unknown, cell: SweepCell, onEvent: (e: CellEvent) => void) {
    this.specs.push(spec);
    onEvent({ kind: 'stage', stage: `training ${cell.label}` });
    if (this.hold) {
      onEvent({ kind: 'progress', step: 3, totalSteps: spec.steps, loss: 3.25, tokensPerSec: 1234 });
      await new Promise<void>((resolve, reject) => {
        this.#release = resolve;
        this.#reject = reject;
      });
    }
    if (cell.id === this.failOn) throw new Error('the GPU stopped responding');
    onEvent({ kind: 'progress', step: spec.steps, totalSteps: spec.steps, loss: 2, tokensPerSec: 1000 });
    onEvent({ kind: 'stage', stage: `${cell.label}: length samples` });
    this.ran.push(cell.id);
    return { result: fakeResult(spec, cell), checkpoint: new Uint8Array([cell.seed, cell.datasetRate * 10]) };
  }

  stop() {
    this.stops++;
    const reject = this.#reject;
    this.#release = this.#reject = null;
    reject?.(new Error('training: stopped at step 3'));
  }

  /** Let the held cell finish. */
  release() {
    const release = this.#release;
    this.#release = this.#reject = null;
    release?.();
  }

  get held(): boolean {
    return this.#release !== null;
  }
}

export function fakeCheckpoints() {
  const saved: Array<{ name: string | undefined; bytes: number[] }> = [];
  const checkpoints = {
    saveBytes: async (bytes: Uint8Array, o: { name?: string } = {}) => {
      saved.push({ name: o.name, bytes: [...bytes] });
      return `ckpt-${saved.length}`;
    },
  } as unknown as CheckpointsState;
  return { checkpoints, saved };
}

export const dataRows: Row[] = [
  ...Array.from({ length: 98 }, (_, i) => ({ id: `e${i}`, prompt: 'p', completion: 'c', markers: { lang: 'English' } })),
  { id: 'f1', prompt: 'p', completion: 'c', markers: { lang: 'French' } },
  { id: 'f2', prompt: 'p', completion: 'c', markers: { lang: 'French' } },
];

export function setup(options: { store?: MemorySweepStore; worker?: FakeExperimentWorker; backendChoices?: BackendChoices } = {}) {
  const worker = options.worker ?? new FakeExperimentWorker();
  const store = options.store ?? new MemorySweepStore();
  const { checkpoints, saved } = fakeCheckpoints();
  let connects = 0, closes = 0;
  const datasetsRead: string[] = [];
  const experiments = new ExperimentsState({
    connect: () => {
      connects++;
      return { api: worker, close: () => void closes++ };
    },
    rows: async (name) => {
      datasetsRead.push(name);
      if (name === 'missing') throw new Error('no dataset named "missing"');
      return { rows: dataRows, taxonomy: defaultTaxonomy() };
    },
    checkpoints, store, ...(options.backendChoices ? { backendChoices: options.backendChoices } : {}),
  });
  return { experiments, worker, store, saved, datasetsRead, counts: () => ({ connects, closes }) };
}

/** The view reads only `selected` from the datasets. */
export function datasetsOn(name: string): DatasetsState {
  const d = new DatasetsState({} as DataSource);
  d.selected = name;
  return d;
}
