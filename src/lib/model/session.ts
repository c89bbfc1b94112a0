/**
 * A training session: everything one run needs, built once from plain settings — split, tokenizer,
 * model (fresh, or a checkpoint with its vocabulary grown), AdamW, the batch sampler with marker
 * dropout, validation sets with and without prompt markers — and the run itself.
 * The trainer worker and `markerlab train` are thin shells around this class.
 */
import { BatchSampler, PreparedRows, ValidationBatches } from '../data/batch';
import { splitForRun, type RunSplitOptions } from '../data/split';
import type { Row } from '../data/types';
import { validateDropout, type DropoutConfig } from '../markers/dropout';
import { blockCategories, markersInBlocks, type Taxonomy } from '../markers/taxonomy';
import { lengthRuleOfRows, type LengthThresholds } from '../markers/annotate-dataset';
import {
  charsPerToken, describeTokenizer, prepareTokenizer, tokenizerKey, tokenizerTexts, validateTokenizerChoice,
  type TokenizerSpec,
} from '../tokenizer/tokenizer';
import type { CheckpointRecord } from './checkpoint';
import { countParams, presetConfig, type GPTConfig } from './config';
import { GPT } from './gpt';
import { AdamW } from './optimizer';
import { TrainingRun, type RunEvents, type RunOptions, type RunResult } from './run';
import { validateSchedule } from './schedule';
import { evaluate } from './train';
import { DEFAULT_TOKENIZER } from '../settings/training';
import { decayNames, growVocabulary, modelToRecord, recordToModel } from './weights';
import { countValues, trainedSplit, type ValueCounts } from './checkpoint-record';
import { resetRows, unreadMarkerIds } from './fresh-rows';
import { DEFAULT_TRAINING, type TrainingSetup } from './training-setup';

export { DEFAULT_TRAINING, type TrainingSetup };

export interface SessionInfo {
  config: GPTConfig;
  params: number;
  vocabSize: number;
  /** The tokenizer in use: characters, or BPE with how many merges. */
  tokenizer: ReturnType<typeof describeTokenizer>;
  /** Characters per token on (up to 500) training completions: converts character lengths to token budgets. */
  charsPerToken: number;
  trainRows: number;
  valRows: number;
  /** Rows longer than the context, trained in windows (none is dropped). */
  windowedRows: number;
  /** Prompt tokens cut from over-long prompts in the first epoch. */
  truncatedTokens: number;
  /** The step the run starts from (0 from scratch, the checkpoint's step when resuming). */
  startStep: number;
}

export class TrainingSession {
  readonly model: GPT;
  readonly optimizer: AdamW;
  readonly tokenizer: TokenizerSpec;
  readonly taxonomy: Taxonomy;
  /** The length_bucket rule of the training rows (from their labels), if they carry the marker. */
  readonly lengthThresholds: LengthThresholds | undefined;
  /** Training rows per value of each categorical marker in the blocks (only values that occur). */
  readonly valueCounts: ValueCounts;
  /** The validation rows (markers restricted to the run's categories), e.g. for evaluation after training. */
  readonly valRows: readonly Row[];
  /** The marker categories this run writes into its blocks. */
  readonly categories: readonly string[];
  readonly info: SessionInfo;
  readonly run = new TrainingRun();
  readonly #setup: TrainingSetup;
  /** The training split with its full annotations (before the blocks' categories are applied). */
  readonly #trainRows: readonly Row[];
  readonly #sampler: BatchSampler;
  /** The train/validation split this run made (recorded in its checkpoints). */
  readonly #split: RunSplitOptions;
  readonly #validation: { withMarkers: ValidationBatches; withoutMarkers: ValidationBatches } | null;

  /**
   * @example
   * const session = TrainingSession.create({ ...DEFAULT_TRAINING, rows, taxonomy, preset: 'nano', seed: 1, dropout: DEFAULT_DROPOUT });
   * const result = await session.train({ onProgress: (p) => console.log(p.step, p.loss) });
   */
  static create(setup: TrainingSetup): TrainingSession {
    return new TrainingSession(setup);
  }

  private constructor(setup: TrainingSetup) {
    this.#setup = setup;
    const dropout = validateDropout(setup.dropout, setup.taxonomy);
    if (setup.rows.length < 2) throw new Error('a training run needs at least 2 rows');
    // Split on the full annotations (so a run without markers validates on the same rows as one with),
    // then keep the markers the blocks carry.
    // The training rows are not copied: they are encoded with only the blocks' markers (PreparedRows).
    // A fine-tune splits with its checkpoint's split seed, so the rows that run held out stay held out
    // (and are what `markerlab eval` measures on) whatever seed drives this run's weights, batches and dropout.
    const own = { valFraction: setup.valFraction, seed: setup.seed, ...(setup.stratifyBy ? { stratifyBy: setup.stratifyBy } : {}) };
    this.#split = setup.init ? { ...own, seed: trainedSplit(setup.init, own).seed } : own;
    const split = splitForRun(setup.rows, this.#split);
    const inBlocks = (r: { markers: Row['markers'] }): Row['markers'] => markersInBlocks(r.markers, setup.taxonomy, setup.categories);
    const train = split.train, val = split.val.map((r): Row => ({ ...r, markers: inBlocks(r) }));
    this.#trainRows = split.train;
    const texts = tokenizerTexts(train);
    this.valRows = val;
    this.categories = blockCategories(setup.taxonomy, setup.categories);

    const choice = validateTokenizerChoice(setup.tokenizer ?? DEFAULT_TOKENIZER);
    if (setup.init) {
      const tok = prepareTokenizer(choice, setup.taxonomy, texts, setup.init.tokenizer);
      const grown = tok.tokens.length > setup.init.config.vocabSize ? growVocabulary(setup.init, tok, setup.taxonomy, setup.seed) : setup.init;
      // Marker tokens this run reads for the first time start as ordinary tokens (fresh-rows.ts): in a
      // model trained without them their rows had collapsed into one. A resumed run reads none anew.
      const record = resetRows(grown, firstRead(setup.init, tok, train.map((r) => inBlocks(r))), setup.seed);
      const built = recordToModel(record, { weightDecay: setup.weightDecay, gradClip: setup.gradClip });
      this.model = built.model;
      this.optimizer = built.optimizer;
      this.tokenizer = tok;
    } else {
      // The data worker learns the same tokenizer ahead of time; its key proves it saw these texts and this choice.
      const learned = setup.learnedTokenizer;
      this.tokenizer = learned && learned.key === tokenizerKey(choice, setup.taxonomy, texts) ? learned.spec : prepareTokenizer(choice, setup.taxonomy, texts);
      this.model = GPT.init(presetConfig(setup.preset, this.tokenizer.tokens.length, setup.seed, setup.shape ?? {}));
      this.optimizer = new AdamW(this.model.params, decayNames(this.model.config), { weightDecay: setup.weightDecay, gradClip: setup.gradClip });
    }
    this.taxonomy = setup.taxonomy;
    this.lengthThresholds = lengthRuleOfRows(setup.rows);
    this.valueCounts = countValues(train, setup.taxonomy, this.categories);
    const T = this.model.config.blockSize;
    const stream = { taxonomy: setup.taxonomy, tokenizer: this.tokenizer, batchSize: setup.batchSize, blockSize: T, lossOn: setup.lossOn };
    const trainRows = new PreparedRows(train, setup.taxonomy, this.tokenizer, { markers: inBlocks });
    this.#sampler = new BatchSampler({ ...stream, rows: trainRows, dropout, seed: setup.seed, blockOrder: setup.blockOrder });
    // Both validation sets read one encoded copy of the rows and pack a batch when evaluation reaches it.
    const valPrepared = val.length > 0 && setup.validate !== false ? new PreparedRows(val, setup.taxonomy, this.tokenizer) : null;
    this.#validation = valPrepared
      ? {
          withMarkers: new ValidationBatches(valPrepared, { ...stream, promptMarkers: 'all' }),
          withoutMarkers: new ValidationBatches(valPrepared, { ...stream, promptMarkers: 'none' }),
        }
      : null;
    const begin = this.optimizer.state.step;
    if (setup.scheduleStart !== undefined && !(Number.isInteger(setup.scheduleStart) && setup.scheduleStart >= 0 && setup.scheduleStart <= begin)) {
      throw new Error(`scheduleStart must be a step from 0 to ${begin} (where this run begins), got ${setup.scheduleStart}`);
    }
    const epoch0 = this.#sampler.epochStats(0);
    this.info = {
      config: this.model.config,
      params: countParams(this.model.config),
      vocabSize: this.tokenizer.tokens.length,
      tokenizer: describeTokenizer(this.tokenizer),
      charsPerToken: Number(charsPerToken(this.tokenizer, train.slice(0, 500).map((r) => r.completion)).toFixed(3)),
      trainRows: train.length,
      valRows: val.length,
      windowedRows: epoch0.windowedRows,
      truncatedTokens: epoch0.truncatedTokens,
      startStep: this.optimizer.state.step,
    };
  }

  /**
   * Batches one epoch of this run's training rows takes, packed as this run packs them or, given
   * `as`, as a run with that dropout and those marker categories would (blocks make rows longer, so
   * fewer fit a batch). Sweeps use it to give a no-marker baseline as many examples as a marker run.
   */
  epochBatches(as?: { dropout: DropoutConfig; categories?: readonly string[] | undefined }): number {
    if (!as) return this.#sampler.epochStats(0).batches;
    const { taxonomy } = this.#setup;
    const rows = new PreparedRows(this.#trainRows, taxonomy, this.tokenizer, { markers: (r) => markersInBlocks(r.markers, taxonomy, as.categories) });
    return new BatchSampler({ ...this.#sampler.options, rows, dropout: validateDropout(as.dropout, taxonomy) }).epochStats(0).batches;
  }

  /** Train for `steps` (default `setup.steps`) more steps; control with `session.run.pause/resume/stop`. */
  train(events: RunEvents = {}, steps?: number): Promise<RunResult> {
    const s = { ...this.#setup, steps: steps ?? this.#setup.steps };
    const first = this.optimizer.state.step;
    const start = s.scheduleStart ?? first;
    const schedule = validateSchedule({ lr: s.lr, minLr: s.minLr, warmupSteps: s.warmupSteps, totalSteps: first - start + s.steps });
    const options: RunOptions = {
      ...schedule, scheduleStart: start, steps: s.steps, batchSize: s.batchSize, blockSize: this.model.config.blockSize,
      accumulation: s.accumulation, evalEvery: s.evalEvery, progressEveryMs: s.progressEveryMs,
    };
    // Batch index: steps count from 1, batches from 0.
    const next = (step: number, micro: number) => this.#sampler.next((step - 1) * s.accumulation + micro);
    return this.run.train(this.model, this.optimizer, next, this.#validation, options, events);
  }

  /** Validation losses now: with the prompt's markers, and with all of them dropped (NaN without a validation split). */
  async evaluate(): Promise<{ valLoss: number; valLossNoMarkers: number }> {
    if (!this.#validation) return { valLoss: NaN, valLossNoMarkers: NaN };
    const { batchSize } = this.#setup, T = this.model.config.blockSize;
    return {
      valLoss: await evaluate(this.model, this.#validation.withMarkers, batchSize, T),
      valLossNoMarkers: await evaluate(this.model, this.#validation.withoutMarkers, batchSize, T),
    };
  }

  /** A checkpoint record of the current weights and optimizer state. */
  toRecord(metrics: Record<string, number | string> = {}): Promise<CheckpointRecord> {
    const s = this.#setup;
    return modelToRecord({
      model: this.model, optimizer: this.optimizer, tokenizer: this.tokenizer, taxonomy: this.taxonomy, metrics,
      training: {
        preset: s.preset, seed: s.seed, split: this.#split, dropout: s.dropout, lossOn: s.lossOn, blockOrder: s.blockOrder,
        lr: s.lr, batchSize: s.batchSize, categories: s.categories ?? null,
        tokenizer: { ...describeTokenizer(this.tokenizer), charsPerToken: this.info.charsPerToken },
        // The rule that labelled length_bucket, so generations are judged the way the data was.
        ...(this.lengthThresholds ? { lengthThresholds: this.lengthThresholds } : {}),
        // Which values the model saw, and how often: Play and eval offer and judge only these.
        values: this.valueCounts,
      },
    });
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}

/**
 * Ids of the marker tokens a fine-tune reads that its starting checkpoint never read: the tags and
 * values its training rows' blocks carry (`blocks`: each row's markers in the blocks), where the checkpoint's run had neither.
 */
function firstRead(init: CheckpointRecord, tok: TokenizerSpec, blocks: ReadonlyArray<Row['markers']>): number[] {
  const present = new Set<string>();
  for (const markers of blocks) for (const [k, v] of Object.entries(markers)) present.add(k).add(`${k}\u0000${v}`);
  return unreadMarkerIds(init).filter((id) => {
    const def = tok.tokens[id];
    if (def?.type === 'tagOpen' || def?.type === 'tagClose') return present.has(def.category);
    return def?.type === 'value' && present.has(`${def.category}\u0000${def.value}`);
  });
}
