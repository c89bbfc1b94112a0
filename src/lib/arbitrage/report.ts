/**
 * The results as Markdown tables and CSV, for the terminal, report.md and the README: compositions
 * (share of each teacher per language or domain), each router's reward, and the students side by
 * side per language, head vs tail. Pure: no tf, no DOM.
 */
import type { Composition } from './compositions';
import { FIGURES, type FigureName, type GroupFigures } from './paper';
import type { ArbitrageResults, RouterOutcome, StudentOutcome } from './results';

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);
const loss = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : v.toFixed(3));

export const FIGURE_LABELS: Readonly<Record<FigureName, string>> = {
  adherence: 'language adherence (prompts in the language)',
  adherenceOther: 'language adherence (prompts in other languages)',
  readability: 'readability (words of the data)',
  heldOutLoss: 'held-out loss, human text (UDHR)',
  referenceLoss: 'held-out loss, reference answers',
};

/** Lower is better for losses, higher for shares. */
export const LOWER_IS_BETTER: Readonly<Record<FigureName, boolean>> = {
  adherence: false, adherenceOther: false, readability: false, heldOutLoss: true, referenceLoss: true,
};

export function formatFigure(name: FigureName, v: number | null | undefined): string {
  return LOWER_IS_BETTER[name] ? loss(v) : pct(v);
}

/**
 * One row per group, one column per teacher: `share (count)`.
 *
 * @example
 * compositionTable(outcome.byLanguage); // '| lang | total | english | … |\n|---|…'
 */
export function compositionTable(c: Composition): string {
  const head = `| ${c.by === 'lang' ? 'language' : 'domain'} | prompts | ${c.teachers.join(' | ')} |`;
  const rule = `|---|---:|${c.teachers.map(() => '---:').join('|')}|`;
  const rows = c.groups.map((g) => `| ${g.value} | ${g.total} | ${c.teachers.map((t) => `${pct(g.shares[t])} (${g.counts[t]})`).join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}

/** Compositions as CSV: router, by, group, teacher, count, share. */
export function compositionsCsv(routers: readonly RouterOutcome[]): string {
  const lines = ['router,by,group,teacher,count,share'];
  for (const r of routers) {
    for (const c of [r.byLanguage, r.byDomain]) {
      for (const g of c.groups) for (const t of c.teachers) lines.push([r.kind, c.by, csv(g.value), csv(t), g.counts[t], g.shares[t]!.toFixed(4)].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Each router's mean reward of what it kept, overall and per language. */
export function rewardTable(routers: readonly RouterOutcome[], languages: readonly string[]): string {
  const head = `| router | mean reward | ${languages.join(' | ')} |`;
  const rule = `|---|---:|${languages.map(() => '---:').join('|')}|`;
  const rows = routers.map((r) => `| ${r.kind} | ${r.summary.mean.toFixed(3)} | ${languages.map((l) => r.summary.byLanguage[l]?.mean.toFixed(3) ?? '–').join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}

/** The students side by side for one figure, per language, then head and tail means. */
export function studentTable(students: readonly StudentOutcome[], figure: FigureName, languages: readonly string[], tail: readonly string[]): string {
  const head = `| student (router) | ${languages.map((l) => (tail.includes(l) ? `${l} (tail)` : l)).join(' | ')} | head | tail |`;
  const rule = `|---|${languages.map(() => '---:').join('|')}|---:|---:|`;
  const rows = students.map((s) => {
    const by = (l: string) => formatFigure(figure, s.figures.find((f) => f.lang === l)?.[figure]);
    const name = s.teacher !== undefined ? `${s.router} (${s.teacher})` : s.router;
    return `| ${name} | ${languages.map(by).join(' | ')} | ${formatFigure(figure, s.head[figure])} | ${formatFigure(figure, s.tail[figure])} |`;
  });
  return [head, rule, ...rows].join('\n');
}

/**
 * Each student's head and tail means minus the single-best-teacher student's (positive: better,
 * whichever direction the figure counts).
 */
export function versusSingle(students: readonly StudentOutcome[]): Array<{ router: string; head: GroupFigures; tail: GroupFigures }> {
  const single = students.find((s) => s.router === 'single');
  if (!single) return [];
  const diff = (a: GroupFigures, b: GroupFigures): GroupFigures => {
    const out = {} as GroupFigures;
    for (const f of FIGURES) {
      const x = a[f], y = b[f];
      out[f] = x === null || y === null ? null : (LOWER_IS_BETTER[f] ? y - x : x - y);
    }
    return out;
  };
  return students.filter((s) => s !== single).map((s) => ({ router: s.router, head: diff(s.head, single.head), tail: diff(s.tail, single.tail) }));
}

/** The whole report as Markdown. */
export function resultsMarkdown(r: ArbitrageResults): string {
  const out: string[] = [];
  out.push(`Pool: ${r.pool.map((p) => `**${p.name}** (${p.about})`).join('; ')}.`, '');
  if (r.calibration) {
    const cal = r.calibration;
    out.push(`Calibration (every teacher's answers to ${r.calibrationPrompts.length} prompts): best overall **${cal.best.overall}**; ` +
      `per language ${Object.entries(cal.best.byLanguage).map(([l, t]) => `${l} → ${t}`).join(', ')}.`, '');
    const teachers = r.pool.map((p) => p.name);
    out.push(`| mean reward | all | ${r.languages.join(' | ')} |`, `|---|---:|${r.languages.map(() => '---:').join('|')}|`);
    for (const t of teachers) {
      out.push(`| ${t} | ${cal.means.overall[t]?.toFixed(3) ?? '–'} | ${r.languages.map((l) => cal.means.byLanguage[l]?.[t]?.toFixed(3) ?? '–').join(' | ')} |`);
    }
    out.push('');
  }
  out.push('Reward of what each router kept (the routed prompts):', '', rewardTable(r.routers, r.languages), '');
  for (const router of r.routers) {
    out.push(`Compositions, ${router.kind} — ${router.description}:`, '', compositionTable(router.byLanguage), '');
  }
  const reward = r.routers.find((x) => x.kind === 'reward');
  if (reward) out.push('By domain (reward router):', '', compositionTable(reward.byDomain), '');
  if (r.students && r.students.length > 0) {
    out.push(`Students (each fine-tuned from the base on its router's set, same budget), tail = ${r.tail.join(', ') || 'none'}:`, '');
    for (const f of FIGURES) out.push(`${FIGURE_LABELS[f]}:`, '', studentTable(r.students, f, r.languages, r.tail), '');
    const vs = versusSingle(r.students);
    if (vs.length > 0) {
      out.push('Against the single-best-teacher student (positive = better; points for shares, nats for losses):', '');
      out.push(`| router | ${FIGURES.map((f) => `${f} head / tail`).join(' | ')} |`, `|---|${FIGURES.map(() => '---:').join('|')}|`);
      const signed = (f: FigureName, v: number | null): string => (v === null ? '–' : LOWER_IS_BETTER[f] ? `${v >= 0 ? '+' : ''}${v.toFixed(3)}` : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}`);
      for (const v of vs) out.push(`| ${v.router} | ${FIGURES.map((f) => `${signed(f, v.head[f])} / ${signed(f, v.tail[f])}`).join(' | ')} |`);
      out.push('');
    }
  }
  return out.join('\n');
}

function csv(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
