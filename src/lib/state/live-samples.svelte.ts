/**
 * Play's N-sample batches: each draw cancels the one before it in place (the worker stops at its next
 * token; the model stays loaded), samples stream in, and each sample is measured as soon as it ends,
 * so the histograms fill in while the batch runs. The last finished batch's summary stays as
 * `previous`, drawn faintly for comparison. `times` records how long the batch took to show.
 *
 * @example
 * const live = new LiveSamples(() => model.api);
 * await live.draw(request, info);  // samples stream into live.samples; live.summary fills in
 * await live.stop();               // cancels in place; the partial samples stay
 * live.abandon();                  // the worker is gone: forget the draw without waiting for it
 */
import * as Comlink from 'comlink';
import type { ModelInfo, PlayerApi, SampleRequest } from '../../../workers/player.api';
import type { Markers } from '../markers/taxonomy';
import { trainedLanguages } from '../model/checkpoint-record';
import { forcedPieces, liveSample, playedSample, summarize, type LiveSample, type SampleSummary } from './play-summary';
import { Latest } from './latest';
import { TokenStream } from './token-stream';
import { errorMessage } from '../util/errors';

/** Milliseconds from a draw's start: first sample measured, every sample done. */
export interface DrawTimes {
  n: number;
  firstMs: number | null;
  doneMs: number | null;
}

export class LiveSamples {
  samples = $state.raw<LiveSample[]>([]);
  /** The markers the shown samples were drawn with (the summary judges against these). */
  sampledWith = $state.raw<Markers>({});
  sampling = $state(false);
  error = $state<string | null>(null);
  /** The last batch that finished before this one, for the faint comparison. */
  previous = $state.raw<{ summary: SampleSummary; markers: Markers } | null>(null);
  times = $state.raw<DrawTimes | null>(null);
  #thresholds = $state.raw<ModelInfo['lengthThresholds']>(undefined);

  readonly #api: () => PlayerApi | null;
  /** A cancelled or superseded draw publishes nothing more. */
  readonly #draws = new Latest();
  #running: Promise<void> | null = null;
  #completed: { summary: SampleSummary; markers: Markers } | null = null;

  constructor(api: () => PlayerApi | null) {
    this.#api = api;
  }

  /** Histograms of the samples measured so far (progressive while the batch runs). */
  get summary(): SampleSummary | null {
    if (!this.samples.some((s) => s.measured)) return null;
    return summarize(this.samples, this.sampledWith, this.#thresholds);
  }

  /** Cancel the running draw (if any) and start this one. */
  async draw(request: SampleRequest, model: ModelInfo): Promise<void> {
    const api = this.#api();
    if (!api) return;
    if (this.#running) await this.stop();
    const draw = this.#draws.next();
    const t0 = performance.now();
    const forced = forcedPieces(request.markers, request.mode, model.taxonomy);
    const forcedNames = forced.length > 0 ? Object.keys(request.markers) : [];
    const languages = trainedLanguages(model.values);
    // A sample is parsed and measured once when it ends, not on every redraw.
    const done = new Map<number, LiveSample>();
    const render = (ids: readonly number[][]): LiveSample[] =>
      ids.map((seq, s) => {
        const known = done.get(s);
        if (known) return known;
        const live = liveSample(seq, forced, forcedNames, model.tokenizer, model.taxonomy, languages);
        if (live.measured) done.set(s, live);
        return live;
      });
    const times: DrawTimes = { n: request.n, firstMs: null, doneMs: null };
    const stream = new TokenStream(request.n, 50, (ids) => {
      if (!draw.current) return;
      this.samples = render(ids);
      if (times.firstMs === null && done.size > 0) this.times = { ...times, firstMs: (times.firstMs = performance.now() - t0) };
    });
    this.previous = this.#completed;
    this.#thresholds = model.lengthThresholds;
    this.sampledWith = { ...request.markers };
    this.samples = render(stream.ids);
    this.sampling = true;
    this.error = null;
    this.times = times;
    const running = (async () => {
      try {
        const played = await api.sample(request, Comlink.proxy((sequence: number, id: number) => {
          if (draw.current) stream.push(sequence, id);
        }));
        if (!draw.current) return;
        this.samples = played.map((s) => playedSample(s, forcedNames));
        const end = performance.now() - t0;
        this.times = { ...times, firstMs: times.firstMs ?? end, doneMs: end };
        const summary = this.summary;
        if (summary) this.#completed = { summary, markers: { ...request.markers } };
      } catch (err) {
        if (draw.current) this.error = `Sampling failed: ${errorMessage(err)}`;
      } finally {
        // Before any late token can run (they come through a port of their own, after the answer at
        // times): once the draw has ended they must not redraw its samples as they were mid-draw.
        stream.close();
        if (draw.current) this.sampling = false;
      }
    })();
    this.#running = running;
    await running;
  }

  /** Cancel the running draw in place and wait until the worker has let go of it; keeps what was written. */
  async stop(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.abandon();
    this.#api()?.cancel();
    await running;
  }

  /**
   * Forget the running draw without waiting for it (its worker has ended, so its answer may never
   * come): it publishes nothing more; what was written stays.
   */
  abandon(): void {
    if (!this.#running) return;
    this.#draws.cancel();
    this.#running = null;
    if (this.sampling) {
      this.sampling = false;
      this.samples = this.samples.filter((s) => s.text !== '' || Object.keys(s.markers).length > 0);
    }
  }
}
