/**
 * Offsets → 1-based line and column, for pointing import errors at the right place.
 *
 * @example
 * const ix = new LineIndex('a\nbc');
 * ix.line(3);   // 2
 * ix.column(3); // 2
 */
export class LineIndex {
  /** Offset of the first character of each line; a line ends at "\n" (so "\r\n" files work too). */
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line containing `offset`. */
  line(offset: number): number {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** 1-based column (in UTF-16 code units) of `offset` within its line. */
  column(offset: number): number {
    return offset - this.starts[this.line(offset) - 1]! + 1;
  }
}
