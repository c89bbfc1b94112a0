import type { CategoryStats } from '../../src/lib/data/stats';
import { tailValues } from '../../src/lib/data/stats';
import { printJson } from '../output';
import { numberFlag, sourceFrom } from './common';
import type { CommandContext } from './index';

/** `markerlab stats <src>`: per-category histograms (long tail marked) and length statistics. */
export async function stats(ctx: CommandContext): Promise<number> {
  const ds = await sourceFrom(ctx, 'stats');
  const threshold = numberFlag('tail', ctx.flags.tail, 0.05, 0, 1);
  const tail = tailValues(ds.stats, threshold);
  if (ctx.flags.json) {
    printJson(ctx.io, {
      dataset: ds.name,
      ...ds.stats,
      tail,
      lengthThresholds: ds.annotation.lengthThresholds ?? null,
    });
    return 0;
  }
  const s = ds.stats;
  const out: string[] = [
    `${ds.name}: ${s.rows} rows`,
    `  prompt tokens     mean ${s.prompt.mean.toFixed(0)}, median ${s.prompt.p50}, p95 ${s.prompt.p95}, max ${s.prompt.max}`,
    `  completion tokens mean ${s.completion.mean.toFixed(0)}, median ${s.completion.p50}, p95 ${s.completion.p95}, max ${s.completion.max}`,
    '',
  ];
  for (const c of s.categories) if (c.set > 0) out.push(...histogram(c, threshold, s.rows), '');
  out.push(`long tail (≤ ${(threshold * 100).toFixed(0)}% of rows): ${tail.map((t) => `${t.category}=${t.value}`).join(', ') || 'none'}`);
  ctx.io.stdout(`${out.join('\n')}\n`);
  return 0;
}

function histogram(c: CategoryStats, threshold: number, rows: number): string[] {
  const head = `<${c.name}>  on ${pct(c.coverage)} of rows`;
  const entries =
    c.kind === 'categorical'
      ? c.values.filter((v) => v.count > 0).map((v) => ({ label: v.value, count: v.count, tail: v.share <= threshold }))
      : c.bins.filter((b) => b.count > 0).map((b) => ({ label: `${b.lo}–${b.hi}`, count: b.count, tail: false }));
  const peak = Math.max(1, ...entries.map((e) => e.count));
  return [
    head,
    ...entries.map((e) => {
      const bar = '█'.repeat(Math.max(1, Math.round((e.count / peak) * 30)));
      return `  ${e.label.padEnd(22)} ${bar.padEnd(30)} ${String(e.count).padStart(6)} ${pct(e.count / rows).padStart(6)}${e.tail ? '  ← tail' : ''}`;
    }),
  ];
}

function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}
