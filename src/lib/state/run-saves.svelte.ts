/**
 * A training run's checkpoint saves: the one a person asks for (taken between steps while the run
 * trains, never in the middle of one) and the autosave a reload resumes from — after every
 * validation, at least every `everyMs`, and once more when the run ends — whose step goes into
 * the active-run record (active-run.ts).
 *
 * @example
 * const saves = new RunSaves({ checkpoints, active, everyMs: 60_000, take: () => api.checkpoint(), label: () => 'teaching · nano', step: () => 40 });
 * saves.started(0);                   // a run prepared at step 0: autosaves count from here
 * await saves.request(true);          // asked while training: `saving` until the next step boundary
 * await saves.takeRequested();        // between steps: the asked-for save
 * await saves.autosaveIfDue({ step: 40, totalSteps: 200 }, true, Date.now()); // a validation earns one
 */
import type { Progress } from '../model/run';
import type { BackendReport } from '../model/backend';
import type { CheckpointsState } from './checkpoints.svelte';
import type { ActiveRunStore } from './active-run';
import { errorMessage } from '../util/errors';

/** The checkpoint id of the run's autosave (one, overwritten). */
export const AUTOSAVE_ID = 'autosave';

export interface RunSavesOptions {
  checkpoints: CheckpointsState;
  active: ActiveRunStore;
  /** Autosave also when this long has passed since the last one (ms). */
  everyMs: number;
  /** The trainer's current weights (and optimizer state) as checkpoint bytes. */
  take: () => Promise<Uint8Array>;
  /** What the run's checkpoints are called before their step, e.g. 'teaching · nano'. */
  label: () => string;
  /** The step a save asked for now would record. */
  step: () => number;
}

export class RunSaves {
  /** A save the person asked for is waiting or running. */
  saving = $state(false);
  saveError = $state<string | null>(null);

  readonly #o: RunSavesOptions;
  #last = { step: -1, at: 0 };
  #requested = false;

  constructor(options: RunSavesOptions) {
    this.#o = options;
  }

  /** The run was prepared at `step`: the next autosave is due `everyMs` from now (or at a validation). */
  started(step: number): void {
    this.#last = { step, at: Date.now() };
  }

  /** Save as a new checkpoint: now, or at the next step boundary when `betweenSteps` (a run is training). */
  async request(betweenSteps: boolean): Promise<void> {
    if (this.saving) return;
    this.saveError = null;
    this.saving = true;
    if (betweenSteps) this.#requested = true;
    else await this.#saveNow();
  }

  /** Between steps (and at the end): take the save that was asked for, if any. */
  async takeRequested(): Promise<void> {
    if (this.#requested) await this.#saveNow();
  }

  /** Between steps: autosave after a validation or when `everyMs` has passed (not on the last step: the end saves). */
  async autosaveIfDue(p: Pick<Progress, 'step' | 'totalSteps'>, validated: boolean, now: number): Promise<void> {
    if ((validated || now - this.#last.at >= this.#o.everyMs) && p.step < p.totalSteps) await this.autosave(p.step);
  }

  /** The run ended at `step`: autosave unless that step is saved already. */
  async autosaveAtEnd(step: number): Promise<void> {
    if (step > this.#last.step) await this.autosave(step);
  }

  async autosave(step: number): Promise<void> {
    this.#last = { step, at: Date.now() };
    try {
      const bytes = await this.#o.take();
      await this.#o.checkpoints.saveBytes(bytes, { id: AUTOSAVE_ID, name: `Autosave: ${this.#o.label()}, step ${step}` });
      this.#o.active.update({ savedStep: step });
    } catch (err) {
      this.saveError = `Autosave failed (training goes on): ${errorMessage(err)}`;
    }
  }

  async #saveNow(): Promise<void> {
    try {
      const step = this.#o.step();
      const bytes = await this.#o.take();
      await this.#o.checkpoints.saveBytes(bytes, { name: `${this.#o.label()}, step ${step}` });
    } catch (err) {
      this.saveError = `Could not save the checkpoint: ${errorMessage(err)}`;
    } finally {
      this.saving = false;
      this.#requested = false;
    }
  }
}

/**
 * What a run's checkpoint records about it: preset, dataset, backend, the latest loss and speed,
 * and the latest validation losses.
 *
 * @example
 * runMetrics({ preset: 'nano', dataset: 'teaching', backend, progress, validation: { valLoss: 1.9 } });
 * // { preset: 'nano', dataset: 'teaching', backend: 'wasm', loss: 2.1, tokensPerSec: 5120, valLoss: 1.9 }
 */
export function runMetrics(run: {
  preset: string;
  dataset: string | null;
  backend: BackendReport | null;
  progress: Progress | null;
  validation: { valLoss?: number; valLossNoMarkers?: number } | undefined;
}): Record<string, number | string> {
  const { progress: p, validation: v } = run;
  const m: Record<string, number | string> = { preset: run.preset };
  if (run.dataset) m.dataset = run.dataset;
  if (run.backend) m.backend = run.backend.backend;
  if (p) {
    m.loss = p.loss;
    m.tokensPerSec = Math.round(p.tokensPerSec);
  }
  if (v?.valLoss !== undefined) m.valLoss = v.valLoss;
  if (v?.valLossNoMarkers !== undefined) m.valLossNoMarkers = v.valLossNoMarkers;
  return m;
}
