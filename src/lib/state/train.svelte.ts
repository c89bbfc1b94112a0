/**
 * The Train view's controller: the run's settings (TrainForm, train-form.svelte.ts), the run on the
 * trainer worker (TrainRun, train-run.svelte.ts: phases, progress, samples, checkpoints) and, here,
 * how a run begins — from the form, or by resuming the run a reload (or a crash) interrupted. A run
 * in progress is recorded in localStorage (active-run.ts: settings, dataset, last autosave), so a
 * reload offers to resume from the autosaved checkpoint with its optimizer state. One tab at a time
 * trains (a Web Lock, active-run.ts): a run in another tab is not offered for resuming here, and
 * Start says that tab is training.
 *
 * @example
 * const train = new TrainState({ connect, rows: (n) => dataApi.rows(n), checkpoints, dropout, initial });
 * await train.start();            // offers to resume an interrupted run, if any
 * train.form.preset = 'nano';
 * await train.begin('teaching');  // resolves when the run ends
 */
import type { ActiveRun } from './active-run';
import { SCRATCH, type RunSettings } from './train-form.svelte';
import { AUTOSAVE_ID } from './run-saves.svelte';
import { TrainRun } from './train-run.svelte';

export type { BackendChoice } from './backend-choice';
export { ACTIVE_RUN_KEY, ACTIVE_RUN_LOCK, RUN_ELSEWHERE, parseActiveRun, type ActiveRun } from './active-run';
export { SCRATCH, type RunSettings } from './train-form.svelte';
export { AUTOSAVE_ID } from './run-saves.svelte';
export type { SampleRound } from './train-samples.svelte';
export type { TrainPhase } from './train-run.svelte';
export type { TrainOptions } from './train-options';

export class TrainState extends TrainRun {
  /** A run an earlier visit left unfinished, offered for resuming (null: none, or it was answered). */
  interrupted = $state.raw<ActiveRun | null>(null);

  /** On page load: offer to resume a run the last visit left unfinished (not one another tab is running). */
  async start(): Promise<void> {
    const record = this.active.read();
    if (record && !(await this.active.heldElsewhere())) this.interrupted = record;
  }

  /** Train on `dataset` with the current settings. Resolves when the run ends; errors are kept for display. */
  async begin(dataset: string): Promise<void> {
    if (this.running) return;
    if (Object.keys(this.problems).length > 0) {
      this.error = 'Fix the settings marked below first.';
      return;
    }
    const settings = this.settings;
    await this.run(dataset, settings, this.dropout.config, settings.startFrom === SCRATCH ? null : settings.startFrom, null);
  }

  /** Continue an interrupted (or faulted) run from its autosave, optimizer state included. */
  async resumeInterrupted(overrides: Partial<Pick<RunSettings, 'lr'>> = {}): Promise<void> {
    const record = this.interrupted ?? this.active.current;
    if (!record || record.savedStep === null || this.running) return;
    this.interrupted = null;
    await this.resumeRun(record, overrides);
  }

  /**
   * Continue the active run from its autosave, optimizer state included, with `overrides`; resolves
   * when that run ends. No-op without an autosave. (TrainRun also calls it after a lost device.)
   */
  protected async resumeRun(record: ActiveRun, overrides: Partial<Pick<RunSettings, 'lr'>> = {}): Promise<void> {
    if (record.savedStep === null) return;
    // The floor follows the peak (minLr = lr × minLrRatio), so a lower lr needs no other change.
    const settings = { ...record.settings, ...overrides };
    this.apply(settings);
    if (record.backend) this.backendChoice = record.backend;
    await this.run(record.dataset, settings, record.dropout, AUTOSAVE_ID, record);
  }

  /** Forget the interrupted run (its autosave stays in the checkpoint list). */
  discardInterrupted(): void {
    this.interrupted = null;
    this.active.clear();
  }
}
