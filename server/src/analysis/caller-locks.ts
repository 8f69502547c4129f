import type { FunctionFlow } from './flow-types';
import { RUNS_IN_PLACE } from './summaries';

/**
 * The locks that a function's first operation on, in the order the flow runs, is an Unlock of a lock it does
 * not hold itself: the caller holds them (whether or not a contract says so), and the function hands them back,
 * held or not, as it found them. Neither its later Unlocks nor its returns holding them are its own bugs.
 */
export function callerHeldLocks(flow: FunctionFlow): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  // Lock events are kept in the order the walk first reached them.
  for (const e of flow.lockEvents) {
    const key = e.op.ref.key;
    if (e.deferred || !RUNS_IN_PLACE.has(e.unit) || seen.has(key)) continue;
    seen.add(key);
    const h = e.held.get(key);
    if (e.op.method.endsWith('nlock') && (!h || h.maybe || h.fromContract)) out.add(key);
  }
  return out;
}
