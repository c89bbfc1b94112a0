import { paperLines } from '../../src/lib/data/export';
import { validateDropout, type DropoutConfig, type DropoutOverride } from '../../src/lib/markers/dropout';
import { printJson, writeLines } from '../output';
import { listFlag, numberFlag, sourceFrom } from './common';
import type { CommandContext } from './index';

/** `markerlab export <src> --dataset-dropout X --sample-dropout Y --seed S`: JSONL {input, target}. */
export async function exportRows(ctx: CommandContext): Promise<number> {
  const overrides: Record<string, DropoutOverride> = {};
  for (const name of listFlag(ctx.flags.never)) overrides[name] = 'never';
  for (const name of listFlag(ctx.flags.always)) overrides[name] = 'always';
  const ds = await sourceFrom(ctx, 'export');
  const dropout: DropoutConfig = validateDropout(
    {
      datasetRate: numberFlag('dataset-dropout', ctx.flags['dataset-dropout'], 0.5, 0, 1),
      sampleRate: numberFlag('sample-dropout', ctx.flags['sample-dropout'], 0.5, 0, 1),
      seed: numberFlag('seed', ctx.flags.seed, 0, -(2 ** 31), 2 ** 31 - 1),
      overrides,
    },
    ds.taxonomy,
  );
  const written = writeLines(ctx.io, paperLines(ds.rows, ds.taxonomy, dropout), ctx.flags.out);
  if (ctx.flags.out === undefined) return 0;
  if (ctx.flags.json) printJson(ctx.io, { dataset: ds.name, rows: written, out: ctx.flags.out, dropout });
  else ctx.io.stdout(`exported ${written} rows of ${ds.name} (dataset dropout ${dropout.datasetRate}, sample dropout ${dropout.sampleRate}, seed ${dropout.seed}) → ${ctx.flags.out}\n`);
  return 0;
}
