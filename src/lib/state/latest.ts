/**
 * Latest request wins: a view that can start a request before the last one answered (load a
 * checkpoint, draw samples, run a comparison) takes a ticket for each; an answer is used only if
 * its ticket is still the latest, so a slow old answer never overwrites a newer one.
 *
 * @example
 * const loads = new Latest();
 * const ticket = loads.next();
 * const info = await api.load(bytes);
 * if (!ticket.current) return;  // a newer load started (or cancel() was called) meanwhile
 * show(info);
 */
export class Latest {
  #n = 0;

  /** Start a request: its ticket stays `current` until the next `next()` or `cancel()`. */
  next(): { readonly current: boolean } {
    const id = ++this.#n;
    const self = this;
    return {
      get current() {
        return id === self.#n;
      },
    };
  }

  /** Make every outstanding request stale (e.g. on stop). */
  cancel(): void {
    this.#n++;
  }
}
