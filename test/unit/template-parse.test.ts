import { describe, expect, it } from 'vitest';
import { applyDropout, DEFAULT_DROPOUT } from '../../src/lib/markers/dropout';
import { addCategory, defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import {
  formatExample, parseCompletionPieces, parseCompletionString, parseInputPieces, parseInputString, piecesToString,
} from '../../src/lib/markers/template';
import type { ParseIssueKind, Piece } from '../../src/lib/markers/template';
import { createRng } from '../../src/lib/util/rng';
import { ALL_TEXTS, randomTricky } from './fixtures/marker-texts';

const taxonomy = defaultTaxonomy();
const kinds = (issues: { kind: ParseIssueKind }[]): ParseIssueKind[] => issues.map((i) => i.kind);
const B = (body: string): string => `<MARKER_LIST>${body}</MARKER_LIST>`;

describe('round trip through the string form', () => {
  const markers = { domain: 'Medical', lang: 'Japanese', length_tokens: '37', quality: '0.83', quality_bucket: '2' };

  it('gives back prompt, completion and markers exactly, for every fixture text in both roles', () => {
    for (const prompt of ALL_TEXTS) {
      for (const completion of ALL_TEXTS) {
        const ex = formatExample({ prompt, completion, markers }, { lang: 'Japanese' }, taxonomy);
        const input = parseInputString(piecesToString(ex.input, taxonomy), taxonomy);
        const target = parseCompletionString(piecesToString(ex.target, taxonomy), taxonomy);
        expect(input).toEqual({ prompt, markers: { lang: 'Japanese' }, issues: [] });
        expect(target).toEqual({ markers, completion, issues: [] });
        expect(parseCompletionPieces(ex.target, taxonomy)).toEqual(target);
        expect(parseInputPieces(ex.input, taxonomy)).toEqual(input);
      }
    }
  });

  it('refuses category names that would reach Object.prototype', () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      expect(() => addCategory(taxonomy, { name, kind: 'categorical', values: ['x'], description: '' }))
        .toThrow(/reserved/);
    }
  });

  it('reads an input without a block as a plain prompt, with no issue', () => {
    expect(parseInputString('Just a question?', taxonomy)).toEqual({ prompt: 'Just a question?', markers: {}, issues: [] });
  });
});

describe('tolerant parsing of malformed completions', () => {
  const cases: Array<[string, string, Record<string, string>, string, ParseIssueKind[]]> = [
    ['no block', 'Hello there', {}, 'Hello there', ['noBlock']],
    ['cut off inside a value', '<MARKER_LIST><lang>French</lang><length_tokens>4', { lang: 'French', length_tokens: '4' }, '', ['unclosedTag', 'unclosedBlock']],
    ['cut off after a tag', '<MARKER_LIST><lang>French</lang><domain>', { lang: 'French' }, '', ['unclosedTag', 'unclosedBlock']],
    ['tag left open by the next', B('<lang>French<domain>Legal</domain>') + 'x', { lang: 'French', domain: 'Legal' }, 'x', ['unclosedTag']],
    ['tag left open by the block end', B('<lang>French') + 'x', { lang: 'French' }, 'x', ['unclosedTag']],
    ['mismatched close', B('<lang>French</domain>') + 'x', { lang: 'French' }, 'x', ['mismatchedTag']],
    ['unknown category', B('<mood>happy</mood><lang>Greek</lang>') + 'x', { lang: 'Greek' }, 'x', ['unknownCategory']],
    ['invalid value', B('<lang>Klingon</lang><length_tokens>many</length_tokens>') + 'x', {}, 'x', ['invalidValue', 'invalidValue']],
    ['duplicate keeps the first', B('<lang>Greek</lang><lang>Czech</lang>') + 'x', { lang: 'Greek' }, 'x', ['duplicateCategory']],
    ['text inside the block', B('oops<lang>Greek</lang>') + 'x', { lang: 'Greek' }, 'x', ['textInBlock']],
    ['whitespace between tags is fine', B('\n  <lang> Greek </lang>\n') + 'x', { lang: 'Greek' }, 'x', []],
    ['text before the block', 'Sure! ' + B('<lang>Greek</lang>') + 'x', { lang: 'Greek' }, 'Sure! x', ['textBeforeBlock']],
    ['second block skipped', B('<lang>Greek</lang>') + 'a' + B('<lang>Czech</lang>') + 'b', { lang: 'Greek' }, 'ab', ['extraBlock']],
    ['stray close tag', B('</lang><lang>Greek</lang>') + 'x', { lang: 'Greek' }, 'x', ['strayMarkup']],
    ['known tag after the block', B('') + 'a <lang> b', {}, 'a <lang> b', ['strayMarkup']],
    ['unknown tags after the block are text', B('') + 'use <b>bold</b>', {}, 'use <b>bold</b>', []],
    ['EOS ends the text', B('') + 'done<|EOS|>garbage', {}, 'done', ['specialToken']],
    ['stray specials dropped', B('') + 'a<|SEP|>b<|PAD|>', {}, 'ab', ['specialToken', 'specialToken']],
    ['empty string', '', {}, '', ['noBlock']],
  ];
  it.each(cases)('%s', (_name, text, markers, completion, issues) => {
    const parsed = parseCompletionString(text, taxonomy);
    expect(parsed.markers).toEqual(markers);
    expect(parsed.completion).toBe(completion);
    expect(kinds(parsed.issues)).toEqual(issues);
  });

  it('names the category and explains the reason in words', () => {
    const [issue] = parseCompletionString(B('<lang>Klingon</lang>'), taxonomy).issues;
    expect(issue).toMatchObject({ kind: 'invalidValue', category: 'lang' });
    expect(issue!.message).toContain('Klingon');
  });

  it('flags a value token of another category inside a tag', () => {
    const pieces: Piece[] = [
      { type: 'blockOpen' }, { type: 'tagOpen', category: 'lang' }, { type: 'value', category: 'domain', value: 'Legal' },
      { type: 'tagClose', category: 'lang' }, { type: 'blockClose' },
    ];
    const parsed = parseCompletionPieces(pieces, taxonomy);
    expect(parsed.markers).toEqual({});
    expect(kinds(parsed.issues)).toEqual(['invalidValue']);
  });

  it('reads a half-written block from tokens: atomic values count, the open tag is flagged', () => {
    const pieces: Piece[] = [
      { type: 'blockOpen' }, { type: 'tagOpen', category: 'domain' }, { type: 'value', category: 'domain', value: 'Code' },
    ];
    const parsed = parseCompletionPieces(pieces, taxonomy);
    expect(parsed.markers).toEqual({ domain: 'Code' });
    expect(kinds(parsed.issues)).toEqual(['unclosedTag', 'unclosedBlock']);
  });

  it('flags text after the block of an input and keeps it in the prompt', () => {
    const parsed = parseInputString('Q?' + B('<lang>Greek</lang>') + ' more', taxonomy);
    expect(parsed.prompt).toBe('Q? more');
    expect(kinds(parsed.issues)).toEqual(['textAfterBlock']);
  });

  it('never throws on random strings or random piece sequences', () => {
    const rng = createRng(5);
    const pool: Piece[] = [
      { type: 'blockOpen' }, { type: 'blockClose' }, { type: 'tagOpen', category: 'lang' }, { type: 'tagClose', category: 'lang' },
      { type: 'tagOpen', category: 'zzz' }, { type: 'value', category: 'lang', value: 'Greek' },
      { type: 'text', text: ' 12 ' }, { type: 'text', text: '<lang>' }, { type: 'special', name: 'EOS' }, { type: 'special', name: 'BOS' },
    ];
    for (let i = 0; i < 3000; i++) {
      const s = randomTricky(i, 20);
      expect(() => parseCompletionString(s, taxonomy)).not.toThrow();
      expect(() => parseInputString(s, taxonomy)).not.toThrow();
      const pieces = Array.from({ length: rng.int(15) }, () => rng.pick(pool));
      const parsed = parseCompletionPieces(pieces, taxonomy);
      for (const [k, v] of Object.entries(parsed.markers)) expect([k, v]).toEqual(['lang', 'Greek']);
    }
  });
});
