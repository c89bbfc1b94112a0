/**
 * The JSONL, JSON and CSV importers on random input: they refuse with an ImportError (file and line)
 * or read rows, never throw anything else; and any rows written in each format read back exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportError, importDataset, type ImportFormat } from '../../../src/lib/data/parse';
import { defaultTaxonomy } from '../../../src/lib/markers/taxonomy';
import { csv, enc, jsonl } from '../import-helpers';
import { markupText, params, validMarkers } from './arbitraries';

const taxonomy = defaultTaxonomy();
const FORMATS: readonly ImportFormat[] = ['jsonl', 'json', 'csv'];

function importAs(bytes: Uint8Array, format: ImportFormat | undefined, mode: 'strict' | 'lenient') {
  return importDataset(bytes, `fuzz.${format ?? 'txt'}`, { mode, taxonomy, ...(format ? { format } : {}) });
}

/** Either rows or an ImportError that names the file and a line; anything else fails the property. */
function importsOrRefuses(bytes: Uint8Array, format: ImportFormat | undefined, mode: 'strict' | 'lenient'): void {
  try {
    const r = importAs(bytes, format, mode);
    expect(r.rows.length).toBeGreaterThan(0);
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    expect(e.issues.length).toBeGreaterThan(0);
    for (const issue of e.issues) {
      expect(issue.file).toMatch(/^fuzz\./);
      expect(Number.isInteger(issue.line)).toBe(true);
    }
  }
}

/** Text that is almost JSONL / JSON / CSV: real rows with bytes changed, cut or spliced in. */
const nearlyValid = fc.tuple(
  fc.array(fc.record({ prompt: markupText(), completion: fc.string({ minLength: 1 }), markers: validMarkers(taxonomy) }), { minLength: 1, maxLength: 3 }),
  fc.constantFrom<ImportFormat>(...FORMATS),
  fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 3 }), fc.nat({ max: 3 })), { maxLength: 3 }),
).map(([rows, format, edits]) => {
  let text = format === 'jsonl' ? jsonl(rows) : format === 'json' ? JSON.stringify(rows) : csv(rows);
  for (const [at, insert, cut] of edits) {
    const i = at % (text.length + 1);
    text = text.slice(0, i) + insert + text.slice(i + cut);
  }
  return { text, format };
});

describe('importers on hostile input', () => {
  it('random bytes, any format (or detection), either mode', () => {
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 300 }), fc.constantFrom<ImportFormat | undefined>(...FORMATS, undefined), fc.constantFrom('strict' as const, 'lenient' as const),
      (bytes, format, mode) => importsOrRefuses(bytes, format, mode),
    ), params());
  });

  it('random text with JSON and CSV punctuation', () => {
    const punct = fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\n', '\r\n', '\\', 'null', 'prompt', 'completion', 'markers', 'messages', '"role"', ' ');
    fc.assert(fc.property(
      fc.array(fc.oneof(punct, fc.string({ maxLength: 4 })), { maxLength: 40 }).map((p) => p.join('')),
      fc.constantFrom<ImportFormat | undefined>(...FORMATS, undefined),
      (text, format) => importsOrRefuses(enc(text), format, 'lenient'),
    ), params());
  });

  it('real files with bytes changed, cut or spliced in', () => {
    fc.assert(fc.property(nearlyValid, ({ text, format }) => {
      importsOrRefuses(enc(text), format, 'strict');
      importsOrRefuses(enc(text), format, 'lenient');
    }), params());
  });
});

describe('write → import', () => {
  const text = fc.oneof(markupText(), fc.string({ unit: 'grapheme', maxLength: 30 }));
  const rowArb = fc.record({
    prompt: text,
    completion: text.filter((s) => s.trim() !== ''),
    markers: validMarkers(taxonomy),
  });

  // Raw control bytes in a CSV make it look binary (decode.ts refuses those on purpose); JSON escapes them.
  const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
  const printable = (rows: ReadonlyArray<{ prompt: string; completion: string }>): boolean =>
    rows.every((r) => !CONTROL.test(r.prompt) && !CONTROL.test(r.completion));

  it.each(FORMATS)('%s gives back exactly the rows written', (format) => {
    const rowsArb = fc.array(rowArb, { minLength: 1, maxLength: 5 });
    fc.assert(fc.property(format === 'csv' ? rowsArb.filter(printable) : rowsArb, (rows) => {
      const file = format === 'jsonl' ? jsonl(rows) : format === 'json' ? JSON.stringify(rows) : csv(rows);
      const back = importAs(enc(file), format, 'strict').rows;
      expect(back.map((r) => ({ prompt: r.prompt, completion: r.completion, markers: r.markers }))).toEqual(rows);
    }), params());
  });
});
