/**
 * The compute backend a person picks for a worker (Train, Experiments): automatic, or one by name.
 */
import type { BackendName, BackendOptions } from '../model/backend';

/**
 * 'auto' runs on the backend measured fastest for the work and model shape (BackendPlan; without one
 * the fixed order WebGPU, WebGL, WASM, CPU); a named backend falls back to CPU only.
 */
export type BackendChoice = 'auto' | BackendName;

export const BACKEND_CHOICES: ReadonlyArray<{ value: BackendChoice; label: string }> = [
  { value: 'auto', label: 'Automatic (fastest measured)' },
  { value: 'webgpu', label: 'WebGPU (graphics card)' },
  { value: 'webgl', label: 'WebGL (graphics card, older)' },
  { value: 'wasm', label: 'WebAssembly (processor)' },
  { value: 'cpu', label: 'Plain JavaScript (slowest)' },
];

/** What the training views say under their Compute choice. */
export const BACKEND_CHOICE_HINT = 'Automatic runs on the backend measured fastest for training this preset on this device '
  + '(a graphics card emulated in software is never preferred). Your choice is remembered on this device for each preset, in Train and Experiments.';

/** A backend's name in words (status lines, notices). */
export const BACKEND_LABELS: Readonly<Record<BackendName, string>> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU' };

/** What a worker's init() gets for a choice. */
export function backendOptions(choice: BackendChoice): BackendOptions {
  return choice === 'auto' ? {} : { order: choice === 'cpu' ? ['cpu'] : [choice, 'cpu'] };
}
