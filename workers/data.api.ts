/**
 * The data worker: loading, importing and annotating datasets off the main thread
 * (language identification costs ~1 ms a row, too much to run beside the UI).
 * Rows stay in the worker; the page receives summaries and statistics.
 */
import { BUILTIN_DATASETS, loadBuiltin } from '../src/lib/data/builtin';
import { prepareDataset, type PreparedDataset } from '../src/lib/data/pipeline';
import type { DatasetStats, TailValue } from '../src/lib/data/stats';
import type { LengthThresholds } from '../src/lib/markers/annotate-dataset';
import { defaultTaxonomy, type Taxonomy } from '../src/lib/markers/taxonomy';
import type { Row } from '../src/lib/data/types';

export interface BuiltinInfo {
  name: string;
  title: string;
  description: string;
  rows: number;
}

export interface DatasetSummary {
  name: string;
  title: string;
  description: string;
  stats: DatasetStats;
  tail: TailValue[];
  lengthThresholds?: LengthThresholds;
}

export interface DataApi {
  /** The built-in datasets the picker offers. */
  builtins(): BuiltinInfo[];
  /** Load (generate or fetch), annotate and summarise a built-in dataset; cached per name. */
  loadBuiltin(name: string): Promise<DatasetSummary>;
  /** The annotated rows and taxonomy of a dataset already loaded (for the trainer). */
  rows(name: string): Promise<{ rows: Row[]; taxonomy: Taxonomy }>;
}

/** @example Comlink.expose(createDataApi()) in data.worker.ts */
export function createDataApi(): DataApi {
  const prepared = new Map<string, Promise<PreparedDataset>>();
  return {
    builtins: () => BUILTIN_DATASETS.map(({ name, title, description, rows }) => ({ name, title, description, rows })),
    async loadBuiltin(name) {
      const info = BUILTIN_DATASETS.find((d) => d.name === name);
      if (!info) throw new Error(`unknown built-in dataset "${name}"`);
      let ds = prepared.get(name);
      if (!ds) {
        ds = loadBuiltin(name).then((rows) => prepareDataset(name, rows, defaultTaxonomy()));
        prepared.set(name, ds);
        ds.catch(() => prepared.delete(name));
      }
      const { stats, tail, annotation } = await ds;
      const summary: DatasetSummary = { name, title: info.title, description: info.description, stats, tail };
      if (annotation.lengthThresholds) summary.lengthThresholds = annotation.lengthThresholds;
      return summary;
    },
    async rows(name) {
      const ds = prepared.get(name);
      if (!ds) throw new Error(`dataset "${name}" is not loaded`);
      const { rows, taxonomy } = await ds;
      return { rows, taxonomy };
    },
  };
}
