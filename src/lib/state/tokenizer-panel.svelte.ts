/**
 * The Data view's Tokenizer panel: asks the data worker to learn the tokenizer a run from scratch
 * would use (the Train view's tokenizer choice, merges and split) and keeps its report. The worker
 * cancels a learning that a newer request replaces; here a stale answer, progress or failure is
 * dropped, so what is shown always belongs to the latest request.
 *
 * @example
 * const panel = new TokenizerPanelState(dataApi, 'teaching');
 * await panel.load(tokenizerRequestOf(train.form)!); // settings/training.ts
 * panel.report?.vocabSize; // e.g. 2339
 */
import * as Comlink from 'comlink';
import type { TokenizerReport } from '../data/tokenizer-report';
import type { TokenizerRequest } from '../settings/training';
import type { LearnProgress } from '../tokenizer/tokenizer';
import { errorMessage } from '../util/errors';
import type { DataSource } from './datasets.svelte';
import { Latest } from './latest';

export class TokenizerPanelState {
  report = $state.raw<TokenizerReport | null>(null);
  /** How far the current learning is (null before its first report or when none runs). */
  progress = $state.raw<LearnProgress | null>(null);
  learning = $state(false);
  error = $state<string | null>(null);
  readonly dataset: string;
  #source: Pick<DataSource, 'learnTokenizer'>;
  #latest = new Latest();

  constructor(source: Pick<DataSource, 'learnTokenizer'>, dataset: string) {
    this.#source = source;
    this.dataset = dataset;
  }

  /** Learn (or reuse) the tokenizer of `request`; the report counts blocks carrying `categories`. */
  async load(request: TokenizerRequest, categories: readonly string[] | null = null): Promise<void> {
    const ticket = this.#latest.next();
    this.learning = true;
    this.progress = null;
    this.error = null;
    const onProgress = (p: LearnProgress): void => {
      if (ticket.current && this.learning) this.progress = p;
    };
    try {
      const report = await this.#source.learnTokenizer(this.dataset, request, Comlink.proxy(onProgress), categories);
      if (!ticket.current) return;
      this.report = report;
    } catch (err) {
      if (ticket.current) this.error = `Could not learn the tokenizer: ${errorMessage(err)}`;
    } finally {
      if (ticket.current) {
        this.learning = false;
        this.progress = null;
      }
    }
  }
}
