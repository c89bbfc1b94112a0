/**
 * One sweep cell: train (the same TrainingSession as the app and `markerlab train`), then measure.
 * A marker cell reports inferred-marker accuracy, length violations in inferred and fixed mode, and
 * per-value text losses; a baseline cell reports its length violations (it cannot be steered) and
 * per-value losses, which the marker cells' are compared with.
 */
import type { Row } from '../data/types';
import type { CategoryAccuracy } from '../eval/accuracy';
import { lengthRuleOfRows } from '../markers/annotate-dataset';
import { LENGTH_BUCKETS, type Taxonomy } from '../markers/taxonomy';
import type { CheckpointRecord } from '../model/checkpoint';
import type { Progress } from '../model/run';
import { DEFAULT_TRAINING, TrainingSession } from '../model/session';
import { minLrOf, shortRunRecipe } from '../settings/training';
import {
  completionBudget, lossPerValue, measureInferredAccuracy, sampleRequested, targetedHits, TARGET_ROWS_PER_PROMPT, type ModelUnderTest, type SampledLengths, type ValueGroupLoss, type ValueHits,
} from './measure-model';
import type { EvalSpec, SweepCell, SweepSpec } from './sweep';

export interface CellResult {
  cell: SweepCell;
  train: { steps: number; loss: number | null; valLoss: number | null; valLossNoMarkers: number | null; tokensPerSec: number | null; elapsedMs: number | null };
  /** Marker cells only. */
  accuracy?: Record<string, CategoryAccuracy>;
  /** length_bucket requested → samples; baseline: unsteered; marker cells: inferred and fixed. */
  lengths: { baseline?: SampledLengths; inferred?: SampledLengths; fixed?: SampledLengths };
  losses: ValueGroupLoss[];
  /**
   * Samples on target per language and format value (finding 3): with the rows' markers in fixed mode
   * for a marker cell, the prompt alone for a baseline. Absent in sweeps stored before it was measured.
   */
  targeting?: ValueHits[];
  evalMs: number;
}

export type Measurement = Pick<CellResult, 'accuracy' | 'lengths' | 'losses' | 'targeting'>;

/**
 * Measure a model on validation rows: a marker model's inferred-marker accuracy and length
 * violations in inferred and fixed mode, or a baseline's unsteered length violations (judged by the
 * data's length rule), and per-value text losses. `markerlab eval` and sweeps share it.
 */
export async function measureModel(
  m: ModelUnderTest, val: readonly Row[], rows: readonly Row[], e: EvalSpec,
  options: { markers: boolean; seed: number; batchSize: number; label: string; onStage?: (stage: string) => void },
): Promise<Measurement> {
  const prompts = val.slice(0, e.prompts).map((r) => r.prompt);
  // Past the data's longest answer a sample's bucket is settled: no need to sample up to a larger max.
  const setting = { n: e.n, maxTokens: Math.min(e.maxTokens, completionBudget(m, rows)), temperature: e.temperature, seed: options.seed };
  const out: Measurement = { lengths: {}, losses: [] };
  const stage = (s: string) => options.onStage?.(`${options.label}: ${s}`);
  if (options.markers) {
    stage(`inferred-marker accuracy on ${Math.min(e.accuracyRows, val.length)} validation rows`);
    out.accuracy = await measureInferredAccuracy(m, val.slice(0, e.accuracyRows), e.accuracyCategories);
    stage('length samples, inferred mode');
    out.lengths.inferred = await sampleRequested(m, prompts, 'length_bucket', LENGTH_BUCKETS, { ...setting, mode: 'inferred' });
    stage('length samples, fixed mode');
    out.lengths.fixed = await sampleRequested(m, prompts, 'length_bucket', LENGTH_BUCKETS, { ...setting, mode: 'fixed' });
  } else {
    stage('length samples without markers');
    // Judged by the data's length rule: a baseline's own rows carry no length_bucket markers.
    const thresholds = m.lengthThresholds ?? lengthRuleOfRows(rows);
    out.lengths.baseline = await sampleRequested({ ...m, ...(thresholds ? { lengthThresholds: thresholds } : {}) }, prompts, 'length_bucket', LENGTH_BUCKETS, { ...setting, mode: 'baseline' });
  }
  stage('validation loss per marker value');
  out.losses = await lossPerValue(m, val, e.lossCategories, options.batchSize);
  stage(options.markers ? 'samples per language and format, with each row\'s markers' : 'samples per language and format, prompt alone');
  out.targeting = await targetedHits(m, val, { maxTokens: setting.maxTokens, temperature: setting.temperature, seed: options.seed, markers: options.markers,
    rowsPerValue: TARGET_ROWS_PER_PROMPT * e.prompts,
  });
  return out;
}

export interface CellEvents {
  onProgress?: (p: Progress) => void | Promise<void>;
  /** Called between measurements with a short description (for a progress line). */
  onStage?: (stage: string) => void;
  /** Hands over the training session once built, e.g. to stop it (`session.run.stop()`). */
  onSession?: (session: TrainingSession) => void;
}

export class CellStopped extends Error {
  override name = 'CellStopped';
}

/**
 * Train and measure one cell. Returns the result and the trained checkpoint record.
 *
 * @example
 * const { result } = await runCell(rows, taxonomy, spec, sweepCells(spec)[0]!, { onStage: console.log });
 */
export async function runCell(
  rows: readonly Row[], taxonomy: Taxonomy, spec: SweepSpec, cell: SweepCell, events: CellEvents = {},
): Promise<{ result: CellResult; record: CheckpointRecord }> {
  const session = TrainingSession.create({
    ...DEFAULT_TRAINING, rows, taxonomy, preset: spec.preset, seed: cell.seed, ...(spec.shape ? { shape: spec.shape } : {}),
    dropout: { datasetRate: cell.datasetRate, sampleRate: cell.sampleRate, overrides: {}, seed: cell.seed },
    steps: spec.steps, batchSize: spec.batchSize, lr: spec.lr, minLr: minLrOf(spec),
    ...shortRunRecipe(spec.steps), progressEveryMs: 1000,
    ...(cell.markers ? (spec.categories ? { categories: spec.categories } : {}) : { categories: [] }),
    ...(spec.tokenizer ? { tokenizer: spec.tokenizer } : {}),
  });
  try {
    events.onSession?.(session);
    const steps = cell.markers || !spec.equalExamples ? spec.steps : baselineSteps(session, spec, cell);
    events.onStage?.(`training ${cell.label}${steps !== spec.steps ? ` (${steps} steps: as many examples as ${spec.steps} steps with markers)` : ''}`);
    const run = await session.train(events.onProgress ? { onProgress: events.onProgress } : {}, steps);
    if (run.end === 'stopped') throw new CellStopped(`${cell.label}: stopped at step ${run.last?.step ?? 0}`);
    const last = run.last;
    const started = Date.now();
    const m: ModelUnderTest = {
      model: session.model, tokenizer: session.tokenizer, taxonomy, categories: session.categories,
      ...(session.lengthThresholds ? { lengthThresholds: session.lengthThresholds } : {}),
    };
    // Evaluate on the original annotations of the validation rows (a baseline's own rows carry none).
    const byId = new Map(rows.map((r) => [r.id, r]));
    const val = session.valRows.map((r) => byId.get(r.id) ?? r);
    const result: CellResult = {
      cell,
      train: {
        steps: last?.step ?? 0, loss: finite(last?.loss), valLoss: finite(last?.valLoss), valLossNoMarkers: finite(last?.valLossNoMarkers),
        tokensPerSec: finite(last?.tokensPerSec), elapsedMs: finite(last?.elapsedMs),
      },
      ...(await measureModel(m, val, rows, spec.eval, { markers: cell.markers, seed: cell.seed, batchSize: spec.batchSize, label: cell.label, ...(events.onStage ? { onStage: events.onStage } : {}) })),
      evalMs: 0,
    };
    result.evalMs = Date.now() - started;
    const record = await session.toRecord({ sweepCell: cell.id, ...(result.train.valLoss !== null ? { valLoss: result.train.valLoss } : {}) });
    return { result, record };
  } finally {
    session.dispose();
  }
}

/**
 * Steps that give a baseline as many training examples as the sweep's reference marker run (X = 0.5
 * and Y = 0.5 when in the grid, else its first rates) gets in `spec.steps`: its rows carry no blocks,
 * so more of them fit a batch.
 */
export function baselineSteps(session: TrainingSession, spec: SweepSpec, cell: SweepCell): number {
  const x = spec.datasetRates.includes(0.5) ? 0.5 : spec.datasetRates[0] ?? 0.5;
  const y = spec.sampleRates.includes(0.5) ? 0.5 : spec.sampleRates[0] ?? 0.5;
  const withMarkers = session.epochBatches({ dropout: { datasetRate: x, sampleRate: y, overrides: {}, seed: cell.seed }, categories: spec.categories });
  return Math.max(1, Math.round((spec.steps * session.epochBatches()) / withMarkers));
}

function finite(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}
