import type { CategoryStats, NumericStats } from '../../src/lib/data/stats';
import { tailValues } from '../../src/lib/data/stats';
import { inlineText, printJson } from '../output';
import { numberFlag, sourceFrom } from './common';
import type { CommandContext } from './index';

/** `markerlab stats <src>`: per-category histograms (long tail marked) and length statistics. */
export async function stats(ctx: CommandContext): Promise<number> {
  const threshold = numberFlag('tail', ctx.flags.tail, 0.05, 0, 1);
  const ds = await sourceFrom(ctx, 'stats');
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
  const integer = new Set(ds.taxonomy.categories.filter((c) => c.kind === 'numeric' && c.integer).map((c) => c.name));
  for (const c of s.categories) if (c.set > 0) out.push(...histogram(c, threshold, s.rows, integer.has(c.name)), '');
  out.push(`long tail (≤ ${Number((threshold * 100).toPrecision(3))}% of rows): ${tail.map((t) => `${inlineText(t.category)}=${inlineText(t.value)}`).join(', ') || 'none'}`);
  ctx.io.stdout(`${out.join('\n')}\n`);
  return 0;
}

function histogram(c: CategoryStats, threshold: number, rows: number, integer: boolean): string[] {
  const head = `<${inlineText(c.name)}>  on ${pct(c.coverage)} of rows`;
  const entries =
    c.kind === 'categorical'
      ? c.values.filter((v) => v.count > 0).map((v) => ({ label: inlineText(v.value), count: v.count, tail: v.share <= threshold }))
      : binLabels(c, integer).map((label, i) => ({ label, count: c.bins[i]!.count, tail: false })).filter((e) => e.count > 0);
  const peak = Math.max(1, ...entries.map((e) => e.count));
  return [
    head,
    ...entries.map((e) => {
      const bar = '█'.repeat(Math.max(1, Math.round((e.count / peak) * 30)));
      return `  ${e.label.padEnd(22)} ${bar.padEnd(30)} ${String(e.count).padStart(6)} ${pct(e.count / rows).padStart(6)}${e.tail ? '  ← tail' : ''}`;
    }),
  ];
}

/**
 * Integer bins [lo, hi) read as the counts they hold (`4–63`, or `2` for a one-value bin); float
 * bins as `lo–hi` with the fewest significant digits that keep every edge distinct (0.438, not
 * 0.43799999999999994).
 */
function binLabels(c: NumericStats, integer: boolean): string[] {
  if (integer) return c.bins.map((b) => (b.hi - 1 === b.lo ? String(b.lo) : `${b.lo}–${b.hi - 1}`));
  const edges = [...new Set(c.bins.flatMap((b) => [b.lo, b.hi]))];
  let digits = 3;
  while (digits < 15 && new Set(edges.map((e) => short(e, digits))).size < edges.length) digits++;
  return c.bins.map((b) => `${short(b.lo, digits)}–${short(b.hi, digits)}`);
}

function short(x: number, digits: number): string {
  return String(Number(x.toPrecision(digits)));
}

function pct(x: number): string {
  if (x > 0 && x < 0.0005) return '<0.1%';
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}
