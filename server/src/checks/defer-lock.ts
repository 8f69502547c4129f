import type { Check } from './check';
import { lockNodes, methodNameNode } from './util';

export const deferLock: Check = {
  id: 'defer-lock',
  title: 'defer mu.Lock() where Unlock was meant',
  doc: `defer mu.Lock() where Unlock was meant.

A deferred Lock runs when the function returns, so the lock stays held after it (and the function's own
critical section was never locked twice, which usually means Unlock was meant). The quick fix changes it to
Unlock (or RUnlock).`,
  example: 'mu.Lock(); defer mu.Lock()',
  defaultSeverity: 'warning',
  runFunction(ctx, fn, flow) {
    const seen = new Set<unknown>();
    for (const e of flow.lockEvents) {
      if (!e.deferred || (e.op.method !== 'Lock' && e.op.method !== 'RLock') || seen.has(e.node)) continue;
      seen.add(e.node);
      // `mu.Unlock(); defer mu.Lock()` hands the lock back to a caller that expects it: intended.
      const before = flow.stmtHeld.get(e.node)?.get(e.op.ref.key);
      if (!before || before.maybe) continue;
      const name = methodNameNode(e.node);
      if (!name) continue;
      const range = fn.file.lines.range(name.start, name.end);
      const right = e.op.method === 'RLock' ? 'RUnlock' : 'Unlock';
      ctx.report({
        file: fn.file.path, range,
        message: `defer ${e.op.ref.display}.${e.op.method}() locks ${e.op.ref.display} when ${fn.name} returns; did you mean defer ${e.op.ref.display}.${right}()?`,
        related: [],
        fixes: [{ id: 'defer-unlock', title: `Change to defer ${e.op.ref.display}.${right}()`, preferred: true, edits: [{ file: fn.file.path, range, newText: right }] }],
        locks: lockNodes(ctx.analysis.pkg.dir, [e.op.ref]),
      });
    }
  },
};
