import { gateOf } from '../analysis/gate-locks';
import { describeChain } from '../analysis/summaries';
import { MAX_WITNESSES } from '../analysis/lock-graph';
import type { LockEdge } from '../analysis/lock-graph-types';
import { involvesPackages, lockClassName } from '../model/class-name';
import type { Check } from './check';
import type { RelatedLocation } from '../base/finding';
import { acquisitionLocation, heldLocation, related } from './util';

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
      const first = cycle[0].witness;
      if (!files.has(first.fn.file)) continue;
      // A cycle that spans packages names every lock with its package, the same way from every package.
      const cross = involvesPackages(cycle.flatMap((e) => [e.fromPkg, e.toPkg]));
      const from = (e: LockEdge) => lockClassName(e.from, e.fromPkg, cross);
      const to = (e: LockEdge) => lockClassName(e.to, e.toPkg, cross);
      const names = [...cycle.map(from), from(cycle[0])].join(' → ');
      const story = cycle.map((e) => `${e.witness.fn.name} takes ${to(e)} while holding ${from(e)}`).join(', and ');
      // A lock held wherever every edge arises serialises the orders: the cycle cannot close.
      const gate = gateOf(cycle, MAX_WITNESSES);
      const gated = gate ? `; every place of it holds ${gateName(ctx.graph.edges, gate, cross)} too, which lets only one of them run at a time, so it cannot deadlock as long as that stays so` : '';
      // An edge seen only where its first lock comes from a guessed contract rests on that guess.
      const guess = cycle.map(guessedEdge).find((g) => g !== undefined);
      // So does one seen only at the end of a long chain of calls, any of which may take another path.
      const long = guess ? undefined : cycle.map((e) => longEdge(e, to(e))).find((g) => g !== undefined);
      // And one seen only where a callee gets to the Lock for some values of its arguments.
      const value = guess || long ? undefined : cycle.map((e) => valueEdge(e, to(e))).find((g) => g !== undefined);
      const guessed = gate ? '' : guess ? `; it rests on a guess: ${guess}` : long ? `; it rests on a long call chain: ${long}` : value ? `; it rests on argument values: ${value}` : '';
      ctx.report({
        file: first.fn.file.path,
        range: first.fn.file.lines.range(first.offset, first.end),
        message: `lock order cycle ${names}: ${story}${gated}${guessed}`,
        severity: gate || guess || long || value ? 'information' : undefined,
        related: cycle.flatMap((e) => edgeLocations(e, from(e), to(e))),
        fixes: [],
        locks: cycle.map((e) => e.from),
      });
    }
  },
};

/** A gate lock (a graph node) by the naming rule, with its package as an edge of the graph records it. */
function gateName(edges: readonly LockEdge[], node: string, qualified: boolean): string {
  const e = edges.find((x) => x.from === node || x.to === node);
  const pkg = e ? (e.from === node ? e.fromPkg : e.toPkg) : undefined;
  return pkg === undefined ? node.slice(node.indexOf('|') + 1) : lockClassName(node, pkg, qualified);
}

/** How the first lock of an edge is known to be held, when every witness has it from a guessed contract only. */
function guessedEdge(e: LockEdge): string | undefined {
  const all = e.witnesses;
  if (!all.every((w) => w.held.guessedFrom)) return undefined;
  return `${e.witness.fn.name} is taken to hold ${e.witness.held.ref.display} because ${e.witness.held.guessedFrom}`;
}

/** Calls between a place and the Lock it reaches beyond which an edge is a guess, as for blocking-under-lock. */
const MAX_SURE_CHAIN = 2;

/** How an edge is reached, when every witness reaches its second lock only through more than MAX_SURE_CHAIN calls. */
function longEdge(e: LockEdge, toName: string): string | undefined {
  const all = e.witnesses;
  if (!all.every((w) => w.acq.chain.length > MAX_SURE_CHAIN)) return undefined;
  const w = all.reduce((a, b) => (b.acq.chain.length < a.acq.chain.length ? b : a));
  return `${w.fn.name} reaches ${toName} only through ${w.acq.chain.length} calls (${describeChain(w.acq)}), any of which may take another path`;
}

/** How an edge is reached, when every witness reaches its second lock only for some values of a callee's arguments. */
function valueEdge(e: LockEdge, toName: string): string | undefined {
  const all = e.witnesses;
  const conds = all.map((w) => w.acq.belowCondition);
  if (!conds.every((c) => c !== undefined)) return undefined;
  return `${e.witness.fn.name} takes ${toName} only for some arguments: ${conds[0]}`;
}

function edgeLocations(e: LockEdge, fromName: string, toName: string): RelatedLocation[] {
  const w = e.witness;
  const via = w.acq.chain.length ? ` via ${describeChain(w.acq)}` : '';
  const out = [
    heldLocation(w.heldIn ?? w.fn, w.held),
    related(w.fn.file, w.offset, w.end, `${w.fn.name} takes ${toName} here${via} while holding ${fromName}`),
  ];
  if (w.acq.chain.length) out.push(acquisitionLocation(w.acq, `${toName} locked here (in ${w.acq.lockFn.name})`));
  return out;
}
