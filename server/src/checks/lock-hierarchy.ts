import { rankIn } from '../analysis/hierarchy';
import { describeChain } from '../analysis/summaries';
import { involvesPackages, lockClassName } from '../model/class-name';
import type { Check } from './check';
import { acquisitionLocation, heldLocation } from './util';

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
        const cross = involvesPackages([e.fromPkg, e.toPkg]);
        const from = lockClassName(e.from, e.fromPkg, cross), to = lockClassName(e.to, e.toPkg, cross);
        for (const w of witnesses) {
          const path = w.acq.chain.length ? ` (path: ${w.fn.name} → ${describeChain(w.acq)})` : '';
          ctx.report({
            file: w.fn.file.path,
            range: w.fn.file.lines.range(w.offset, w.end),
            message: `taking ${to} while holding ${from} violates the declared order ${order.text}${path}`,
            related: [heldLocation(w.heldIn ?? w.fn, w.held), ...(w.acq.chain.length ? [acquisitionLocation(w.acq, `${to} locked here`)] : [])],
            fixes: [],
            locks: [e.from, e.to],
          });
        }
      }
      if (order.file && analysis.pkg.files.includes(order.file)) {
        const problems = [...order.invalid.map((x) => `"${x}" is not a lock name`), ...(order.names.length < 2 ? ['an order needs at least two locks, as in cmdLock > vmLock'] : [])];
        for (const p of problems) {
          ctx.report({ file: order.file.path, range: order.file.lines.range(order.start!, order.end!), message: `lockset:order: ${p}`, related: [], fixes: [] });
        }
        for (const name of order.names) {
          if (name === '*' || [...graph.classes].some((c) => c === name || c.endsWith(`.${name}`))) continue;
          if (name.endsWith('.*') && graph.packages.has(name.slice(0, -2))) continue;
          ctx.report({
            file: order.file.path,
            range: order.file.lines.range(order.start!, order.end!),
            message: `lockset:order names ${name}, which matches no lock that is taken anywhere`,
            related: [],
            fixes: [],
          });
        }
      }
    }
  },
};
