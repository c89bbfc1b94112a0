import { BUILTIN_DATASETS } from '../builtin';
import { printJson } from '../output';
import { noPositionals } from './common';
import type { CommandContext } from './index';

/** `markerlab datasets`: the built-in datasets, by the name `builtin:NAME` takes. */
export async function datasets(ctx: CommandContext): Promise<number> {
  noPositionals(ctx, 'datasets');
  const list = BUILTIN_DATASETS.map(({ name, title, description, rows }) => ({ name, title, rows, description }));
  if (ctx.flags.json) printJson(ctx.io, list);
  else {
    for (const d of list) ctx.io.stdout(`builtin:${d.name.padEnd(10)} ${String(d.rows).padStart(5)} rows  ${d.title}\n`);
  }
  return 0;
}
