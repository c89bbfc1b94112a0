import { checkOut, printJson, writeLines } from '../output';
import { sourceFrom } from './common';
import type { CommandContext } from './index';

/** `markerlab annotate <src> [--out FILE]`: JSONL rows {prompt, completion, markers}. */
export async function annotate(ctx: CommandContext): Promise<number> {
  checkOut(ctx.flags.out);
  const ds = await sourceFrom(ctx, 'annotate');
  const lines = ds.rows.map((r) => JSON.stringify({ prompt: r.prompt, completion: r.completion, markers: r.markers }));
  const written = writeLines(ctx.io, lines, ctx.flags.out);
  if (ctx.flags.out === undefined) return 0;
  const summary = {
    dataset: ds.name,
    rows: written,
    out: ctx.flags.out,
    lengthThresholds: ds.annotation.lengthThresholds ?? null,
    categories: ds.annotation.categories,
  };
  if (ctx.flags.json) printJson(ctx.io, summary);
  else {
    ctx.io.stdout(`annotated ${written} rows of ${ds.name} → ${ctx.flags.out}\n`);
    for (const [name, c] of Object.entries(ds.annotation.categories)) {
      ctx.io.stdout(`  ${name.padEnd(18)} annotated ${c.annotated}, kept ${c.kept}, unset ${c.unset}, invalid ${c.invalid}\n`);
    }
  }
  return 0;
}
