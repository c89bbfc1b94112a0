/**
 * The datasets the page knows about and the one being looked at. Talks to the data worker;
 * the summaries it keeps are plain data the components draw.
 *
 * @example
 * const datasets = new DatasetsState(() => Comlink.wrap<DataApi>(new Worker(...)));
 * await datasets.start();          // lists built-ins, loads the first one
 * datasets.current?.stats.rows;    // 6000
 * await datasets.select('udhr');
 */
import type { BuiltinInfo, DatasetSummary } from '../../../workers/data.api';

/** What the state needs from the data worker (a Comlink Remote<DataApi> fits). */
export interface DataSource {
  builtins(): BuiltinInfo[] | Promise<BuiltinInfo[]>;
  loadBuiltin(name: string): Promise<DatasetSummary>;
}

export class DatasetsState {
  builtins = $state.raw<BuiltinInfo[]>([]);
  summaries = $state.raw<Record<string, DatasetSummary>>({});
  selected = $state<string | null>(null);
  loading = $state<string | null>(null);
  error = $state<string | null>(null);
  #source: DataSource;
  #request = 0;

  constructor(source: DataSource) {
    this.#source = source;
  }

  get current(): DatasetSummary | undefined {
    return this.selected === null ? undefined : this.summaries[this.selected];
  }

  /** List the built-ins and open the first (or `initial`). Errors are kept, never thrown. */
  async start(initial?: string): Promise<void> {
    try {
      this.builtins = await this.#source.builtins();
    } catch (err) {
      this.error = message(err);
      return;
    }
    const first = initial && this.builtins.some((b) => b.name === initial) ? initial : this.builtins[0]?.name;
    if (first) await this.select(first);
  }

  /** Show a dataset; a later call wins over an earlier one still loading. */
  async select(name: string): Promise<void> {
    this.selected = name;
    this.error = null;
    if (this.summaries[name]) return;
    const request = ++this.#request;
    this.loading = name;
    try {
      const summary = await this.#source.loadBuiltin(name);
      this.summaries = { ...this.summaries, [name]: summary };
    } catch (err) {
      if (request === this.#request) this.error = `Could not load "${name}": ${message(err)}`;
    } finally {
      if (request === this.#request) this.loading = null;
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
