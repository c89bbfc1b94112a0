/**
 * Shared generators for the fuzzed suite. Each property runs FUZZ_RUNS cases (200 by default, so the
 * suite stays fast in CI); a long run is one command, e.g.
 *   FUZZ_RUNS=100000 npx vitest run --project node test/unit/fuzz
 */
import fc from 'fast-check';
import type { Markers, Taxonomy } from '../../../src/lib/markers/taxonomy';

/** Cases per property: FUZZ_RUNS from the environment, else `fallback`. */
export function runs(fallback = 200): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** fast-check parameters for one property; the seed is printed on failure so a case can be replayed. */
export function params(fallback?: number): fc.Parameters<unknown> {
  return { numRuns: runs(fallback) };
}

/**
 * Text that looks like markup as often as like prose: tags of the taxonomy and of the wrapper,
 * special-token spellings, backslash runs, lone `<`, CRLF, emoji and combining marks, control characters.
 */
export function markupText(wrapper = 'MARKER_LIST'): fc.Arbitrary<string> {
  const fragments = fc.constantFrom(
    `<${wrapper}>`, `</${wrapper}>`, '<lang>', '</lang>', '<domain>Legal</domain>', '<|EOS|>', '<|SEP|>', '<|BOS|>',
    '<|PAD|>', '\\', '\\\\', '<', '>', '</', '<_x>', 'a < b', '\r\n', '\n', '\t', '👍', 'é', 'e\u0301', '"', ',', '\u001b[31m', '\u0000',
  );
  return fc.array(fc.oneof(fragments, fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 12 })
    .map((parts) => parts.join(''));
}

/** Markers that fit `taxonomy`: a random subset of its categories, each with a valid value. */
export function validMarkers(taxonomy: Taxonomy): fc.Arbitrary<Markers> {
  const entries = taxonomy.categories.map((c) =>
    c.kind === 'categorical'
      ? fc.tuple(fc.constant(c.name), fc.constantFrom(...c.values))
      : fc.tuple(fc.constant(c.name), (c.integer ? fc.integer({ min: 0, max: 100_000 }) : fc.double({ min: 0, max: 1, noNaN: true })).map(String)),
  );
  return fc.subarray(entries).chain((chosen) => fc.tuple(...chosen)).map((pairs) => Object.fromEntries(pairs) as Markers);
}

/**
 * Usually nothing; sometimes a byte that cannot be UTF-8 there (a Latin-1 é, 0xFF, an overlong
 * lead, a lone continuation byte) spliced in at a random place. Applied to a file's bytes.
 */
export function notUtf8(): fc.Arbitrary<(bytes: Uint8Array) => Uint8Array> {
  return fc.option(fc.tuple(fc.nat(), fc.constantFrom(0xe9, 0xff, 0xc0, 0x80)), { freq: 3 }).map((bad) => (bytes: Uint8Array) => {
    if (bad === null) return bytes;
    const [at, byte] = bad, k = at % (bytes.length + 1);
    return new Uint8Array([...bytes.subarray(0, k), byte, ...bytes.subarray(k)]);
  });
}
