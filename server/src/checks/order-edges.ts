import { describeChain } from '../analysis/summaries';
import type { EdgeWitness, LockEdge } from '../analysis/lock-graph-types';
import type { OrderEdge } from '../core/lock-order-checks';
import { lockClassName } from '../model/class-name';
import { acquisitionLocation, heldLocation } from './util';

/**
 * A Go lock-graph edge as the shared lock-order checks read it (core/lock-order-checks.ts): its classes named by
 * the naming rule (with their packages when `qualified`), and each of `witnesses` (by default all) described.
 */
export function orderEdge(e: LockEdge, qualified: boolean, witnesses: readonly EdgeWitness[] = e.witnesses): OrderEdge {
  return {
    from: e.from,
    to: e.to,
    fromName: lockClassName(e.from, e.fromPkg, qualified),
    toName: lockClassName(e.to, e.toPkg, qualified),
    witnesses: witnesses.map((w) => ({
      fn: w.fn.name,
      file: w.fn.file.path,
      range: w.fn.file.lines.range(w.offset, w.end),
      heldAt: heldLocation(w.heldIn ?? w.fn, w.held),
      chain: w.acq.chain.length
        ? { text: describeChain(w.acq), calls: w.acq.chain.length, lockFn: w.acq.lockFn.name, lockedAt: (message: string) => acquisitionLocation(w.acq, message) }
        : undefined,
      guessedFrom: w.held.guessedFrom,
      heldDisplay: w.held.ref.display,
      belowCondition: w.acq.belowCondition,
    })),
  };
}
