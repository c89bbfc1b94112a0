import { describe, expect, it } from 'vitest';
import { addCategory, defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import {
  escapeText, formatBlock, formatExample, piecesToString, stringToPieces, TemplateError, toSequence, unescapeText,
} from '../../src/lib/markers/template';
import type { Piece } from '../../src/lib/markers/template';
import { ALL_TEXTS, randomTricky, TEXTS } from './fixtures/marker-texts';

const taxonomy = defaultTaxonomy();

describe('formatBlock', () => {
  it('writes markers in taxonomy order, categorical values atomic and numbers as text', () => {
    const pieces = formatBlock({ length_tokens: '412', lang: 'French', domain: 'Legal' }, taxonomy);
    expect(pieces).toEqual([
      { type: 'blockOpen' },
      { type: 'tagOpen', category: 'domain' },
      { type: 'value', category: 'domain', value: 'Legal' },
      { type: 'tagClose', category: 'domain' },
      { type: 'tagOpen', category: 'lang' },
      { type: 'value', category: 'lang', value: 'French' },
      { type: 'tagClose', category: 'lang' },
      { type: 'tagOpen', category: 'length_tokens' },
      { type: 'text', text: '412' },
      { type: 'tagClose', category: 'length_tokens' },
      { type: 'blockClose' },
    ]);
    expect(piecesToString(pieces, taxonomy)).toBe(
      '<MARKER_LIST><domain>Legal</domain><lang>French</lang><length_tokens>412</length_tokens></MARKER_LIST>',
    );
  });

  it('follows an explicit order and skips listed categories that have no marker', () => {
    const s = piecesToString(formatBlock({ lang: 'German', task: 'Rewrite' }, taxonomy, ['quality', 'lang', 'task']), taxonomy);
    expect(s).toBe('<MARKER_LIST><lang>German</lang><task>Rewrite</task></MARKER_LIST>');
  });

  it('rejects an order that leaves a marker out or repeats a category', () => {
    expect(() => formatBlock({ lang: 'German', task: 'Rewrite' }, taxonomy, ['lang'])).toThrow(/leaves out.*task/);
    expect(() => formatBlock({ lang: 'German' }, taxonomy, ['lang', 'lang'])).toThrow(/twice/);
  });

  it('rejects unknown categories and invalid values with the reason', () => {
    expect(() => formatBlock({ mood: 'happy' }, taxonomy)).toThrow(TemplateError);
    expect(() => formatBlock({ mood: 'happy' }, taxonomy)).toThrow(/unknown marker category "mood"/);
    expect(() => formatBlock({ lang: 'Klingon' }, taxonomy)).toThrow(/"Klingon" is not a value of <lang>/);
    expect(() => formatBlock({ length_tokens: '12.5' }, taxonomy)).toThrow(/whole number/);
  });

  it('uses the taxonomy wrapper and user categories', () => {
    const t = addCategory(defaultTaxonomy('TEMPLATE'), { name: 'persona', kind: 'categorical', values: ['pirate'], description: '' });
    expect(piecesToString(formatBlock({ persona: 'pirate' }, t), t)).toBe('<TEMPLATE><persona>pirate</persona></TEMPLATE>');
  });
});

describe('formatExample and toSequence', () => {
  const r = { prompt: 'Say hello', completion: 'Bonjour !', markers: { lang: 'French', length_bucket: 'concise' } };

  it('appends the kept markers to the prompt and prepends all markers to the completion', () => {
    const ex = formatExample(r, { lang: 'French' }, taxonomy);
    expect(piecesToString(ex.input, taxonomy)).toBe('Say hello<MARKER_LIST><lang>French</lang></MARKER_LIST>');
    expect(piecesToString(ex.target, taxonomy)).toBe(
      '<MARKER_LIST><lang>French</lang><length_bucket>concise</length_bucket></MARKER_LIST>Bonjour !',
    );
  });

  it('omits the prompt block when every marker was dropped, but keeps the target block even when empty', () => {
    expect(formatExample(r, {}, taxonomy).input).toEqual([{ type: 'text', text: 'Say hello' }]);
    const bare = formatExample({ prompt: 'Hi', completion: 'Yo', markers: {} }, {}, taxonomy);
    expect(piecesToString(bare.target, taxonomy)).toBe('<MARKER_LIST></MARKER_LIST>Yo');
  });

  it('adds no empty text pieces', () => {
    const ex = formatExample({ prompt: '', completion: '', markers: { lang: 'Greek' } }, {}, taxonomy);
    expect(ex.input).toEqual([]);
    expect(ex.target.some((p) => p.type === 'text')).toBe(false);
  });

  it('lays a sequence out as BOS input SEP target EOS', () => {
    const seq = toSequence(formatExample(r, {}, taxonomy));
    expect(seq[0]).toEqual({ type: 'special', name: 'BOS' });
    expect(seq[2]).toEqual({ type: 'special', name: 'SEP' });
    expect(seq[3]).toEqual({ type: 'blockOpen' });
    expect(seq.at(-1)).toEqual({ type: 'special', name: 'EOS' });
    expect(piecesToString(seq, taxonomy)).toMatch(/^<\|BOS\|>Say hello<\|SEP\|><MARKER_LIST>.*Bonjour !<\|EOS\|>$/);
  });
});

describe('escapeText / unescapeText', () => {
  it('leaves ordinary text and code alone', () => {
    for (const s of ['a < b', 'if (i<n) x = "\\n";', 'C:\\Users\\marie', '<3 <> << <1a> < lang>', TEXTS.japanese]) {
      expect(escapeText(s)).toBe(s);
    }
  });

  it('escapes tag-like text, the backslashes before it, and trailing backslashes', () => {
    expect(escapeText('<lang>French</lang>')).toBe('\\<lang>French\\</lang>');
    expect(escapeText('a\\<b>')).toBe('a\\\\\\<b>');
    expect(escapeText('end\\')).toBe('end\\\\');
    expect(escapeText('<|EOS|>')).toBe('\\<|EOS|>');
    expect(escapeText('<|eos|>')).toBe('<|eos|>');
  });

  it('round-trips exactly for the fixture texts and 5,000 random tricky strings', () => {
    for (const s of ALL_TEXTS) expect(unescapeText(escapeText(s))).toBe(s);
    for (let seed = 0; seed < 5000; seed++) {
      const s = randomTricky(seed);
      expect(unescapeText(escapeText(s)), JSON.stringify(s)).toBe(s);
    }
  });

  it('never lets escaped text read back as markup, whatever follows it', () => {
    for (let seed = 0; seed < 3000; seed++) {
      const s = randomTricky(seed);
      const pieces: Piece[] = [{ type: 'text', text: s }, { type: 'blockOpen' }, { type: 'text', text: randomTricky(seed + 1e6) }];
      const back = stringToPieces(piecesToString(pieces, taxonomy), taxonomy);
      expect(back.filter((p) => p.type !== 'text'), JSON.stringify(s)).toEqual([{ type: 'blockOpen' }]);
      expect(back.map((p) => (p.type === 'text' ? p.text : '|')).join(''))
        .toBe(`${s}|${(pieces[2] as { text: string }).text}`);
    }
  });

  it('keeps a value ending in a backslash inside its tags', () => {
    const t = addCategory(taxonomy, { name: 'path', kind: 'categorical', values: ['C:\\'], description: '' });
    const s = piecesToString(formatBlock({ path: 'C:\\' }, t), t);
    expect(stringToPieces(s, t)).toEqual([
      { type: 'blockOpen' }, { type: 'tagOpen', category: 'path' }, { type: 'text', text: 'C:\\' },
      { type: 'tagClose', category: 'path' }, { type: 'blockClose' },
    ]);
  });

  it('escapes adjacent text pieces as one, so split markup cannot form across them', () => {
    const s = piecesToString([{ type: 'text', text: '<' }, { type: 'text', text: 'lang>' }], taxonomy);
    expect(stringToPieces(s, taxonomy)).toEqual([{ type: 'text', text: '<lang>' }]);
  });
});
