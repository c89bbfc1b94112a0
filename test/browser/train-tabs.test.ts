/**
 * Two tabs on the Train view, as two TrainStates in one page: they share what two tabs of one origin
 * share — the active-run record's storage and the real Web Locks (navigator.locks, per origin) — so
 * only one trains into the active-run record and the autosave at a time; the other's Start says so
 * in words, and the run it would overwrite is not offered to it as interrupted.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVE_RUN_KEY, ACTIVE_RUN_LOCK, RUN_ELSEWHERE, SCRATCH } from '../../src/lib/state/train.svelte';
import { MemoryStorage, setup } from '../dom/train-fakes';

/** Two tabs: one storage, the browser's locks. */
function twoTabs() {
  const storage = new MemoryStorage();
  const tabs = [setup({ storage, locks: navigator.locks }), setup({ storage, locks: navigator.locks })] as const;
  for (const t of tabs) t.train.startFrom = SCRATCH;
  return { storage, first: tabs[0], second: tabs[1] };
}

/** Hold the first tab's run before `step` until the returned function is called. */
function holdAt(tab: ReturnType<typeof setup>, step: number): () => void {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  tab.control.gate = async () => {
    if (tab.train.progress?.step === step) await held;
  };
  return release;
}

const lockHeld = async () => ((await navigator.locks.query()).held ?? []).some((l) => l.name === ACTIVE_RUN_LOCK);

describe('Train in two tabs', () => {
  it('trains in one tab at a time: the second tab\'s Start says another tab is training, and works once that run ends', async () => {
    const { storage, first, second } = twoTabs();
    const release = holdAt(first, 3);
    const run = first.train.begin('teaching');
    await expect.poll(() => first.train.progress?.step).toBe(3);
    expect(await lockHeld()).toBe(true);

    // The second tab opens while the first trains: the record in storage is a live run, not an interrupted one.
    expect(storage.getItem(ACTIVE_RUN_KEY)).not.toBeNull();
    await second.train.start();
    expect(second.train.interrupted).toBeNull();
    await second.train.begin('teaching');
    expect(second.train.error).toBe(RUN_ELSEWHERE);
    expect(second.train.phase).toBe('idle');
    expect(second.trainers).toHaveLength(0);
    // Nothing of the first run was touched: its record still names its step.
    expect(JSON.parse(storage.getItem(ACTIVE_RUN_KEY)!)).toMatchObject({ lastStep: 3, endStep: 10 });

    release();
    await run;
    expect(first.train.phase).toBe('completed');
    // Freed once the lock's callback returns (a task later).
    await expect.poll(lockHeld).toBe(false);
    await second.train.begin('teaching');
    expect(second.train.error).toBeNull();
    expect(second.train.phase).toBe('completed');
    await expect.poll(lockHeld).toBe(false);
  });

  it('a run stopped by a fault keeps the tab\'s claim until it is resumed; an interrupted run no tab holds is offered', async () => {
    const { storage, first, second } = twoTabs();
    first.control.gate = async () => {
      if (first.trainers.length === 1 && first.train.progress === null) {
        first.trainers[0]!.failAt = { step: 8, outcome: 'non-finite', fault: { kind: 'non-finite', message: 'loss is NaN at step 8', step: 8 } };
      }
    };
    await first.train.begin('teaching');
    first.control.gate = null;
    expect(first.train.phase).toBe('fault');
    expect(first.train.resumeStep).toBe(7);
    // Its Resume needs the autosave at step 7: the second tab may not train over it.
    await second.train.begin('teaching');
    expect(second.train.error).toBe(RUN_ELSEWHERE);
    await second.train.start();
    expect(second.train.interrupted).toBeNull();
    // What a closed first tab leaves: the record, and no lock. Another tab is offered it.
    const record = storage.getItem(ACTIVE_RUN_KEY)!;
    await first.train.resumeInterrupted({ lr: 0.003 });
    expect(first.train.phase).toBe('completed');
    storage.setItem(ACTIVE_RUN_KEY, record);
    await second.train.start();
    expect(second.train.interrupted).toMatchObject({ savedStep: 7, dataset: 'teaching' });
  });
});
