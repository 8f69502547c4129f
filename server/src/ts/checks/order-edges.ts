import type { OrderEdge, OrderReport } from '../../core/lock-order-checks';
import type { EdgeWitness, TsEdge } from '../analysis';
import { chainText } from './double-lock';
import { type TsCheckContext, type TsReport, heldLocation, rangeIn, related } from './check';

/** A TypeScript lock-graph edge as the shared lock-order checks read it (core/lock-order-checks.ts). */
export function tsOrderEdge(ctx: TsCheckContext, e: TsEdge, witnesses: readonly EdgeWitness[] = e.witnesses): OrderEdge {
  return {
    from: e.from,
    to: e.to,
    fromName: e.fromCls,
    toName: e.toCls,
    witnesses: witnesses.map((w) => ({
      fn: w.fn.name,
      file: w.fn.file,
      range: rangeIn(ctx, w.fn.file, w.start, w.end),
      heldAt: heldLocation(ctx, w.fn, w.held),
      chain: w.acq.chain.length
        ? { text: chainText(ctx, w.acq), calls: w.acq.chain.length, lockFn: w.acq.lockFn.name, lockedAt: (message: string) => related(ctx, w.acq.lockFn.file, w.acq.lockStart, w.acq.lockEnd, message) }
        : undefined,
      // A function holds a lock on entry only by a declared contract (JSDoc, prose, an isLocked() guard): never a guess.
      heldDisplay: w.held.ref.display,
      belowCondition: w.acq.conditional ? 'a parameter decides whether it is taken' : undefined,
    })),
  };
}

/** A shared check's report as this front end's: information is a weak finding (see runTsChecks). */
export function tsReport(r: OrderReport): TsReport {
  const { severity, ...rest } = r;
  return { ...rest, weak: severity === 'information' };
}
