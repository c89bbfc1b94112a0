import { describe, expect, it } from 'vitest';
import { defaultTaxonomy, getCategory } from '../../src/lib/markers/taxonomy';
import { csv, enc, fixture, importText, jsonl } from './import-helpers';

/** One row of each shape and the prompt/completion it must become. */
const SHAPES = [
  { name: 'prompt/completion', row: { prompt: 'Hi', completion: 'Salut' }, prompt: 'Hi', completion: 'Salut' },
  {
    name: 'alpaca',
    row: { instruction: 'Translate.', input: 'cat', output: 'chat' },
    prompt: 'Translate.\n\ncat',
    completion: 'chat',
  },
  {
    name: 'chat',
    row: { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] },
    prompt: 'System: Be brief.\nUser: Hi',
    completion: 'Hello',
  },
  { name: 'text', row: { text: 'Once upon a time.' }, prompt: '', completion: 'Once upon a time.' },
] as const;

const FORMATS = [
  { ext: 'jsonl', encode: (rows: Array<Record<string, unknown>>) => jsonl(rows), lines: [1, 2] },
  { ext: 'json', encode: (rows: Array<Record<string, unknown>>) => `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]`, lines: [2, 3] },
  { ext: 'csv', encode: (rows: Array<Record<string, unknown>>) => csv(rows), lines: [2, 3] },
] as const;

describe('importDataset: row shapes × formats', () => {
  for (const shape of SHAPES) {
    for (const format of FORMATS) {
      it(`reads ${shape.name} rows from ${format.ext}`, () => {
        const rows = [{ ...shape.row, markers: { lang: 'English' } }, { ...shape.row, lang: 'French' }];
        const r = importText(format.encode(rows), `d.${format.ext}`);
        expect(r.format).toBe(format.ext);
        expect(r.rows.map((x) => x.id)).toEqual(format.lines.map((l) => `d.${format.ext}:${l}`));
        for (const row of r.rows) {
          expect(row.prompt).toBe(shape.prompt);
          expect(row.completion).toBe(shape.completion);
        }
        expect(r.rows.map((x) => x.markers.lang)).toEqual(['English', 'French']);
        expect(r.skipped).toEqual([]);
      });
    }
  }
});

describe('importDataset: fixtures', () => {
  it('alpaca.json: element lines, empty input, markers object, columns and metadata', () => {
    const r = importText(fixture('alpaca.json'), 'alpaca.json');
    expect(r.rows.map((x) => x.id)).toEqual(['alpaca.json:2', 'alpaca.json:8', 'alpaca.json:14']);
    expect(r.rows[0]).toMatchObject({
      prompt: 'Translate to French.\n\nThe cat sleeps.',
      completion: 'Le chat dort.',
      markers: { lang: 'French', task: 'Translation' },
    });
    expect(r.rows[1]!.prompt).toBe('Name three primary colours.');
    expect(r.rows[1]!.markers).toEqual({ domain: 'Culture' });
    // "crowd" is no <source> value: it is metadata for annotation to map, not an error.
    expect(r.rows[2]!.meta).toEqual({ source: 'crowd', score: '0.72' });
  });

  it('chat.jsonl: whole conversation before the last assistant turn, user categories added', () => {
    const input = defaultTaxonomy();
    const before = structuredClone(input);
    const r = importText(fixture('chat.jsonl'), 'chat.jsonl', { taxonomy: input });
    expect(r.rows.map((x) => x.id)).toEqual(['chat.jsonl:1', 'chat.jsonl:2', 'chat.jsonl:4']);
    expect(r.rows[0]!.prompt).toBe('System: You are terse.\nUser: Capital of Italy?');
    expect(r.rows[1]).toMatchObject({
      prompt: 'User: Hola\nAssistant: ¡Hola! ¿Qué tal?\nUser: Bien. ¿Y tú?',
      completion: 'Muy bien, gracias.',
    });
    expect(r.rows[2]!.markers).toEqual({ persona: 'pirate', politeness: '2' });
    expect(getCategory(r.taxonomy, 'persona')).toMatchObject({ kind: 'categorical', values: ['pirate'] });
    expect(getCategory(r.taxonomy, 'politeness')).toMatchObject({ kind: 'numeric', integer: true });
    expect(r.warnings.map((w) => w.message)).toContain('added user category <persona> (categorical: pirate)');
    expect(input).toEqual(before);
    expect(getCategory(input, 'persona')).toBeUndefined();
  });

  it('data.csv: multi-line quoted fields, "" escapes, case folding, metadata fallbacks', () => {
    const r = importText(fixture('data.csv'), 'data.csv');
    expect(r.rows.map((x) => x.id)).toEqual(['data.csv:2', 'data.csv:5', 'data.csv:6']);
    expect(r.rows[0]!.completion).toBe('Soft rain on the roof,\nthe garden drinks in silence,\npuddles hold the sky.');
    expect(r.rows[0]!.markers).toEqual({ lang: 'English', domain: 'Culture', quality: '0.91' });
    expect(r.rows[1]!.markers.domain).toBe('Legal');
    expect(r.warnings).toContainEqual({ file: 'data.csv', line: 5, field: 'domain', message: '"legal" read as "Legal"' });
    expect(r.rows[2]!.completion).toBe('Hello, "bonjour" means hello.');
    expect(r.rows[2]!.meta).toEqual({ domain: 'Linguistics', quality: 'high' });
  });

  it('text.jsonl: plain text becomes the completion with an empty prompt', () => {
    const r = importText(fixture('text.jsonl'), 'text.jsonl');
    expect(r.rows[1]).toEqual({ id: 'text.jsonl:2', prompt: '', completion: 'Call me Ishmael.', markers: { lang: 'English' } });
  });

  it('bom.csv: a UTF-8 byte order mark is accepted and stripped', () => {
    const r = importText(fixture('bom.csv'), 'bom.csv');
    expect(r.rows).toEqual([{ id: 'bom.csv:2', prompt: 'Hi', completion: 'Hello', markers: {} }]);
  });
});

describe('importDataset: markers', () => {
  it('reads `markers.X` CSV columns as a markers object and adds numeric user categories', () => {
    const text = 'prompt,completion,markers.persona,markers.temperature\nHi,Arr,pirate,0.5\nYo,Beep,robot,1.50\n';
    const r = importText(text, 'm.csv');
    expect(r.rows.map((x) => x.markers)).toEqual([
      { persona: 'pirate', temperature: '0.5' },
      { persona: 'robot', temperature: '1.5' },
    ]);
    expect(getCategory(r.taxonomy, 'temperature')).toMatchObject({ kind: 'numeric', integer: false });
  });

  it('extends user categories that already exist, never the built-in ones', () => {
    const first = importText(jsonl([{ text: 'a', markers: { persona: 'pirate' } }]), 'a.jsonl');
    const second = importText(jsonl([{ text: 'b', markers: { persona: 'robot' } }]), 'b.jsonl', { taxonomy: first.taxonomy });
    expect(getCategory(second.taxonomy, 'persona')).toMatchObject({ values: ['pirate', 'robot'] });
    expect(getCategory(first.taxonomy, 'persona')).toMatchObject({ values: ['pirate'] });
  });

  it('skips null and empty marker values, turns numbers into decimal strings', () => {
    const r = importText(jsonl([{ text: 'a', markers: { lang: null, domain: '', length_tokens: 12, quality: 0.25 } }]), 'a.jsonl');
    expect(r.rows[0]!.markers).toEqual({ length_tokens: '12', quality: '0.25' });
  });

  it('prefers the markers object over a same-named field, with a warning', () => {
    const r = importText(jsonl([{ text: 'a', lang: 'German', markers: { lang: 'Dutch' } }]), 'a.jsonl');
    expect(r.rows[0]!.markers.lang).toBe('Dutch');
    expect(r.warnings[0]!.message).toBe('both "markers.lang" and field "lang" are given; "markers.lang" is used');
  });
});

describe('importDataset: format detection and details', () => {
  it('reads a .json file holding JSON Lines as JSONL, with a warning', () => {
    const r = importText(jsonl([{ text: 'a' }, { text: 'b' }]), 'rows.json');
    expect(r.format).toBe('jsonl');
    expect(r.warnings[0]!.message).toMatch(/read as JSONL although the name ends in \.json/);
  });

  it('sniffs unknown extensions and honours an explicit format', () => {
    expect(importText('[{"text": "a"}]', 'rows.txt').format).toBe('json');
    expect(importText(jsonl([{ text: 'a' }]), 'rows.txt').format).toBe('jsonl');
    expect(importText('text\nhello\n', 'rows.txt').format).toBe('csv');
    expect(importText('text\nhello\n', 'rows.json', { format: 'csv' }).rows[0]!.completion).toBe('hello');
  });

  it('accepts {"rows": [...]} and {"data": [...]} wrappers, with element lines', () => {
    const r = importText('{\n  "name": "x",\n  "data": [\n    {"text": "a"},\n    {"text": "b"}\n  ]\n}', 'w.json');
    expect(r.rows.map((x) => x.id)).toEqual(['w.json:4', 'w.json:5']);
  });

  it('keeps ids unique for a one-line JSON array', () => {
    const r = importText('[{"text":"a"},{"text":"b"},{"text":"c"}]', 'one.json');
    expect(r.rows.map((x) => x.id)).toEqual(['one.json:1', 'one.json:1#2', 'one.json:1#3']);
  });

  it('counts lines right with CRLF line endings', () => {
    expect(importText('{"text":"a"}\r\n\r\n{"text":"b"}\r\n', 'w.jsonl').rows.map((x) => x.id)).toEqual(['w.jsonl:1', 'w.jsonl:3']);
    const r = importText('prompt,completion\r\n"a","b\r\nc"\r\nd,e\r\n', 'w.csv');
    expect(r.rows.map((x) => x.id)).toEqual(['w.csv:2', 'w.csv:4']);
    expect(r.rows[0]!.completion).toBe('b\r\nc');
  });

  it('reads tab-separated and semicolon-separated files', () => {
    expect(importText('prompt\tcompletion\nHi, you\tHello\n', 'a.tsv').rows[0]!.prompt).toBe('Hi, you');
    expect(importText('prompt;completion\nHi, you;Hello\nA;B\n', 'a.csv').rows[0]!.prompt).toBe('Hi, you');
  });

  it('warns once about fields it does not read', () => {
    const r = importText(jsonl([{ text: 'a', foo: 1 }, { text: 'b', foo: 2 }]), 'u.jsonl');
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ line: 1, field: 'foo' });
  });

  it('ignores chat turns after the last assistant turn, with a warning', () => {
    const r = importText(jsonl([{ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }] }]), 'c.jsonl');
    expect(r.rows[0]).toMatchObject({ prompt: 'User: a', completion: 'b' });
    expect(r.warnings[0]!.message).toBe('turns after the last assistant turn are ignored');
  });

  it('refuses a null Alpaca input (no silent coercion to "") and never mutates its input bytes', () => {
    const bytes = enc(jsonl([{ instruction: 'Do it.', input: null, output: 'Done.' }]));
    const copy = bytes.slice();
    expect(() => importText(bytes, 'a.jsonl')).toThrow(/a\.jsonl line 1, field "input": expected a string, not null/);
    expect(bytes).toEqual(copy);
    expect(importText(enc(jsonl([{ instruction: 'Do it.', output: 'Done.' }])), 'b.jsonl').rows[0]!.prompt).toBe('Do it.');
  });
});

describe('importDataset: mixed shapes in one CSV', () => {
  it('picks each row shape by the cells that are filled', () => {
    const text = 'prompt,completion,text\nHi,Hello,\n,,Plain text.\n';
    const r = importText(text, 'mixed.csv');
    expect(r.rows.map((x) => [x.prompt, x.completion])).toEqual([['Hi', 'Hello'], ['', 'Plain text.']]);
    expect(r.warnings).toEqual([]);
  });
});
