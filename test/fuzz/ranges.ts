/** Checks that positions and ranges lie inside a document, for the fuzz properties. */
import type { Position, Range } from '../../server/src/base/lines';

/**
 * A document's lines as an LSP client sees them: split at \r\n, \r and \n (the protocol counts all
 * three as line ends), each line without its terminator. Positions are UTF-16 code units.
 */
export class DocLines {
  readonly lines: string[];
  /** `lsp` false splits at \n only, as the engine's LineIndex (and Go) does: a \r stays inside its line. */
  constructor(readonly text: string, lsp = true) { this.lines = text.split(lsp ? /\r\n|\r|\n/ : '\n'); }
  get lineCount(): number { return this.lines.length; }
}

/** Why `p` is not a position inside the document, or undefined when it is. */
export function positionProblem(p: Position, doc: DocLines): string | undefined {
  if (!p || !Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) return `not a position: ${JSON.stringify(p)}`;
  if (p.line >= doc.lineCount) return `line ${p.line} is past the last line (${doc.lineCount} lines)`;
  const len = doc.lines[p.line].length;
  if (p.character > len) return `character ${p.character} is past the end of line ${p.line} (length ${len})`;
  return undefined;
}

/** Why `r` is not a range inside the document (both ends inside, start not after end), or undefined. */
export function rangeProblem(r: Range, doc: DocLines): string | undefined {
  if (!r || typeof r !== 'object') return `not a range: ${JSON.stringify(r)}`;
  const bad = positionProblem(r.start, doc) ?? positionProblem(r.end, doc);
  if (bad) return bad;
  if (r.start.line > r.end.line || (r.start.line === r.end.line && r.start.character > r.end.character)) return 'range ends before it starts';
  return undefined;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** Whether two ranges of the same document overlap by more than a shared end point. */
export function overlap(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) < 0 && comparePositions(b.start, a.end) < 0;
}

export function showRange(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}
