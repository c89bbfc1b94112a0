/**
 * A training run's answer to a lost GPU device: it continues from its autosave by itself, once per
 * loss — a second loss before a newer autosave, a loss before any autosave, or any other fault stops
 * the run with the fault and leaves Resume to the person — and the Train view says so in words.
 *
 * @example
 * const c = continuationAfter({ kind: 'device-lost', message: 'lost' }, 5, 6, null); // { lostStep: 6, savedStep: 5 }
 * lossNotice(c!, 'WebAssembly', true);
 * // 'The GPU was lost at step 6; continuing from the autosave at step 5 on WebAssembly…'
 */
import type { Fault } from '../../../workers/faults';

/** A run continued by itself after its GPU device was lost. */
export interface LossContinuation {
  /** The step the loss stopped the run at. */
  lostStep: number;
  /** The autosave it continued from. */
  savedStep: number;
}

/**
 * How a run that ended with `fault` at `lostStep` goes on: from its autosave at `savedStep` (null:
 * none), unless it already continued from that same autosave (`previous`). Null: stop with the fault.
 */
export function continuationAfter(fault: Fault, savedStep: number | null, lostStep: number, previous: LossContinuation | null): LossContinuation | null {
  if (fault.kind !== 'device-lost' || savedStep === null || previous?.savedStep === savedStep) return null;
  return { lostStep, savedStep };
}

/** What happened to the GPU and where the run goes on (`on`: the backend it continues on, in words). */
export function lossNotice(c: LossContinuation, on: string | null, running: boolean): string {
  const where = on ? ` on ${on}` : '';
  return running
    ? `The GPU was lost at step ${c.lostStep}; continuing from the autosave at step ${c.savedStep}${where}…`
    : `The GPU was lost at step ${c.lostStep}; the run continued from the autosave at step ${c.savedStep}${where}.`;
}
