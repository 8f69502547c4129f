import { diffTexts } from '../syntax/edit';
import type { LineIndex, Position, Range } from '../base/lines';
import type { Finding } from '../base/finding';

/** The texts (with their lines) of other files that a package's findings point into, as they were when the findings were made. */
export type PointedTexts = Map<string, LineIndex>;

/** Every file a finding points into (its range, related locations and fix edits) other than `own`. */
export function pointedFiles(findings: readonly Finding[], own: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const add = (file: string) => { if (!own.has(file)) out.add(file); };
  for (const f of findings) {
    add(f.file);
    for (const r of f.related) add(r.file);
    for (const fix of f.fixes) for (const e of fix.edits) add(e.file);
  }
  return out;
}

/**
 * Findings moved to the current texts of the files they point into, when those texts changed only away from
 * every position they hold: an edit above a lock site moves the site, and a finding that points at it moves by
 * the edit's length, as an analysis of the new text would place it. Undefined when a position falls in or at
 * the edge of a changed range (it may have changed, not just moved): the findings must be made again then.
 */
export function remapFindings(findings: readonly Finding[], was: PointedTexts, current: (file: string) => LineIndex | undefined): Finding[] | undefined {
  const movers = new Map<string, (r: Range) => Range | undefined>();
  for (const [file, before] of was) {
    const after = current(file);
    if (after === undefined) return undefined;
    if (after.text === before.text) continue;
    const edit = diffTexts(before.text, after.text)!;
    const delta = edit.newEndIndex - edit.oldEndIndex;
    const offset = (p: Position) => {
      const o = before.offset(p), q = before.position(o);
      return q.line === p.line && q.character === p.character ? o : undefined;
    };
    movers.set(file, (r) => {
      const start = offset(r.start), end = offset(r.end);
      if (start === undefined || end === undefined) return undefined;
      // Wholly before the changed range, or wholly after it (not touching it).
      if (end < edit.startIndex) return r;
      if (start > edit.oldEndIndex) return after.range(start + delta, end + delta);
      return undefined;
    });
  }
  if (movers.size === 0) return [...findings];
  let failed = false;
  const range = (file: string, r: Range): Range => {
    const move = movers.get(file);
    const moved = move ? move(r) : r;
    if (!moved) failed = true;
    return moved ?? r;
  };
  const out = findings.map((f): Finding => ({
    ...f,
    range: range(f.file, f.range),
    related: f.related.map((r) => ({ ...r, range: range(r.file, r.range) })),
    fixes: f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, range: range(e.file, e.range) })) })),
  }));
  return failed ? undefined : out;
}
