import { paperLines } from '../../src/lib/data/export';
import { validateDropout, type DropoutConfig, type DropoutOverride } from '../../src/lib/markers/dropout';
import { UsageError } from '../errors';
import { checkOut, printJson, writeLines } from '../output';
import { DROPOUT } from '../../src/lib/settings';
import { integerFlag, listFlag, settingFlag, sourceFrom } from './common';
import type { CommandContext } from './index';

/** `markerlab export <src> --dataset-dropout X --sample-dropout Y --seed S`: JSONL {input, target}. */
export async function exportRows(ctx: CommandContext): Promise<number> {
  // Every option is checked before the (slow) import, so a typo costs nothing.
  const never = listFlag(ctx.flags.never);
  const always = listFlag(ctx.flags.always);
  const both = never.filter((name) => always.includes(name));
  if (both.length > 0) throw new UsageError(`${both.join(', ')} cannot be in both --never and --always`);
  const overrides: Record<string, DropoutOverride> = {};
  for (const name of never) overrides[name] = 'never';
  for (const name of always) overrides[name] = 'always';
  const config: DropoutConfig = {
    datasetRate: settingFlag(DROPOUT.datasetRate, ctx.flags['dataset-dropout']),
    sampleRate: settingFlag(DROPOUT.sampleRate, ctx.flags['sample-dropout']),
    seed: integerFlag('seed', ctx.flags.seed, 0, -(2 ** 31), 2 ** 31 - 1),
    overrides,
  };
  checkOut(ctx.flags.out);
  const ds = await sourceFrom(ctx, 'export');
  // Overrides are checked against the file's taxonomy, which may add user categories.
  const names = ds.taxonomy.categories.map((c) => c.name);
  const unknown = Object.keys(overrides).filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`--never/--always: no category ${unknown.map((n) => `"${n}"`).join(', ')} in ${ds.name} (categories: ${names.join(', ')})`);
  }
  const dropout = validateDropout(config, ds.taxonomy);
  const written = writeLines(ctx.io, paperLines(ds.rows, ds.taxonomy, dropout), ctx.flags.out);
  if (ctx.flags.out === undefined) return 0;
  if (ctx.flags.json) printJson(ctx.io, { dataset: ds.name, rows: written, out: ctx.flags.out, dropout });
  else ctx.io.stdout(`exported ${written} rows of ${ds.name} (dataset dropout ${dropout.datasetRate}, sample dropout ${dropout.sampleRate}, seed ${dropout.seed}) → ${ctx.flags.out}\n`);
  return 0;
}
