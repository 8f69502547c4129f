import { rankIn } from '../analysis/hierarchy';
import { hierarchyReports, orderDirectiveProblems } from '../core/lock-order-checks';
import { involvesPackages } from '../model/class-name';
import type { Check } from './check';
import { orderEdge } from './order-edges';

export const lockHierarchy: Check = {
  id: 'lock-hierarchy',
  title: 'A declared lock order is violated',
  doc: `A declared lock order is violated.

Declare the order in which locks must be taken with a comment anywhere in a package,
// lockset:order cmdLock > vmLock > VM.lock (a greater lock is taken first), or with the setting
lockset.lockOrder. A name is a global, a type and field path (VM.lock, ron.Server.mu), pkg.* for every
lock of a package (minimega.* > ron.*), or * for every lock not named otherwise. Taking a greater lock while
a lesser one is held, directly or through calls (across packages too), is reported with the declared order
and the path. A name in a declaration that matches no lock is reported on the directive itself.`,
  example: 'vmLock.Lock(); cmdLock.Lock() // with lockset:order cmdLock > vmLock',
  defaultSeverity: 'warning',
  readsGraph: true,
  run(ctx) {
    const { analysis, graph } = ctx;
    const files = new Set(analysis.pkg.files);
    for (const order of graph.orders) {
      for (const e of graph.edges) {
        const witnesses = e.witnesses.filter((w) => files.has(w.fn.file));
        if (witnesses.length === 0) continue;
        const held = rankIn(order, e.fromCls, e.fromPkg), taken = rankIn(order, e.toCls, e.toPkg);
        if (held < 0 || taken < 0 || taken >= held) continue;
        // Across packages, both locks are named with their package.
        for (const r of hierarchyReports(orderEdge(e, involvesPackages([e.fromPkg, e.toPkg]), witnesses), order.text)) ctx.report(r);
      }
      if (order.file && analysis.pkg.files.includes(order.file)) {
        const matches = (name: string) => [...graph.classes].some((c) => c === name || c.endsWith(`.${name}`)) || (name.endsWith('.*') && graph.packages.has(name.slice(0, -2)));
        const range = order.file.lines.range(order.start!, order.end!);
        for (const message of orderDirectiveProblems(order, matches)) ctx.report({ file: order.file.path, range, message, related: [], fixes: [] });
      }
    }
  },
};
