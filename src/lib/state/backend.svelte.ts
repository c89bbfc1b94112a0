/**
 * Which compute backend this browser gets for Play (inference), for the header. The UI never
 * imports tfjs. On start the probe worker measures the backends on the shape of the checkpoint Play
 * opens with (the demo's, known up front; once per device and shape, remembered in BackendMemory)
 * while the page loads, and the player starts on that ranking (`planFor`). When Play loads a
 * checkpoint of another shape, its player plans for that shape (`playPlan`): the remembered ranking,
 * or a measurement in the player worker; the badge's figures, choice and *Measure again* then speak
 * of that shape.
 *
 * @example
 * const status = new BackendStatus(() => Comlink.wrap<ProbeApi>(new Worker(...)), new BackendMemory(localStorage));
 * await status.start();
 * status.label;   // 'WebAssembly'
 * status.reason;  // 'WebAssembly (2 threads): 2.1 ms/token, WebGPU (SwiftShader, software): not timed … — chose WebAssembly'
 */
import type { BackendOptions, BackendReport } from '../model/backend';
import { BACKEND_LABELS, type BackendDecision, type BackendName, type BackendWork } from '../model/backend-rank';
import type { GPTConfig } from '../model/config';
import { errorMessage } from '../util/errors';
import { DEMO_SHAPE, sameShape, type BackendMemory } from './backend-memory';
import type { BackendPlan } from './backend-worker';

export interface BackendProbe {
  init(options?: BackendOptions): Promise<BackendReport>;
  /** Stop a measurement between steps. */
  cancel?(): void;
}

const PLAIN: Record<BackendName, string> = {
  webgpu: 'the graphics card, through WebGPU',
  webgl: 'the graphics card, through the older WebGL interface',
  wasm: 'the processor, through WebAssembly',
  cpu: 'the processor, in plain JavaScript (the slowest option)',
};

/** A model shape in words: '2 layers, 4 heads, 64 wide, context 256, vocabulary 2,320'. */
function shapeWords(c: GPTConfig): string {
  return `${c.nLayer} layer${c.nLayer === 1 ? '' : 's'}, ${c.nHead} head${c.nHead === 1 ? '' : 's'}, ${c.nEmbd} wide, context ${c.blockSize}, vocabulary ${c.vocabSize.toLocaleString('en')}`;
}

export class BackendStatus {
  report = $state<BackendReport | null>(null);
  /** The figures and the choice (measured now or remembered from an earlier visit). */
  decision = $state.raw<(BackendDecision & { measuredAt?: string }) | null>(null);
  error = $state<string | null>(null);
  measuring = $state(false);
  /** The person's choice for Play: 'auto' or one backend. */
  choice = $state<BackendName | 'auto'>('auto');
  /** The shape of the model Play runs (the first checkpoint's until Play loads another one). */
  shape = $state.raw<GPTConfig>(DEMO_SHAPE);
  /** The shape the probe measures on start: the checkpoint Play opens with. */
  readonly #first: GPTConfig;
  readonly #connect: () => BackendProbe;
  readonly #memory: BackendMemory;
  #probe: BackendProbe | null = null;
  #ready: Promise<void> | null = null;

  constructor(connect: () => BackendProbe, memory: BackendMemory, shape: GPTConfig = DEMO_SHAPE) {
    this.#connect = connect;
    this.#memory = memory;
    this.#first = shape;
    this.shape = shape;
    this.choice = memory.override('inference', shape);
  }

  /** Measure (or recall) and start the probe's backend; never throws (the error is kept for display). */
  start(): Promise<void> {
    this.#ready ??= this.#run();
    return this.#ready;
  }

  /** Forget this device's figures for the shape Play runs and measure it again (Play's next start uses them). */
  remeasure(): Promise<void> {
    this.#memory.forget('inference', this.shape);
    this.#ready = this.#run(this.shape);
    return this.#ready;
  }

  /** Stop a measurement under way (the probe then reports it was cancelled). */
  cancel(): void {
    this.#probe?.cancel?.();
  }

  /** Change the choice for Play; remembered for this device and shape, used by the next player start. */
  choose(choice: BackendName | 'auto'): void {
    this.choice = choice;
    this.#memory.setOverride('inference', this.shape, choice);
    const known = this.#memory.decision('inference', this.shape);
    if (known) this.decision = known;
  }

  /**
   * What a worker's init() should get for `work` on a model of `shape`: for inference on the first
   * shape, after the probe's measurement; the remembered ranking (or a measurement in that worker)
   * for any other work or shape.
   *
   * @example
   * await player.init(await status.planFor('inference', DEMO_SHAPE));
   */
  async planFor(work: BackendWork, shape: GPTConfig = this.#first): Promise<BackendOptions> {
    if (work === 'inference' && sameShape(shape, this.#first)) await this.start();
    return this.#memory.plan(work, shape);
  }

  /**
   * Play's plan: the ranking for the shape of the model Play loads (planFor), and every start (or
   * worker kept for a new shape) reported back, so the badge shows that shape's figures and choice.
   *
   * @example
   * new PlayState({ connect, backendPlan: status.playPlan(), firstShape: DEMO_SHAPE, checkpoints, initial });
   */
  playPlan(): BackendPlan {
    return {
      auto: (shape = this.#first) => this.planFor('inference', shape),
      remember: (report, shape = this.#first) => this.#played(report, shape),
    };
  }

  /** Keep the figures a worker measured itself (e.g. the trainer). */
  remember(report: BackendReport, shape: GPTConfig): void {
    this.#memory.remember(report, shape);
  }

  get label(): string {
    if (this.error) return 'No backend';
    if (this.measuring) return 'Measuring…';
    return this.report ? BACKEND_LABELS[this.report.backend] : 'Starting…';
  }

  get summary(): string {
    if (this.error) return `MarkerLab could not start any compute backend: ${this.error}`;
    if (this.measuring) return 'Timing each compute backend on the model Play loads (a second or two, once per device and model shape)…';
    if (!this.report) return 'Looking for the fastest way to compute in this browser…';
    const how = this.decision?.override ? 'your choice' : 'the fastest measured here';
    const where = `Play computes on ${PLAIN[this.report.backend]} (${how} for its model: ${shapeWords(this.shape)})`;
    return this.report.adapter ? `${where} — adapter: ${this.report.adapter}.` : `${where}.`;
  }

  /** The figures and the choice, one line: "WebAssembly: 2.1 ms/token, … — chose WebAssembly". */
  get reason(): string | null {
    return this.decision?.reason ?? null;
  }

  /** True when the choice differs from what the running player was started with (it applies on reload). */
  get pendingChoice(): boolean {
    return this.report !== null && this.decision !== null && this.decision.backend !== this.report.backend;
  }

  /** One sentence per skipped backend, in words a teacher can read out. */
  get fallbackNotes(): string[] {
    return (this.report?.fallbacks ?? []).map((f) => `${BACKEND_LABELS[f.backend]} was not used: ${f.reason}.`);
  }

  /** Play's worker runs `report` for a model of `shape`: keep its figures; the badge now speaks of it. */
  #played(report: BackendReport, shape: GPTConfig): void {
    this.#memory.remember(report, shape);
    this.shape = shape;
    this.report = report;
    this.decision = report.decision ?? this.#memory.decision('inference', shape);
    this.choice = this.#memory.override('inference', shape);
    this.error = null;
  }

  async #run(shape: GPTConfig = this.#first): Promise<void> {
    const plan = this.#memory.plan('inference', shape);
    this.measuring = plan.measure !== undefined;
    try {
      this.#probe ??= this.#connect();
      const report = await this.#probe.init(plan);
      this.#memory.remember(report, shape);
      if (!sameShape(shape, this.shape)) return; // Play moved to another model meanwhile
      this.report = report;
      this.decision = report.decision ?? this.#memory.decision('inference', shape);
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.measuring = false;
    }
  }
}
