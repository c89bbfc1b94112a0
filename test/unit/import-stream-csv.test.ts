/**
 * CSV streamed: the CSV reader gives the same records however its text is cut into pieces, and the
 * streaming import of a CSV file gives what the whole-file import gives, however its bytes are cut.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IssueReport } from '../../src/lib/data/errors';
import { importDatasetStream } from '../../src/lib/data/import-stream';
import { ImportError, importDataset } from '../../src/lib/data/parse';
import { csvDialect, CsvReader, parseCsv } from '../../src/lib/data/parse-csv';
import type { SourceRecord } from '../../src/lib/data/rows';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { enc } from './import-helpers';
import { chunked, every, expectSame, settle } from './stream-helpers';
import { notUtf8, params } from './fuzz/arbitraries';

const taxonomy = defaultTaxonomy();

/**
 * A CSV-like file: a header, then records that mostly fit it (plain or quoted fields, quoted ones
 * holding line breaks, quotes and delimiters) and sometimes do not (wrong field count, broken quotes).
 */
function csvFile(): fc.Arbitrary<{ text: string; name: string }> {
  const header = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(['prompt', 'completion'], ['text'], ['instruction', 'input', 'output'], ['prompt', 'completion', 'lang'], ['prompt', 'completion', 'markers.lang', 'domain'], ['messages']) },
    { weight: 1, arbitrary: fc.constantFrom(['prompt', 'prompt'], ['prompt', ''], ['prompt', 'answer'], [' text ', 'extra']) },
  );
  const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;
  const inside = fc.array(fc.oneof(
    fc.constantFrom('Hello', 'é€👍', ',', ';', '\t', '|', '\n', '\r\n', '\r', '"', ' '), fc.string({ unit: 'grapheme', maxLength: 5 }),
  ), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));
  const text = fc.oneof(fc.constantFrom('Hello', 'Bonjour à tous', 'x y', 'a"b'), inside.map(quote));
  const cell = (column: string): fc.Arbitrary<string> =>
    column === 'lang' || column === 'markers.lang' ? fc.constantFrom('French', 'German', '', 'Klingon')
    : column === 'domain' ? fc.constantFrom('Legal', 'biology', '')
    : column === 'messages' ? fc.constantFrom(quote('[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]'), '[', quote('[]'))
    : text;
  const anyField = fc.oneof(text, fc.string({ maxLength: 4 }), fc.constantFrom('', '"unclosed', '"a"b', '"a" ', ' "a"', '"', '"\n', '""'));
  const record = (columns: readonly string[]): fc.Arbitrary<string[]> => fc.oneof(
    { weight: 5, arbitrary: fc.tuple(...columns.map(cell)) },
    { weight: 1, arbitrary: fc.array(anyField, { minLength: 1, maxLength: 4 }) },
  );
  return fc.record({
    header,
    delimiter: fc.constantFrom(',', ';', '\t', '|'),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    blankLines: fc.array(fc.nat(), { maxLength: 3 }),
    trailing: fc.constantFrom('', '\n', '\r\n', '\n\n'),
    name: fc.constantFrom('a.csv', 'a.txt', 'a'),
  }).chain((f) => fc.array(record(f.header), { maxLength: 7 }).map((records) => {
    const lines = [f.header.join(f.delimiter), ...records.map((r) => r.join(f.delimiter))];
    for (const b of f.blankLines) lines.splice(b % (lines.length + 1), 0, '');
    return { text: lines.join(f.eol) + f.trailing, name: f.delimiter === '\t' ? 'a.tsv' : f.name };
  }));
}

/** Records from the reader fed `pieces`, or the error it threw. */
function readPieces(text: string, pieces: readonly string[], mode: 'strict' | 'lenient'): unknown {
  const records: SourceRecord[] = [];
  try {
    const reader = new CsvReader(csvDialect(text), new IssueReport('a.csv', mode), (r) => records.push(r));
    for (const piece of pieces) reader.push(piece);
    reader.end();
    return records;
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    return e.issues;
  }
}

function cut(text: string, cuts: readonly number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((from, k) => text.slice(from, k < at.length ? at[k] : text.length));
}

describe('CsvReader', () => {
  it('gives the same records (lines, fields, problems) whatever pieces the text comes in', () => {
    fc.assert(fc.property(csvFile(), fc.array(fc.nat(), { maxLength: 8 }), fc.constantFrom('strict' as const, 'lenient' as const), ({ text }, cuts, mode) => {
      expect(readPieces(text, cut(text, cuts), mode)).toEqual(readPieces(text, [text], mode));
    }), params());
  });

  it('gives the same records fed one character at a time', () => {
    const text = 'prompt,completion\r\n"a,\r\nb",c\r\n\r\nd,"e ""quoted"" é"\r\n"unclosed,x\r\n';
    expect(readPieces(text, [...text], 'lenient')).toEqual(readPieces(text, [text], 'lenient'));
    expect(readPieces(text, [...text], 'lenient')).toEqual(parseCsv(text, new IssueReport('a.csv', 'lenient')));
  });

  it('does not rescan a long quoted field for every piece (a 4 MB field in 1 kB pieces)', () => {
    const field = 'word, "quoted"\n'.replaceAll('"', '""').repeat(4 * 1024 * 1024 / 16);
    const text = `prompt,completion\nhi,"${field}"\nbye,there\n`;
    const t0 = performance.now();
    const records = readPieces(text, cut(text, every(1024, text.length)), 'strict') as SourceRecord[];
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(records.map((r) => r.line)).toEqual([2, 2 + 4 * 1024 * 1024 / 16 + 1]);
  });
});

describe('importDatasetStream, CSV', () => {
  it('random CSV-like files (quoted line breaks, CR/CRLF, any delimiter, broken quotes, invalid UTF-8), randomly chunked: same result', async () => {
    await fc.assert(fc.asyncProperty(
      csvFile(), fc.boolean(), fc.constantFrom('strict' as const, 'lenient' as const), fc.array(fc.nat(), { maxLength: 6 }), notUtf8(),
      async ({ text, name }, bom, mode, cuts, bad) => {
        await expectSame(bad(enc((bom ? '\uFEFF' : '') + text)), name, { mode, taxonomy }, cuts);
      },
    ), params());
  });

  /** A CSV of `n` rows; row `bad` (if any) has no completion. Quoted fields span lines; text is not ASCII. */
  function bigCsv(n: number, bad = -1): Uint8Array {
    const rows = Array.from({ length: n }, (_, i) => `"Q ${i}, in\r\ntwo lines?",${i === bad ? '' : `"réponse ""${i}"""`},${['French', 'German'][i % 2]}`);
    return enc(`prompt,completion,lang\r\n${rows.join('\r\n')}\r\n`);
  }

  it('reads a CSV larger than the sniffed start and many pieces (about 2.5 MB) as the whole-file import does', async () => {
    const bytes = bigCsv(50_000);
    expect(bytes.length).toBeGreaterThan(2 * 1024 * 1024);
    const options = { mode: 'strict' as const, taxonomy };
    const whole = await settle(() => importDataset(bytes, 'big.csv', options));
    const streamed = await settle(() => importDatasetStream(chunked(bytes, every(65_536, bytes.length)), 'big.csv', options));
    expect(streamed).toEqual(whole);
    const { rows } = importDataset(bytes, 'big.csv', options);
    expect(rows).toHaveLength(50_000);
    expect(rows[49_999]).toMatchObject({ id: 'big.csv:100000', prompt: 'Q 49999, in\r\ntwo lines?', completion: 'réponse "49999"', markers: { lang: 'German' } });
  });

  it('a bad row deep in a large CSV fails a strict import with its file, line and field', async () => {
    const bytes = bigCsv(30_000, 24_999);
    const err = await importDatasetStream(chunked(bytes, every(4096, bytes.length)), 'rows.csv', { mode: 'strict', taxonomy }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).issues[0]).toMatchObject({ file: 'rows.csv', line: 2 + 2 * 24_999, field: 'completion' });
  });

  it('names the byte offset and line of invalid UTF-8 inside a quoted field', async () => {
    const head = enc('prompt,completion\n"a\nb","caf');
    const bytes = new Uint8Array([...head, 0xe9, ...enc('"\n')]);
    const err = await importDatasetStream(chunked(bytes, [5, head.length]), 'l1.csv', { mode: 'lenient', taxonomy }).catch((e: unknown) => e);
    expect((err as ImportError).issues[0]).toMatchObject({ file: 'l1.csv', line: 3, message: expect.stringContaining(`byte 0xE9 at byte offset ${head.length}`) });
    await expectSame(bytes, 'l1.csv', { mode: 'lenient', taxonomy }, [5, head.length]);
  });
});
