/**
 * What JSON.parse does not tell us: where a syntax error is (engines word and place their
 * messages differently, some give no position at all) and where each element of a valid array
 * starts, so rows of a JSON file get line numbers like rows of a JSONL file.
 */

/** A syntax error: offset into the text and what was expected versus found. */
export interface JsonProblem {
  offset: number;
  message: string;
}

class Stop {
  constructor(readonly problem: JsonProblem) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * Find the first syntax error in `text` (RFC 8259 JSON). Returns null for valid JSON.
 * `unit` names what the text is in messages ("the end of the line" for one JSONL line).
 *
 * @example
 * findJsonSyntaxError('{"a": 1 "b": 2}')
 * // { offset: 8, message: 'expected "," or "}" after a property value, found "\\""' }
 */
export function findJsonSyntaxError(text: string, unit: 'file' | 'line' = 'file'): JsonProblem | null {
  const n = text.length;
  let i = 0;
  const found = (at: number): string => (at >= n ? `the end of the ${unit}` : describeChar(text[at]!));
  const fail = (message: string, at: number = i): never => {
    throw new Stop({ offset: at, message });
  };
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const string = (): void => {
    const start = i++;
    for (;;) {
      if (i >= n) fail(`unterminated string (no closing quote before the end of the ${unit})`, start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === 'u' && HEX4.test(text.slice(i + 2, i + 6))) i += 6;
        else fail(`invalid escape sequence ${quoteText(text.slice(i, i + 2))} in a string`);
      } else if (c < 0x20) {
        fail(c === 0x0a ? 'line break inside a string (write it as \\n)' : 'control character inside a string');
      } else i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) fail(`invalid number starting ${quoteText(text.slice(i, i + 8))}`);
      i += m![0].length;
    } else {
      for (const word of ['true', 'false', 'null']) {
        if (text.startsWith(word, i)) {
          i += word.length;
          return;
        }
      }
      fail(`expected a value, found ${found(i)}`);
    }
  };
  const object = (): void => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') {
        const hint = text[i] === '}' ? ' (JSON allows no comma before "}")' : '';
        fail(`expected a property name in double quotes, found ${found(i)}${hint}`);
      }
      string();
      ws();
      if (text[i] !== ':') fail(`expected ":" after a property name, found ${found(i)}`);
      i++;
      value();
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === '}') {
        i++;
        return;
      } else fail(`expected "," or "}" after a property value, found ${found(i)}`);
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail('expected a value, found "]" (JSON allows no comma before "]")');
      value();
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === ']') {
        i++;
        return;
      } else fail(`expected "," or "]" after an array element, found ${found(i)}`);
    }
  };

  try {
    value();
    ws();
    if (i < n) fail(`unexpected ${found(i)} after the end of the JSON value`);
    return null;
  } catch (e) {
    if (e instanceof Stop) return e.problem;
    if (e instanceof RangeError) return null; // nested too deep for recursion; caller falls back
    throw e;
  }
}

function describeChar(ch: string): string {
  if (ch === '\n' || ch === '\r') return 'a line break';
  return quoteText(ch);
}

function quoteText(s: string): string {
  return JSON.stringify(s);
}

/**
 * Offset of the first non-whitespace character at or after `i`.
 *
 * @example
 * skipWhitespace('  [1]', 0) // 2
 */
export function skipWhitespace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** Offset just past the string whose opening quote is at `i` (text is known to be valid JSON). */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return text.length;
}

/** Offset just past the value starting at `i` (text is known to be valid JSON). */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    while (i < text.length) {
      const d = text[i]!;
      if (d === '"') {
        i = skipString(text, i);
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return text.length;
  }
  while (i < text.length && !',]} \t\r\n'.includes(text[i]!)) i++;
  return i;
}

/**
 * Start offsets of the elements of the array whose `[` is at `at`, in valid JSON.
 *
 * @example
 * arrayElementOffsets('[1, {"a": [2]}]', 0) // [1, 4]
 */
export function arrayElementOffsets(text: string, at: number): number[] {
  const offsets: number[] = [];
  let i = skipWhitespace(text, at + 1);
  if (text[i] === ']') return offsets;
  for (;;) {
    i = skipWhitespace(text, i);
    offsets.push(i);
    i = skipWhitespace(text, skipValue(text, i));
    if (text[i] !== ',') return offsets;
    i++;
  }
}

/**
 * Offset of the value of member `key` of the object whose `{` is at `at`, in valid JSON
 * (the last one if the key repeats, as JSON.parse keeps the last), or -1.
 *
 * @example
 * memberValueOffset('{"rows": []}', 0, 'rows') // 9
 */
export function memberValueOffset(text: string, at: number, key: string): number {
  let found = -1;
  let i = skipWhitespace(text, at + 1);
  while (text[i] === '"') {
    const end = skipString(text, i);
    const name: unknown = JSON.parse(text.slice(i, end));
    i = skipWhitespace(text, skipWhitespace(text, end) + 1); // past the ':'
    if (name === key) found = i;
    i = skipWhitespace(text, skipValue(text, i));
    if (text[i] !== ',') break;
    i = skipWhitespace(text, i + 1);
  }
  return found;
}
