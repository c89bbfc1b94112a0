/**
 * Records → rows, one record at a time: the half of an import that comes after parsing, shared by
 * the whole-file import (parse.ts) and the streaming one (import-stream.ts), so both give the same
 * rows, issues and taxonomy for the same file.
 *
 * record → row shape (zod) → markers against the taxonomy → row;  finish → extended taxonomy
 */
import type { Taxonomy } from '../markers/taxonomy';
import { ImportError, type IssueReport } from './errors';
import type { ImportFormat, ImportResult } from './parse';
import { MarkerResolver } from './row-markers';
import { RowReader, type SourceRecord } from './rows';
import type { Row } from './types';

/**
 * Records are added in file order; each row's id is `<file>:<line>`, and several records starting
 * on one line (a one-line JSON array) are told apart as `<file>:<line>#2`, `#3`, … in order, so ids
 * stay unique and still point at the source.
 *
 * @example
 * const rows = new RowCollector(taxonomy, report);
 * rows.add(record); // id 'data.jsonl:1'; a bad record is reported (skipped, or fatal when strict)
 * const result = rows.finish('jsonl');
 */
export class RowCollector {
  readonly #report: IssueReport;
  readonly #reader: RowReader;
  readonly #resolver: MarkerResolver;
  readonly #rows: Row[] = [];
  #records = 0;
  /** The last record's line and how many records started on it. */
  #line = 0;
  #onLine = 0;

  constructor(taxonomy: Taxonomy, report: IssueReport) {
    this.#report = report;
    this.#reader = new RowReader(taxonomy, report);
    this.#resolver = new MarkerResolver(taxonomy, report);
  }

  /** Records seen so far, good or bad. */
  get records(): number {
    return this.#records;
  }

  add(record: SourceRecord): void {
    this.#records++;
    this.#onLine = record.line === this.#line ? this.#onLine + 1 : 1;
    this.#line = record.line;
    const id = this.#onLine === 1 ? `${this.#report.file}:${record.line}` : `${this.#report.file}:${record.line}#${this.#onLine}`;
    if ('problem' in record) {
      this.#report.skip(record.problem);
      return;
    }
    const draft = this.#reader.read(record, id);
    const row = draft && this.#resolver.resolve(draft);
    if (row) this.#rows.push(row);
  }

  /** The rows and extended taxonomy; throws ImportError when the file held no row, or none was good. */
  finish(format: ImportFormat): ImportResult {
    const report = this.#report;
    if (this.#records === 0) {
      report.fatal({ line: 0, message: format === 'csv' ? 'the file has a header but no rows' : 'the file holds no rows' });
    }
    if (this.#rows.length === 0) {
      throw new ImportError(report.skipped, report.skippedCount, `none of the ${this.#records} rows could be imported`);
    }
    const done = this.#resolver.finish(this.#rows);
    return {
      rows: done.rows, taxonomy: done.taxonomy, skipped: report.skipped, skippedCount: report.skippedCount, warnings: report.warnings, format,
    };
  }
}
