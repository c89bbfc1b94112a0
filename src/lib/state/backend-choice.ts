/**
 * The compute backend a person picks for a worker (Train, Experiments): automatic, or one by name.
 */
import type { BackendName, BackendOptions } from '../model/backend';

/** 'auto' tries WebGPU, WebGL, WASM, CPU in turn; a named backend falls back to CPU only. */
export type BackendChoice = 'auto' | BackendName;

export const BACKEND_CHOICES: ReadonlyArray<{ value: BackendChoice; label: string }> = [
  { value: 'auto', label: 'Automatic (fastest measured)' },
  { value: 'webgpu', label: 'WebGPU (graphics card)' },
  { value: 'webgl', label: 'WebGL (graphics card, older)' },
  { value: 'wasm', label: 'WebAssembly (processor)' },
  { value: 'cpu', label: 'Plain JavaScript (slowest)' },
];

/** A backend's name in words (status lines, notices). */
export const BACKEND_LABELS: Readonly<Record<BackendName, string>> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU' };

/** What a worker's init() gets for a choice. */
export function backendOptions(choice: BackendChoice): BackendOptions {
  return choice === 'auto' ? {} : { order: choice === 'cpu' ? ['cpu'] : [choice, 'cpu'] };
}
