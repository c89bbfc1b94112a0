/**
 * Fresh weights from a training run for whoever listens (Play following the run): sent between
 * steps at most every `everyMs`, and once more when the run ends. A failed send is skipped —
 * following the run is a nicety; training goes on without it.
 *
 * @example
 * const feed = new WeightsFeed(3000, () => trainer.weights());
 * const off = feed.subscribe((m) => play.loadWeights(m));
 * await feed.maybeSend(Date.now()); // between steps
 * off();
 */
import type { WeightsMessage } from '../../../workers/faults';

export class WeightsFeed {
  readonly #everyMs: number;
  readonly #fetch: () => Promise<WeightsMessage>;
  readonly #listeners = new Set<(message: WeightsMessage) => void>();
  #last = 0;

  constructor(everyMs: number, fetch: () => Promise<WeightsMessage>) {
    this.#everyMs = everyMs;
    this.#fetch = fetch;
  }

  /** Listen; returns unsubscribe. */
  subscribe(listener: (message: WeightsMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A new run: the next chance to send is taken. */
  reset(): void {
    this.#last = 0;
  }

  /** Between steps: send when someone listens and `everyMs` has passed since the last send. */
  async maybeSend(now: number): Promise<void> {
    if (this.#listeners.size === 0 || now - this.#last < this.#everyMs) return;
    this.#last = now;
    await this.send();
  }

  /** Send now, if someone listens. */
  async send(): Promise<void> {
    if (this.#listeners.size === 0) return;
    try {
      const message = await this.#fetch();
      for (const listener of this.#listeners) listener(message);
    } catch {
      // Play following the run is a nicety; training goes on without it.
    }
  }
}
