import { gateOf } from '../analysis/gate-locks';
import { MAX_WITNESSES } from '../analysis/lock-graph';
import type { LockEdge } from '../analysis/lock-graph-types';
import { involvesPackages, lockClassName } from '../model/class-name';
import type { Check } from './check';
import { cycleReport } from '../core/lock-order-checks';
import { orderEdge } from './order-edges';

export const lockOrderCycle: Check = {
  id: 'lock-order-cycle',
  title: 'Locks are taken in opposite orders on two paths, which can deadlock',
  doc: `Locks are taken in opposite orders on two paths, which can deadlock.

lockset builds a graph of lock classes (a type and field path such as VM.lock, or a global such as vmLock):
an edge A → B means that somewhere B is taken while A is held, directly or through calls. A cycle in that
graph (AB-BA, or longer) means two goroutines can each hold one lock and wait for the other. Each cycle is
reported once, at one acquisition, with every edge's two locations (where A was taken, where B is taken, and
the call chain between) as related information. Two instances of the same class locked in a nested way are
not a cycle by themselves. The lock of an object that the function allocated itself and has not shared yet
(passed, stored, returned or captured) orders nothing: no other goroutine can hold it or wait for it. A cycle
whose every place also holds one more lock (a gate lock: there, or by every caller in the package, a few calls
up) cannot close while that stays so, and is information. So is a cycle with an edge that is seen only where its first
lock is held by a guessed contract (a \`…Locked\` name, the callers rule, a twin): the guess, not the code, closes it;
and one with an edge seen only at the end of a chain of more than two calls (as a may-block chain that long is for
blocking-under-lock): each call on the way may take another path, which the program's state may rule out; and
one with an edge seen only where a callee gets to the Lock for some values of its arguments (\`if key == nil\`).`,
  example: 'f: a.Lock(); b.Lock()  g: b.Lock(); a.Lock()',
  defaultSeverity: 'warning',
  readsGraph: true,
  run(ctx) {
    const files = new Set(ctx.analysis.pkg.files);
    for (const cycle of ctx.graph.cycles) {
      if (!files.has(cycle[0].witness.fn.file)) continue;
      // A cycle that spans packages names every lock with its package, the same way from every package.
      const cross = involvesPackages(cycle.flatMap((e) => [e.fromPkg, e.toPkg]));
      // A lock held wherever every edge arises serialises the orders: the cycle cannot close.
      const gate = gateOf(cycle, MAX_WITNESSES);
      ctx.report(cycleReport(cycle.map((e) => orderEdge(e, cross)), gate ? gateName(ctx.graph.edges, gate, cross) : undefined));
    }
  },
};

/** A gate lock (a graph node) by the naming rule, with its package as an edge of the graph records it. */
function gateName(edges: readonly LockEdge[], node: string, qualified: boolean): string {
  const e = edges.find((x) => x.from === node || x.to === node);
  const pkg = e ? (e.from === node ? e.fromPkg : e.toPkg) : undefined;
  return pkg === undefined ? node.slice(node.indexOf('|') + 1) : lockClassName(node, pkg, qualified);
}
