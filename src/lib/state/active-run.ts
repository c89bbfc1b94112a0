/**
 * The record of a training run in progress, kept in localStorage so a reload (or a crash) can
 * offer to resume it from its last autosave: which dataset, the settings and dropout it runs with,
 * where it ends, the latest step and the step of the latest autosave.
 *
 * @example
 * const active = new ActiveRunStore(localStorage);
 * active.begin({ version: 1, dataset: 'teaching', settings, dropout, endStep: 1000, lastStep: 0, savedStep: null });
 * active.update({ lastStep: 120 });
 * active.read();   // on the next visit: the record, or null
 * active.clear();  // the run ended
 */
import type { TrainerSetup } from '../../../workers/trainer.api';
import { DEFAULT_TRAINING_FORM, trainingFormSchema } from '../settings/training';
import type { BackendChoice } from './backend-choice';
import type { RunSettings } from './train-form.svelte';

/** The localStorage record of a run in progress. */
export interface ActiveRun {
  version: 1;
  dataset: string;
  settings: RunSettings;
  dropout: TrainerSetup['dropout'];
  /** The optimizer step the run ends at. */
  endStep: number;
  /** Latest step reached, and the step of the latest autosave (null: none yet). */
  lastStep: number;
  savedStep: number | null;
  /** The compute backend the run was started with. */
  backend?: BackendChoice;
  /** The step the run's learning-rate schedule counts from (its first step; absent in older records: 0). */
  scheduleStart?: number;
}

export const ACTIVE_RUN_KEY = 'markerlab:active-run';

export type RunStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The active-run record in storage (localStorage by default); every write is best effort. */
export class ActiveRunStore {
  readonly #given: RunStorage | undefined;
  #current: ActiveRun | null = null;

  constructor(storage?: RunStorage) {
    this.#given = storage;
  }

  /** The run this page started, while it is active. */
  get current(): ActiveRun | null {
    return this.#current;
  }

  /** A record an earlier visit left; a malformed one is removed. */
  read(): ActiveRun | null {
    const raw = this.#storage()?.getItem(ACTIVE_RUN_KEY);
    if (!raw) return null;
    const record = parseActiveRun(raw);
    if (!record) this.#storage()?.removeItem(ACTIVE_RUN_KEY);
    return record;
  }

  begin(record: ActiveRun): void {
    this.#current = record;
    this.#write();
  }

  update(patch: Partial<Pick<ActiveRun, 'lastStep' | 'savedStep'>>): void {
    if (!this.#current) return;
    Object.assign(this.#current, patch);
    this.#write();
  }

  /** The run ended (or never started): forget it here and in storage. */
  clear(): void {
    this.#current = null;
    this.#storage()?.removeItem(ACTIVE_RUN_KEY);
  }

  #write(): void {
    if (!this.#current) return;
    try {
      this.#storage()?.setItem(ACTIVE_RUN_KEY, JSON.stringify(this.#current));
    } catch {
      // Storage full or blocked: only the reload offer is lost.
    }
  }

  #storage(): RunStorage | undefined {
    if (this.#given) return this.#given;
    try {
      return typeof localStorage === 'undefined' ? undefined : localStorage;
    } catch {
      return undefined;
    }
  }
}

/**
 * An active-run record from storage, or null if it is not one (old format, hand-edited). Its
 * settings must pass the schema; a setting added since it was written takes its default.
 *
 * @example
 * parseActiveRun(localStorage.getItem(ACTIVE_RUN_KEY) ?? ''); // ActiveRun | null
 */
export function parseActiveRun(raw: string): ActiveRun | null {
  try {
    const r = JSON.parse(raw) as Partial<ActiveRun>;
    const ok = r.version === 1 && typeof r.dataset === 'string' && typeof r.endStep === 'number' && typeof r.lastStep === 'number'
      && (r.savedStep === null || typeof r.savedStep === 'number') && typeof r.settings === 'object' && r.settings !== null
      && typeof r.dropout === 'object' && r.dropout !== null
      && (r.scheduleStart === undefined || (Number.isSafeInteger(r.scheduleStart) && r.scheduleStart >= 0 && r.scheduleStart <= r.endStep));
    if (!ok) return null;
    const s = r.settings as Partial<RunSettings>;
    const form = trainingFormSchema.safeParse({ ...DEFAULT_TRAINING_FORM, ...s });
    if (!form.success || typeof s.startFrom !== 'string' || !(s.categories === null || Array.isArray(s.categories))) return null;
    return { ...(r as ActiveRun), settings: { ...form.data, categories: s.categories, startFrom: s.startFrom } };
  } catch {
    return null;
  }
}
