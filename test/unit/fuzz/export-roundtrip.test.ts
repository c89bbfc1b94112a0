/** The wrapper setting and the export: whatever the rows, re-reading an export gives them back exactly. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paperLines } from '../../../src/lib/data/export';
import { parseCompletionString, parseInputString, SPECIAL_NAMES } from '../../../src/lib/markers/template';
import { defaultCategories, defaultTaxonomy, TaxonomyError, wrapperProblem } from '../../../src/lib/markers/taxonomy';
import type { Row } from '../../../src/lib/data/types';
import { markupText, params, validMarkers } from './arbitraries';

const NO_DROPOUT = { datasetRate: 0, sampleRate: 0, overrides: {}, seed: 1 };

/** Any case of a string: `lang`, `LANG`, `lAnG`. */
function anyCase(name: string): fc.Arbitrary<string> {
  return fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join(''));
}

describe('the wrapper name', () => {
  const categories = defaultCategories();
  const taken = [
    ...categories.map((c) => c.name),
    ...categories.flatMap((c) => (c.kind === 'categorical' ? c.values.filter((v) => /^[A-Za-z_]\w*$/.test(v)) : [])),
    ...SPECIAL_NAMES,
  ];

  it('is refused when it is a category, a value or a special token, in any case', () => {
    fc.assert(fc.property(fc.constantFrom(...taken).chain(anyCase), (name) => {
      expect(wrapperProblem(name, categories)).not.toBeNull();
      expect(() => defaultTaxonomy(name)).toThrow(TaxonomyError);
    }), params());
  });

  it('is refused when it is a reserved or malformed name', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'prototype', '', '1abc', 'a b', 'a-b', 'x'.repeat(41)]) {
      expect(wrapperProblem(name, categories), name).not.toBeNull();
    }
  });

  it('accepts the paper\'s and the talk\'s names', () => {
    expect(wrapperProblem('MARKER_LIST', categories)).toBeNull();
    expect(wrapperProblem('TEMPLATE', categories)).toBeNull();
  });
});

describe('export → read back', () => {
  const wrapperArb = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/).filter((w) => wrapperProblem(w, defaultCategories()) === null);

  it('gives back exactly the prompt, completion and markers of every row (no dropout)', () => {
    fc.assert(fc.property(
      wrapperArb.chain((wrapper) => {
        const taxonomy = defaultTaxonomy(wrapper);
        const row = fc.record({ prompt: markupText(wrapper), completion: markupText(wrapper), markers: validMarkers(taxonomy) });
        return fc.tuple(fc.constant(taxonomy), fc.array(row, { minLength: 1, maxLength: 4 }));
      }),
      ([taxonomy, drafts]) => {
        const rows: Row[] = drafts.map((d, i) => ({ id: `fuzz:${i}`, ...d }));
        const lines = [...paperLines(rows, taxonomy, NO_DROPOUT)];
        expect(lines).toHaveLength(rows.length);
        lines.forEach((line, i) => {
          const { input, target } = JSON.parse(line) as { input: string; target: string };
          const row = rows[i]!;
          const back = parseInputString(input, taxonomy);
          expect(back.prompt).toBe(row.prompt);
          expect(back.markers).toEqual(row.markers);
          const answer = parseCompletionString(target, taxonomy);
          expect(answer.completion).toBe(row.completion);
          expect(answer.markers).toEqual(row.markers);
          expect(answer.issues).toEqual([]);
        });
      },
    ), params());
  });
});
