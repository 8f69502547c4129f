import type { TextEdit } from '../../base/finding';
import type { TsFileFacts } from '../model';
import type { TsCheck } from './check';

export const staleLockAnnotation: TsCheck = {
  id: 'stale-lock-annotation',
  run(ctx) {
    const { analysis } = ctx;
    for (const file of ctx.files) {
      const used = new Set<number>();
      for (const fn of file.functions) {
        for (const call of fn.calls) {
          const callee = analysis.fn(call.calleeId);
          const mayNeed = call.unresolved || (callee !== undefined && analysis.requires(callee).length > 0);
          if (mayNeed) for (const a of call.annotations) used.add(a);
        }
      }
      for (const [start, end] of file.lockComments) {
        if (used.has(start)) continue;
        ctx.report({
          file: file.path,
          range: file.lines.range(start, end),
          message: '// LOCK: annotation has nothing under it that needs a lock',
          related: [],
          fixes: [{ id: 'remove-stale-annotation', title: 'Remove the stale // LOCK: annotation', edits: [removeComment(file, start, end)], preferred: true }],
          unnecessary: true,
        });
      }
    }
  },
};

function removeComment(file: TsFileFacts, start: number, end: number): TextEdit {
  const { lines } = file;
  const line = lines.lineOf(start);
  const lineStart = lines.lineStart(line);
  const before = lines.text.slice(lineStart, start);
  if (before.trim() === '' && lines.text.slice(end, lines.lineEnd(line)).trim() === '') {
    const last = line + 1 >= lines.lineCount;
    return { file: file.path, range: { start: lines.position(lineStart), end: last ? lines.position(end) : lines.position(lines.lineStart(line + 1)) }, newText: '' };
  }
  const trimmed = before.replace(/[ \t]+$/, '');
  return { file: file.path, range: lines.range(lineStart + trimmed.length, end), newText: '' };
}
