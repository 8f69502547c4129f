import type { RelatedLocation } from '../../base/finding';
import type { TsEdge } from '../analysis';
import { chainText } from './double-lock';
import { type TsCheck, type TsCheckContext, heldLocation, rangeIn, related } from './check';

export const lockOrderCycle: TsCheck = {
  id: 'lock-order-cycle',
  run(ctx) {
    const files = new Set(ctx.files.map((f) => f.path));
    for (const cycle of ctx.analysis.cycles()) {
      const first = cycle[0].witness;
      if (!files.has(first.fn.file)) continue;
      const names = [...cycle.map((e) => e.fromCls), cycle[0].fromCls].join(' → ');
      const story = cycle.map((e) => `${e.witness.fn.name} takes ${e.toCls} while holding ${e.fromCls}`).join(', and ');
      ctx.report({
        file: first.fn.file,
        range: rangeIn(ctx, first.fn.file, first.start, first.end),
        message: `lock order cycle ${names}: ${story}`,
        related: cycle.flatMap((e) => edgeLocations(ctx, e)),
        fixes: [],
        locks: cycle.map((e) => e.from),
      });
    }
  },
};

function edgeLocations(ctx: TsCheckContext, e: TsEdge): RelatedLocation[] {
  const w = e.witness;
  const via = w.acq.chain.length ? ` via ${chainText(ctx, w.acq)}` : '';
  const out = [heldLocation(ctx, w.fn, w.held), related(ctx, w.fn.file, w.start, w.end, `${w.fn.name} takes ${e.toCls} here${via} while holding ${e.fromCls}`)];
  if (w.acq.chain.length) out.push(related(ctx, w.acq.lockFn.file, w.acq.lockStart, w.acq.lockEnd, `${e.toCls} acquired here (in ${w.acq.lockFn.name})`));
  return out;
}
