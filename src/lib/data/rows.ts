/**
 * Row shapes: turn one parsed record (a JSON object, or a CSV record keyed by column) into
 * prompt, completion, marker candidates and metadata. Which shape a record has is decided by
 * its fields; zod checks the fields, and its issues become "field X: expected Y, got Z".
 */
import { z } from 'zod';
import type { Taxonomy } from '../markers/taxonomy';
import { describeValue, type IssueAt, type IssueReport } from './errors';
import { findJsonSyntaxError } from './json-scan';

/** One record from a parser: its value, or the problem that kept it from being read. */
export type SourceRecord =
  | { line: number; element?: number; value: unknown; csv: boolean }
  | { line: number; element?: number; problem: IssueAt };

/** Where a record is, for issues about it. */
export type Place = Pick<IssueAt, 'line' | 'element'>;

/** A record read into text fields; its markers are not yet checked against the taxonomy. */
export interface Draft {
  id: string;
  line: number;
  element?: number;
  prompt: string;
  completion: string;
  /** From the `markers` object (or `markers.X` columns): category → trimmed value. */
  declared: Record<string, string>;
  /** From fields named after a taxonomy category, e.g. a CSV column `lang`. */
  columns: Record<string, string>;
  meta: Record<string, string>;
}

/**
 * Metadata fields. Those named after a category (`source`, `domain`, `task`, `style`, `quality`)
 * become markers when their value fits the taxonomy and go to `row.meta` otherwise, for
 * annotation to map (e.g. `domain: "biology"`); `score` and `id` always go to `row.meta`.
 */
export const META_FIELDS: ReadonlySet<string> = new Set(['source', 'domain', 'task', 'style', 'quality', 'score', 'id']);

const ROLES = ['system', 'user', 'assistant', 'tool'] as const;
const ROLE_LABEL: Record<(typeof ROLES)[number], string> = {
  system: 'System', user: 'User', assistant: 'Assistant', tool: 'Tool',
};

// Each schema's error text is the "expected …" half of a message; the found value is added later.
const NON_EMPTY = 'a non-empty string';
const nonEmpty = z.string({ error: NON_EMPTY }).refine((s) => s.trim() !== '', { error: NON_EMPTY });
// Absent is fine (no prompt, no input); null is refused, not read as "": a null where text belongs is
// usually a broken export, and silently training on an empty prompt would hide it.
const optionalText = z.string({
  error: (issue) => (issue.input === null ? 'a string, not null (write "" or leave the field out for none)' : 'a string'),
}).optional();
const cell = z.union([z.string(), z.number(), z.boolean()], { error: 'a string or a number' }).nullish();
const markersSchema = z.record(z.string(), cell, {
  error: 'an object mapping categories to values, e.g. {"lang": "French"}',
});
const turn = z.object(
  {
    role: z.enum(ROLES, { error: `one of the roles ${ROLES.map((r) => `"${r}"`).join(', ')}` }),
    content: z.string({ error: 'a string' }),
  },
  { error: 'a turn {"role": …, "content": …}' },
);

interface Shape {
  name: string;
  /** The shape applies when any of these fields is present. */
  keys: readonly string[];
  fields: readonly string[];
  read(record: Record<string, unknown>, at: Place, report: IssueReport): { prompt: string; completion: string } | IssueAt;
}

const chatSchema = z.object({
  messages: z.array(turn, { error: 'a list of turns' }).min(1, { error: 'a non-empty list of turns' }),
});
const alpacaSchema = z.object({ instruction: z.string({ error: 'a string' }), input: optionalText, output: nonEmpty });
const promptSchema = z.object({ prompt: optionalText, completion: nonEmpty });
const textSchema = z.object({ text: nonEmpty });

/** Row shapes in order of precedence (a record with `messages` is chat whatever else it has). */
const SHAPES: readonly Shape[] = [
  {
    name: '{messages}', keys: ['messages'], fields: ['messages'],
    read: (record, at, report) => check(chatSchema, record, at, (d) => readChat(d.messages, at, report)),
  },
  {
    name: '{instruction, input, output}', keys: ['instruction', 'output'], fields: ['instruction', 'input', 'output'],
    read: (record, at) => check(alpacaSchema, record, at, (d) => ({
      // Alpaca's own template puts the input after the instruction, separated by a blank line.
      prompt: d.input && d.input.trim() !== '' ? [d.instruction, d.input].filter((s) => s !== '').join('\n\n') : d.instruction,
      completion: d.output,
    })),
  },
  {
    name: '{prompt, completion}', keys: ['prompt', 'completion'], fields: ['prompt', 'completion'],
    read: (record, at) => check(promptSchema, record, at, (d) => ({ prompt: d.prompt ?? '', completion: d.completion })),
  },
  {
    name: '{text}', keys: ['text'], fields: ['text'],
    // Pretraining-style text: everything is completion, so the model learns to write all of it.
    read: (record, at) => check(textSchema, record, at, (d) => ({ prompt: '', completion: d.text })),
  },
];

const SHAPE_FIELDS = new Set(SHAPES.flatMap((s) => s.fields));
const SHAPE_LIST = SHAPES.map((s) => s.name).join(', ');

/**
 * Reads records of one file into drafts, reporting bad ones to `report` (which throws in strict
 * mode). Knows the taxonomy only to recognise per-category columns.
 *
 * @example
 * const reader = new RowReader(defaultTaxonomy(), report);
 * reader.read({ line: 1, value: { prompt: 'Hi', completion: 'Salut', lang: 'French' }, csv: false }, 'a.jsonl:1');
 */
export class RowReader {
  private readonly categoryColumns: Set<string>;

  constructor(taxonomy: Taxonomy, private readonly report: IssueReport) {
    this.categoryColumns = new Set(taxonomy.categories.map((c) => c.name).filter((n) => !SHAPE_FIELDS.has(n) && n !== 'markers'));
  }

  /** A draft, or null when the record was reported as skipped. */
  read(record: Extract<SourceRecord, { value: unknown }>, id: string): Draft | null {
    const at: Place = placeOf(record);
    const skip = (issue: Omit<IssueAt, 'line'>): null => {
      this.report.skip({ ...at, ...issue });
      return null;
    };
    const value = record.value;
    if (!isPlainObject(value)) return skip({ message: `expected a JSON object (one row), got ${describeValue(value)}` });

    const fields: Record<string, unknown> = { ...value };
    if (record.csv) {
      for (const key of ['messages', 'markers']) {
        const problem = decodeJsonCell(fields, key);
        if (problem) return skip({ field: key, message: problem });
      }
    }
    gatherDottedMarkers(fields);

    // Prefer a shape whose fields hold something: a CSV row has every column, mostly empty ones.
    const shape = SHAPES.find((s) => s.keys.some((k) => fields[k] !== undefined && fields[k] !== ''))
      ?? SHAPES.find((s) => s.keys.some((k) => fields[k] !== undefined));
    if (!shape) {
      const keys = Object.keys(fields);
      return skip({
        message: `expected the fields of one row shape — ${SHAPE_LIST}; found ${keys.length ? `fields ${keys.join(', ')}` : 'no fields'}`,
      });
    }
    const text = shape.read(fields, at, this.report);
    if ('message' in text) return skip(text);

    let declared: Record<string, string> = {};
    if (fields.markers !== undefined && fields.markers !== null) {
      // JSON.parse keeps "__proto__" as an own key, but copying it into a new object would set the
      // prototype instead and lose the marker without a word.
      if (isPlainObject(fields.markers) && Object.hasOwn(fields.markers, '__proto__')) {
        return skip({ field: 'markers.__proto__', message: '"__proto__" cannot be a marker category: plain objects already have a member of that name' });
      }
      const parsed = markersSchema.safeParse(fields.markers);
      if (!parsed.success) return skip(fromZod(parsed.error, fields.markers, ['markers']));
      declared = compact(parsed.data);
    }

    const columns: Record<string, string> = {};
    const meta: Record<string, string> = {};
    for (const [key, raw] of Object.entries(fields)) {
      if (shape.fields.includes(key) || key === 'markers') continue;
      const isColumn = this.categoryColumns.has(key);
      if (!isColumn && !META_FIELDS.has(key)) {
        if (raw === '' || raw === null || raw === undefined) continue;
        this.report.warnOnce(`unused:${key}`, {
          ...at,
          field: key,
          message: `ignored: not a field of ${shape.name} rows, a category or known metadata (markers go in a "markers" object)`,
        });
        continue;
      }
      const parsed = cell.safeParse(raw);
      if (!parsed.success) return skip(fromZod(parsed.error, raw, [key]));
      if (parsed.data === null || parsed.data === undefined) continue;
      const v = String(parsed.data).trim();
      if (v === '') continue;
      if (isColumn) columns[key] = v;
      else meta[key] = v;
    }
    return { id, line: record.line, element: record.element, prompt: text.prompt, completion: text.completion, declared, columns, meta };
  }
}

/** Line and, for JSON arrays, element of a record (no `element` key when there is none). */
export function placeOf(r: { line: number; element?: number }): Place {
  return r.element === undefined ? { line: r.line } : { line: r.line, element: r.element };
}

/**
 * Whether an object has the fields of some row shape.
 *
 * @example
 * hasRowShape({ text: 'hi' }) // true
 */
export function hasRowShape(fields: Record<string, unknown>): boolean {
  return SHAPES.some((s) => s.keys.some((k) => fields[k] !== undefined));
}

/**
 * For CSV: null when the header can hold some row shape, else why not.
 *
 * @example
 * missingColumnsMessage(['prompt']) // 'the header has "prompt" but no "completion" column …'
 */
export function missingColumnsMessage(header: readonly string[]): string | null {
  const has = (c: string): boolean => header.includes(c);
  if (has('messages') || has('completion') || has('text') || (has('instruction') && has('output'))) return null;
  if (has('instruction')) return 'the header has "instruction" but no "output" column (Alpaca rows need both)';
  if (has('prompt')) return 'the header has "prompt" but no "completion" column';
  const known = ['prompt', 'completion', 'instruction', 'output', 'messages', 'text'];
  const caseHint = header.some((h) => known.includes(h.toLowerCase())) ? ' (column names are case-sensitive)' : '';
  return `the header has no column a completion can come from: expected "completion" (with "prompt"), "output" (with "instruction", "input"), "messages" or "text"; found ${header.map((h) => `"${h}"`).join(', ')}${caseHint}`;
}

function readChat(
  turns: Array<{ role: (typeof ROLES)[number]; content: string }>,
  at: Place,
  report: IssueReport,
): { prompt: string; completion: string } | IssueAt {
  const last = turns.map((t) => t.role).lastIndexOf('assistant');
  if (last < 0) {
    const roles = [...new Set(turns.map((t) => t.role))].join(', ');
    return { ...at, field: 'messages', message: `expected a turn with role "assistant" (the last one becomes the completion), found only roles ${roles}` };
  }
  const completion = turns[last]!.content;
  if (completion.trim() === '') {
    return { ...at, field: `messages[${last}].content`, message: `expected a non-empty string (the last assistant turn is the completion), got ${describeValue(completion)}` };
  }
  if (last < turns.length - 1) {
    report.warnOnce('chat:trailing', { ...at, field: 'messages', message: 'turns after the last assistant turn are ignored' });
  }
  const prompt = turns.slice(0, last).map((t) => `${ROLE_LABEL[t.role]}: ${t.content}`).join('\n');
  return { prompt, completion };
}

function check<T, R>(
  schema: z.ZodType<T>,
  record: Record<string, unknown>,
  at: Place,
  then: (data: T) => R | IssueAt,
): R | IssueAt {
  const parsed = schema.safeParse(record);
  return parsed.success ? then(parsed.data) : { ...at, ...fromZod(parsed.error, record, []) };
}

/** The first zod issue as field + "expected …, got …" (its message holds the expected part). */
function fromZod(error: z.ZodError, root: unknown, prefix: PropertyKey[]): { field?: string; message: string } {
  const issue = error.issues[0]!;
  const field = formatPath([...prefix, ...issue.path]);
  return {
    ...(field === '' ? {} : { field }),
    message: `expected ${issue.message}, got ${describeValue(valueAt(root, issue.path))}`,
  };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** `['messages', 2, 'content']` → `messages[2].content`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A CSV cell meant to hold JSON (messages, markers) is decoded in place; empty means absent. */
function decodeJsonCell(fields: Record<string, unknown>, key: string): string | null {
  const raw = fields[key];
  if (typeof raw !== 'string') return null;
  if (raw.trim() === '') {
    delete fields[key];
    return null;
  }
  try {
    fields[key] = JSON.parse(raw) as unknown;
    return null;
  } catch {
    const problem = findJsonSyntaxError(raw, 'line');
    return `expected JSON in this CSV cell, got text that is not valid JSON${problem ? ` (${problem.message} at character ${problem.offset + 1})` : ''}`;
  }
}

/** Columns `markers.persona` (the CSV way to give a markers object) join `markers`. */
function gatherDottedMarkers(fields: Record<string, unknown>): void {
  const dotted = Object.keys(fields).filter((k) => k.startsWith('markers.'));
  if (dotted.length === 0) return;
  const base = fields.markers;
  if (base !== undefined && base !== null && !isPlainObject(base)) return; // zod reports the bad object
  const merged: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const k of dotted) {
    // defineProperty, not assignment: a "markers.__proto__" column must stay a key (and be refused).
    Object.defineProperty(merged, k.slice('markers.'.length), { value: fields[k], enumerable: true, writable: true, configurable: true });
    delete fields[k];
  }
  fields.markers = merged;
}

/** Drop unset entries (null, empty); stringify and trim the rest. */
function compact(values: Record<string, string | number | boolean | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined) continue;
    const s = String(v).trim();
    if (s !== '') out[k] = s;
  }
  return out;
}
