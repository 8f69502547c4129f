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
  /** The contract does not say whether it is read- or write-held (prose), so mode checks do not apply. */
  modeUnknown?: boolean;
  /** Held by the code that passed a callback which may run later: neither missing nor taken as held there. */
  inherited?: boolean;
  /** For the OS-thread pseudo-lock: the thread-state change made while it was held (netns.Set, ...). */
  stateChangeName?: string;
  stateChangeSite?: SyntaxNode;
}

/**
 * The set of locks held at a program point: an immutable map from lock key to the held lock.
 * Joins are pointwise, so the lattice is small and loops reach their fixpoint in a few rounds.
 */
export class HeldSet {
  static readonly EMPTY = new HeldSet(new Map());
  private constructor(private readonly locks: ReadonlyMap<string, HeldLock>) {}

  get size(): number { return this.locks.size; }
  all(): HeldLock[] { return [...this.locks.values()]; }
  definite(): HeldLock[] { return this.all().filter((l) => !l.maybe); }
  get(key: string): HeldLock | undefined { return this.locks.get(key); }

  with(lock: HeldLock): HeldSet {
    const m = new Map(this.locks);
    m.set(lock.ref.key, lock);
    return new HeldSet(m);
  }

  without(key: string): HeldSet {
    if (!this.locks.has(key)) return this;
    const m = new Map(this.locks);
    m.delete(key);
    return new HeldSet(m);
  }

  join(other: HeldSet): HeldSet {
    if (other === this) return this;
    const m = new Map<string, HeldLock>();
    for (const [k, a] of this.locks) {
      const b = other.locks.get(k);
      if (!b) m.set(k, a.maybe ? a : { ...a, maybe: true });
      else if (a.maybe || b.maybe || a.mode !== b.mode) m.set(k, { ...a, mode: a.mode === 'write' || b.mode === 'write' ? 'write' : 'read', maybe: true });
      else m.set(k, a);
    }
    for (const [k, b] of other.locks) if (!this.locks.has(k)) m.set(k, b.maybe ? b : { ...b, maybe: true });
    return new HeldSet(m);
  }

  equals(other: HeldSet): boolean {
    if (other === this) return true;
    if (other.locks.size !== this.locks.size) return false;
    for (const [k, a] of this.locks) {
      const b = other.locks.get(k);
      if (!b || b.mode !== a.mode || b.maybe !== a.maybe) return false;
    }
    return true;
  }

  /**
   * Whether `ref` is definitely held in at least `mode`. A ref whose instance is unknown
   * (an index or call expression) is satisfied by any held lock of the same class.
   */
  holds(ref: Ref, mode: LockMode): HeldLock | undefined {
    const ok = (l: HeldLock) => !l.maybe && (mode === 'read' || l.mode === 'write');
    const exact = this.locks.get(ref.key);
    if (exact && ok(exact)) return exact;
    if (!ref.exact || ref.rootKind === 'expr') {
      const cls = lockClass(ref);
      return this.all().find((l) => ok(l) && lockClass(l.ref) === cls);
    }
    return undefined;
  }

  /** Whether `ref` is held on some path. */
  maybeHolds(ref: Ref): boolean {
    const l = this.locks.get(ref.key);
    if (l) return true;
    if (!ref.exact) return this.all().some((x) => lockClass(x.ref) === lockClass(ref));
    return false;
  }

  toString(): string {
    if (this.locks.size === 0) return 'no locks held';
    return this.all().map(describeHeld).join(', ');
  }
}

export function describeHeld(l: HeldLock): string {
  return `${l.ref.display}${l.mode === 'read' ? ' (read)' : ''}${l.maybe ? ' (on some paths)' : ''}`;
}
