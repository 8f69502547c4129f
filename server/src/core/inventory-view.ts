/**
 * The Lock Explorer's list, finished the same way for every front end: each lock class the front end found (with
 * its acquisitions, declaration and guards) gets whether it is on a cycle, its place in a declared order, and the
 * findings that name it as data (Finding.locks): a lock name in a message would be a guess.
 */
import type { Finding } from '../base/finding';
import { lockProblem, type LockInfoOf } from './views';

export interface InventoryFacts {
  /** The graph nodes on a cycle. */
  inCycle: ReadonlySet<string>;
  /** "2 of 3 in cmdLock > vmLock > VM.lock" for a class in a declared order. */
  orderOf(node: string, info: LockInfoOf): string | undefined;
  findings: readonly Finding[];
}

/** The locks by graph node, finished and sorted by class. */
export function finishLockInventory(byNode: ReadonlyMap<string, LockInfoOf>, facts: InventoryFacts): LockInfoOf[] {
  for (const [node, info] of byNode) {
    info.inCycle = facts.inCycle.has(node);
    const order = facts.orderOf(node, info);
    if (order !== undefined) info.order = order;
    info.problems = facts.findings.filter((f) => f.locks?.includes(node)).map((f) => lockProblem(f));
  }
  return [...byNode.values()].sort((a, b) => a.cls.localeCompare(b.cls));
}

/** A class's place in the last declared order that ranks it (rank from the front end's own matching). */
export function orderText(orders: readonly { names: readonly string[]; text: string }[], rank: (o: number) => number): string | undefined {
  let out: string | undefined;
  orders.forEach((o, i) => {
    const r = rank(i);
    if (r >= 0) out = `${r + 1} of ${o.names.length} in ${o.text}`;
  });
  return out;
}
