import type { Fix } from '../../base/finding';
import { isGuess } from '../../core/contract-sources';
import { checkedCalls, missingLocksAt } from '../missing-locks';
import type { CallFact, LockRef, TsFileFacts, TsFunction } from '../model';
import { type TsCheck, type TsCheckContext, rangeIn, related, tsLockNode, unitNote } from './check';

export const missingLockAnnotation: TsCheck = {
  id: 'missing-lock-annotation',
  run(ctx) {
    const { analysis } = ctx;
    for (const file of ctx.files) {
      for (const fn of file.functions) {
        if (fn.local) continue;
        for (const call of checkedCalls(analysis, fn)) {
          const callee = analysis.fn(call.calleeId);
          if (!callee) continue;
          for (const { req, ref } of missingLocksAt(analysis, fn, call, callee)) {
            const src = req.source;
            ctx.report({
              file: fn.file,
              range: rangeIn(ctx, fn.file, call.nameStart, call.nameEnd),
              message: `call of ${call.calleeName} requires ${ref.display}, which is not held here (contract: ${src.describe})${unitNote(call.unit)}`,
              related: analysis.files.has(src.file) ? [related(ctx, src.file, src.offset, src.offset, `contract of ${callee.name}: ${src.describe}`)] : [],
              fixes: fixesFor(ctx, file, fn, call, callee, ref),
              locks: [tsLockNode(fn.file, ref)],
              // A contract guessed from a …Locked name, a twin or the callers is information, as in Go.
              weak: isGuess(src.kind),
            });
          }
        }
      }
    }
  },
};

function fixesFor(ctx: TsCheckContext, file: TsFileFacts, fn: TsFunction, call: CallFact, callee: TsFunction, ref: LockRef): Fix[] {
  const fixes: Fix[] = [];
  if (call.stmtStart !== undefined) {
    const line = file.lines.lineOf(call.stmtStart);
    const indent = file.lines.indentOf(line);
    const at = file.lines.position(file.lines.lineStart(line));
    fixes.push({
      id: 'add-lock-annotation',
      title: `Add "// LOCK: ${ref.display} is held by the caller."`,
      edits: [{ file: fn.file, range: { start: at, end: at }, newText: `${indent}// LOCK: ${ref.display} is held by the caller.\n` }],
      preferred: true,
    });
  }
  // A caller that held the lock would have the function a contract (its callers do, or it says so) and no finding
  // here: "// LOCK: held by the caller" would then be false, and the twin that takes the lock is the fix that
  // makes the code right, so it comes first (as in Go).
  // `_save()` called without the lock: `save()` takes it and calls `_save()`.
  const candidate = ctx.analysis.twinOf(callee);
  const twin = candidate && candidate !== fn && candidate.file === callee.file && candidate.params.length === callee.params.length ? candidate : undefined;
  // Only where the twin's promise is handled as the callee's was: switching a sync call to an async
  // twin would leave a promise nobody awaits.
  if (twin && !twin.shortName.startsWith('#') && (twin.isAsync === callee.isAsync || call.awaited)) {
    const name = ctx.analysis.files.get(fn.file)!.lines.text.slice(call.nameStart, call.nameEnd);
    if (name === callee.shortName) {
      fixes.push({
        id: 'call-twin',
        title: `Call ${twin.shortName}, which takes ${ref.display} itself`,
        edits: [{ file: fn.file, range: rangeIn(ctx, fn.file, call.nameStart, call.nameEnd), newText: twin.shortName }],
        preferred: true,
      });
      for (const f of fixes) if (f.id === 'add-lock-annotation') f.preferred = false;
    }
  }
  return fixes;
}
