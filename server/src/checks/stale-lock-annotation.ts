import { LOCK_ANNOTATION, lockAnnotations } from '../analysis/annotations';
import type { CallSite } from '../analysis/flow-types';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { GoFile } from '../model/file';
import type { SyntaxNode } from '../syntax/node';
import type { TextEdit } from './finding';
import type { Check } from './check';

export const staleLockAnnotation: Check = {
  id: 'stale-lock-annotation',
  title: 'A // LOCK: annotation with nothing under it that needs a lock',
  doc: `A // LOCK: annotation with nothing under it that needs a lock.

A // LOCK: comment asserts that the locks needed by the statement below it (or on its line) are held.
When that statement calls nothing whose contract requires a lock, the comment is stale: the code it
described has moved or changed. Calls into other packages of the workspace and calls that cannot be
resolved count as possibly needing a lock, so they keep their annotation. Comments in a function's doc
comment are contracts, not annotations, and are never stale.`,
  example: 'n := len(list) // LOCK: vmLock is held',
  defaultSeverity: 'hint',
  run(ctx) {
    const { analysis } = ctx;
    const used = new Set<SyntaxNode>();
    const bodies: SyntaxNode[] = [];
    const docComments = new Set<SyntaxNode>();
    for (const [fn, flow] of analysis.flows) {
      if (fn.body) bodies.push(fn.body);
      for (const c of fn.doc.comments) docComments.add(c);
      for (const site of flow.calls) {
        if (mayNeedLock(analysis, fn.file, site)) for (const c of lockAnnotations(fn.file, site.node)) used.add(c);
      }
    }
    for (const file of analysis.pkg.files) {
      for (const c of file.parsed.comments) {
        if (used.has(c) || docComments.has(c) || !LOCK_ANNOTATION.test(file.text(c))) continue;
        if (!bodies.some((b) => b.start <= c.start && c.end <= b.end)) continue;
        ctx.report({
          file: file.path,
          range: file.lines.range(c.start, c.end),
          message: '// LOCK: annotation has nothing under it that needs a lock',
          related: [],
          fixes: [{ id: 'remove-stale-annotation', title: 'Remove the stale // LOCK: annotation', edits: [removeComment(file, c)], preferred: true }],
          unnecessary: true,
        });
      }
    }
  },
};

/** Standard-library packages are known to need none of the workspace's locks. */
function mayNeedLock(analysis: PackageAnalysis, file: GoFile, site: CallSite): boolean {
  if (site.callee) return analysis.contractOf(site.callee).requires.length > 0;
  if (!site.unresolved) return false;
  const dot = site.calleeName.indexOf('.');
  if (dot > 0 && site.recv === undefined) {
    const path = file.imports.get(site.calleeName.slice(0, dot));
    if (path !== undefined) return path.split('/')[0].includes('.');
  }
  return true;
}

function removeComment(file: GoFile, c: SyntaxNode): TextEdit {
  const line = file.lines.lineOf(c.start);
  if (file.isOwnLine(c)) {
    const start = file.lines.position(file.lines.lineStart(line));
    const end = file.lines.position(file.lines.lineStart(line + 1));
    const last = line + 1 >= file.lines.lineCount;
    return { file: file.path, range: { start, end: last ? file.lines.position(c.end) : end }, newText: '' };
  }
  // A trailing comment: remove it and the spaces before it.
  const lineStart = file.lines.lineStart(line);
  const before = file.parsed.text.slice(lineStart, c.start);
  const trimmed = before.replace(/[ \t]+$/, '');
  return { file: file.path, range: file.lines.range(lineStart + trimmed.length, c.end), newText: '' };
}
