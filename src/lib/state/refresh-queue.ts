/**
 * A live refresh that follows settings as they change (Play's distributions): each change waits
 * out a short debounce; one request runs at a time; a change that arrives while one runs replaces
 * any change already waiting for it, so superseded requests are never sent; and `reset()` (a new
 * worker) makes the answer of a request in flight be ignored.
 *
 * @example
 * const refresh = new RefreshQueue({
 *   debounceMs: 150,
 *   send: (r) => api.distributions(r),
 *   onAnswer: (a) => (state.raw = a),
 *   onError: (err) => (state.error = String(err)),
 *   onPending: (p) => (state.pending = p),
 * });
 * refresh.schedule({ prompt: 'Hi' }); // answered ~150 ms later, unless a newer schedule() comes first
 */
export interface RefreshOptions<Req, Ans> {
  debounceMs: number;
  /** Send a request; null when there is nothing to send it to (no worker yet). */
  send: (request: Req) => Promise<Ans> | null;
  onAnswer: (answer: Ans) => void;
  /** A failure nothing newer is waiting to replace. */
  onError: (err: unknown) => void;
  /** True from a change until its answer (or failure) is in and nothing else waits. */
  onPending: (pending: boolean) => void;
}

export class RefreshQueue<Req, Ans> {
  readonly #o: RefreshOptions<Req, Ans>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** A change is waiting out the debounce. */
  #waiting = false;
  #inflight = false;
  #queued: Req | null = null;
  /** Bumped by reset(): answers of an earlier generation are dropped. */
  #generation = 0;

  constructor(options: RefreshOptions<Req, Ans>) {
    this.#o = options;
  }

  /** The settings changed: ask again after the debounce. */
  schedule(request: Req): void {
    clearTimeout(this.#timer);
    this.#waiting = true;
    this.#o.onPending(true);
    this.#timer = setTimeout(() => {
      this.#waiting = false;
      void this.#run(request);
    }, this.#o.debounceMs);
  }

  /** A new worker: forget the request in flight and any queued one. */
  reset(): void {
    this.#generation++;
    this.#inflight = false;
    this.#queued = null;
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }

  async #run(request: Req): Promise<void> {
    if (this.#inflight) {
      this.#queued = request;
      return;
    }
    const generation = this.#generation;
    const sent = this.#o.send(request);
    if (!sent) return;
    this.#inflight = true;
    try {
      const answer = await sent;
      // Requests run one after another, so each answer is newer than the one shown: use it even
      // when a newer change waits (`pending` says that one is coming).
      if (generation === this.#generation) this.#o.onAnswer(answer);
    } catch (err) {
      if (generation === this.#generation && !this.#queued && !this.#waiting) this.#o.onError(err);
    } finally {
      if (generation === this.#generation) {
        this.#inflight = false;
        const queued = this.#queued;
        this.#queued = null;
        if (queued) void this.#run(queued);
        else if (!this.#waiting) this.#o.onPending(false);
      }
    }
  }
}
