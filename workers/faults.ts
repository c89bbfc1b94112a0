/**
 * What the workers send back when something goes wrong, typed so the UI can act: offer to resume
 * from the last checkpoint after a lost GPU, suggest a smaller preset after running out of memory,
 * lower the learning rate after a NaN.
 */
import type { GPTConfig } from '../src/lib/model/config';
import type { LengthThresholds } from '../src/lib/markers/annotate-dataset';
import type { ValueCounts } from '../src/lib/model/checkpoint-record';
import type { Taxonomy } from '../src/lib/markers/taxonomy';
import type { TokenizerSpec } from '../src/lib/tokenizer/tokenizer';
import { NonFiniteError } from '../src/lib/model/train';
import { errorMessage } from '../src/lib/util/errors';

export type FaultKind = 'device-lost' | 'out-of-memory' | 'non-finite' | 'internal';

export interface Fault {
  kind: FaultKind;
  message: string;
  /** For non-finite: the step and what went bad. */
  step?: number;
}

/** Weights as they travel from the trainer to the player: PyTorch layout, arrays transferred. */
export interface WeightsMessage {
  config: GPTConfig;
  tokenizer: TokenizerSpec;
  taxonomy: Taxonomy;
  step: number;
  /** The training rows' length_bucket rule, when they carry that marker. */
  lengthThresholds?: LengthThresholds;
  /** The categories the run writes into its blocks. */
  categories: string[];
  /** Characters per token of the tokenizer on the training rows (1 for characters). */
  charsPerToken?: number;
  /** Training rows per value of each categorical category in the blocks (values that occur). */
  values?: ValueCounts;
  weights: Record<string, Float32Array>;
}

/** Sort an error into a kind a person can act on. */
export function classifyFault(err: unknown): Fault {
  if (err instanceof NonFiniteError) return { kind: 'non-finite', message: err.message, step: err.step };
  const message = errorMessage(err);
  if (/device (was )?lost|GPUDevice.*lost|device is lost/i.test(message)) {
    return { kind: 'device-lost', message: `The GPU stopped responding (${message}). Resume from the last checkpoint.` };
  }
  if (/out of memory|OOM|allocation failed|Failed to allocate/i.test(message)) {
    return { kind: 'out-of-memory', message: `Not enough memory (${message}). Try a smaller preset or batch.` };
  }
  return { kind: 'internal', message };
}
