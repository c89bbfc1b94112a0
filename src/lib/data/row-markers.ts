/**
 * Marker values of imported rows, checked against the taxonomy.
 *
 * Policy (the paper's vocabulary stays the paper's):
 * - The 13 built-in categories are closed: a value outside their list is an error naming the
 *   allowed values (matched case-insensitively first, so `french` reads as `French`).
 * - A category the taxonomy lacks, given in a `markers` object, is added as a user category
 *   (numeric when every value is a number, else categorical with the values in first-seen order).
 * - User categories (any category not built in) are open: new values are added.
 * - A field named after a metadata-like category (`domain`, `source`, …) whose value does not fit
 *   goes to `row.meta` instead of failing; annotation maps it later.
 */
import {
  isReservedName, TAG_NAME, addCategory, addValues, checkValue, defaultCategories, getCategory,
  type Category, type Markers, type Taxonomy,
} from '../markers/taxonomy';
import { quote, type IssueReport } from './errors';
import type { Row } from './types';
import { META_FIELDS, placeOf, type Draft } from './rows';

const BUILT_IN: ReadonlySet<string> = new Set(defaultCategories().map((c) => c.name));
/** More distinct values than this in one user category is likely free text, not a marker. */
const MANY_VALUES = 100;

type Outcome = { value: string; folded?: boolean } | { meta: string } | { pending: string } | { problem: string };

interface Pending {
  values: string[];
  seen: Set<string>;
  line: number;
}

/**
 * Resolves drafts into rows one at a time (so strict mode stops at the first bad row in file
 * order), then `finish` extends the taxonomy with what the accepted rows brought.
 *
 * @example
 * const resolver = new MarkerResolver(taxonomy, report);
 * const rows = drafts.map((d) => resolver.resolve(d)).filter((r) => r !== null);
 * const { taxonomy: extended } = resolver.finish(rows);
 */
export class MarkerResolver {
  private readonly pending = new Map<string, Pending>();
  private readonly folded = new Map<string, Map<string, string>>();
  private readonly validValues = new Map<string, boolean>();

  constructor(private readonly taxonomy: Taxonomy, private readonly report: IssueReport) {}

  /** A row (values of new categories still raw), or null when the draft was reported as skipped. */
  resolve(draft: Draft): Row | null {
    const markers: Markers = {};
    const meta: Record<string, string> = { ...draft.meta };
    const newValues: Array<[string, string]> = [];
    const at = placeOf(draft);
    const names = new Set([...Object.keys(draft.declared), ...Object.keys(draft.columns)]);
    for (const name of names) {
      const declared = draft.declared[name];
      const column = draft.columns[name];
      if (declared !== undefined && column !== undefined && declared !== column) {
        this.report.warnOnce(`both:${name}`, {
          ...at, field: name, message: `both "markers.${name}" and field "${name}" are given; "markers.${name}" is used`,
        });
      }
      const fromMarkers = declared !== undefined;
      const raw = declared ?? column!;
      const field = fromMarkers ? `markers.${name}` : name;
      const outcome = this.check(name, raw, fromMarkers);
      if ('problem' in outcome) {
        this.report.skip({ ...at, field, message: outcome.problem });
        return null;
      }
      if ('meta' in outcome) meta[name] = outcome.meta;
      else if ('value' in outcome) {
        markers[name] = outcome.value;
        if (outcome.folded) {
          this.report.warnOnce(`fold:${name}:${raw}`, { ...at, field, message: `${quote(raw)} read as ${quote(outcome.value)}` });
        }
      } else {
        markers[name] = outcome.pending;
        newValues.push([name, outcome.pending]);
      }
    }
    for (const [name, value] of newValues) {
      let p = this.pending.get(name);
      if (!p) this.pending.set(name, (p = { values: [], seen: new Set(), line: draft.line }));
      if (!p.seen.has(value)) {
        p.seen.add(value);
        p.values.push(value);
      }
    }
    const row: Row = { id: draft.id, prompt: draft.prompt, completion: draft.completion, markers };
    if (Object.keys(meta).length > 0) row.meta = meta;
    return row;
  }

  /**
   * Add the accepted rows' new categories and values to a copy of the taxonomy; numeric user
   * categories get canonical values ("4.0" → "4"). Rows are the ones `resolve` returned.
   */
  finish(rows: Row[]): { rows: Row[]; taxonomy: Taxonomy } {
    let taxonomy = this.taxonomy;
    for (const [name, p] of this.pending) {
      const existing = getCategory(taxonomy, name);
      if (existing) {
        taxonomy = addValues(taxonomy, name, p.values);
        this.report.warnOnce(`values:${name}`, {
          line: p.line, field: `markers.${name}`, message: `added to user category <${name}>: ${preview(p.values)}`,
        });
        continue;
      }
      const category = inferCategory(name, p.values, this.report.file);
      taxonomy = addCategory(taxonomy, category);
      if (category.kind === 'numeric') {
        for (const row of rows) {
          const v = row.markers[name];
          if (v !== undefined) row.markers[name] = String(Number(v));
        }
      }
      const kind = category.kind === 'numeric' ? (category.integer ? 'integer' : 'numeric') : `categorical: ${preview(p.values)}`;
      this.report.warnOnce(`added:${name}`, { line: p.line, field: `markers.${name}`, message: `added user category <${name}> (${kind})` });
      if (category.kind === 'categorical' && p.values.length > MANY_VALUES) {
        this.report.warnOnce(`many:${name}`, {
          line: p.line, field: `markers.${name}`,
          message: `user category <${name}> has ${p.values.length} distinct values; each becomes a token — is it free text rather than a marker?`,
        });
      }
    }
    return { rows, taxonomy };
  }

  private check(name: string, raw: string, fromMarkers: boolean): Outcome {
    const category = getCategory(this.taxonomy, name);
    if (!category) {
      if (!TAG_NAME.test(name)) {
        return { problem: `${quote(name)} cannot be a marker category: a name is letters, digits and _ (at most 40), starting with a letter or _` };
      }
      if (name.toLowerCase() === this.taxonomy.wrapper.toLowerCase()) return { problem: `${quote(name)} is the name of the marker block itself` };
      if (isReservedName(name)) return { problem: `${quote(name)} cannot be a marker category: plain objects already have a member of that name` };
      return this.isValidValue(raw) ? { pending: raw } : { problem: badValue(raw) };
    }
    const lenient = !fromMarkers && META_FIELDS.has(name);
    if (category.kind === 'numeric') {
      const reason = checkValue(category, raw);
      if (reason === null) return { value: String(Number(raw)) };
      return lenient ? { meta: raw } : { problem: reason };
    }
    if (category.values.includes(raw)) return { value: raw };
    const folded = this.fold(category).get(raw.toLowerCase());
    if (folded !== undefined) return { value: folded, folded: true };
    if (!BUILT_IN.has(name)) return this.isValidValue(raw) ? { pending: raw } : { problem: badValue(raw) };
    if (lenient) return { meta: raw };
    return {
      problem: `${checkValue(category, raw) ?? ''} (<${name}> is one of the paper's categories, so its values are fixed; put your own labels in a new category)`,
    };
  }

  private fold(category: Category & { kind: 'categorical' }): Map<string, string> {
    let map = this.folded.get(category.name);
    if (!map) {
      map = new Map(category.values.map((v) => [v.toLowerCase(), v]));
      this.folded.set(category.name, map);
    }
    return map;
  }

  /** Asks the taxonomy itself, so the rule for values lives in one place. */
  private isValidValue(value: string): boolean {
    let ok = this.validValues.get(value);
    if (ok === undefined) {
      try {
        addCategory({ ...this.taxonomy, categories: [] }, { name: 'probe', kind: 'categorical', values: [value], description: '' });
        ok = true;
      } catch {
        ok = false;
      }
      this.validValues.set(value, ok);
    }
    return ok;
  }
}

function inferCategory(name: string, values: string[], file: string): Category {
  const description = `User category from ${file}.`;
  const numbers = values.map(Number);
  if (values.every((v, i) => v.trim() !== '' && Number.isFinite(numbers[i]))) {
    return { name, kind: 'numeric', integer: numbers.every(Number.isInteger), description };
  }
  return { name, kind: 'categorical', values: [...values], description };
}

function badValue(raw: string): string {
  return `expected a marker value of 1–60 characters without <, > or line breaks, got ${quote(raw)}${raw.length > 60 ? ` (${raw.length} characters)` : ''}`;
}

function preview(values: string[]): string {
  return values.length <= 5 ? values.join(', ') : `${values.slice(0, 5).join(', ')}, …`;
}
