/**
 * The streaming import gives what the whole-file import gives on the same bytes, however the bytes
 * are cut into chunks; it refuses an oversized file before reading a byte (and one whose stream
 * brings more bytes than its size said), and points at the exact byte and line of invalid UTF-8.
 */
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDatasetStream, type ByteSource } from '../../src/lib/data/import-stream';
import { ImportError } from '../../src/lib/data/parse';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { enc } from './import-helpers';
import { chunked, every, expectSame } from './stream-helpers';
import { markupText, notUtf8, params, validMarkers } from './fuzz/arbitraries';

const taxonomy = defaultTaxonomy();
const FIXTURES = join(import.meta.dirname, '../fixtures');

describe('importDatasetStream', () => {
  it('reads every fixture as importDataset does, in one chunk, in 7-byte chunks and byte by byte', async () => {
    for (const name of readdirSync(FIXTURES).filter((f) => /\.(jsonl|json|csv)$/.test(f))) {
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, name)));
      for (const mode of ['strict', 'lenient'] as const) {
        const options = { mode, taxonomy };
        await expectSame(bytes, name, options, []);
        await expectSame(bytes, name, options, every(7, bytes.length));
        await expectSame(bytes, name, options, every(1, bytes.length));
      }
    }
  });

  it('random JSONL-like files (blank lines, CRLF, BOM, bad lines, invalid UTF-8, markup, any script), randomly chunked: same result', async () => {
    const good = fc.record({ prompt: markupText(), completion: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), markers: validMarkers(taxonomy) })
      .map((r) => JSON.stringify(r));
    const line = fc.oneof(
      { weight: 6, arbitrary: good },
      fc.constantFrom('', '  ', '{"prompt": null, "completion": "x"}', '{"text": ', 'not json', '[1, 2]', '{"completion": "only"}', '{"text":"a","markers":{"lang":"Klingon"}}'),
    );
    await fc.assert(fc.asyncProperty(
      fc.array(line, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.constantFrom('a.jsonl', 'a.json', 'a.txt'),
      fc.constantFrom('strict' as const, 'lenient' as const), fc.array(fc.nat(), { maxLength: 6 }), notUtf8(),
      async (lines, eol, bom, name, mode, cuts, bad) => {
        const text = (bom ? '\uFEFF' : '') + lines.join(eol);
        await expectSame(bad(enc(text)), name, { mode, taxonomy }, cuts);
      },
    ), params());
  });

  it('refuses a file over the limit from its size, before reading a byte', async () => {
    const untouched: ByteSource = {
      size: 60 * 1024 * 1024,
      chunks: { [Symbol.asyncIterator]: () => { throw new Error('read although too big'); } },
    };
    const err = await importDatasetStream(untouched, 'big.jsonl', { mode: 'strict', taxonomy }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).issues).toEqual([{ file: 'big.jsonl', line: 0, message: 'the file is 60 MB, over the import limit of 50 MB' }]);
  });

  it('stops reading when the stream brings more bytes than the size said', async () => {
    const line = enc('{"prompt":"a","completion":"b"}\n');
    let pulled = 0;
    const liar: ByteSource = {
      size: 10,
      chunks: (async function* () {
        for (;;) {
          pulled++;
          yield line;
        }
      })(),
    };
    const err = await importDatasetStream(liar, 'grows.jsonl', { mode: 'strict', taxonomy, maxBytes: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).issues[0]!.message).toMatch(/over the import limit of 1000 bytes/);
    expect(pulled).toBeLessThan(40);
  });

  it('reports invalid UTF-8 after a bad row, as the whole-file import (which decodes before it parses) does', async () => {
    const bytes = new Uint8Array([...enc('{"prompt":null,"completion":"x"}\n{"text":"a"}\n{"text":"caf'), 0xe9, ...enc('"}\n')]);
    await expectSame(bytes, 'a.jsonl', { mode: 'strict', taxonomy }, [10]);
    const err = await importDatasetStream(chunked(bytes), 'a.jsonl', { mode: 'strict', taxonomy }).catch((e: unknown) => e);
    expect((err as ImportError).issues[0]).toMatchObject({ line: 3, message: expect.stringContaining('not valid UTF-8') });
  });

  it('names the exact byte offset and line of invalid UTF-8 deep in a file, as the whole-file import does', async () => {
    const good = '{"prompt":"é","completion":"ok"}\n'.repeat(500);
    const bytes = new Uint8Array([...enc(good), ...enc('{"prompt":"caf'), 0xe9, ...enc('","completion":"x"}\n')]);
    const err = await importDatasetStream(chunked(bytes, [100, 5000, bytes.length - 20]), 'l1.jsonl', { mode: 'strict', taxonomy }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    const issue = (err as ImportError).issues[0]!;
    expect(issue.line).toBe(501);
    expect(issue.message).toContain(`byte 0xE9 at byte offset ${enc(good).length + 14}`);
    await expectSame(bytes, 'l1.jsonl', { mode: 'strict', taxonomy }, [100, 5000]);
  });

  it('a bad row deep in a large stream fails a strict import with its file, line and field', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ prompt: `p${i}`, completion: i === 2499 ? null : `c${i}` }));
    const bytes = enc(rows.join('\n'));
    const err = await importDatasetStream(chunked(bytes, [4096, 8192, 30000]), 'rows.jsonl', { mode: 'strict', taxonomy }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).issues[0]).toMatchObject({ file: 'rows.jsonl', line: 2500, field: 'completion' });
  });
});
