/**
 * Which locks a call misses: the test of the missing-lock-annotation check, shared with the code lens so that the
 * lens counts the callers without the lock as the diagnostics do (as Go's lens does).
 */
import { mapToCaller, type TsAnalysis } from './analysis';
import type { CallFact, LockRef, Requirement, TsFunction } from './model';

export interface MissingLock { req: Requirement; ref: LockRef }

/** The calls `fn` makes that the check reads: its own, and the functions it passes to a lock wrapper (made there). */
export function checkedCalls(analysis: TsAnalysis, fn: TsFunction): CallFact[] {
  const passed = fn.passed.filter((p) => analysis.fn(p.passedTo!.call.calleeId) && analysis.wrapperLocks(analysis.fn(p.passedTo!.call.calleeId)!).has(p.passedTo!.index));
  return [...fn.calls, ...passed];
}

/** The locks that `callee`'s contract requires at `call` in `fn` and that are not held there (none under a `// LOCK:`). */
export function missingLocksAt(analysis: TsAnalysis, fn: TsFunction, call: CallFact, callee: TsFunction): MissingLock[] {
  if (call.annotations.length > 0) return [];
  const out: MissingLock[] = [];
  let around: Set<string> | undefined, provided: Set<string> | undefined;
  for (const req of analysis.requires(callee)) {
    const ref = mapToCaller(req.ref, call, callee.params);
    if (!ref.exact || (call.held.get(ref.key) && !call.passedTo)) continue;
    around ??= new Set(analysis.heldAround(fn, call).map((r) => r.key));
    if (around.has(ref.key)) continue;
    // The caller's own contract provides it (unless the call runs detached, after the caller returned).
    provided ??= new Set(analysis.requires(fn).map((r) => r.ref.key));
    if (provided.has(ref.key) && call.unit !== 'detached') continue;
    out.push({ req, ref });
  }
  return out;
}
