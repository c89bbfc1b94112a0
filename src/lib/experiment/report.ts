/**
 * Sweep results as a table a spreadsheet opens: one row per cell, the metrics as columns. Pure.
 */
import { meanAccuracy } from '../eval/accuracy';
import type { CellResult } from './run-cell';

export const CSV_COLUMNS = [
  'cell', 'markers', 'dataset_dropout', 'sample_dropout', 'seed', 'steps', 'val_loss', 'val_loss_no_markers', 'tokens_per_sec',
  'inferred_accuracy_mean', 'acc_domain', 'acc_task', 'acc_format', 'acc_lang', 'acc_length_bucket',
  'length_violation_baseline', 'length_violation_inferred', 'length_violation_fixed',
] as const;

export function resultsCsv(results: readonly CellResult[]): string {
  const num = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(Number(v.toFixed(6))));
  const acc = (r: CellResult, c: string) => num(r.accuracy?.[c]?.accuracy);
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of results) {
    lines.push([
      r.cell.id, r.cell.markers ? 'yes' : 'no', num(r.cell.datasetRate), num(r.cell.sampleRate), String(r.cell.seed), String(r.train.steps),
      num(r.train.valLoss), num(r.train.valLossNoMarkers), num(r.train.tokensPerSec),
      num(r.accuracy ? meanAccuracy(r.accuracy) : null), acc(r, 'domain'), acc(r, 'task'), acc(r, 'format'), acc(r, 'lang'), acc(r, 'length_bucket'),
      num(r.lengths.baseline?.rate), num(r.lengths.inferred?.rate), num(r.lengths.fixed?.rate),
    ].join(','));
  }
  return `${lines.join('\n')}\n`;
}
