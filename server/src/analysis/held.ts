import { lockClass, type Ref } from '../model/refs';
import type { SyntaxNode } from '../syntax/node';

export type LockMode = 'write' | 'read';

export interface HeldLock {
  ref: Ref;
  mode: LockMode;
  /** Held on only some of the paths that reach this point: neither reported as missing nor taken as held. */
  maybe: boolean;
  /**
   * The acquisition (or the function name, when the contract provides the lock). A node, not an offset:
   * a flow re-used after an edit elsewhere in the file stays right when the node moves.
   */
  site: SyntaxNode;
  /** The function's own contract provides it. */
  fromContract?: boolean;
  /**
   * That contract is a guess, not declared (a `…Locked` name, the callers rule, a twin, the body): how it was
   * guessed. A finding that rests on it is information (README, Confidence).
   */
  guessedFrom?: string;
  /** The contract does not say whether it is read- or write-held (prose), so mode checks do not apply. */
  modeUnknown?: boolean;
  /** Held by the code that passed a callback which may run later: neither missing nor taken as held there. */
  inherited?: boolean;
  /** For the OS-thread pseudo-lock: the thread-state change made while it was held (netns.Set, ...). */
  stateChangeName?: string;
  stateChangeSite?: SyntaxNode;
  /** A copy under another name that a `+checklocksalias` of the function gives the lock of this key. */
  aliasOf?: string;
  /**
   * Maybe held only because paths hold it in different modes (read-locked on one, write-locked on another, as a
   * closure called under RLock and again under Lock): at least read-held on every path.
   */
  mixedMode?: boolean;
  /** Taken by a call that hands the lock back with a result (`c, unlock := p.getLocked(h)`), held unless it is nil. */
  viaResult?: boolean;
  /** Held exactly when the boolean variable `name` is `value` (`if locked { mu.Lock() }`); such a lock is maybe held. */
  guard?: LockGuard;
}

/** `onlyIf`: held only where `name` is `value`, perhaps not even there (`if ok && x { mu.Lock() }`). */
export interface LockGuard { name: string; value: boolean; onlyIf?: boolean }

/**
 * The set of locks held at a program point: an immutable list of held locks, one per lock key, in the order
 * they were first taken. A handful of locks at most are held at once: a short array costs a fraction of a
 * Map's memory (flows and summaries keep many sets) and less to copy.
 * Joins are pointwise, so the lattice is small and loops reach their fixpoint in a few rounds.
 */
export class HeldSet {
  static readonly EMPTY = new HeldSet([]);
  private constructor(private readonly locks: readonly HeldLock[]) {}

  get size(): number { return this.locks.length; }
  all(): HeldLock[] { return this.locks.slice(); }
  definite(): HeldLock[] { return this.locks.filter((l) => !l.maybe); }
  get(key: string): HeldLock | undefined {
    for (const l of this.locks) if (l.ref.key === key) return l;
    return undefined;
  }

  private indexOf(key: string): number {
    for (let i = 0; i < this.locks.length; i++) if (this.locks[i].ref.key === key) return i;
    return -1;
  }

  /** The set with `lock` added, or in place of the lock of the same key (which keeps its place). */
  with(lock: HeldLock): HeldSet {
    const i = this.indexOf(lock.ref.key);
    // concat makes an array of the exact size (a push would leave room to grow in a set that may live long).
    if (i < 0) return new HeldSet(this.locks.concat(lock));
    const m = this.locks.slice();
    m[i] = lock;
    return new HeldSet(m);
  }

  /**
   * After `name = ...`: the locks reached through the variable's earlier value are still held, but no longer by
   * that name (`c = parent` then `c.mu.Lock()` locks another mutex). They keep their class, inexactly.
   */
  reassigned(name: string): HeldSet {
    const through = (l: HeldLock) => l.ref.root === name && l.ref.exact && l.ref.rootKind !== 'global' && l.ref.rootKind !== 'expr';
    if (!this.locks.some(through)) return this;
    return new HeldSet(this.locks.map((l) => (through(l) ? { ...l, ref: { ...l.ref, key: `(${l.ref.key} before ${name} was reassigned)`, exact: false } } : l)));
  }

  without(key: string): HeldSet {
    const i = this.indexOf(key);
    if (i < 0) return this;
    const m = this.locks.slice();
    m.splice(i, 1);
    return new HeldSet(m);
  }

  /**
   * Pointwise; a guard survives where both sides carry it (weakened to "only if" when one side does), and where
   * one side does not hold the lock at all, as "only if" (see joinStates for guards made at a join).
   */
  join(other: HeldSet): HeldSet {
    if (other === this) return this;
    const m: HeldLock[] = [];
    for (const a of this.locks) {
      const b = other.get(a.ref.key);
      if (!b) m.push(oneSided(a));
      else if (a.maybe || b.maybe || a.mode !== b.mode) {
        const same = a.guard && b.guard && sameGuard(a.guard, b.guard, true) && a.mode === b.mode;
        const guard = same ? (a.guard!.onlyIf ? a.guard : b.guard) : undefined;
        const mixedMode = heldOnEveryPath(a) && heldOnEveryPath(b) ? true : undefined;
        m.push({ ...a, mode: a.mode === 'write' || b.mode === 'write' ? 'write' : 'read', maybe: true, guard, mixedMode });
      } else m.push(a);
    }
    for (const b of other.locks) if (this.indexOf(b.ref.key) < 0) m.push(oneSided(b));
    return new HeldSet(m);
  }

  /**
   * The set as the branch where `name` is `value` sees it: locks guarded by name are held there (still maybe,
   * for an "only if" guard), or not.
   */
  assuming(name: string, value: boolean): HeldSet {
    if (!this.locks.some((l) => l.guard?.name === name)) return this;
    const m: HeldLock[] = [];
    for (const l of this.locks) {
      if (l.guard?.name !== name) m.push(l);
      else if (l.guard.value === value) m.push({ ...l, maybe: l.guard.onlyIf === true, guard: undefined });
    }
    return new HeldSet(m);
  }

  /** After `name` is assigned: its locks are still maybe held, but no longer as it says. */
  unguarded(name: string): HeldSet {
    if (!this.locks.some((l) => l.guard?.name === name)) return this;
    return new HeldSet(this.locks.map((l) => (l.guard?.name === name ? { ...l, guard: undefined } : l)));
  }

  equals(other: HeldSet): boolean {
    if (other === this) return true;
    if (other.locks.length !== this.locks.length) return false;
    for (const a of this.locks) {
      const b = other.get(a.ref.key);
      if (!b || b.mode !== a.mode || b.maybe !== a.maybe || !b.mixedMode !== !a.mixedMode || !sameGuard(a.guard, b.guard)) return false;
    }
    return true;
  }

  /**
   * Whether `ref` is definitely held in at least `mode`. A ref whose instance is unknown
   * (an index or call expression) is satisfied by any held lock of the same class.
   */
  holds(ref: Ref, mode: LockMode): HeldLock | undefined {
    const ok = (l: HeldLock) => !l.maybe && (mode === 'read' || l.mode === 'write');
    const exact = this.get(ref.key);
    if (exact && ok(exact)) return exact;
    if (!ref.exact || ref.rootKind === 'expr') {
      const cls = lockClass(ref);
      return this.locks.find((l) => ok(l) && lockClass(l.ref) === cls);
    }
    return undefined;
  }

  /** Whether `ref` is held on some path. */
  maybeHolds(ref: Ref): boolean {
    if (this.get(ref.key)) return true;
    if (!ref.exact) return this.locks.some((x) => lockClass(x.ref) === lockClass(ref));
    return false;
  }

  toString(): string {
    if (this.locks.length === 0) return 'no locks held';
    return this.locks.map(describeHeld).join(', ');
  }
}

/** `anyKind`: an "only if" guard and an exact one of the same name and value count as the same. */
function sameGuard(a: LockGuard | undefined, b: LockGuard | undefined, anyKind = false): boolean {
  return a === b || (!!a && !!b && a.name === b.name && a.value === b.value && (anyKind || !a.onlyIf === !b.onlyIf));
}

/** Held, in some mode, on every path that the lock's entry stands for. */
export function heldOnEveryPath(l: HeldLock): boolean {
  return !l.maybe || l.mixedMode === true;
}

/** A lock held on one side of a join only: maybe held, and held only where its guard (if any) says. */
function oneSided(l: HeldLock): HeldLock {
  if (l.maybe && !l.guard && !l.mixedMode) return l;
  return { ...l, maybe: true, mixedMode: undefined, guard: l.guard ? { name: l.guard.name, value: l.guard.value, onlyIf: true } : undefined };
}

export function describeHeld(l: HeldLock): string {
  return `${l.ref.display}${l.mode === 'read' ? ' (read)' : ''}${l.maybe ? ' (on some paths)' : ''}`;
}
