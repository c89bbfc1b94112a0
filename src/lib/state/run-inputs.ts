/**
 * What a training run reads before the trainer prepares it: the dataset's rows, the starting
 * checkpoint's bytes, and — from scratch — the tokenizer the data worker learned ahead of time
 * (a checkpoint's own is extended instead). A failure is said in words with what to do.
 *
 * @example
 * const inputs = await readRunInputs(options, 'teaching', settings, 'builtin:base');
 * trainerSetup(settings, { ...inputs, dropout, resumed: null });
 */
import type { RunInputs } from './run-setup';
import { tokenizerRequest } from './run-setup';
import type { RunSettings } from './train-form.svelte';
import type { TrainOptions } from './train-options';
import { errorMessage } from '../util/errors';

/** Rows, the starting checkpoint `init` (a checkpoint id; null: from scratch) and a learned tokenizer. */
export async function readRunInputs(
  sources: Pick<TrainOptions, 'rows' | 'tokenizer' | 'checkpoints'>, dataset: string, settings: RunSettings, init: string | null,
): Promise<Pick<RunInputs, 'rows' | 'taxonomy' | 'init' | 'learned'>> {
  const { rows, taxonomy } = await sources.rows(dataset).catch((err: unknown) => {
    throw new Error(`could not read the rows of "${dataset}" (${errorMessage(err)}); open it in the Data view and try again`);
  });
  const bytes = init === null ? undefined : await sources.checkpoints.bytes(init).catch((err: unknown) => {
    throw new Error(`could not load the starting checkpoint (${errorMessage(err)})`);
  });
  const learned = init === null ? await sources.tokenizer?.(dataset, tokenizerRequest(settings)).catch(() => null) : null;
  return { rows, taxonomy, init: bytes, learned };
}
