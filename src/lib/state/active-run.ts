/**
 * The record of a training run in progress, kept in localStorage so a reload (or a crash) can
 * offer to resume it from its last autosave: which dataset, the settings and dropout it runs with,
 * where it ends, the latest step and the step of the latest autosave.
 *
 * There is one record and one autosave per browser, so one tab at a time owns them: a tab claims a
 * Web Lock (`ACTIVE_RUN_LOCK`) before its run writes either and keeps it until the run ends or is
 * discarded (a run stopped by a fault keeps it: its Resume needs that autosave). Another tab's Start
 * is refused in words (RUN_ELSEWHERE), and the record of a run another tab holds is not offered
 * there as interrupted. Closing the owning tab frees the lock.
 *
 * @example
 * const active = new ActiveRunStore(localStorage);
 * if (!(await active.claim())) return RUN_ELSEWHERE;
 * active.begin({ version: 1, dataset: 'teaching', settings, dropout, endStep: 1000, lastStep: 0, savedStep: null });
 * active.update({ lastStep: 120 });
 * active.read();   // on the next visit: the record, or null
 * active.clear();  // the run ended
 */
import type { TrainerSetup } from '../../../workers/trainer.api';
import { DEFAULT_TRAINING_FORM, trainingFormSchema } from '../settings/training';
import type { BackendChoice } from './backend-choice';
import type { RunSettings } from './train-form.svelte';
import { isLocked, tryLock, type Locks } from '../util/web-lock';

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

/** The Web Lock held by the tab whose run owns the active-run record and the autosave. */
export const ACTIVE_RUN_LOCK = 'markerlab:active-run';

/** What Start says in a tab while another tab owns the run. */
export const RUN_ELSEWHERE = 'Another MarkerLab tab is training (or holds a run stopped by a problem, waiting to resume). '
  + 'Only one tab trains at a time, because a run autosaves into the one slot a reload resumes from: stop or finish that run, or close its tab, then press Start here.';

export type RunStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The part of the Web Locks API the store needs (navigator.locks in a browser). */
export type RunLocks = Locks & Pick<LockManager, 'query'>;

/** The active-run record in storage (localStorage by default); every write is best effort. */
export class ActiveRunStore {
  readonly #given: RunStorage | undefined;
  readonly #locks: RunLocks | null;
  #current: ActiveRun | null = null;
  /** Frees ACTIVE_RUN_LOCK while this tab holds it. */
  #release: (() => void) | null = null;

  /** `locks`: default navigator.locks; null where there is none (one tab assumed). */
  constructor(storage?: RunStorage, locks?: RunLocks | null) {
    this.#given = storage;
    this.#locks = locks !== undefined ? locks : (globalThis.navigator?.locks ?? null);
  }

  /**
   * Own the record and the autosave for this tab's run (kept until clear()); false when another tab
   * owns them. True at once, without waiting, when this tab owns them already or there are no locks.
   */
  claim(): true | Promise<boolean> {
    if (this.#release || !this.#locks) return true;
    return tryLock(this.#locks, ACTIVE_RUN_LOCK).then((release) => {
      this.#release ??= release;
      return release !== null;
    });
  }

  /** Another tab owns the record: what storage holds is that tab's live run, not an interrupted one. */
  async heldElsewhere(): Promise<boolean> {
    if (this.#release || !this.#locks) return false;
    return isLocked(this.#locks, ACTIVE_RUN_LOCK);
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

  /** The run ended (or never started): forget it here and in storage, and let other tabs train. */
  clear(): void {
    this.#current = null;
    this.#storage()?.removeItem(ACTIVE_RUN_KEY);
    this.#release?.();
    this.#release = null;
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
