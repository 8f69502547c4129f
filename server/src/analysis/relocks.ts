import type { FuncDecl } from '../model/file';
import { typedClass, type Ref } from '../model/refs';
import type { CallSite, FunctionFlow, LockEvent } from './flow-types';
import type { HeldLock } from './held';
import type { PackageAnalysis } from './package-analysis';
import { acquisitionsAt, takenWhileDropped } from './summaries';
import type { Acquisition } from './package-analysis-types';

/** A lock taken again while it is held: by a Lock call of the function, or by a callee at a call. */
export type Relock =
  | { kind: 'lock'; event: LockEvent; held: HeldLock }
  | { kind: 'call'; site: CallSite; acq: Acquisition; held: HeldLock };

/**
 * The places where a function takes a lock it already holds, the same instance as far as names tell: a Lock or
 * RLock of a held lock (held on some path counts), or a call whose callee takes one held on every path (once per
 * lock and call; a TryLock, a relock after the callee dropped it, and another type's lock under the same name do
 * not count). double-lock reports them; a contract that they contradict is told apart by contradictedLocks.
 */
export function relocks(analysis: PackageAnalysis, fn: FuncDecl, flow: FunctionFlow): Relock[] {
  const out: Relock[] = [];
  for (const event of flow.lockEvents) {
    if (event.deferred || (event.op.method !== 'Lock' && event.op.method !== 'RLock') || !event.op.ref.exact) continue;
    const held = event.held.get(event.op.ref.key);
    if (held && !held.inherited && !otherClass(held.ref, event.op.ref)) out.push({ kind: 'lock', event, held });
  }
  for (const site of flow.calls) {
    if (!site.callee || site.viaGo || site.held.size === 0) continue;
    const seen = new Set<string>();
    for (const acq of acquisitionsAt(analysis, fn, site)) {
      if (acq.tried || acq.reacquire || takenWhileDropped(acq, acq.ref.key) || !acq.ref.exact || seen.has(acq.ref.key)) continue;
      const held = site.held.get(acq.ref.key);
      if (!held || held.maybe || held.inherited || otherClass(held.ref, acq.ref)) continue;
      seen.add(acq.ref.key);
      out.push({ kind: 'call', site, acq, held });
    }
  }
  return out;
}

/**
 * One name for locks of two types: a local that shadows the receiver (`if w, ok := w.watchers[id]; ok {
 * w.update() }`, where the inner w is another type) names another lock than the held one.
 */
function otherClass(held: Ref, taken: Ref): boolean {
  const a = typedClass(held), b = typedClass(taken);
  return a !== undefined && b !== undefined && a !== b;
}
