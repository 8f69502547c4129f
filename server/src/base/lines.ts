/**
 * Converts between UTF-16 offsets and 0-based line/character positions (LSP's default encoding).
 * Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol counts them.
 */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export class LineIndex {
  /** Offset of the first character of each line. */
  private readonly starts: Int32Array;
  /** Offset just past each line's content (where its line break starts). */
  private readonly ends: Int32Array;

  constructor(readonly text: string) {
    // Two passes over the text, so that the tables are typed arrays of the exact size: a workspace keeps
    // one index per file.
    let lines = 1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        lines++;
      }
    }
    this.starts = new Int32Array(lines);
    this.ends = new Int32Array(lines);
    let line = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        this.ends[line++] = i;
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        this.starts[line] = i + 1;
      }
    }
    this.ends[line] = text.length;
  }

  get lineCount(): number { return this.starts.length; }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid; else hi = mid - 1;
    }
    // An offset inside a line break (the \n of \r\n) belongs to the end of its line.
    return { line: lo, character: Math.min(o, this.ends[lo]) - this.starts[lo] };
  }

  offset(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    return Math.min(this.starts[pos.line] + Math.max(0, pos.character), this.ends[pos.line]);
  }

  range(start: number, end: number): Range { return { start: this.position(start), end: this.position(end) }; }
  lineStart(line: number): number { return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]; }
  /** Where the line's content ends, before its line break. */
  lineEnd(line: number): number { return this.ends[Math.max(0, Math.min(line, this.ends.length - 1))]; }
  /** The spaces and tabs that start a line: what a line inserted above it is indented with. */
  indentOf(line: number): string {
    return /^[ \t]*/.exec(this.lineText(line))![0];
  }

  lineText(line: number): string {
    const l = Math.max(0, Math.min(line, this.starts.length - 1));
    return this.text.slice(this.starts[l], this.ends[l]);
  }
  lineOf(offset: number): number { return this.position(offset).line; }
}
