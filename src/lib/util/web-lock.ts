/**
 * Holding a Web Lock (navigator.locks) for as long as a tab owns something other tabs must not write:
 * a sweep's record (experiment/store.ts), the Train view's active run and its autosave
 * (state/active-run.ts). Locks are per origin, so every tab, and every caller in one tab, sees them.
 *
 * @example
 * const release = await tryLock(navigator.locks, 'markerlab:active-run');
 * if (!release) return 'another tab holds it';
 * // … write …
 * release(); // or the tab closes
 */

/** The part of the Web Locks API taking a lock needs (navigator.locks in a browser). */
export type Locks = Pick<LockManager, 'request'>;

/**
 * Take the exclusive lock `name` if no one holds it, and keep it until the returned function is
 * called (or the tab closes). Null when someone else holds it.
 */
export function tryLock(locks: Locks, name: string): Promise<(() => void) | null> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  return new Promise((resolve, reject) => {
    locks.request(name, { ifAvailable: true }, async (lock) => {
      if (!lock) return resolve(null);
      resolve(release);
      await held;
    }).catch(reject);
  });
}

/** True when someone holds the lock `name` (without taking it, so no one else is refused meanwhile). */
export async function isLocked(locks: Pick<LockManager, 'query'>, name: string): Promise<boolean> {
  const { held = [] } = await locks.query();
  return held.some((l) => l.name === name);
}
