/**
 * Fenced code blocks (``` or ~~~, CommonMark style), shared by the format, code-type and counting
 * measures so that all three agree on what is code.
 */

/** One fenced block. Offsets index the original text. */
export interface Fence {
  /** First word of the info string, lower-cased (`'python'` for "```python title=x.py"); '' if none. */
  info: string;
  /** Lines between the fences. */
  content: string;
  /** Offset of the opening fence line. */
  start: number;
  /** Offset just past the closing fence line (or the end of the text when the block is never closed). */
  end: number;
  /** False when the text ends inside the block, e.g. a generation cut off mid-code. */
  closed: boolean;
}

const OPEN = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\n`]*)$/;

/**
 * Find the fenced code blocks of a Markdown text. An unclosed fence runs to the end of the text.
 *
 * @example
 * findFences('Run:\n```py\nprint(1)\n```\n')
 * // → [{ info: 'py', content: 'print(1)', start: 5, end: 24, closed: true }]
 */
export function findFences(text: string): Fence[] {
  const fences: Fence[] = [];
  const lines = text.split('\n');
  let offset = 0;
  let open: { marker: string; info: string; start: number; body: string[] } | undefined;
  for (const line of lines) {
    const lineEnd = offset + line.length + 1;
    const bare = line.replace(/\r$/, '');
    if (open) {
      if (isClosing(bare, open.marker)) {
        fences.push({ info: open.info, content: open.body.join('\n'), start: open.start, end: Math.min(lineEnd, text.length), closed: true });
        open = undefined;
      } else {
        open.body.push(bare);
      }
    } else {
      const m = OPEN.exec(bare);
      if (m) open = { marker: m[1]!, info: infoWord(m[2] ?? ''), start: offset, body: [] };
    }
    offset = lineEnd;
  }
  if (open) fences.push({ info: open.info, content: open.body.join('\n'), start: open.start, end: text.length, closed: false });
  return fences;
}

/** The text with every fenced block replaced by a blank line. */
export function withoutFences(text: string, fences: readonly Fence[] = findFences(text)): string {
  let out = '';
  let at = 0;
  for (const f of fences) {
    out += text.slice(at, f.start) + '\n';
    at = f.end;
  }
  return out + text.slice(at);
}

function isClosing(line: string, marker: string): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return m !== null && m[1]![0] === marker[0] && m[1]!.length >= marker.length;
}

/** "{.python}", "python title=x" and "Python" all become "python". */
function infoWord(info: string): string {
  const word = info.trim().split(/[\s,{}]+/).find((w) => w.length > 0) ?? '';
  return word.replace(/^\./, '').toLowerCase();
}
