import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BYTES, formatIssue } from '../../src/lib/data/parse';
import { firstInvalidUtf8 } from '../../src/lib/data/decode';
import { findJsonSyntaxError } from '../../src/lib/data/json-scan';
import { addCategory, defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { csv, enc, fixture, importFailure, importText, jsonl } from './import-helpers';

describe('bad rows: strict fails at the first, lenient skips and reports', () => {
  it('bad-line7.jsonl names the file, line, field, what was expected and what was found', () => {
    const e = importFailure(fixture('bad-line7.jsonl'), 'bad-line7.jsonl');
    expect(e.message).toBe('bad-line7.jsonl line 7, field "completion": expected a non-empty string, got number (7)');
    expect(e.issues).toEqual([
      { file: 'bad-line7.jsonl', line: 7, field: 'completion', message: 'expected a non-empty string, got number (7)' },
    ]);
  });

  it('lenient mode imports the other rows and reports the skipped one', () => {
    const r = importText(fixture('bad-line7.jsonl'), 'bad-line7.jsonl', { mode: 'lenient' });
    expect(r.rows).toHaveLength(7);
    expect(r.rows.map((x) => x.id)).not.toContain('bad-line7.jsonl:7');
    expect(r.skippedCount).toBe(1);
    expect(r.skipped[0]).toMatchObject({ line: 7, field: 'completion' });
  });

  it('strict mode reports the first bad row in file order, whatever kind of problem it is', () => {
    const text = '{"text": "ok"}\n{"text": "a", "markers": {"lang": "Klingon"}}\n{"text": oops}\n';
    expect(importFailure(text, 'o.jsonl').issues[0]).toMatchObject({ line: 2, field: 'markers.lang' });
  });

  it('caps the stored issues but counts them all', () => {
    const rows = [{ text: 'good' }, ...Array.from({ length: 10 }, () => ({ text: 5 }))];
    const r = importText(jsonl(rows), 'many.jsonl', { mode: 'lenient', maxIssues: 3 });
    expect(r.skipped.map((s) => s.line)).toEqual([2, 3, 4]);
    expect(r.skippedCount).toBe(10);
  });

  it('lenient mode still fails when no row survives', () => {
    const e = importFailure(jsonl([{ text: '' }, { text: 1 }]), 'none.jsonl', { mode: 'lenient' });
    expect(e.message).toMatch(/^none of the 2 rows could be imported; first: none\.jsonl line 1, field "text"/);
    expect(e.count).toBe(2);
  });
});

describe('row shape errors', () => {
  const cases: Array<[name: string, row: unknown, message: string, field: string | undefined]> = [
    ['empty completion', { prompt: 'a', completion: '' }, 'x.jsonl line 1, field "completion": expected a non-empty string, got an empty string', 'completion'],
    ['blank completion', { prompt: 'a', completion: '  \n' }, 'expected a non-empty string, got a string of only whitespace', 'completion'],
    ['empty prompt and completion', { prompt: '', completion: '' }, 'expected a non-empty string, got an empty string', 'completion'],
    ['missing completion', { prompt: 'a' }, 'expected a non-empty string, got nothing (the field is missing)', 'completion'],
    ['non-string prompt', { prompt: 42, completion: 'b' }, 'expected a string, got number (42)', 'prompt'],
    ['number as row', 42, 'expected a JSON object (one row), got number (42)', undefined],
    ['no known shape', { question: 'a', answer: 'b' }, 'expected the fields of one row shape — {messages}, {instruction, input, output}, {prompt, completion}, {text}; found fields question, answer', undefined],
    ['alpaca without output', { instruction: 'a', input: 'b' }, 'expected a non-empty string, got nothing (the field is missing)', 'output'],
    ['chat without assistant', { messages: [{ role: 'user', content: 'hi' }] }, 'expected a turn with role "assistant" (the last one becomes the completion), found only roles user', 'messages'],
    ['chat empty list', { messages: [] }, 'expected a non-empty list of turns, got an empty array', 'messages'],
    ['chat bad role', { messages: [{ role: 'bot', content: 'hi' }] }, 'expected one of the roles "system", "user", "assistant", "tool", got the string "bot"', 'messages[0].role'],
    ['chat content not text', { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: ['a'] }] }, 'expected a string, got an array of 1', 'messages[1].content'],
    ['chat empty answer', { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: '' }] }, 'expected a non-empty string (the last assistant turn is the completion), got an empty string', 'messages[1].content'],
    ['markers not an object', { text: 'a', markers: 'lang=French' }, 'expected an object mapping categories to values, e.g. {"lang": "French"}, got the string "lang=French"', 'markers'],
    ['marker value an object', { text: 'a', markers: { lang: { name: 'French' } } }, 'expected a string or a number, got an object with fields name', 'markers.lang'],
    ['category column an array', { text: 'a', lang: ['French'] }, 'expected a string or a number, got an array of 1', 'lang'],
  ];
  for (const [name, row, message, field] of cases) {
    it(name, () => {
      const e = importFailure(`${JSON.stringify(row)}\n`, 'x.jsonl');
      expect(e.message).toContain(message);
      expect(e.issues[0]!.line).toBe(1);
      expect(e.issues[0]!.field).toBe(field);
    });
  }

  it('points into a pretty-printed JSON array at the line where the element starts', () => {
    const text = '[\n  {"text": "a"},\n  {\n    "messages": [\n      {"role": "user", "content": 3}\n    ]\n  }\n]';
    const e = importFailure(text, 'p.json');
    expect(e.message).toBe('p.json line 3 (element 1), field "messages[0].content": expected a string, got number (3)');
  });
});

describe('markers against the taxonomy', () => {
  it('an unknown value of a built-in category names the allowed values (strict)', () => {
    const e = importFailure(jsonl([{ text: 'a', markers: { length_bucket: 'huge' } }]), 'm.jsonl');
    expect(e.message).toBe(
      'm.jsonl line 1, field "markers.length_bucket": "huge" is not a value of <length_bucket> (expected one of: concise, medium, long)' +
        " (<length_bucket> is one of the paper's categories, so its values are fixed; put your own labels in a new category)",
    );
  });

  it('a category column with an unknown value is an error unless the field is metadata-like', () => {
    expect(importFailure(jsonl([{ text: 'a', lang: 'Klingon' }]), 'm.jsonl').issues[0]!.field).toBe('lang');
    expect(importFailure(jsonl([{ text: 'a', length_tokens: 'many' }]), 'm.jsonl').message).toContain('<length_tokens> expects a number, got "many"');
    expect(importText(jsonl([{ text: 'a', quality: 'high', task: 'chitchat' }]), 'm.jsonl').rows[0]!.meta).toEqual({ quality: 'high', task: 'chitchat' });
  });

  it('lenient mode skips rows with bad markers and keeps their values out of the taxonomy', () => {
    const rows = [
      { text: 'a', markers: { persona: 'pirate' } },
      { text: 'b', markers: { persona: 'ghost', lang: 'Elvish' } },
    ];
    const r = importText(jsonl(rows), 'm.jsonl', { mode: 'lenient' });
    expect(r.rows).toHaveLength(1);
    expect(r.taxonomy.categories.find((c) => c.name === 'persona')).toMatchObject({ values: ['pirate'] });
  });

  it('refuses category names that cannot be tags and values that cannot be markers', () => {
    expect(importFailure(jsonl([{ text: 'a', markers: { 'my-tag': 'x' } }]), 'm.jsonl').message).toContain(
      'field "markers.my-tag": "my-tag" cannot be a marker category',
    );
    expect(importFailure(jsonl([{ text: 'a', markers: { MARKER_LIST: 'x' } }]), 'm.jsonl').message).toContain('is the name of the marker block itself');
    expect(importFailure(jsonl([{ text: 'a', markers: { persona: '<b>pirate</b>' } }]), 'm.jsonl').message).toContain(
      'field "markers.persona": expected a marker value of 1–60 characters without <, > or line breaks, got "<b>pirate</b>"',
    );
  });

  it('a numeric user category only takes numbers', () => {
    const taxonomy = addCategory(defaultTaxonomy(), { name: 'temperature', kind: 'numeric', integer: false, description: '' });
    const e = importFailure(jsonl([{ text: 'a', markers: { temperature: 'hot' } }]), 'm.jsonl', { taxonomy });
    expect(e.message).toContain('<temperature> expects a number, got "hot"');
  });
});

describe('syntax errors', () => {
  it('JSONL: line, column and what was expected', () => {
    const e = importFailure('{"text": "a"}\n{"text": "b",}\n', 's.jsonl');
    expect(e.message).toBe(
      's.jsonl line 2, column 14: invalid JSON: expected a property name in double quotes, found "}" (JSON allows no comma before "}")',
    );
  });

  it('JSONL in lenient mode skips the broken line', () => {
    const r = importText('{"text": "a"}\n{"text": "b\n{"text": "c"}\n', 's.jsonl', { mode: 'lenient' });
    expect(r.rows.map((x) => x.id)).toEqual(['s.jsonl:1', 's.jsonl:3']);
    expect(r.skipped[0]).toMatchObject({ line: 2, column: 10, message: 'invalid JSON: unterminated string (no closing quote before the end of the line)' });
  });

  it('JSON: a syntax error is fatal even in lenient mode, located by line and column', () => {
    const e = importFailure('[\n  {"text": "a"},\n  {"text": "b"}\n  {"text": "c"}\n]', 's.json', { mode: 'lenient' });
    expect(e.message).toBe('s.json line 4, column 3: invalid JSON: expected "," or "]" after an array element, found "{"');
  });

  it('JSON: a document that is not an array of rows', () => {
    expect(importFailure('{"items": [1]}', 's.json').message).toBe(
      's.json line 1: expected a JSON array of rows, or an object {"rows": [...]} or {"data": [...]}, got an object with fields items',
    );
    expect(importFailure('[1, {"text": "a"}]', 's.json').message).toBe(
      's.json line 1 (element 0): expected a JSON object (one row), got number (1)',
    );
  });

  it('the JSON locator agrees with JSON.parse on what is valid', () => {
    const valid = ['{"a": [1, -2.5e3, true, null, "x\\u00e9\\n"]}', '[]', ' "s" '];
    for (const t of valid) expect(findJsonSyntaxError(t)).toBeNull();
    for (const t of ['{', '[1,]', '{"a" 1}', "{'a': 1}", '01', '"a\\x"', 'nul', '[1] 2']) {
      expect(() => JSON.parse(t)).toThrow();
      expect(findJsonSyntaxError(t)).not.toBeNull();
    }
  });
});

describe('CSV structure', () => {
  it('missing required column', () => {
    expect(importFailure('prompt,answer\na,b\n', 'c.csv').message).toBe('c.csv line 1: the header has "prompt" but no "completion" column');
    expect(importFailure('instruction,input\na,b\n', 'c.csv').message).toBe(
      'c.csv line 1: the header has "instruction" but no "output" column (Alpaca rows need both)',
    );
  });

  it('too many and too few fields, at the line the record starts (after a multi-line field)', () => {
    const text = 'prompt,completion\n"a","multi\nline"\nb,c,d\ne\n';
    expect(importFailure(text, 'c.csv').message).toBe(
      'c.csv line 4: expected 2 fields (one per header column), found 3 (a field that contains "," must be in double quotes)',
    );
    const r = importText(text, 'c.csv', { mode: 'lenient' });
    expect(r.skipped.map((s) => [s.line, s.message])).toEqual([
      [4, 'expected 2 fields (one per header column), found 3 (a field that contains "," must be in double quotes)'],
      [5, 'expected 2 fields (one per header column), found 1'],
    ]);
  });

  it('an unclosed quote, duplicate and nameless columns, bad JSON in a messages cell', () => {
    expect(importFailure('prompt,completion\na,"b\n', 'c.csv').message).toContain('c.csv line 2: a quoted field has no closing double quote');
    expect(importFailure('text,text\na,b\n', 'c.csv').message).toBe('c.csv line 1: column "text" appears twice in the header row');
    expect(importFailure('text,\na,b\n', 'c.csv').message).toBe('c.csv line 1: column 2 of the header row has no name; every column needs one');
    expect(importFailure(csv([{ messages: '[{"role": "user"' }]), 'c.csv').message).toContain(
      'c.csv line 2, field "messages": expected JSON in this CSV cell, got text that is not valid JSON',
    );
  });
});

describe('files that are not usable text', () => {
  it('refuses non-UTF-8 with the byte, its offset and line', () => {
    const e = importFailure(fixture('latin1.csv'), 'latin1.csv');
    expect(e.issues[0]!.line).toBe(2);
    expect(e.message).toMatch(/^latin1\.csv line 2: the file is not valid UTF-8: byte 0xE9 at byte offset 21 /);
    expect(e.message).toContain('save it as UTF-8');
  });

  it('finds the first invalid UTF-8 sequence like TextDecoder does', () => {
    expect(firstInvalidUtf8(enc('ok é 😀'))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xc0, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // surrogate
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0xe2, 0x82]))).toBe(2); // truncated
    expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // above U+10FFFF
  });

  it('refuses binary files', () => {
    expect(importFailure(new Uint8Array([0x7b, 0x00, 0x01, 0x02]), 'x.jsonl').message).toBe(
      'x.jsonl: the file looks binary (it contains a NUL byte at offset 1); expected a JSONL, JSON or CSV text file',
    );
    const controls = new Uint8Array(100).map((_, i) => (i % 3 === 0 ? 0x01 : 0x61));
    expect(importFailure(controls, 'x.csv').message).toMatch(/the file looks binary \(34% of its first 100 bytes are control characters\)/);
    expect(importFailure(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14]), 'x.csv').message).toContain('ZIP archive');
    expect(importFailure(new Uint8Array([0xff, 0xfe, 0x61, 0x00]), 'x.csv').message).toContain('UTF-16');
  });

  it('refuses oversize files, saying size and limit', () => {
    expect(importFailure(enc('{"text": "hello"}\n'), 'big.jsonl', { maxBytes: 10 }).message).toBe(
      'big.jsonl: the file is 18 bytes, over the import limit of 10 bytes',
    );
    expect(importFailure(new Uint8Array(DEFAULT_MAX_BYTES + 1), 'big.jsonl').message).toBe(
      'big.jsonl: the file is 52428801 bytes, over the import limit of 52428800 bytes',
    );
    expect(importFailure(new Uint8Array(3 * 1024 * 1024), 'big.csv', { maxBytes: 1024 * 1024 }).message).toBe(
      'big.csv: the file is 3 MB, over the import limit of 1 MB',
    );
  });

  it('refuses empty files and files without rows', () => {
    expect(importFailure(new Uint8Array(0), 'e.jsonl').message).toBe('e.jsonl: the file is empty');
    expect(importFailure('\n  \n', 'e.jsonl').message).toBe('e.jsonl: the file is empty (only whitespace)');
    expect(importFailure(new Uint8Array([0xef, 0xbb, 0xbf]), 'e.csv').message).toBe('e.csv: the file is empty (only whitespace)');
    expect(importFailure('[]', 'e.json').message).toBe('e.json: the file holds no rows');
    expect(importFailure('prompt,completion\n', 'e.csv').message).toBe('e.csv: the file has a header but no rows');
  });

  it('formats whole-file issues without a line', () => {
    expect(formatIssue({ file: 'f.csv', line: 0, message: 'm' })).toBe('f.csv: m');
  });
});
