/**
 * Choosing a compute backend from measurements: pure TS (no tf, no DOM), so the worker that
 * measures, the UI that explains and the tests share one rule.
 *
 * The rule: among backends that started, the fastest measured one wins; a software adapter
 * (SwiftShader, llvmpipe, a fallback adapter) is never preferred, whatever its figure; figures
 * within TIE of the best count as a tie, broken by BACKEND_PREFERENCE; a person's override wins
 * when that backend works.
 */

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** What a measurement times: one decoded token (Play) or one trained token (Train). */
export type BackendWork = 'inference' | 'training';

/** Tie-break order: a graphics card first (it leaves the processor to the page), plain JS last. */
export const BACKEND_PREFERENCE: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Figures within 5 % of the best are a tie. */
export const TIE = 0.05;

export const BACKEND_LABELS: Readonly<Record<BackendName, string>> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'CPU (JavaScript)',
};

/** One backend's measurement. */
export interface BackendTiming {
  backend: BackendName;
  /** Adapter or renderer description, when the backend has one. */
  adapter?: string;
  /** A software emulation of a GPU: measured perhaps, never preferred. */
  software: boolean;
  /** ms per token of the measured work; absent when not timed. */
  msPerToken?: number;
  /** Timing stopped early because it could not win: msPerToken is a lower bound. */
  lowerBound?: boolean;
  /** Why there is no figure (did not start, not timed); absent when timed. */
  skipped?: string;
  /** Threads the wasm backend ran with (1 = single-threaded). */
  threads?: number;
  /** A caveat on the figure, e.g. 'warm-up only'. */
  note?: string;
}

export interface BackendDecision {
  work: BackendWork;
  backend: BackendName;
  /** Backends to try, best first: the chosen one, then the other working ones (fallback order). */
  order: BackendName[];
  /** True when a person's choice decided, not the measurement. */
  override: boolean;
  /** One line: the figures and the choice. */
  reason: string;
  timings: BackendTiming[];
}

/**
 * Rank measured backends and pick one.
 *
 * @example
 * const d = rankBackends('inference', [
 *   { backend: 'webgpu', adapter: 'SwiftShader', software: true, msPerToken: 1 },
 *   { backend: 'wasm', software: false, msPerToken: 2.1 },
 * ]);
 * d.backend; // 'wasm'  (the software adapter is never preferred)
 * d.reason;  // 'WebAssembly: 2.1 ms/token, WebGPU (SwiftShader, software): 1 ms/token — chose WebAssembly …'
 */
export function rankBackends(work: BackendWork, timings: readonly BackendTiming[], override: BackendName | 'auto' = 'auto'): BackendDecision {
  const usable = timings.filter((t) => !isUnstartable(t));
  const order = rankOrder(usable);
  const auto = order[0] ?? 'cpu';
  const wanted = override !== 'auto' && order.includes(override) ? override : null;
  const backend = wanted ?? auto;
  const finalOrder = [backend, ...order.filter((b) => b !== backend)];
  if (finalOrder.length === 1 && backend !== 'cpu') finalOrder.push('cpu');
  return { work, backend, order: finalOrder, override: wanted !== null, reason: explain(timings, backend, auto, override, wanted !== null), timings: [...timings] };
}

/**
 * Is this adapter or renderer a software emulation of a GPU?
 *
 * @example
 * isSoftwareAdapter('google · swiftshader');   // true
 * isSoftwareAdapter('nvidia · ampere');        // false
 * isSoftwareAdapter('unknown adapter', true);  // true (isFallbackAdapter)
 */
export function isSoftwareAdapter(description: string, isFallbackAdapter = false): boolean {
  return isFallbackAdapter || /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render/i.test(description);
}

/**
 * One figure for a person: "WebGPU (SwiftShader, software): 40 ms/token".
 *
 * @example
 * describeTiming({ backend: 'wasm', software: false, msPerToken: 2.14, threads: 2 }); // 'WebAssembly (2 threads): 2.1 ms/token'
 */
export function describeTiming(t: BackendTiming): string {
  const notes: string[] = [];
  if (t.adapter && t.software) notes.push(shortAdapter(t.adapter));
  if (t.software) notes.push('software');
  if (t.threads !== undefined) notes.push(t.threads === 1 ? '1 thread' : `${t.threads} threads`);
  const name = notes.length > 0 ? `${BACKEND_LABELS[t.backend]} (${notes.join(', ')})` : BACKEND_LABELS[t.backend];
  const note = t.note ? ` (${t.note})` : '';
  if (t.msPerToken !== undefined) return `${name}: ${t.lowerBound ? 'over ' : ''}${formatMs(t.msPerToken)} ms/token${note}`;
  return `${name}: ${t.skipped ?? 'not timed'}`;
}

/** A backend that did not start has a reason and no figure, and is not a (skipped) software adapter. */
function isUnstartable(t: BackendTiming): boolean {
  return t.msPerToken === undefined && t.skipped !== undefined && !t.software;
}

/** Working backends, best first: timed hardware by speed (ties by preference), untimed hardware, then software. */
function rankOrder(usable: readonly BackendTiming[]): BackendName[] {
  const byPreference = (a: BackendTiming, b: BackendTiming): number => BACKEND_PREFERENCE.indexOf(a.backend) - BACKEND_PREFERENCE.indexOf(b.backend);
  const rank = (group: readonly BackendTiming[]): BackendTiming[] => {
    const timed = group.filter((t) => t.msPerToken !== undefined).sort((a, b) => a.msPerToken! - b.msPerToken! || byPreference(a, b));
    const best = timed[0]?.msPerToken;
    if (best !== undefined) {
      // Exact figures only where they decide: a lower bound never ties with a real figure.
      const tied = timed.filter((t) => !t.lowerBound && t.msPerToken! <= best * (1 + TIE)).sort(byPreference);
      const winner = tied[0];
      if (winner) timed.splice(timed.indexOf(winner), 1), timed.unshift(winner);
    }
    return [...timed, ...group.filter((t) => t.msPerToken === undefined).sort(byPreference)];
  };
  return [...rank(usable.filter((t) => !t.software)), ...rank(usable.filter((t) => t.software))].map((t) => t.backend);
}

function explain(timings: readonly BackendTiming[], backend: BackendName, auto: BackendName, override: BackendName | 'auto', overridden: boolean): string {
  const figures = [...timings]
    .sort((a, b) => (a.msPerToken ?? Infinity) - (b.msPerToken ?? Infinity))
    .map(describeTiming)
    .join(', ');
  const what = timings.length === 0 ? 'nothing measured' : figures;
  if (overridden) return `${what} — you chose ${BACKEND_LABELS[backend]}${auto !== backend ? ` (Automatic would pick ${BACKEND_LABELS[auto]})` : ''}`;
  const unavailable = override !== 'auto' ? `; ${BACKEND_LABELS[override]} is not available here` : '';
  const soft = timings.some((t) => t.software && t.backend !== backend) ? '; a software adapter is never preferred' : '';
  return `${what} — chose ${BACKEND_LABELS[backend]}${unavailable}${soft}`;
}

function shortAdapter(adapter: string): string {
  const known = /swiftshader|llvmpipe|lavapipe|softpipe/i.exec(adapter);
  return known ? (known[0].toLowerCase() === 'swiftshader' ? 'SwiftShader' : known[0]) : adapter.slice(0, 40);
}

function formatMs(ms: number): string {
  return ms >= 100 ? String(Math.round(ms)) : ms >= 10 ? ms.toFixed(0) : ms.toPrecision(2);
}
