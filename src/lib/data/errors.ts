/**
 * Problems found while importing a user's file, and the one error type that carries them.
 * Every issue points at a place a person can find in their editor: file, line, field.
 */

/** One problem with an imported file: where it is, and what was expected versus found. */
export interface ImportIssue {
  file: string;
  /**
   * 1-based line where the problem is: the JSONL line, the line a CSV record starts on, or the
   * line a JSON array element starts on. 0 means the file as a whole (empty, binary, too big).
   */
  line: number;
  /** 1-based column, given for JSON syntax errors. */
  column?: number;
  /** 0-based index of the element in a JSON array, which tells rows of a one-line JSON apart. */
  element?: number;
  /** Path of the offending field, e.g. `completion`, `messages[2].content`, `markers.lang`. */
  field?: string;
  /** What was expected and what was found. */
  message: string;
}

/** Where an issue is, without the file name (the report adds it). */
export type IssueAt = Omit<ImportIssue, 'file'>;

/**
 * Render an issue as one line a person can act on.
 *
 * @example
 * formatIssue({ file: 'data.jsonl', line: 7, field: 'completion', message: 'expected a non-empty string, got number (3)' })
 * // 'data.jsonl line 7, field "completion": expected a non-empty string, got number (3)'
 */
export function formatIssue(issue: ImportIssue): string {
  let where = issue.file;
  if (issue.line > 0) where += ` line ${issue.line}`;
  if (issue.column !== undefined) where += `, column ${issue.column}`;
  if (issue.element !== undefined) where += ` (element ${issue.element})`;
  if (issue.field !== undefined) where += `, field "${issue.field}"`;
  return `${where}: ${issue.message}`;
}

/**
 * Thrown when a file cannot be imported: always in strict mode at the first bad row, in either
 * mode for problems with the whole file, and in lenient mode when no row survives.
 * `message` is the first issue, formatted; `issues` holds them all (capped), `count` counts them all.
 *
 * @example
 * try { importDataset(bytes, 'data.jsonl', opts) } catch (e) { if (e instanceof ImportError) show(e.issues) }
 */
export class ImportError extends Error {
  override name = 'ImportError';
  readonly issues: ImportIssue[];
  readonly count: number;

  constructor(issues: ImportIssue[], count: number = issues.length, summary?: string) {
    const first = issues[0];
    const head = first ? formatIssue(first) : 'import failed';
    super(summary ? `${summary}; first: ${head}` : head);
    this.issues = issues;
    this.count = count;
  }
}

/** Default number of skipped rows and warnings kept in detail; all are still counted. */
export const DEFAULT_MAX_ISSUES = 100;

/**
 * Collects what an import found. Strict mode throws at the first skipped row, so "nothing
 * imported" is guaranteed; lenient mode keeps going and remembers the first `cap` issues.
 *
 * @example
 * const report = new IssueReport('data.jsonl', 'lenient');
 * report.skip({ line: 3, field: 'text', message: 'expected a non-empty string, got null' });
 * report.skippedCount; // 1
 */
export class IssueReport {
  readonly skipped: ImportIssue[] = [];
  readonly warnings: ImportIssue[] = [];
  skippedCount = 0;
  warningCount = 0;
  private readonly warned = new Set<string>();

  constructor(
    readonly file: string,
    readonly mode: 'strict' | 'lenient',
    readonly cap: number = DEFAULT_MAX_ISSUES,
  ) {}

  /** A row is bad: throw (strict) or record it and let the caller drop the row (lenient). */
  skip(at: IssueAt): void {
    const issue = { file: this.file, ...at };
    if (this.mode === 'strict') throw new ImportError([issue]);
    this.skippedCount++;
    if (this.skipped.length < this.cap) this.skipped.push(issue);
  }

  /** The whole file is unusable, whatever the mode. */
  fatal(at: IssueAt): never {
    throw new ImportError([{ file: this.file, ...at }]);
  }

  /** Record a warning once per `key`, so a column missing from 10,000 rows is one message. */
  warnOnce(key: string, at: IssueAt): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warningCount++;
    if (this.warnings.length < this.cap) this.warnings.push({ file: this.file, ...at });
  }
}

/**
 * A short, quoted rendering of user text for messages (long values are cut).
 *
 * @example
 * quote('pirate') // '"pirate"'
 */
export function quote(text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/**
 * Describe a found value for "expected X, got Y" messages.
 *
 * @example
 * describeValue(3)         // 'number (3)'
 * describeValue(undefined) // 'nothing (the field is missing)'
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  switch (typeof value) {
    case 'string':
      if (value === '') return 'an empty string';
      if (value.trim() === '') return 'a string of only whitespace';
      return `the string ${quote(value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} (${String(value)})`;
    case 'object': {
      const keys = Object.keys(value);
      return keys.length === 0 ? 'an empty object' : `an object with fields ${keys.slice(0, 6).join(', ')}`;
    }
    default:
      return typeof value;
  }
}
