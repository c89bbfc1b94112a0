/**
 * The data worker's tokenizers: each one a run from scratch would learn (dataset, choice, split),
 * learned at most once while kept, in slices so the worker keeps answering. The Data view asks
 * with `latest` (a newer request cancels older learning still running); the trainer asks with
 * `learned` (awaits what is there, or null if it was cancelled: the session then learns it itself).
 */
import type { PreparedDataset } from '../src/lib/data/pipeline';
import { splitForRun, type RunSplitOptions } from '../src/lib/data/split';
import type { TokenizerRequest } from '../src/lib/settings/training';
import {
  prepareTokenizerAsync, tokenizerKey, tokenizerTexts, validateTokenizerChoice,
  type LearnedTokenizer, type LearnProgress, type TokenizerChoice,
} from '../src/lib/tokenizer/tokenizer';

/** Finished tokenizers kept (each a few hundred KB at most). */
const KEPT = 4;

interface Job {
  promise: Promise<LearnedTokenizer>;
  listeners: Set<(p: LearnProgress) => void | Promise<void>>;
  cancelled: boolean;
  done: boolean;
}

export class TokenizerJobs {
  /** Dataset name + normalised request → its job; finished ones oldest first. */
  readonly #jobs = new Map<string, Job>();
  readonly #dataset: (name: string) => Promise<Pick<PreparedDataset, 'rows' | 'taxonomy'>>;

  constructor(dataset: (name: string) => Promise<Pick<PreparedDataset, 'rows' | 'taxonomy'>>) {
    this.#dataset = dataset;
  }

  /**
   * The tokenizer of `request`, cancelling every other one still learning (they reject).
   *
   * @example
   * const { spec } = await jobs.latest('teaching', request, (p) => show(p.merges / p.target));
   */
  async latest(name: string, request: TokenizerRequest, onProgress?: (p: LearnProgress) => void | Promise<void>): Promise<LearnedTokenizer> {
    const job = this.#job(name, request);
    for (const [id, other] of this.#jobs) {
      if (other === job || other.done) continue;
      other.cancelled = true;
      this.#jobs.delete(id);
    }
    if (onProgress && !job.done) job.listeners.add(onProgress);
    try {
      return await job.promise;
    } finally {
      if (onProgress) job.listeners.delete(onProgress);
    }
  }

  /**
   * The tokenizer of `request` without cancelling anything; null if it is cancelled meanwhile.
   *
   * @example
   * const learned = await jobs.learned('teaching', request); // pass to the trainer as learnedTokenizer
   */
  async learned(name: string, request: TokenizerRequest): Promise<LearnedTokenizer | null> {
    const job = this.#job(name, request);
    try {
      return await job.promise;
    } catch (err) {
      if (job.cancelled) return null;
      throw err;
    }
  }

  /** Cancel and drop every tokenizer of dataset `name` (its rows changed or are gone). */
  forget(name: string): void {
    for (const [id, job] of this.#jobs) {
      if ((JSON.parse(id) as unknown[])[0] !== name) continue;
      job.cancelled = true;
      this.#jobs.delete(id);
    }
  }

  #job(name: string, request: TokenizerRequest): Job {
    const choice = validateTokenizerChoice(request.choice);
    const split: RunSplitOptions = { valFraction: request.valFraction, seed: request.seed, stratifyBy: request.stratifyBy || undefined };
    const id = JSON.stringify([name, choice, split.valFraction, split.seed, split.stratifyBy ?? null]);
    const known = this.#jobs.get(id);
    if (known) return known;
    const state: Omit<Job, 'promise'> = { listeners: new Set(), cancelled: false, done: false };
    const job: Job = Object.assign(state, { promise: this.#learn(name, choice, split, state) });
    this.#jobs.set(id, job);
    job.promise.then(
      () => {
        job.done = true;
        const finished = [...this.#jobs].filter(([, j]) => j.done);
        for (const [old] of finished.slice(0, Math.max(0, finished.length - KEPT))) this.#jobs.delete(old);
      },
      () => {
        if (this.#jobs.get(id) === job) this.#jobs.delete(id);
      },
    );
    return job;
  }

  async #learn(name: string, choice: TokenizerChoice, split: RunSplitOptions, job: Omit<Job, 'promise'>): Promise<LearnedTokenizer> {
    // A cancelled job always rejects, even when its learning was too short to notice.
    const check = (): void => {
      if (job.cancelled) throw new Error('learning the tokenizer was cancelled');
    };
    const { rows, taxonomy } = await this.#dataset(name);
    check();
    const texts = tokenizerTexts(splitForRun(rows, split).train);
    const spec = await prepareTokenizerAsync(choice, taxonomy, texts, {
      onProgress: (p) => {
        // A proxied listener answers with a promise; a page gone meanwhile must not fail the learning.
        for (const listener of job.listeners) void Promise.resolve(listener(p)).catch(() => undefined);
      },
      cancelled: () => job.cancelled,
    });
    check();
    return { key: tokenizerKey(choice, taxonomy, texts), spec };
  }
}
