import { mapToCaller } from '../analysis/calls';
import { acquisitionsAt, takenWhileDropped } from '../analysis/summaries';
import type { Check } from './check';
import { heldLocation, lockNodes, whereHeld } from './util';

export const excludedLockHeld: Check = {
  id: 'excluded-lock-held',
  title: 'A call holds a lock the callee excludes',
  doc: `A call holds a lock the callee excludes.

gVisor's \`+checklocksexclude:mu\` on a function says that its callers must not hold mu (the function takes it
itself, or waits for something that needs it); \`+checklocksexcludewrite:mu\` says they must not hold it for
writing (a read lock is allowed). The lock is read in the function's own names (receiver, parameters, their
paths, globals) and mapped to the caller's at each call, as for +checklocks. A call where the lock is held on
every path that reaches it is reported; held on only some paths, it is not. A call started with go runs with
nothing held. When the callee takes the lock itself, double-lock already reports the call (a deadlock), and this
check does not report it again. A lock the annotation names that resolves to nothing in scope gives no finding.
There is no quick fix: whether to release the lock first or call something else is the writer's choice.`,
  example: 'mu.Lock(); f() // f excludes mu',
  defaultSeverity: 'warning',
  run(ctx) {
    const { analysis } = ctx;
    for (const [caller, flow] of analysis.flows) {
      if (analysis.contractOf(caller).ignore) continue;
      const res = analysis.resolver(caller);
      for (const site of flow.calls) {
        if (!site.callee || site.viaGo || site.held.size === 0) continue;
        const excludes = analysis.contractOf(site.callee).excludes;
        if (excludes.length === 0) continue;
        for (const x of excludes) {
          if (!x.resolved) continue;
          const ref = mapToCaller(x.ref, site, res);
          const h = ref && site.held.holds(ref, x.mode);
          if (!ref || !h || h.inherited) continue;
          // The callee locks it again: double-lock reports the deadlock.
          if (acquisitionsAt(analysis, caller, site).some((a) => a.ref.key === ref.key && a.ref.exact && !a.reacquire && !takenWhileDropped(a, a.ref.key))) continue;
          const src = x.source;
          const srcFile = analysis.pkg.files.find((f) => f.path === src.file);
          const how = x.mode === 'write' ? 'held for writing' : 'held';
          ctx.report({
            file: caller.file.path,
            range: caller.file.lines.range(site.nameNode.start, site.nameNode.end),
            message: `call of ${site.calleeName} with ${ref.display} ${how} (${whereHeld(caller, h)}): its ${src.describe} excludes it`,
            related: [
              heldLocation(caller, h),
              ...(srcFile ? [{ file: src.file, range: srcFile.lines.range(src.offset, src.offset), message: `contract of ${site.callee.name}: ${src.describe}` }] : []),
            ],
            fixes: [],
            locks: lockNodes(analysis.pkg.dir, [ref]),
          });
        }
      }
    }
  },
};
