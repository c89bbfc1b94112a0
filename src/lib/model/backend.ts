/**
 * Choosing a TensorFlow.js backend: WebGPU first, then WebGL, WASM and CPU.
 * Every fallback is recorded with a reason a person can read, because the UI always shows
 * which backend runs and why it is not a faster one.
 *
 * Runs in a module worker or in Node; no DOM. Backends are imported lazily so a page that
 * ends up on WASM never downloads the WebGPU kernels, and vice versa.
 */
import * as tf from '@tensorflow/tfjs';
import { isSoftwareAdapter, type BackendDecision, type BackendName } from './backend-rank';
import type { MeasureRequest } from './backend-measure';
import { errorMessage } from '../util/errors';

export type { BackendName } from './backend-rank';

export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendFallback {
  backend: BackendName;
  /** Why this backend was skipped, in plain words. */
  reason: string;
}

export interface BackendReport {
  backend: BackendName;
  /** GPU adapter description when on WebGPU (vendor, architecture, device), else undefined. */
  adapter?: string;
  /** True when that adapter (or WebGL renderer) is a software emulation such as SwiftShader. */
  software?: boolean;
  /** Backends tried before the one in use, with the reason each was not used. */
  fallbacks: BackendFallback[];
  /** When the backend was chosen by measurement: every backend's figure and the reason. */
  decision?: BackendDecision;
}

export interface BackendOptions {
  /** Backends to try, in order. Defaults to BACKEND_ORDER. */
  order?: readonly BackendName[];
  /** Where the tfjs-backend-wasm binaries live (browser builds pass Vite `?url` imports). */
  wasmPaths?: Record<string, string> | string;
  /**
   * Threads for the wasm backend when the page is cross-origin isolated: a count, or true for
   * every logical core (the default); false forces the single-threaded SIMD build (the bench page
   * compares both).
   */
  wasmThreads?: boolean | number;
  /**
   * Choose by measurement instead of by order (workers only: see chooseBackend in
   * backend-measure.ts). `order` is then ignored.
   */
  measure?: MeasureRequest;
}

/** A started backend: its adapter or renderer, and whether that is a software emulation. */
export interface StartedBackend {
  adapter?: string;
  software: boolean;
}

/**
 * Try backends in order and keep the first that initialises and runs a tiny kernel.
 *
 * @example
 * const report = await initBackend({ order: ['webgpu', 'cpu'] });
 * report.backend;   // 'webgpu' where an adapter exists
 * report.fallbacks; // [] or [{ backend: 'webgpu', reason: 'this browser has no WebGPU …' }]
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendReport> {
  const order = options.order ?? BACKEND_ORDER;
  const fallbacks: BackendFallback[] = [];
  for (const name of order) {
    try {
      const { adapter, software } = await startBackend(name, options);
      return adapter === undefined ? { backend: name, software, fallbacks } : { backend: name, adapter, software, fallbacks };
    } catch (err) {
      fallbacks.push({ backend: name, reason: explain(name, err) });
    }
  }
  throw new Error(`no TensorFlow.js backend works here: ${fallbacks.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`);
}

/**
 * Make `name` tfjs's active backend and prove it computes (a 2×2 matmul read back). Throws with a
 * readable reason when the platform lacks it.
 *
 * @example
 * const { adapter, software } = await startBackend('webgpu'); // 'Google · swiftshader …', true
 */
export async function startBackend(name: BackendName, options: BackendOptions = {}): Promise<StartedBackend> {
  const started = await prepareBackend(name, options);
  if (!(await tf.setBackend(name))) throw new Error('TensorFlow.js could not start it');
  await tf.ready();
  await smokeTest();
  return started;
}

/**
 * Load the backend's package and check the platform has what it needs, without starting it: the
 * adapter is known (and a software one can be passed over) before any kernel compiles.
 *
 * @example
 * (await prepareBackend('webgpu')).software; // true on SwiftShader
 */
export async function prepareBackend(name: BackendName, options: BackendOptions = {}): Promise<StartedBackend> {
  switch (name) {
    case 'webgpu': {
      const gpu = (globalThis.navigator as (Navigator & { gpu?: GPU }) | undefined)?.gpu;
      if (!gpu) throw new PlatformError('this browser has no WebGPU (navigator.gpu is missing)');
      const adapter = await gpu.requestAdapter();
      if (!adapter) throw new PlatformError('WebGPU is present but no graphics adapter was offered');
      await import('@tensorflow/tfjs-backend-webgpu');
      const description = describeAdapter(adapter);
      const fallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
      return { adapter: description, software: isSoftwareAdapter(description, fallback) };
    }
    case 'webgl': {
      if (typeof OffscreenCanvas === 'undefined') throw new PlatformError('no OffscreenCanvas for WebGL in this context');
      const gl = new OffscreenCanvas(1, 1).getContext('webgl2') ?? new OffscreenCanvas(1, 1).getContext('webgl');
      // The webgl backend ships inside @tensorflow/tfjs itself.
      if (!gl) throw new PlatformError('WebGL is not available (no GPU driver or it is disabled)');
      const renderer = describeRenderer(gl);
      return renderer === undefined ? { software: false } : { adapter: renderer, software: isSoftwareAdapter(renderer) };
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Threads need cross-origin isolation; tfjs's own check reads it. The production bundle's
      // thread start-up is repaired at build time (workers/wasm-threads-plugin.ts).
      if (options.wasmThreads === false) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      else useCores(wasm, typeof options.wasmThreads === 'number' ? options.wasmThreads : LOGICAL_CORES);
      if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths);
      return { software: false };
    }
    case 'cpu':
      return { software: false };
  }
}

/** This machine's logical cores, read before useCores() changes what the wasm module is told. */
const LOGICAL_CORES = globalThis.navigator?.hardwareConcurrency ?? 1;

/**
 * Give the wasm backend `threads` compute threads. tfjs's C++ caps its pool at half of
 * `navigator.hardwareConcurrency` (it assumes two hyperthreads per core), read once when the
 * module starts: 1 thread on a 2-core machine, whatever setThreadsCount asks. So, before the
 * module starts, this worker reports twice the wanted count to it. Workers only (never the page).
 */
function useCores(wasm: { setThreadsCount(n: number): void }, threads: number): void {
  const n = Math.max(1, Math.floor(threads));
  wasm.setThreadsCount(n);
  const nav = globalThis.navigator as Navigator | undefined;
  const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
  if (nav && inWorker && nav.hardwareConcurrency !== 2 * n) Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * n, configurable: true });
}

/** The WebGL renderer string (e.g. 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device …))'). */
function describeRenderer(gl: WebGLRenderingContext | WebGL2RenderingContext): string | undefined {
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer: unknown = gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  return typeof renderer === 'string' && renderer.length > 0 ? renderer : undefined;
}

/** A 2×2 matmul read back asynchronously: catches backends that start but compute nothing. */
async function smokeTest(): Promise<void> {
  const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const b = tf.tensor2d([5, 6, 7, 8], [2, 2]);
  const c = tf.matMul(a, b);
  try {
    const got = await c.data();
    const want = [19, 22, 43, 50];
    if (!want.every((w, i) => Math.abs((got[i] ?? NaN) - w) < 1e-3)) {
      throw new Error(`a test multiplication gave [${Array.from(got).join(', ')}] instead of [19, 22, 43, 50]`);
    }
  } finally {
    tf.dispose([a, b, c]);
  }
}

function describeAdapter(adapter: GPUAdapter): string {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  return parts.length > 0 ? parts.join(' · ') : 'unknown adapter';
}

class PlatformError extends Error {}

function explain(name: BackendName, err: unknown): string {
  if (err instanceof PlatformError) return err.message;
  const msg = errorMessage(err);
  return `${name} failed to start: ${msg}`;
}

/** A lost WebGPU device, in words. */
export interface DeviceLoss {
  /** GPUDeviceLostInfo.reason: 'destroyed' (the page or tfjs destroyed it) or 'unknown' (driver reset, GPU removed…). */
  reason: string;
  /** One sentence for a person. */
  message: string;
}

/**
 * Watch the WebGPU device under tfjs's current backend and call `onLost` once if it is lost,
 * whatever is running then (a step, a sample, or nothing): the device's `lost` promise, not the
 * text of whichever error happens to surface. Off WebGPU there is no device and nothing to watch.
 * Returns a function that stops watching.
 *
 * @example
 * const stop = watchDeviceLoss((loss) => say(loss.message)); // "The GPU device was lost (reset by the browser or driver)."
 */
export function watchDeviceLoss(onLost: (loss: DeviceLoss) => void): () => void {
  const device = tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as { device?: GPUDevice }).device : undefined;
  if (!device) return () => {};
  let active = true;
  void device.lost.then((info) => {
    if (!active) return;
    const how = info.reason === 'destroyed' ? 'destroyed' : 'reset by the browser or driver';
    onLost({ reason: info.reason ?? 'unknown', message: `The GPU device was lost (${how}${info.message ? `: ${info.message}` : ''}).` });
  });
  return () => {
    active = false;
  };
}

/**
 * The backends to try after `lost` failed: those after it in `order` (the order measured or chosen
 * at start), so a lost WebGPU device falls back to the next one rather than to the first.
 *
 * @example
 * backendsAfter('webgpu') // → ['webgl', 'wasm', 'cpu']
 */
export function backendsAfter(lost: BackendName, order: readonly BackendName[] = BACKEND_ORDER): BackendName[] {
  const at = order.indexOf(lost);
  const rest = order.slice(at + 1);
  return rest.length > 0 ? rest : ['cpu'];
}
