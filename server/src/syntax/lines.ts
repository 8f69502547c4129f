/** Converts between UTF-16 offsets and 0-based line/character positions (LSP's default encoding). */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  get lineCount(): number { return this.starts.length; }
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }
  offset(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const lineEnd = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1] - 1 : this.text.length;
    return Math.min(this.starts[pos.line] + Math.max(0, pos.character), lineEnd);
  }
  range(start: number, end: number): Range { return { start: this.position(start), end: this.position(end) }; }
  lineStart(line: number): number { return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]; }
  lineText(line: number): string {
    const s = this.lineStart(line);
    const e = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    return this.text.slice(s, e).replace(/\r$/, '');
  }
  lineOf(offset: number): number { return this.position(offset).line; }
}
