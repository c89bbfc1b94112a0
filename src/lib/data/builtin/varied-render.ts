/**
 * Turning content units (sentences, list items, poem lines) into completion text in each format,
 * and choosing how many units a completion gets so its length lands in the requested bucket.
 */
import type { Rng } from '../../util/rng';
import type { LengthBucket } from './varied-types';

/**
 * Completion length in characters per bucket. The gaps between buckets are deliberate: a
 * char-level model with ~256-token contexts should be able to tell the three apart at a glance,
 * and a test can check that `length_bucket` is true of the text.
 */
export const LENGTH_RANGES: Readonly<Record<LengthBucket, { min: number; max: number }>> = {
  concise: { min: 1, max: 80 },
  medium: { min: 130, max: 260 },
  long: { min: 320, max: 600 },
};

/**
 * Fitting plan per bucket: stop adding units once the text reaches a random target in `target`,
 * never go past `limit`. The limit stays below the bucket's max, leaving room for defects that
 * lengthen a text (a repeated word); the targets start above the min for those that shorten it.
 */
const FIT: Readonly<Record<LengthBucket, { target: [number, number]; limit: number; floor: number }>> = {
  concise: { target: [30, 70], limit: 76, floor: 1 },
  medium: { target: [150, 205], limit: 245, floor: 138 },
  long: { target: [345, 470], limit: 570, floor: 332 },
};

export type Render = (units: readonly string[]) => string;

/** Whether a text is short enough for the fitter to accept it in a bucket. */
export function withinFitLimit(text: string, bucket: LengthBucket): boolean {
  return text.length <= FIT[bucket].limit;
}

/** Whether a text's length fits a bucket. */
export function inLengthRange(text: string, bucket: LengthBucket): boolean {
  const { min, max } = LENGTH_RANGES[bucket];
  return text.length >= min && text.length <= max;
}

/**
 * Pick units in order, skipping any that would overshoot, until the rendered text reaches a random
 * target length of the bucket (or, when `greedy`, as many as fit: a keyword list should not stop
 * at one keyword). Returns null when the candidates cannot reach the bucket at all.
 *
 * @example
 * fitUnits(['A.', 'B.'], renderProse({}), 'concise', rng); // ['A.'] or ['A.', 'B.']
 */
export function fitUnits(
  candidates: readonly string[],
  render: Render,
  bucket: LengthBucket,
  rng: Rng,
  greedy = false,
): string[] | null {
  const { target: [lo, hi], limit, floor } = FIT[bucket];
  const target = greedy ? limit : lo + rng.int(hi - lo + 1);
  const units: string[] = [];
  let length = 0;
  for (const c of candidates) {
    units.push(c);
    const next = render(units).length;
    if (next <= limit) length = next;
    else units.pop();
    if (units.length > 0 && length >= target) break;
  }
  return units.length > 0 && length >= floor ? units : null;
}

/**
 * Prose: optional opener and closer around the units; with `paragraphs`, four or more units are
 * split into two paragraphs at the middle.
 */
export function renderProse(opts: { opener?: string; closer?: string; paragraphs?: boolean }): Render {
  return (units) => {
    let body: string;
    if (opts.paragraphs && units.length >= 4) {
      const mid = Math.ceil(units.length / 2);
      body = `${units.slice(0, mid).join(' ')}\n\n${units.slice(mid).join(' ')}`;
    } else {
      body = units.join(' ');
    }
    return [opts.opener, body, opts.closer].filter((s) => s !== undefined && s !== '').join(' ');
  };
}

/** A list, one item per line ("- item" or "1. item"), after an optional intro line. */
export function renderList(intro: string | undefined, numbered: boolean): Render {
  return (units) => {
    const items = units.map((u, i) => (numbered ? `${i + 1}. ${u}` : `- ${u}`));
    return (intro ? [intro, ...items] : items).join('\n');
  };
}

/**
 * A JSON object. String fields come first; the last field holds the units as an array. `compact`
 * writes it all on one line (short keyword objects, which must fit a concise answer); otherwise one
 * field per line and one array item per line. Always parses.
 */
export function renderJson(fields: ReadonlyArray<[string, string]>, arrayKey: string, compact: boolean): Render {
  return (units) => {
    const items = units.map((u) => JSON.stringify(u));
    const pairs = fields.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    if (compact) return `{${[...pairs, `${JSON.stringify(arrayKey)}: [${items.join(', ')}]`].join(', ')}}`;
    const array = `[\n${items.map((s) => `    ${s}`).join(',\n')}\n  ]`;
    return `{\n${pairs.map((p) => `  ${p},`).join('\n')}\n  ${JSON.stringify(arrayKey)}: ${array}\n}`;
  };
}

/** A two-column Markdown table: a row number and one unit per row. */
export function renderTable(header: readonly [string, string]): Render {
  return (units) => {
    const rows = units.map((u, i) => `| ${i + 1} | ${u.replace(/\|/g, '\\|')} |`);
    return [`| ${header[0]} | ${header[1]} |`, '|---|---|', ...rows].join('\n');
  };
}

/** Poem lines, in stanzas of four separated by a blank line once the poem has more than six lines. */
export function renderPoem(): Render {
  return (units) => {
    if (units.length <= 6) return units.join('\n');
    const stanzas: string[] = [];
    for (let i = 0; i < units.length; i += 4) stanzas.push(units.slice(i, i + 4).join('\n'));
    return stanzas.join('\n\n');
  };
}
