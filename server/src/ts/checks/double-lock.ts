import { type Acquisition, mapToCaller } from '../analysis';
import type { RelatedLocation } from '../../base/finding';
import type { LockRef, TsFunction } from '../model';
import { type TsCheck, type TsCheckContext, heldLocation, lineOf, rangeIn, related, tsLockNode, whereHeld } from './check';

export const doubleLock: TsCheck = {
  id: 'double-lock',
  run(ctx) {
    const { analysis } = ctx;
    for (const file of ctx.files) {
      for (const fn of file.functions) {
        for (const op of fn.ops) {
          if (op.op === 'release' || !op.awaited || !op.ref.exact || op.ref.tryOnly) continue;
          const h = op.held.get(op.ref.key);
          if (!h || h.maybe || h.inherited) {
            // Inside a lock wrapper's callback (`withLock(this.mu, async () => { await this.mu.acquire() })`).
            if (!h && analysis.wrapperHeld(fn, op.unitId).some((r) => r.key === op.ref.key)) reportInWrapper(ctx, fn, op.start, op.end, `${op.text} ${op.op === 'runExclusive' ? 'takes' : 'acquires'} ${op.ref.display}`, op.ref);
            continue;
          }
          const where = whereHeld(ctx, fn, h);
          ctx.report({
            file: fn.file,
            range: rangeIn(ctx, fn.file, op.start, op.end),
            message: op.op === 'waitForUnlock'
              ? `${op.text} waits for ${op.ref.display} to be released, but it is held here (${where}), so it never resolves`
              : `${op.text} ${op.op === 'runExclusive' ? 'takes' : 'acquires'} ${op.ref.display}, which is already held (${where}); async-mutex is not reentrant, so this never resolves`,
            related: [heldLocation(ctx, fn, h)],
            fixes: [],
            locks: [tsLockNode(fn.file, op.ref)],
          });
        }
        for (const call of fn.calls) {
          const callee = analysis.fn(call.calleeId);
          if (!callee || !call.awaited || (call.held.size === 0 && analysis.heldAround(fn, call).length === 0)) continue;
          const seen = new Set<string>();
          for (const a of analysis.acquisitions(callee)) {
            // Taken only where a parameter says so: the call may pass the value that skips it (`{ skipLock: true }`).
            if (a.conditional) continue;
            const ref = mapToCaller(a.ref, call, callee.params);
            if (!ref.exact || ref.tryOnly || seen.has(ref.key)) continue;
            const h = call.held.get(ref.key);
            if (!h && !seen.has(ref.key) && analysis.heldAround(fn, call).some((r) => r.key === ref.key)) {
              seen.add(ref.key);
              reportInWrapper(ctx, fn, call.nameStart, call.nameEnd, `call of ${call.calleeName} acquires ${ref.display}`, ref,
                `${chainText(ctx, { ...a, ref, chain: [{ fn, call }, ...a.chain] })}`, related(ctx, a.lockFn.file, a.lockStart, a.lockEnd, `${ref.display} acquired again here, in ${a.lockFn.name}`));
              continue;
            }
            if (!h || h.maybe || h.inherited) continue;
            seen.add(ref.key);
            const chain: Acquisition = { ...a, ref, chain: [{ fn, call }, ...a.chain] };
            ctx.report({
              file: fn.file,
              range: rangeIn(ctx, fn.file, call.nameStart, call.nameEnd),
              message: `call of ${call.calleeName} acquires ${ref.display}, which is already held (${whereHeld(ctx, fn, h)}); async-mutex is not reentrant, so this never resolves (${chainText(ctx, chain)})`,
              related: [heldLocation(ctx, fn, h), related(ctx, a.lockFn.file, a.lockStart, a.lockEnd, `${ref.display} acquired again here, in ${a.lockFn.name}`)],
              fixes: [],
              locks: [tsLockNode(fn.file, ref)],
            });
          }
        }
      }
    }
  },
};

/** A second acquisition inside a callback that a lock wrapper runs holding the same lock. */
function reportInWrapper(ctx: TsCheckContext, fn: TsFunction, start: number, end: number, what: string, lock: LockRef, chain?: string, again?: RelatedLocation): void {
  ctx.report({
    file: fn.file,
    range: rangeIn(ctx, fn.file, start, end),
    message: `${what}, which the lock wrapper running this callback already holds; async-mutex is not reentrant, so this never resolves${chain ? ` (${chain})` : ''}`,
    related: [related(ctx, fn.file, start, end, `${lock.display} is held here by the wrapper that calls this callback`), ...(again ? [again] : [])],
    fixes: [],
    locks: [tsLockNode(fn.file, lock)],
  });
}

/** `save → _write → acquires this.mu at line 12 in Store._write`. */
export function chainText(ctx: Parameters<TsCheck['run']>[0], a: Acquisition): string {
  return [...a.chain.map((s) => s.call.calleeName), `acquires ${a.ref.display} at line ${lineOf(ctx, a.lockFn.file, a.lockStart)} in ${a.lockFn.name}`].join(' → ');
}
