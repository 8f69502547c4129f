/**
 * The two checks of the lock order, written once for every front end: `lock-order-cycle` (a cycle of "B taken while
 * A held" edges) and `lock-hierarchy` (an edge against a declared order, and a declaration that names no lock).
 * A front end describes its edges and where each arises (OrderEdge); this decides what is reported, its severity,
 * message and evidence. The messages are Go's, which the fixtures of both front ends pin.
 */
import type { RelatedLocation } from '../base/finding';
import type { Range } from '../base/lines';

/** One place where an edge arises, as a front end describes it. */
export interface OrderWitness {
  /** The function in which the first lock is held while the second is taken. */
  fn: string;
  file: string;
  /** The Lock call, or the call that leads to it. */
  range: Range;
  /** Where the first lock was taken (or the contract that provides it). */
  heldAt: RelatedLocation;
  /** The calls from `fn` to the Lock, when the second lock is taken in a callee. */
  chain?: {
    /** `save → _write → this.mu.Lock()`, as the front end words a chain. */
    text: string;
    /** How many calls lead there. */
    calls: number;
    /** The function that takes the lock at its end. */
    lockFn: string;
    /** The Lock at the end of the chain, with a message. */
    lockedAt(message: string): RelatedLocation;
  };
  /** Why the first lock is taken to be held when only a guessed contract says so (a twin, a …Locked name, the callers). */
  guessedFrom?: string;
  /** How the first lock is shown (`this.mu`, `vms.mu`). */
  heldDisplay: string;
  /** The condition on a callee's arguments under which the second lock is taken, when there is one. */
  belowCondition?: string;
}

export interface OrderEdge {
  /** Graph nodes (Finding.locks). */
  from: string;
  to: string;
  /** How the two classes are shown. */
  fromName: string;
  toName: string;
  /** The first witness first, then more (a bounded number). */
  witnesses: readonly OrderWitness[];
}

/** What a check reports: a finding without its check id (the runner adds it). */
export interface OrderReport {
  file: string;
  range: Range;
  message: string;
  severity?: 'information';
  related: RelatedLocation[];
  fixes: [];
  locks?: string[];
}

/** Calls between a place and the Lock it reaches beyond which an edge is a guess, as for blocking-under-lock. */
const MAX_SURE_CHAIN = 2;

/**
 * A cycle, reported at its first edge's first witness. `gate` names a lock held at every place of it, which lets
 * only one of them run at a time (the front end decides; see Go's gate-locks). A cycle that is gated, or that rests
 * on a guessed contract, a long call chain or argument values, is information.
 */
export function cycleReport(cycle: readonly OrderEdge[], gate?: string): OrderReport {
  const first = cycle[0].witnesses[0];
  const names = [...cycle.map((e) => e.fromName), cycle[0].fromName].join(' → ');
  const story = cycle.map((e) => `${e.witnesses[0].fn} takes ${e.toName} while holding ${e.fromName}`).join(', and ');
  const gated = gate ? `; every place of it holds ${gate} too, which lets only one of them run at a time, so it cannot deadlock as long as that stays so` : '';
  // An edge seen only where its first lock comes from a guessed contract rests on that guess.
  const guess = cycle.map(guessedEdge).find((g) => g !== undefined);
  // So does one seen only at the end of a long chain of calls, any of which may take another path.
  const long = guess ? undefined : cycle.map(longEdge).find((g) => g !== undefined);
  // And one seen only where a callee gets to the Lock for some values of its arguments.
  const value = guess || long ? undefined : cycle.map(valueEdge).find((g) => g !== undefined);
  const guessed = gate ? '' : guess ? `; it rests on a guess: ${guess}` : long ? `; it rests on a long call chain: ${long}` : value ? `; it rests on argument values: ${value}` : '';
  return {
    file: first.file,
    range: first.range,
    message: `lock order cycle ${names}: ${story}${gated}${guessed}`,
    ...(gate || guess || long || value ? { severity: 'information' as const } : {}),
    related: cycle.flatMap(edgeLocations),
    fixes: [],
    locks: cycle.map((e) => e.from),
  };
}

/** How the first lock of an edge is known to be held, when every witness has it from a guessed contract only. */
function guessedEdge(e: OrderEdge): string | undefined {
  if (!e.witnesses.every((w) => w.guessedFrom)) return undefined;
  const w = e.witnesses[0];
  return `${w.fn} is taken to hold ${w.heldDisplay} because ${w.guessedFrom}`;
}

/** How an edge is reached, when every witness reaches its second lock only through more than MAX_SURE_CHAIN calls. */
function longEdge(e: OrderEdge): string | undefined {
  if (!e.witnesses.every((w) => (w.chain?.calls ?? 0) > MAX_SURE_CHAIN)) return undefined;
  const w = e.witnesses.reduce((a, b) => (b.chain!.calls < a.chain!.calls ? b : a));
  return `${w.fn} reaches ${e.toName} only through ${w.chain!.calls} calls (${w.chain!.text}), any of which may take another path`;
}

/** How an edge is reached, when every witness reaches its second lock only for some values of a callee's arguments. */
function valueEdge(e: OrderEdge): string | undefined {
  const conds = e.witnesses.map((w) => w.belowCondition);
  if (!conds.every((c) => c !== undefined)) return undefined;
  return `${e.witnesses[0].fn} takes ${e.toName} only for some arguments: ${conds[0]}`;
}

function edgeLocations(e: OrderEdge): RelatedLocation[] {
  const w = e.witnesses[0];
  const via = w.chain ? ` via ${w.chain.text}` : '';
  const out = [w.heldAt, { file: w.file, range: w.range, message: `${w.fn} takes ${e.toName} here${via} while holding ${e.fromName}` }];
  if (w.chain) out.push(w.chain.lockedAt(`${e.toName} locked here (in ${w.chain.lockFn})`));
  return out;
}

/** Taking a greater lock of a declared order while a lesser one is held: one report per witness. */
export function hierarchyReports(e: OrderEdge, orderText: string): OrderReport[] {
  return e.witnesses.map((w) => ({
    file: w.file,
    range: w.range,
    message: `taking ${e.toName} while holding ${e.fromName} violates the declared order ${orderText}${w.chain ? ` (path: ${w.fn} → ${w.chain.text})` : ''}`,
    related: [w.heldAt, ...(w.chain ? [w.chain.lockedAt(`${e.toName} locked here`)] : [])],
    fixes: [],
    locks: [e.from, e.to],
  }));
}

/**
 * What is wrong with a `lockset:order` declaration: parts that are no lock name, fewer than two locks, and names
 * that match no lock taken anywhere (`matches` is the front end's test of a name against its lock classes).
 */
export function orderDirectiveProblems(order: { names: readonly string[]; invalid: readonly string[] }, matches: (name: string) => boolean): string[] {
  return [
    ...order.invalid.map((x) => `lockset:order: "${x}" is not a lock name`),
    ...(order.names.length < 2 ? ['lockset:order: an order needs at least two locks, as in cmdLock > vmLock'] : []),
    ...order.names.filter((name) => name !== '*' && !matches(name)).map((name) => `lockset:order names ${name}, which matches no lock that is taken anywhere`),
  ];
}
