/**
 * The TensorFlow.js backend of a CLI run. In Node the fastest one is wasm (single-threaded SIMD; it
 * finds its own .wasm files), then cpu. WebGPU runs only when asked (`--backend webgpu`, or in
 * bench): the `webgpu` npm package (Dawn, prebuilt inside the package) provides `navigator.gpu`
 * where Vulkan finds an adapter — Debian's libvulkan1 plus Chromium's SwiftShader ICD on a machine
 * without a GPU, which is correct but slow (GUIDE.md), hence not the default.
 * `--backend wasm|cpu` fails if it cannot start; `--backend webgpu` falls back to wasm → cpu with
 * the reason on stderr.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendFallback, type BackendName, type BackendReport } from '../src/lib/model/backend';
import { UsageError } from './errors';
import type { Io } from './output';
import { errorMessage } from '../src/lib/util/errors';

/** What Node runs by default, fastest first. */
export const NODE_BACKENDS = ['wasm', 'cpu'] as const satisfies readonly BackendName[];

/** Every backend `--backend` accepts; webgpu only where Dawn finds an adapter. */
export const CLI_BACKENDS = [...NODE_BACKENDS, 'webgpu'] as const satisfies readonly BackendName[];

export type NodeBackend = (typeof CLI_BACKENDS)[number];

/** Chromium's software Vulkan driver (Debian's chromium package). */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Check a `--backend` value before any slow work. */
export function parseBackend(flag: string | undefined): NodeBackend | undefined {
  if (flag === undefined) return undefined;
  const known: readonly string[] = CLI_BACKENDS;
  if (!known.includes(flag)) throw new UsageError(`--backend expects ${CLI_BACKENDS.slice(0, -1).join(', ')} or ${CLI_BACKENDS.at(-1)}, got "${flag}"`);
  return flag as NodeBackend;
}

export interface StartOptions {
  /** Fail instead of falling back when the requested backend is webgpu (bench skips it instead). */
  strict?: boolean;
}

/**
 * Start the requested backend, or the fastest that works. In human mode (`quiet` false) says on
 * stderr which backend runs, and why a faster one was skipped; a requested webgpu that does not
 * start falls back to wasm → cpu, and that is said on stderr even with `quiet`.
 *
 * @example
 * const report = await startBackend(parseBackend(ctx.flags.backend), ctx.io, ctx.flags.json);
 */
export async function startBackend(requested: NodeBackend | undefined, io: Io, quiet: boolean, options: StartOptions = {}): Promise<BackendReport> {
  let report: BackendReport;
  // Silences tfjs's banner telling Node users to install tfjs-node, which this project does not use.
  tf.enableProdMode();
  const early: BackendFallback[] = [];
  let order: readonly BackendName[] = requested ? [requested] : NODE_BACKENDS;
  if (requested === 'webgpu') {
    const problem = await provideNodeWebGpu();
    if (problem !== undefined) early.push({ backend: 'webgpu', reason: problem });
    order = problem === undefined ? ['webgpu'] : [];
    if (!options.strict) order = [...order, ...NODE_BACKENDS];
  }
  try {
    if (order.length === 0) throw new Error(early.map((f) => f.reason).join('; '));
    report = await initBackend({ order });
    report = { ...report, fallbacks: [...early, ...report.fallbacks] };
  } catch (err) {
    const why = errorMessage(err);
    throw new UsageError(requested ? `--backend ${requested} does not start here: ${why}` : why);
  }
  if (report.backend !== 'webgpu') releaseNodeWebGpu();
  const substituted = requested !== undefined && report.backend !== requested;
  if (!quiet || substituted) {
    const skipped = report.fallbacks.map((f) => ` (${f.backend} skipped: ${f.reason})`).join('');
    const adapter = report.adapter === undefined ? '' : ` on ${report.adapter}`;
    io.stderr(`backend: ${report.backend}${adapter}${skipped}\n`);
  }
  return report;
}

/**
 * Let the process exit after WebGPU was used: Dawn keeps Node's event loop alive while
 * `navigator.gpu` (and a device) exist. Harmless when WebGPU never started.
 */
export function releaseBackend(): void {
  if (tf.getBackend() === 'webgpu') {
    const backend = tf.backend() as tf.KernelBackend & { device?: GPUDevice };
    const device = backend.device;
    tf.removeBackend('webgpu');
    device?.destroy();
  }
  releaseNodeWebGpu();
}

/** Whether this process put Dawn's `navigator.gpu` in place (so it may take it away again). */
let ownsNavigatorGpu = false;

/**
 * Make `navigator.gpu` from the `webgpu` package unless the runtime has one. Returns why WebGPU
 * cannot run here, or undefined when an adapter answers.
 */
async function provideNodeWebGpu(): Promise<string | undefined> {
  const nav = globalThis.navigator as (Navigator & { gpu?: GPU }) | undefined;
  if (nav?.gpu !== undefined) return undefined;
  // Vulkan reads this when Dawn creates its instance: a machine without a GPU driver gets
  // Chromium's SwiftShader; a machine with one keeps its own choice.
  if (process.env.VK_ICD_FILENAMES === undefined && process.env.VK_DRIVER_FILES === undefined && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  let gpu: GPU;
  try {
    const { create, globals } = await import('webgpu');
    // GPUBufferUsage, GPUMapMode, … are globals in a browser and tfjs-backend-webgpu uses them.
    Object.assign(globalThis, globals);
    gpu = create([]);
  } catch (err) {
    return `the webgpu package (Dawn) does not load: ${errorMessage(err).split('\n')[0]}`;
  }
  if (globalThis.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  }
  Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  ownsNavigatorGpu = true;
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (adapter === null) {
    releaseNodeWebGpu();
    return 'Dawn found no WebGPU adapter (no Vulkan driver: install Debian\'s libvulkan1, and chromium for its SwiftShader, or a GPU driver)';
  }
  return undefined;
}

function releaseNodeWebGpu(): void {
  if (!ownsNavigatorGpu) return;
  Reflect.deleteProperty(globalThis.navigator, 'gpu');
  ownsNavigatorGpu = false;
}
