/**
 * Which compute backend this browser gets, for the header. The UI never imports tfjs:
 * the probe worker starts the backend and this controller keeps its report.
 *
 * @example
 * const status = new BackendStatus(() => Comlink.wrap<ProbeApi>(new Worker(...)));
 * await status.start();
 * status.label;    // 'WebGPU'
 * status.summary;  // 'Running on the graphics card (SwiftShader …)'
 */
import type { BackendName, BackendReport } from '../model/backend';
import { errorMessage } from '../util/errors';

export interface BackendProbe {
  init(): Promise<BackendReport>;
}

const LABELS: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'CPU',
};

const PLAIN: Record<BackendName, string> = {
  webgpu: 'the graphics card, through WebGPU (fastest)',
  webgl: 'the graphics card, through the older WebGL interface',
  wasm: 'the processor, through WebAssembly (slower than a graphics card)',
  cpu: 'the processor, in plain JavaScript (the slowest option)',
};

export class BackendStatus {
  report = $state<BackendReport | null>(null);
  error = $state<string | null>(null);
  #connect: () => BackendProbe;

  constructor(connect: () => BackendProbe) {
    this.#connect = connect;
  }

  /** Ask the probe worker for a backend; never throws (the error is kept for display). */
  async start(): Promise<void> {
    try {
      this.report = await this.#connect().init();
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  get label(): string {
    if (this.error) return 'No backend';
    return this.report ? LABELS[this.report.backend] : 'Starting…';
  }

  get summary(): string {
    if (this.error) return `MarkerLab could not start any compute backend: ${this.error}`;
    if (!this.report) return 'Looking for the fastest way to compute in this browser…';
    const where = `Computing on ${PLAIN[this.report.backend]}`;
    return this.report.adapter ? `${where} — adapter: ${this.report.adapter}.` : `${where}.`;
  }

  /** One sentence per skipped backend, in words a teacher can read out. */
  get fallbackNotes(): string[] {
    return (this.report?.fallbacks ?? []).map((f) => `${LABELS[f.backend]} was not used: ${f.reason}.`);
  }
}
