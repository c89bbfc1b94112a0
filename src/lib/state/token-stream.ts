/**
 * Token ids streamed from a worker for N samples at once, handed on at most every `everyMs`, so a
 * fast worker does not re-render the page once per token (Play's samples, Compare's columns).
 *
 * @example
 * const stream = new TokenStream(4, 100, (ids, tokens) => show(ids.map(decode), tokens));
 * const samples = await api.sample(request, Comlink.proxy((sequence, id) => stream.push(sequence, id)));
 * stream.close(); // the answer is in: tokens still on their way change nothing
 *
 * The tokens come through a Comlink proxy, a port of their own, and the worker's answer through the
 * worker's port: messages on two ports keep no order between them, so the last tokens can arrive
 * after the answer. Once closed, a stream ignores them (else they would redraw the samples as they
 * were mid-draw over the finished ones).
 */
export class TokenStream {
  /** Each sample's ids so far. */
  readonly ids: number[][];
  #tokens = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;
  readonly #everyMs: number;
  readonly #publish: (ids: readonly number[][], tokens: number) => void;

  constructor(n: number, everyMs: number, publish: (ids: readonly number[][], tokens: number) => void) {
    this.ids = Array.from({ length: n }, () => []);
    this.#everyMs = everyMs;
    this.#publish = publish;
  }

  push(sequence: number, id: number): void {
    if (this.#closed) return;
    this.ids[sequence]?.push(id);
    this.#tokens++;
    this.#timer ??= setTimeout(() => this.flush(), this.#everyMs);
  }

  /** Publish what has arrived, now (nothing once closed). */
  flush(): void {
    this.#stopTimer();
    if (!this.#closed) this.#publish(this.ids, this.#tokens);
  }

  /** Publish nothing more and ignore tokens that still arrive (the draw ended or was superseded). */
  close(): void {
    this.#closed = true;
    this.#stopTimer();
  }

  #stopTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
