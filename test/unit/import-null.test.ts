/** Nothing is coerced silently: null text, reserved names and the wrapper's name are row errors with file, line, field. */
import { describe, expect, it } from 'vitest';
import { csv, importFailure, importText, jsonl } from './import-helpers';

function firstIssue(text: string, file: string) {
  const e = importFailure(text, file);
  const issue = e.issues[0]!;
  return { issue, message: e.message };
}

describe('null where text belongs', () => {
  it.each([
    ['prompt', { prompt: null, completion: 'c' }],
    ['input', { instruction: 'i', input: null, output: 'o' }],
    ['completion', { prompt: 'p', completion: null }],
    ['output', { instruction: 'i', output: null }],
    ['text', { text: null }],
  ])('"%s": null is an error naming file, line and field', (field, row) => {
    const { issue, message } = firstIssue(jsonl([{ prompt: 'ok', completion: 'fine' }, row]), 'rows.jsonl');
    expect(issue).toMatchObject({ file: 'rows.jsonl', line: 2, field });
    expect(message).toMatch(/rows\.jsonl line 2, field "\w+": expected .*got null/);
  });

  it('an absent prompt or input is still fine', () => {
    expect(importText(jsonl([{ completion: 'c' }]), 'a.jsonl').rows[0]!.prompt).toBe('');
    expect(importText(jsonl([{ instruction: 'i', output: 'o' }]), 'b.jsonl').rows[0]!.prompt).toBe('i');
  });

  it('names the element in a JSON array', () => {
    const { issue } = firstIssue(JSON.stringify([{ prompt: 'p', completion: 'c' }, { prompt: null, completion: 'c' }]), 'rows.json');
    expect(issue).toMatchObject({ file: 'rows.json', element: 1, field: 'prompt' });
  });
});

describe('reserved marker names', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'])('"%s" in markers names file, line and field', (name) => {
    const text = `{"prompt":"p","completion":"c"}\n{"prompt":"p","completion":"c","markers":{${JSON.stringify(name)}:"x"}}\n`;
    const { issue } = firstIssue(text, 'm.jsonl');
    expect(issue).toMatchObject({ file: 'm.jsonl', line: 2, field: `markers.${name}` });
  });

  it.each(['constructor', '__proto__'])('"markers.%s" as a CSV column names file, line and field', (name) => {
    const { issue } = firstIssue(csv([{ prompt: 'p', completion: 'c', [`markers.${name}`]: 'x' }]), 'm.csv');
    expect(issue).toMatchObject({ file: 'm.csv', line: 2, field: `markers.${name}` });
  });

  it('a marker named like the wrapper, in any case, is refused with its place', () => {
    const { issue } = firstIssue(jsonl([{ prompt: 'p', completion: 'c', markers: { marker_list: 'x' } }]), 'w.jsonl');
    expect(issue).toMatchObject({ file: 'w.jsonl', line: 1, field: 'markers.marker_list' });
  });
});
