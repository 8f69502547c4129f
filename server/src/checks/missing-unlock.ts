import { callerHeldLocks } from '../analysis/caller-locks';
import { mapToCaller } from '../analysis/calls';
import type { FunctionFlow } from '../analysis/flow-types';
import { releasedCallerLocks } from '../analysis/summaries';
import type { Check } from './check';
import { heldLocation, lineNo } from './util';

export const missingUnlock: Check = {
  id: 'missing-unlock',
  title: 'A path leaves the function with a lock held',
  doc: `A path leaves the function with a lock held.

An early return, an error branch, or a continue in a loop that locks leaves a lock held that the function
unlocks on its other paths, and no deferred Unlock releases it. The next Lock of it blocks forever.
Functions that return holding a lock on every path (lock helpers), locks that the contract hands back
(+checklocksacquire), locks handed to a goroutine that unlocks them, and conditional locking released
under the same condition are not reported. The diagnostic sits on the return (or the function's closing
brace), with the Lock as related information.`,
  example: 'mu.Lock(); if err != nil { return err }; mu.Unlock()',
  defaultSeverity: 'warning',
  runFunction(ctx, fn, flow) {
    // Reports are made only where a lock is held at an exit or a continue.
    if (!flow.exits.some((x) => x.held.size) && !flow.continues.some((x) => x.held.size)) return;
    const { analysis } = ctx;
    const c = analysis.contractOf(fn);
    if (c.ignore) return;
    const unlockedSomewhere = keysWith(flow, (m) => m.endsWith('nlock'), ['function', 'inline', 'deferred', 'callback']);
    // Unlocking through a helper whose contract releases the lock counts as unlocking it.
    for (const site of flow.calls) {
      if (!site.callee) continue;
      for (const r of analysis.contractOf(site.callee).releases) {
        const ref = mapToCaller(r.ref, site, analysis.resolver(fn));
        if (ref) unlockedSomewhere.add(ref.key);
      }
    }
    const handedOff = keysWith(flow, (m) => m.endsWith('nlock'), ['goroutine', 'detached', 'later']);
    const handedBack = releasedCallerLocks(flow);
    const callers = callerHeldLocks(flow);
    const ok = (key: string) => !unlockedSomewhere.has(key) || handedOff.has(key) || handedBack.has(key) || callers.has(key) || c.acquires.some((a) => a.ref.key === key);
    for (const exit of flow.exits) {
      if (exit.kind === 'panic') continue;
      for (const h of exit.held.definite()) {
        if (h.fromContract || ok(h.ref.key)) continue;
        const at = exit.kind === 'end' ? Math.max(exit.node.end - 1, exit.node.start) : exit.node.start;
        const end = exit.kind === 'end' ? exit.node.end : exit.node.start + 'return'.length;
        ctx.report({
          file: fn.file.path,
          range: fn.file.lines.range(at, end),
          message: exit.kind === 'end'
            ? `${fn.name} ends with ${h.ref.display} still locked (locked at line ${lineNo(fn.file, h.site.start)}); no Unlock or deferred Unlock releases it on this path`
            : `return leaves ${h.ref.display} locked (locked at line ${lineNo(fn.file, h.site.start)}); unlock it before returning, or defer the Unlock`,
          related: [heldLocation(fn, h)],
          fixes: [],
        });
      }
    }
    for (const cont of flow.continues) {
      for (const h of cont.held.definite()) {
        if (cont.entry.get(h.ref.key) || h.fromContract || ok(h.ref.key)) continue;
        ctx.report({
          file: fn.file.path,
          range: fn.file.lines.range(cont.node.start, cont.node.end),
          message: `continue skips the Unlock of ${h.ref.display} (locked at line ${lineNo(fn.file, h.site.start)}): the next round locks it again and deadlocks`,
          related: [heldLocation(fn, h)],
          fixes: [],
        });
      }
    }
  },
};

function keysWith(flow: FunctionFlow, method: (m: string) => boolean, units: string[]): Set<string> {
  return new Set(flow.lockEvents.filter((e) => method(e.op.method) && units.includes(e.unit)).map((e) => e.op.ref.key));
}
