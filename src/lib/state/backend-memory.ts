/**
 * What this device measured, per work and model shape, kept in localStorage so the backend is
 * measured once per device and shape, not on every load; and the person's override for it.
 *
 * @example
 * const memory = new BackendMemory(localStorage);
 * const options = memory.plan('inference', DEMO_SHAPE); // { measure: … } the first time, { order: […] } after
 * const report = await worker.init(options);
 * memory.remember(report, DEMO_SHAPE);
 */
import type { BackendOptions, BackendReport } from '../model/backend';
import { rankBackends, type BackendDecision, type BackendName, type BackendTiming, type BackendWork } from '../model/backend-rank';
import { presetConfig, type GPTConfig, type PresetName } from '../model/config';

/**
 * The demo checkpoint's shape (`public/models/demo.safetensors`: `tiny`, 2 layers, 4 heads, 64 wide,
 * context 256, 2,320 BPE tokens), known before its bytes arrive so the first load measures (or
 * recalls) the model it is about to load. A unit test holds it to the file's own config.
 */
export const DEMO_SHAPE: GPTConfig = presetConfig('tiny', 2320, 1);

/**
 * The shape a training preset is measured and remembered under (Train, Experiments): the preset
 * with the demo's vocabulary, since the run's own vocabulary is known only once it is prepared.
 *
 * @example
 * shapeKey('training', presetShape('nano')); // 'markerlab.backend.v1:training:L1-H2-E32-T64-V2320'
 */
export function presetShape(preset: PresetName): GPTConfig {
  return presetConfig(preset, DEMO_SHAPE.vocabSize, 1);
}

/**
 * WebAssembly threads for a work on a machine with `cores` logical cores (false: the
 * single-threaded SIMD build, no thread pool). Measured on the demo shape on this 2-core machine
 * with other work on the cores (README, "Backends"): decoding 1.7 ms/token on one thread against
 * 10.7 on two (one-row matmuls are too small to split); training 0.75 against 1.16 ms/token. So one
 * thread below 4 cores; from 4 cores training takes half of them (tfjs's own default, which
 * assumes two hyperthreads per core), decoding still one.
 *
 * @example
 * wasmThreadsFor('training', 8);  // 4
 * wasmThreadsFor('training', 2);  // false
 * wasmThreadsFor('inference', 8); // false
 */
export function wasmThreadsFor(work: BackendWork, cores: number): number | false {
  return work === 'training' && cores >= 4 ? Math.floor(cores / 2) : false;
}

const CORES = typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency || 1;

/** The slice of Web Storage this needs (localStorage, or a Map-backed fake in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

interface Remembered {
  version: 1;
  /** ISO time of the measurement. */
  measuredAt: string;
  timings: BackendTiming[];
}

const BACKENDS: readonly string[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * The key of one work on one shape: the fields that change a step's cost.
 *
 * @example
 * shapeKey('inference', DEMO_SHAPE); // 'markerlab.backend.v1:inference:L2-H4-E64-T256-V2320'
 */
export function shapeKey(work: BackendWork, c: CostShape): string {
  return `markerlab.backend.v1:${work}:${shapeName(c)}`;
}

/** The fields of a config that change a step's cost (dropout and seed do not). */
export type CostShape = Pick<GPTConfig, 'nLayer' | 'nHead' | 'nEmbd' | 'blockSize' | 'vocabSize'>;

/**
 * A shape in a few characters, as keys and messages name it.
 *
 * @example
 * shapeName(DEMO_SHAPE); // 'L2-H4-E64-T256-V2320'
 */
export function shapeName(c: CostShape): string {
  return `L${c.nLayer}-H${c.nHead}-E${c.nEmbd}-T${c.blockSize}-V${c.vocabSize}`;
}

/**
 * True when two configs cost the same per step (one measurement serves both).
 *
 * @example
 * sameShape(DEMO_SHAPE, { ...DEMO_SHAPE, dropout: 0, seed: 7 }); // true
 */
export function sameShape(a: CostShape, b: CostShape): boolean {
  return shapeName(a) === shapeName(b);
}

export class BackendMemory {
  readonly #store: KeyValueStore | null;

  /** `null` (no storage: private mode, Node) remembers nothing and measures every time. */
  constructor(store: KeyValueStore | null) {
    this.#store = store;
  }

  /** The remembered decision for this work and shape, re-ranked with the current override; null if never measured. */
  decision(work: BackendWork, shape: GPTConfig): (BackendDecision & { measuredAt: string }) | null {
    const r = this.#read(work, shape);
    return r ? { ...rankBackends(work, r.timings, this.override(work, shape)), measuredAt: r.measuredAt } : null;
  }

  /** What a worker's init() gets: the remembered ranking, or a measurement when there is none. */
  plan(work: BackendWork, shape: GPTConfig): BackendOptions {
    const known = this.decision(work, shape);
    const wasmThreads = wasmThreadsFor(work, CORES);
    if (known) return { order: known.order, wasmThreads };
    const override = this.override(work, shape);
    return { measure: { work, config: shape, override }, wasmThreads };
  }

  /** Keep a measured report's figures (reports without a measurement change nothing). */
  remember(report: BackendReport, shape: GPTConfig): void {
    const d = report.decision;
    if (!d) return;
    this.#write(d.work, shape, { version: 1, measuredAt: new Date().toISOString(), timings: d.timings });
  }

  /** The person's choice for this work and shape ('auto' when none). */
  override(work: BackendWork, shape: GPTConfig): BackendName | 'auto' {
    const v = this.#get(`${shapeKey(work, shape)}:override`);
    return v !== null && BACKENDS.includes(v) ? (v as BackendName) : 'auto';
  }

  /** Remember a choice; 'auto' forgets it. Takes effect at the next plan(). */
  setOverride(work: BackendWork, shape: GPTConfig, choice: BackendName | 'auto'): void {
    const key = `${shapeKey(work, shape)}:override`;
    try {
      if (choice === 'auto') this.#store?.removeItem(key);
      else this.#store?.setItem(key, choice);
    } catch {
      // Refused storage: the choice lasts for this page only.
    }
  }

  /** Forget the figures (the next plan() measures again); the override stays. */
  forget(work: BackendWork, shape: GPTConfig): void {
    this.#store?.removeItem(shapeKey(work, shape));
  }

  #read(work: BackendWork, shape: GPTConfig): Remembered | null {
    const text = this.#get(shapeKey(work, shape));
    if (text === null) return null;
    try {
      const r = JSON.parse(text) as Partial<Remembered>;
      const valid = r.version === 1 && typeof r.measuredAt === 'string' && Array.isArray(r.timings) &&
        r.timings.every((t) => typeof t === 'object' && t !== null && BACKENDS.includes((t as BackendTiming).backend));
      return valid ? { version: 1, measuredAt: r.measuredAt!, timings: r.timings! } : null;
    } catch {
      return null;
    }
  }

  #write(work: BackendWork, shape: GPTConfig, r: Remembered): void {
    try {
      this.#store?.setItem(shapeKey(work, shape), JSON.stringify(r));
    } catch {
      // A full or refused storage only costs a measurement next time.
    }
  }

  #get(key: string): string | null {
    try {
      return this.#store?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }
}
