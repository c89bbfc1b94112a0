import { describe, expect, it } from 'vitest';
import { addCategory, addValues, defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { formatExample, toSequence } from '../../src/lib/markers/template';
import type { Piece } from '../../src/lib/markers/template';
import {
  BOS_ID, buildTokenizer, BYTE_OFFSET, decodeIds, decodeToString, encodePieces, EOS_ID, extendTokenizer, FIXED_TOKENS,
  markupId, markupIds, PAD_ID, SEP_ID, tokenizerFromJSON, TokenizerError, tokenLabel, valueTokenIds,
} from '../../src/lib/tokenizer/tokenizer';
import { ALL_TEXTS, randomTricky, TEXTS } from './fixtures/marker-texts';

const taxonomy = defaultTaxonomy();
const corpus = ['Bonjour, le monde !', 'Hello world. 12 + 30 = 42', TEXTS.japanese];
const tok = buildTokenizer({ taxonomy, texts: corpus });
const text = (t: string): Piece[] => [{ type: 'text', text: t }];
const roundTrip = (s: string): string => {
  const pieces = decodeIds(tok, encodePieces(tok, text(s))).pieces;
  return pieces.map((p) => (p.type === 'text' ? p.text : '')).join('');
};

describe('id layout', () => {
  it('puts specials first, then the 256 bytes, then the block tokens', () => {
    expect([PAD_ID, BOS_ID, EOS_ID, SEP_ID]).toEqual([0, 1, 2, 3]);
    expect(tok.tokens.slice(0, 4).map((t) => t.type === 'special' && t.name)).toEqual(['PAD', 'BOS', 'EOS', 'SEP']);
    expect(tok.tokens[BYTE_OFFSET + 0xe2]).toEqual({ type: 'byte', byte: 0xe2 });
    expect(tok.tokens[FIXED_TOKENS]).toEqual({ type: 'blockOpen' });
    expect(tok.tokens[FIXED_TOKENS + 1]).toEqual({ type: 'blockClose' });
    expect(tok.tokens[FIXED_TOKENS + 2]).toEqual({ type: 'tagOpen', category: 'domain' });
  });

  it('has one token per category tag and per categorical value, then the characters in code-point order', () => {
    const values = taxonomy.categories.reduce((n, c) => n + (c.kind === 'categorical' ? c.values.length : 0), 0);
    const chars = tok.tokens.filter((t) => t.type === 'char').map((t) => (t.type === 'char' ? t.char : ''));
    expect(tok.tokens.length).toBe(FIXED_TOKENS + 2 + 2 * taxonomy.categories.length + values + chars.length);
    expect(chars).toEqual([...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
    expect(chars).toContain('東');
    expect(chars).toEqual(expect.arrayContaining([...'0123456789.-']));
    expect(valueTokenIds(tok, 'lang').size).toBe(23);
  });

  it('is identical for the same taxonomy and character set, whatever the text order', () => {
    const again = buildTokenizer({ taxonomy: defaultTaxonomy(), texts: [...corpus].reverse() });
    expect(again).toEqual(tok);
  });

  it('shares block ids between wrapper names', () => {
    const t2 = buildTokenizer({ taxonomy: defaultTaxonomy('TEMPLATE'), texts: corpus });
    expect(t2.tokens).toEqual(tok.tokens);
    expect(tokenLabel(t2, FIXED_TOKENS)).toBe('<TEMPLATE>');
  });

  it('keeps only the most frequent characters under maxChars', () => {
    const small = buildTokenizer({ taxonomy, texts: ['cc bbb aaaa ddd'], maxChars: 3 });
    const chars = small.tokens.flatMap((t) => (t.type === 'char' ? [t.char] : []));
    // a (4), then the tie between " ", b and d (3 each) goes to the lower code points.
    expect(chars.filter((c) => !'0123456789.-'.includes(c))).toEqual([' ', 'a', 'b']);
    const ids = encodePieces(small, text('dc'));
    expect([...ids]).toEqual([BYTE_OFFSET + 0x64, BYTE_OFFSET + 0x63]);
    expect(decodeIds(small, ids).pieces).toEqual(text('dc'));
  });
});

describe('markupIds', () => {
  it('lists marker structure and specials but never text or EOS', () => {
    const ids = new Set(markupIds(tok));
    tok.tokens.forEach((d, id) => {
      const text = d.type === 'char' || d.type === 'byte' || (d.type === 'special' && d.name === 'EOS');
      expect(ids.has(id), JSON.stringify(d)).toBe(!text);
    });
    expect(ids.has(markupId(tok, { type: 'value', category: 'lang', value: 'French' })!)).toBe(true);
    expect(ids.has(EOS_ID)).toBe(false);
    expect(ids.has(SEP_ID)).toBe(true);
  });
});

describe('encode / decode', () => {
  it('round-trips every fixture text and random strings exactly, unseen characters through bytes', () => {
    for (const s of ALL_TEXTS) expect(roundTrip(s)).toBe(s);
    for (let seed = 0; seed < 2000; seed++) {
      const s = randomTricky(seed);
      expect(roundTrip(s)).toBe(s);
    }
  });

  it('uses byte tokens for characters it has never seen', () => {
    const ids = [...encodePieces(tok, text('🎂'))];
    expect(ids).toEqual([...new TextEncoder().encode('🎂')].map((b) => BYTE_OFFSET + b));
  });

  it('round-trips a whole training sequence piece for piece', () => {
    const row = { prompt: TEXTS.cpp, completion: TEXTS.emoji, markers: { lang: 'English', length_tokens: '58', code_type: 'cpp' } };
    const seq = toSequence(formatExample(row, { code_type: 'cpp' }, taxonomy));
    const ids = encodePieces(tok, seq);
    expect(ids[0]).toBe(BOS_ID);
    expect(ids.at(-1)).toBe(EOS_ID);
    expect(decodeIds(tok, ids)).toEqual({ pieces: seq, invalid: [] });
  });

  it('decodes any id sequence without throwing: bad UTF-8 and unknown ids become U+FFFD, flagged', () => {
    const bad = [BYTE_OFFSET + 0xe2, BYTE_OFFSET + 0x82, 99999, -1, 1.5, BYTE_OFFSET + 0x41];
    const out = decodeIds(tok, bad);
    expect(out.invalid).toEqual([2, 3, 4]);
    expect(out.pieces).toEqual([{ type: 'text', text: '\uFFFD\uFFFD\uFFFD\uFFFDA' }]);
    for (let i = 0; i < 500; i++) {
      const ids = Array.from({ length: 20 }, (_, j) => ((i * 7919 + j * 104729) % (tok.tokens.length + 50)) - 10);
      expect(() => decodeToString(tok, ids)).not.toThrow();
    }
  });

  it('renders ids as the display string', () => {
    const seq = toSequence(formatExample({ prompt: 'Hi', completion: 'Salut', markers: { lang: 'French' } }, {}, taxonomy));
    expect(decodeToString(tok, encodePieces(tok, seq)))
      .toBe('<|BOS|>Hi<|SEP|><MARKER_LIST><lang>French</lang></MARKER_LIST>Salut<|EOS|>');
  });

  it('refuses markup it has no token for, naming it', () => {
    const t = addValues(taxonomy, 'lang', ['Swahili']);
    const pieces = formatExample({ prompt: '', completion: '', markers: { lang: 'Swahili' } }, {}, t).target;
    expect(() => encodePieces(tok, pieces)).toThrow(/value:lang=Swahili/);
  });
});

describe('labels', () => {
  it('labels every kind of token unambiguously', () => {
    expect(tokenLabel(tok, EOS_ID)).toBe('<|EOS|>');
    expect(tokenLabel(tok, BYTE_OFFSET + 0xe2)).toBe('<0xE2>');
    expect(tokenLabel(tok, markupId(tok, { type: 'tagClose', category: 'lang' })!)).toBe('</lang>');
    expect(tokenLabel(tok, valueTokenIds(tok, 'quality_bucket').get('1')!)).toBe('quality_bucket=1');
    expect(tokenLabel(tok, encodePieces(tok, text(' '))[0]!)).toBe('␣');
    expect(tokenLabel(tok, encodePieces(tok, text('1'))[0]!)).toBe('1');
    expect(tokenLabel(tok, tok.tokens.length)).toMatch(/invalid/);
  });
});

describe('serialisation and extension', () => {
  it('survives JSON and validates what it loads', () => {
    expect(tokenizerFromJSON(JSON.stringify(tok))).toEqual(tok);
    const broken = (edit: (t: { tokens: unknown[]; [k: string]: unknown }) => void): unknown => {
      const t = JSON.parse(JSON.stringify(tok));
      edit(t);
      return t;
    };
    expect(() => tokenizerFromJSON('{')).toThrow(/not valid JSON/);
    expect(() => tokenizerFromJSON(broken((t) => { t.formatVersion = 2; }))).toThrow(/format 2/);
    expect(() => tokenizerFromJSON(broken((t) => { t.tokens[5] = { type: 'byte', byte: 7 }; }))).toThrow(/token 5/);
    expect(() => tokenizerFromJSON(broken((t) => { t.tokens.push({ type: 'char', char: 'B' }); }))).toThrow(/both char:B/);
    expect(() => tokenizerFromJSON(broken((t) => { t.tokens.push({ type: 'char', char: 'ab' }); }))).toThrow(/one Unicode character/);
    expect(() => tokenizerFromJSON(broken((t) => { t.tokens.push({ type: 'value', category: 'mood', value: 'x' }); }))).toThrow(/no tagOpen:mood/);
    expect(() => tokenizerFromJSON(broken((t) => { t.tokens.push({ type: 'laser' }); }))).toThrow(/unknown token type/);
  });

  it('appends new categories, values and characters without moving any existing id', () => {
    let t = addCategory(taxonomy, { name: 'persona', kind: 'categorical', values: ['pirate', 'poet'], description: '' });
    t = addValues(t, 'lang', ['Swahili']);
    const ext = extendTokenizer(tok, t, ['Habari ya asubuhi 🌅', ...corpus]);
    expect(ext.tokens.slice(0, tok.tokens.length)).toEqual(tok.tokens);
    const added = ext.tokens.slice(tok.tokens.length);
    expect(added.slice(0, 5)).toEqual([
      { type: 'value', category: 'lang', value: 'Swahili' },
      { type: 'tagOpen', category: 'persona' }, { type: 'tagClose', category: 'persona' },
      { type: 'value', category: 'persona', value: 'pirate' }, { type: 'value', category: 'persona', value: 'poet' },
    ]);
    expect(added.slice(5).map((d) => d.type === 'char' && d.char)).toEqual(['a', 'b', 'h', 'i', 's', 'y', '🌅']);
    expect(extendTokenizer(ext, t, corpus)).toEqual(ext);
    expect(encodePieces(ext, text(corpus[1]!))).toEqual(encodePieces(tok, text(corpus[1]!)));
  });
});
