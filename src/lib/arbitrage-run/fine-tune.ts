/**
 * Teachers and students of the arbitrage lab are fine-tunes of one base model (TrainingSession with
 * `init`, as `markerlab train --init` and the Train view), and students are measured on held-out
 * prompts per language with the same code as `markerlab eval --control` (measureControl) plus
 * held-out losses (lossPerValue).
 */
import type { Row } from '../data/types';
import type { LanguageFigures } from '../arbitrage/paper';
import type { CheckpointRecord } from '../model/checkpoint';
import { trainedCategories, trainedLengthThresholds } from '../model/checkpoint-record';
import type { Progress } from '../model/run';
import { TrainingSession } from '../model/session';
import { modelFromWeights } from '../model/weights';
import { measureControl } from '../experiment/control';
import { lossPerValue, type ModelUnderTest } from '../experiment/measure-model';
import { fineTuneSetup, type FineTuneRecipe } from './recipe';

export { presetOf } from './recipe';

/** A fine-tune from `base` (recipe.ts has the recipe, shared with the browser). */
export interface FineTuneJob extends FineTuneRecipe {
  base: CheckpointRecord;
}

export interface FineTuned {
  record: CheckpointRecord;
  trainLoss: number | null;
  trainMs: number;
}

/**
 * Fine-tune the base on the rows with markers (the paper's 50% / 50% dropout). The session is
 * disposed before returning; the record holds the weights.
 *
 * @example
 * const { record } = await fineTune({ name: 'english', rows, taxonomy, base, steps: 60, batchSize: 8, lr: 3e-3, seed: 1 });
 */
export async function fineTune(job: FineTuneJob, onProgress?: (p: Progress) => void): Promise<FineTuned> {
  const started = Date.now();
  const session = TrainingSession.create({ ...fineTuneSetup(job, job.base.config), init: job.base });
  try {
    const run = await session.train(onProgress ? { onProgress } : {});
    if (run.end !== 'completed') throw new Error(`${job.name}: training ended ${run.end}${run.error ? ` (${run.error.message})` : ''}`);
    const loss = run.last?.loss;
    const trainLoss = loss !== undefined && Number.isFinite(loss) ? loss : null;
    const record = await session.toRecord({ arbitrage: job.name, ...(trainLoss !== null ? { loss: trainLoss } : {}) });
    return { record, trainLoss, trainMs: Date.now() - started };
  } finally {
    session.dispose();
  }
}

export interface StudentEval {
  /** The data the students' world is judged against: its languages and vocabulary (measureControl's `rows`). */
  rows: Row[];
  /** Held-out rows: their prompts are asked, their answers' loss is the reference loss. */
  heldOut: Row[];
  /** Human-written held-out text (the UDHR rows of the data's languages). */
  human: Row[];
  promptsPerLang: number;
  n: number;
  temperature: number;
  seed: number;
  batchSize: number;
}

/**
 * One student's figures per language: language adherence on prompts in that language and in the
 * others (fixed-mode `lang`, judged on the text), readability, held-out losses. The model is
 * disposed before returning.
 *
 * @example
 * const figures = await measureStudent(record, { rows, heldOut, human, promptsPerLang: 4, n: 2, temperature: 0.8, seed: 1, batchSize: 8 });
 */
export async function measureStudent(record: CheckpointRecord, spec: StudentEval): Promise<LanguageFigures[]> {
  const model = modelFromWeights(record.config, record.weights);
  try {
    const thresholds = trainedLengthThresholds(record);
    const m: ModelUnderTest = {
      model, tokenizer: record.tokenizer, taxonomy: record.taxonomy, categories: trainedCategories(record), ...(thresholds ? { lengthThresholds: thresholds } : {}),
    };
    const report = await measureControl(m, spec.rows, spec.heldOut, { promptsPerLang: spec.promptsPerLang, n: spec.n, temperature: spec.temperature, seed: spec.seed, kinds: ['lang'] });
    const human = await lossPerValue(m, spec.human, ['lang'], spec.batchSize);
    const reference = await lossPerValue(m, spec.heldOut, ['lang'], spec.batchSize);
    const langs = [...new Set(spec.rows.flatMap((r) => (r.markers.lang ? [r.markers.lang] : [])))].sort();
    const share = (value: string, prompts: string): number | null =>
      report.results.find((r) => r.kind === 'lang' && r.value === value && r.prompts === prompts)?.share ?? null;
    return langs.map((lang) => ({
      lang,
      adherence: share(lang, 'same language'),
      adherenceOther: share(lang, 'other languages'),
      readability: report.readability[lang]?.share ?? null,
      heldOutLoss: human.find((g) => g.value === lang)?.loss ?? null,
      referenceLoss: reference.find((g) => g.value === lang)?.loss ?? null,
    }));
  } finally {
    model.dispose();
  }
}
