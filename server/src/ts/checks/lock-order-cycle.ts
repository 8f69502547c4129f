import { cycleReport } from '../../core/lock-order-checks';
import type { TsCheck } from './check';
import { tsOrderEdge, tsReport } from './order-edges';

/** Go's check (core/lock-order-checks.ts) over the TypeScript lock graph: no gate locks here. */
export const lockOrderCycle: TsCheck = {
  id: 'lock-order-cycle',
  run(ctx) {
    const files = new Set(ctx.files.map((f) => f.path));
    for (const cycle of ctx.analysis.cycles()) {
      if (!files.has(cycle[0].witness.fn.file)) continue;
      ctx.report(tsReport(cycleReport(cycle.map((e) => tsOrderEdge(ctx, e)))));
    }
  },
};
