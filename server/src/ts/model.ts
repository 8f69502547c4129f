import type { ContractSourceKind } from '../core/contract-sources';
import type { LineIndex } from '../base/lines';

/**
 * The TypeScript front end's facts, in plain data: lock references, the held set, and what each
 * function does with locks. Nothing here knows ts-morph or the protocol; syntax nodes are kept only
 * as offsets into their file.
 */

/** Where a path starts: `this`, a module-level variable (or import), a parameter, or a local. */
export type RootKind = 'this' | 'global' | 'param' | 'local';

/** An access path such as `this.store.mu`, `cmdLock` or `m`, in one function's names. */
export interface PathRef {
  root: RootKind;
  /** Unique per root: `this`, `global:/abs/locks.ts#cmdLock`, `param:m`, `local:m@120`. */
  rootKey: string;
  rootName: string;
  /** For a parameter: its position, so that a call can substitute the argument. */
  paramIndex?: number;
  path: string[];
}

/** A lock: a path whose value is an async-mutex Mutex, MutexInterface or Semaphore(1). */
export interface LockRef extends PathRef {
  /** The instance, in the function's names: equal keys are the same mutex. */
  key: string;
  display: string;
  /** The lock class, as lock order and the hierarchy see it: `Store.mu`, `cmdLock`. */
  cls?: string;
  /** The class qualified by its declaring file, for the lock graph. */
  node?: string;
  /** The module (file stem) that declares the class, for `pkg.*` in a declared order. */
  pkg?: string;
  /** `Mutex`, `Semaphore(1)`, `MutexInterface (withTimeout)` and so on, for hovers. */
  kind: string;
  /** Taken through tryAcquire(): it rejects instead of waiting, so it never deadlocks. */
  tryOnly?: boolean;
  /** False when the instance is not known (a call result on the path): only the class is. */
  exact: boolean;
}

export function pathKey(p: Pick<PathRef, 'rootKey' | 'path'>): string {
  return [p.rootKey, ...p.path].join('.');
}

export function pathDisplay(p: Pick<PathRef, 'rootName' | 'path'>): string {
  return [p.rootName, ...p.path].join('.');
}

/**
 * A keyed step in a callee's names (`lockMap[address]`, `lockFor(address)`) in the caller's: each parameter
 * named in it becomes the text of the argument passed for it.
 */
export function rekeyStep(step: string, params: readonly string[], argTexts: readonly (string | undefined)[]): string {
  if (!/[[(]/.test(step)) return step;
  return step.replace(/\b[A-Za-z_$][\w$]*\b/g, (w) => {
    const i = params.indexOf(w);
    return i >= 0 && argTexts[i] !== undefined ? argTexts[i]! : w;
  });
}

/** A lock in the held set. */
export interface Held {
  ref: LockRef;
  /** Offsets of the operation that took it (the function name for a contract). */
  site: number;
  siteEnd: number;
  /** Held on entry because the contract says the caller holds it. */
  fromContract?: boolean;
  /** Held by the code around a callback that may run later or elsewhere: it satisfies contracts only. */
  inherited?: boolean;
  /** Held for the callback of runExclusive (or an acquire().then): released by async-mutex itself. */
  scoped?: boolean;
  /** Held on some paths only. */
  maybe?: boolean;
  /** The walk (function body or callback) that acquired it: only that one must release it. */
  unitId?: number;
}

/** A release that happened on every path to here. */
export interface Released { how: string; offset: number }

/** The held set before a statement or an operation: immutable, copied on change. */
export class LockState {
  constructor(readonly held: ReadonlyMap<string, Held> = new Map(), readonly released: ReadonlyMap<string, Released> = new Map()) {}

  static readonly EMPTY = new LockState();

  get(key: string): Held | undefined { return this.held.get(key); }
  all(): Held[] { return [...this.held.values()]; }
  definite(): Held[] { return this.all().filter((h) => !h.maybe); }
  get size(): number { return this.held.size; }

  with(h: Held): LockState {
    const held = new Map(this.held);
    held.set(h.ref.key, h);
    const released = new Map(this.released);
    released.delete(h.ref.key);
    return new LockState(held, released);
  }

  /** The lock's releaser went to someone else (a timer, a caller): not held here any more, and not released either. */
  handOff(key: string): LockState {
    if (!this.held.has(key)) return this;
    const held = new Map(this.held);
    held.delete(key);
    return new LockState(held, this.released);
  }

  without(key: string, how: string, offset: number): LockState {
    const held = new Map(this.held);
    held.delete(key);
    const released = new Map(this.released);
    released.set(key, { how, offset });
    return new LockState(held, released);
  }

  /** Every lock inherited: for a callback that runs while (or after) the caller holds them. */
  inherit(): LockState {
    return new LockState(new Map([...this.held].map(([k, h]) => [k, { ...h, inherited: true }])));
  }

  equals(o: LockState): boolean {
    if (o.held.size !== this.held.size || o.released.size !== this.released.size) return false;
    for (const [k, h] of this.held) {
      const x = o.held.get(k);
      if (!x || !!x.maybe !== !!h.maybe || !!x.inherited !== !!h.inherited) return false;
    }
    for (const k of this.released.keys()) if (!o.released.has(k)) return false;
    return true;
  }

  /** "this.mu (acquired at line 12)"-style summary, or "no locks held". */
  toString(): string {
    return this.held.size === 0 ? 'no locks held' : this.all().map((h) => h.ref.display + (h.maybe ? ' (on some paths)' : '')).join(', ');
  }
}

/** The merge at a join point: a lock held on only one side is held on some paths. Null is unreachable. */
export function join(...states: (LockState | null)[]): LockState | null {
  const live = states.filter((s): s is LockState => s !== null);
  if (live.length === 0) return null;
  if (live.length === 1) return live[0];
  const held = new Map<string, Held>();
  const keys = new Set(live.flatMap((s) => [...s.held.keys()]));
  for (const k of keys) {
    const hs = live.map((s) => s.held.get(k));
    const first = hs.find((h) => h)!;
    const everywhere = hs.every((h) => h);
    held.set(k, { ...first, maybe: !everywhere || hs.some((h) => h?.maybe), inherited: hs.some((h) => h?.inherited) });
  }
  const released = new Map<string, Released>();
  for (const [k, r] of live[0].released) if (live.every((s) => s.released.has(k))) released.set(k, r);
  return new LockState(held, released);
}

/** A contract item: the caller must hold `ref` (in the callee's names), and why we think so. */
export interface Requirement {
  ref: LockRef;
  source: ContractSource;
}

export interface ContractSource {
  kind: ContractSourceKind;
  /** "JSDoc @requires this.mu", "doc comment \"assumes this.mu is held\"", "called by save with this.mu held". */
  describe: string;
  file: string;
  offset: number;
}

/** An operation on a lock inside a function (or a callback in it). */
export interface LockOp {
  op: 'acquire' | 'runExclusive' | 'waitForUnlock' | 'release';
  ref: LockRef;
  start: number;
  end: number;
  /** Where the called expression ends (`this.mu.runExclusive`), before the arguments: what a hover names. */
  calleeEnd: number;
  /** The held set just before it. */
  held: LockState;
  /** The caller waits for it (await, or a returned promise): only then can it deadlock. */
  awaited: boolean;
  /** For a release: through a releaser variable (`release()`) or the mutex (`m.release()`). */
  via?: 'releaser' | 'method';
  releaserKey?: string;
  unit: UnitKind;
  /** The walk (the function's body, or one of its callbacks) the operation is in. */
  /** Inside a branch that a parameter of the function decides (see CallFact.guarded). */
  guarded?: boolean;
  unitId?: number;
  /** The source text of the operation, shortened: `this.mu.acquire()`. */
  text: string;
  /** For a release inside a finally block: where its try statement and the finally block start. */
  inFinally?: { tryStart: number; blockStart: number };
}

/**
 * Where code runs relative to its function: in its own flow, in an awaited callback (runExclusive,
 * an awaited then), inline (forEach, new Promise), or detached (setTimeout, an event handler, a
 * promise nobody awaits), which starts with nothing held.
 */
export type UnitKind = 'function' | 'exclusive' | 'inline' | 'callback' | 'detached';

/** A call of a function of the workspace, or of something unknown. */
export interface CallFact {
  calleeId?: string;
  /** Whether the callee could not be resolved at all (an untyped value): it may need a lock. */
  unresolved: boolean;
  calleeName: string;
  /** Inside a branch that a parameter of the function decides (`options?.skipLock ? a() : lock(a)`). */
  guarded?: boolean;
  /** The call's name (`_save` in `this._save()`), for the diagnostic. */
  nameStart: number;
  nameEnd: number;
  start: number;
  end: number;
  /** The receiver and the arguments as paths in the caller's names, for mapping the callee's contract. */
  receiver?: PathRef;
  args: (PathRef | undefined)[];
  /** The arguments' text on one line, for the keys of keyed locks (`lockFor(id)`). */
  argTexts?: string[];
  held: LockState;
  awaited: boolean;
  unit: UnitKind;
  /** The statement the call is in: where `// LOCK:` annotations go. */
  stmtStart?: number;
  /** The `// LOCK:` comments on that statement (offsets). */
  annotations: number[];
  /** The walk (function body or callback) the call is in. */
  unitId?: number;
  /** For each argument that is a callback walked here: its walk's unit id. */
  callbackUnits?: (number | undefined)[];
  /** The callee is the function's parameter at this index (`cb()` in a lock wrapper). */
  calleeParam?: number;
  /** For such a call: it runs in a finally block or a catch clause, so on a throw too. */
  onThrowToo?: boolean;
  /** Releasers passed as arguments (`this.process(item, release)`): the callee must call them on every path. */
  releasers?: { index: number; ref: LockRef; name: string }[];
  /**
   * Not a call here: the function is passed (`wrap(this.flush)`, `wrap(this.flush.bind(this))`) as
   * argument `index` of `call`, which may run it, holding whatever that callee holds around it.
   */
  passedTo?: { call: CallFact; index: number };
}

export interface ExitFact {
  kind: 'return' | 'end' | 'throw';
  start: number;
  end: number;
  held: LockState;
  unit: UnitKind;
  unitId: number;
}

/** An exception that can leave the function while a lock taken with acquire() is held and no finally releases it. */
export interface ThrowPoint {
  start: number;
  end: number;
  text: string;
  held: LockState;
  unitId: number;
}

/**
 * `return cb()` of a promise, not awaited, inside a try whose finally runs when the promise is returned, not when
 * it settles (see the early-release check). `tryStart`..`finallyStart` is that try's block.
 */
export interface EarlyReturn { start: number; end: number; text: string; held: LockState; unitId: number; tryStart: number; finallyStart: number }

export interface ContinueFact { start: number; end: number; held: LockState; entry: LockState; unitId: number }

/** One function (declaration, method, named arrow, or an anonymous callback's owner) and its flow. */
export interface TsFunction {
  id: string;
  /** `Store.save`, `flush`, `<anonymous>`. */
  name: string;
  /** The bare name, for twin matching: `save`. */
  shortName: string;
  className?: string;
  file: string;
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  /** Where a comment line above the declaration goes. */
  declLineStart: number;
  isAsync: boolean;
  params: string[];
  /** What the function says it needs (JSDoc, prose, isLocked guard, Locked suffix). */
  declared: Requirement[];
  ops: LockOp[];
  calls: CallFact[];
  /** Functions of the workspace passed as arguments (not called here): see CallFact.passedTo. */
  passed: CallFact[];
  exits: ExitFact[];
  throwPoints: ThrowPoint[];
  continues: ContinueFact[];
  earlyReturns: EarlyReturn[];
  /** Lock keys whose release is handed to someone else: a returned or stored releaser, a release in a detached callback. */
  handedOff: Set<string>;
  /** Releaser variables never called nor handed off: key of the lock → variable name. */
  unusedReleasers: Map<string, string>;
  /** The held set before each statement, for hovers: [start, end, state]. */
  statements: [number, number, LockState][];
  /** `lockset:ignore <id>` in the doc comment. */
  ignores: string[];
  /** Declared inside another function: called from code whose held set is not known here. */
  local: boolean;
  /** A `#private` or `private` class member: all its callers are in the workspace. */
  isPrivate?: boolean;
}

/** What one file contributes: its functions, `// LOCK:` comments, declared orders, and suppressions. */
export interface TsFileFacts {
  path: string;
  functions: TsFunction[];
  /** `// LOCK:` comments inside function bodies: [start, end]. */
  lockComments: [number, number][];
  orders: { names: string[]; invalid: string[]; text: string; start: number; end: number }[];
  /** Line (0-based) → check ids suppressed on it by `lockset:ignore`. */
  ignores: Map<number, string[]>;
  lines: LineIndex;
}
