/**
 * How teachers are asked to answer (TeacherSampling) and how long an answer may be, without tf: the
 * CLI's sampling loop (sample.ts) and the Arbitrage view's player worker read the same settings,
 * and the view computes them on the page.
 */
import type { Row } from '../data/types';
import { maxBlockTokens, type Taxonomy } from '../markers/taxonomy';
import type { SteerMode } from '../model/steer';
import { encodePieces, type TokenizerSpec } from '../tokenizer/tokenizer';

export interface TeacherSampling {
  /** fixed: the prompt's markers are forced into the answer's block (the teacher is asked for them); inferred: only the prompt carries them. */
  mode: SteerMode;
  temperature: number;
  /** Tokens per answer, block included. */
  maxTokens: number;
  /** With the prompt's id, seeds each answer: every teacher draws its answer to a prompt from the same seed. */
  seed: number;
}

/**
 * Tokens an answer may take: 1.5 × the longest completion of `rows` in this tokenizer, plus the
 * longest block, within the context (completionBudget's rule, without a model at hand).
 *
 * @example
 * answerBudget(base.tokenizer, base.config.blockSize, rows, 17); // 176 on the teaching set
 */
export function answerBudget(tokenizer: TokenizerSpec, blockSize: number, rows: readonly Row[], blockTokens: number): number {
  let longest = 1;
  for (const r of rows) longest = Math.max(longest, encodePieces(tokenizer, [{ type: 'text', text: r.completion }]).length);
  return Math.max(8, Math.min(Math.ceil(longest * 1.5) + 1 + blockTokens, blockSize));
}

/**
 * The built-in comparison's sampling: fixed mode at the spec's temperature and seed, the budget of
 * the data's longest answer with a block of the spec's categories (default every categorical one), in the
 * model's tokenizer.
 *
 * @example
 * paperSampling(PAPER_ARBITRAGE, base, teachingRows, taxonomy); // { mode: 'fixed', temperature: 0.8, maxTokens: 176, seed: 1 }
 */
export function paperSampling(
  spec: { temperature: number; seed: number; categories?: readonly string[] }, model: { tokenizer: TokenizerSpec; config: { blockSize: number } }, rows: readonly Row[], taxonomy: Taxonomy,
): TeacherSampling {
  const categorical = spec.categories ?? taxonomy.categories.filter((c) => c.kind === 'categorical').map((c) => c.name);
  return {
    mode: 'fixed', temperature: spec.temperature, seed: spec.seed,
    maxTokens: answerBudget(model.tokenizer, model.config.blockSize, rows, maxBlockTokens(taxonomy, categorical)),
  };
}
