import { rankIn } from '../../analysis/hierarchy';
import { chainText } from './double-lock';
import { type TsCheck, heldLocation, rangeIn, related } from './check';

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
        for (const w of e.witnesses) {
          if (!files.has(w.fn.file)) continue;
          const path = w.acq.chain.length ? ` (path: ${w.fn.name} → ${chainText(ctx, w.acq)})` : '';
          ctx.report({
            file: w.fn.file,
            range: rangeIn(ctx, w.fn.file, w.start, w.end),
            message: `taking ${e.toCls} while holding ${e.fromCls} violates the declared order ${order.text}${path}`,
            related: [heldLocation(ctx, w.fn, w.held), ...(w.acq.chain.length ? [related(ctx, w.acq.lockFn.file, w.acq.lockStart, w.acq.lockEnd, `${e.toCls} acquired here`)] : [])],
            fixes: [],
            locks: [e.from, e.to],
          });
        }
      }
      if (order.path && files.has(order.path) && order.start !== undefined && order.end !== undefined) {
        const range = rangeIn(ctx, order.path, order.start, order.end);
        const problems = [...order.invalid.map((x) => `"${x}" is not a lock name`), ...(order.names.length < 2 ? ['an order needs at least two locks, as in cmdLock > vmLock'] : [])];
        for (const p of problems) ctx.report({ file: order.path, range, message: `lockset:order: ${p}`, related: [], fixes: [] });
        for (const name of order.names) {
          if (name === '*' || name.endsWith('.*') || [...classes].some((c) => c === name || c.endsWith(`.${name}`))) continue;
          ctx.report({ file: order.path, range, message: `lockset:order names ${name}, which matches no lock that is taken anywhere`, related: [], fixes: [] });
        }
      }
    }
  },
};
