import { rankIn } from '../../analysis/hierarchy';
import { hierarchyReports, orderDirectiveProblems } from '../../core/lock-order-checks';
import { type TsCheck, rangeIn } from './check';
import { tsOrderEdge, tsReport } from './order-edges';

/** Go's check (core/lock-order-checks.ts) over the TypeScript lock graph and the declared orders. */
export const lockHierarchy: TsCheck = {
  id: 'lock-hierarchy',
  run(ctx) {
    const { analysis } = ctx;
    const files = new Set(ctx.files.map((f) => f.path));
    const classes = analysis.classes();
    for (const order of analysis.orders()) {
      for (const e of analysis.edges()) {
        const held = rankIn(order, e.fromCls, e.fromPkg), taken = rankIn(order, e.toCls, e.toPkg);
        if (held < 0 || taken < 0 || taken >= held) continue;
        const witnesses = e.witnesses.filter((w) => files.has(w.fn.file));
        if (witnesses.length) for (const r of hierarchyReports(tsOrderEdge(ctx, e, witnesses), order.text)) ctx.report(tsReport(r));
      }
      if (order.path && files.has(order.path) && order.start !== undefined && order.end !== undefined) {
        const range = rangeIn(ctx, order.path, order.start, order.end);
        const matches = (name: string) => name.endsWith('.*') || [...classes].some((c) => c === name || c.endsWith(`.${name}`));
        for (const message of orderDirectiveProblems(order, matches)) ctx.report({ file: order.path, range, message, related: [], fixes: [] });
      }
    }
  },
};
