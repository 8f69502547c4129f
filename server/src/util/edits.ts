import type { TextEdit } from '../base/finding';
import { LineIndex } from '../base/lines';

/** Applies non-overlapping edits to one file's text (positions refer to the original text). */
export function applyEdits(text: string, edits: Pick<TextEdit, 'range' | 'newText'>[]): string {
  const lines = new LineIndex(text);
  const spans = edits.map((e) => ({ start: lines.offset(e.range.start), end: lines.offset(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}
