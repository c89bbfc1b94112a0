/**
 * The Data view's two windows onto a dataset's rows, each asking the data worker for what it shows:
 * one page of examples found by text and marker value, and a few rows under the dropout setting.
 */
import type { DropoutPreviewResult } from '../../../workers/data.api';
import type { Row } from '../data/types';
import type { DropoutConfig } from '../markers/dropout';
import { errorMessage } from '../util/errors';
import type { DataSource } from './datasets.svelte';

/**
 * One page of a dataset's rows, found by text and marker value. Call `load()` when the query,
 * filter or page changes (the view does, debounced); stale answers are dropped.
 *
 * @example
 * const browser = new ExampleBrowser(dataApi, 'teaching');
 * browser.filterCategory = 'lang'; browser.filterValue = 'French';
 * await browser.load();  // browser.rows: the first 20 French rows; browser.total: all of them
 */
export class ExampleBrowser {
  query = $state('');
  filterCategory = $state('');
  filterValue = $state('');
  page = $state(0);
  rows = $state.raw<Row[]>([]);
  total = $state(0);
  /** Whether `rows` and `total` answer a request yet. */
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  readonly dataset: string;
  readonly pageSize: number;
  #source: Pick<DataSource, 'examples'>;
  #request = 0;

  constructor(source: Pick<DataSource, 'examples'>, dataset: string, pageSize = 20) {
    this.#source = source;
    this.dataset = dataset;
    this.pageSize = pageSize;
  }

  get pages(): number {
    return Math.max(1, Math.ceil(this.total / this.pageSize));
  }

  /** The marker filter in effect: only when both a category and a value are chosen. */
  get filter(): Record<string, string> {
    return this.filterCategory && this.filterValue ? { [this.filterCategory]: this.filterValue } : {};
  }

  async load(): Promise<void> {
    const request = ++this.#request;
    this.loading = true;
    try {
      const result = await this.#source.examples(this.dataset, {
        query: this.query, filter: this.filter, offset: this.page * this.pageSize, limit: this.pageSize,
      });
      if (request !== this.#request) return;
      this.rows = result.rows;
      this.total = result.total;
      this.loaded = true;
      this.error = null;
    } catch (err) {
      if (request === this.#request) this.error = `Could not read the examples: ${errorMessage(err)}`;
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }
}

/**
 * What a few rows become in training under the shared dropout settings. `reroll()` draws a fresh
 * epoch; `others()` moves to different rows. Call `load(config)` when the settings change.
 *
 * @example
 * const preview = new DropoutPreviewState(dataApi, 'teaching');
 * await preview.load(dropout.config); // preview.result.items[0].kept, .dropped, .input, .target
 */
export class DropoutPreviewState {
  epoch = $state(0);
  start = $state(0);
  result = $state.raw<DropoutPreviewResult | null>(null);
  error = $state<string | null>(null);
  readonly dataset: string;
  readonly count: number;
  #source: Pick<DataSource, 'preview'>;
  #request = 0;

  constructor(source: Pick<DataSource, 'preview'>, dataset: string, count = 4) {
    this.#source = source;
    this.dataset = dataset;
    this.count = count;
  }

  /** A fresh dropout draw for the same rows. */
  reroll(): void {
    this.epoch++;
  }

  /** Other rows, same epoch. */
  others(): void {
    this.start++;
  }

  /** Preview under `config`, with the blocks carrying `categories` (null: every categorical one). */
  async load(config: DropoutConfig, categories: readonly string[] | null = null): Promise<void> {
    const request = ++this.#request;
    try {
      const result = await this.#source.preview(this.dataset, config, { count: this.count, epoch: this.epoch, start: this.start, categories });
      if (request !== this.#request) return;
      this.result = result;
      this.error = null;
    } catch (err) {
      if (request === this.#request) this.error = `Could not preview dropout: ${errorMessage(err)}`;
    }
  }
}
