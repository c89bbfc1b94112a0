/**
 * Token ids streamed from a worker for N samples at once, handed on at most every `everyMs`, so a
 * fast worker does not re-render the page once per token (Play's samples, Compare's columns).
 *
 * @example
 * const stream = new TokenStream(4, 100, (ids, tokens) => show(ids.map(decode), tokens));
 * await api.sample(request, Comlink.proxy((sequence, id) => stream.push(sequence, id)));
 * stream.flush(); // the last tokens, now
 */
export class TokenStream {
  /** Each sample's ids so far. */
  readonly ids: number[][];
  #tokens = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #everyMs: number;
  readonly #publish: (ids: readonly number[][], tokens: number) => void;

  constructor(n: number, everyMs: number, publish: (ids: readonly number[][], tokens: number) => void) {
    this.ids = Array.from({ length: n }, () => []);
    this.#everyMs = everyMs;
    this.#publish = publish;
  }

  push(sequence: number, id: number): void {
    this.ids[sequence]?.push(id);
    this.#tokens++;
    this.#timer ??= setTimeout(() => this.flush(), this.#everyMs);
  }

  /** Publish what has arrived, now. */
  flush(): void {
    this.cancel();
    this.#publish(this.ids, this.#tokens);
  }

  /** Publish nothing more (the draw ended or was superseded). */
  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
