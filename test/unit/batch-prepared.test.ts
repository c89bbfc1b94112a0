/**
 * PreparedRows, the flat store the sampler and validation encode rows into, gives back exactly what
 * prepareRow gives for each row (same ids, same markers in taxonomy order); validation batches packed
 * on demand are the batches packed up front.
 */
import { describe, expect, it } from 'vitest';
import { BatchError, PreparedRows, ValidationBatches, evalBatches, prepareRow } from '../../src/lib/data/batch';
import { markersInBlocks } from '../../src/lib/markers/taxonomy';
import { TemplateError } from '../../src/lib/markers/template';
import { varied } from './batch-helpers';

const plain = (p: ReturnType<typeof prepareRow>) => ({
  ...p, promptIds: Array.from(p.promptIds), completionIds: Array.from(p.completionIds), markers: p.markers.map((m) => ({ ...m, ids: Array.from(m.ids) })),
});

describe('PreparedRows', () => {
  const { rows, taxonomy, tok } = varied();
  const some = rows.slice(0, 400);

  it('gives each row as prepareRow encodes it, markers shared between rows with the same value', () => {
    const prepared = new PreparedRows(some, taxonomy, tok);
    expect(prepared.length).toBe(some.length);
    some.forEach((row, i) => {
      expect(plain(prepared.get(i))).toEqual(plain(prepareRow(row, taxonomy, tok)));
      expect(prepared.markersOf(i)).toEqual(row.markers);
      expect(Object.keys(prepared.markersOf(i))).toEqual(taxonomy.categories.map((c) => c.name).filter((n) => n in row.markers));
      expect(prepared.id(i)).toBe(row.id);
    });
    const withLang = some.map((_, i) => prepared.get(i).markers.find((m) => m.name === 'lang' && m.value === 'French')).filter((m) => m);
    expect(withLang.length).toBeGreaterThan(1);
    expect(new Set(withLang).size).toBe(1); // one encoding object for every French row
    expect(prepared.get(0).promptIds).toBeInstanceOf(Uint16Array); // a small vocabulary is stored in 16 bits
    expect(() => prepared.get(some.length)).toThrow(BatchError);
  });

  it('encodes only the markers it is told to keep, and refuses a marker the taxonomy does not have', () => {
    const langOnly = new PreparedRows(some, taxonomy, tok, { markers: (r) => markersInBlocks(r.markers, taxonomy, ['lang']) });
    some.forEach((row, i) => expect(langOnly.markersOf(i)).toEqual(row.markers.lang === undefined ? {} : { lang: row.markers.lang }));
    expect(() => new PreparedRows([{ ...some[0]!, markers: { lang: 'Klingon' } }], taxonomy, tok)).toThrow(TemplateError);
  });

  it('validation batches packed when iterated equal those packed up front, pass after pass', () => {
    const options = { taxonomy, tokenizer: tok, batchSize: 8, blockSize: 128, promptMarkers: 'all' as const };
    const eager = evalBatches(some, options);
    const lazy = new ValidationBatches(new PreparedRows(some, taxonomy, tok), options);
    expect(lazy.length).toBe(eager.batches.length);
    expect(lazy.stats).toEqual(eager.stats);
    expect([...lazy]).toEqual(eager.batches);
    expect([...lazy]).toEqual(eager.batches);
  });
});
