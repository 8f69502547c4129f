import type { FuncDecl } from '../model/file';
import type { LockOp, Ref } from '../model/refs';
import type { GoType } from '../model/types';
import type { SyntaxNode } from '../syntax/node';
import type { HeldSet } from './held';

/** How a body runs relative to the function that contains it. */
export type UnitKind = 'function' | 'inline' | 'goroutine' | 'detached' | 'callback' | 'later' | 'deferred';

export interface CallSite {
  node: SyntaxNode;
  /** The callee's name as written (`findVM`, `vm.getTags`'s `getTags`). */
  nameNode: SyntaxNode;
  calleeName: string;
  callee?: FuncDecl;
  /** A call into another package or through a value that cannot be resolved. */
  unresolved: boolean;
  /** The receiver's path for a method call. */
  recv?: Ref;
  /** For a method call on an interface value: the interface's named type, in universal terms. */
  ifaceType?: GoType;
  args: (Ref | undefined)[];
  /** Arguments that name a function or a method value (`handler`, `pkg.F`, `v.Tag`): what a call of them runs. */
  argFuncs?: (FuncValue | undefined)[];
  held: HeldSet;
  /** The call is the `go f()` itself: it runs with nothing held. */
  viaGo: boolean;
  unit: UnitKind;
  /** The boolean variables' values that every path to the call knows (`stop` is false under `if !stop { begin() }`). */
  flags?: ReadonlyMap<string, boolean>;
}

/** A function passed as a value; `recv` is the receiver of a method value, in the caller's names. */
export interface FuncValue { fn: FuncDecl; recv?: Ref }

export interface LockEvent {
  node: SyntaxNode;
  op: LockOp;
  held: HeldSet;
  deferred: boolean;
  unit: UnitKind;
  /** For a deferred Unlock: at some exit the lock was no longer held when it ran. */
  absentAtExit?: boolean;
  /** The boolean variables' values that every path to the event knows (`lock` is true under `if lock { mu.Lock() }`). */
  flags?: ReadonlyMap<string, boolean>;
}

/** A `continue` reached with the held set it carries into the next round, and the loop's entry set. */
export interface LoopContinue {
  node: SyntaxNode;
  held: HeldSet;
  entry: HeldSet;
}

export interface LiteralInfo {
  unit: UnitKind;
  /** The held set of the code that starts or passes the literal. */
  startHeld: HeldSet;
}

export interface ExitPoint {
  node: SyntaxNode;
  held: HeldSet;
  kind: 'return' | 'end' | 'panic';
}

/** An operation that can block the goroutine: a channel operation, a select, a sleep, a wait, I/O, or a call. */
export interface BlockingEvent {
  node: SyntaxNode;
  /** What blocks, as people say it: "channel send", "time.Sleep", "select without default". */
  what: string;
  held: HeldSet;
  unit: UnitKind;
  /** For sync.Cond.Wait: the last name of the condition's own lock (released while waiting), or '?' if unknown. */
  ownLock?: string;
}

/** The access target of a field or variable that another workspace package declares: `<its dir>#store.Store.items`. */
export function foreignTarget(dir: string, pkgName: string, name: string): string {
  return `${dir}#${pkgName}.${name}`;
}

/** An access target as messages write it: `Store.items`, or `store.Store.items` for another package's. */
export function targetDisplay(target: string): string {
  return target.slice(target.indexOf('#') + 1);
}

/** A read or write of a struct field or a package-level variable. */
export interface AccessEvent {
  node: SyntaxNode;
  /** The struct value whose field is accessed (`s` in `s.count`); undefined for a global. */
  base?: Ref;
  /** `Type.field` for a field, the variable name for a global; for another package's, see foreignTarget. */
  target: string;
  field: string;
  write: boolean;
  /** A write into a map (`m[k] = v`, `delete(m, k)`, `clear(m)`). */
  mapWrite: boolean;
  held: HeldSet;
  unit: UnitKind;
}

/** Everything the flow analysis learns about one function declaration, its literals included. */
export interface FunctionFlow {
  decl: FuncDecl;
  calls: CallSite[];
  lockEvents: LockEvent[];
  exits: ExitPoint[];
  /** The held set before each statement (joined over every path and loop round that reaches it). */
  stmtHeld: Map<SyntaxNode, HeldSet>;
  /** Func literals that do not run in place, how they run, and what their starter held. */
  literals: Map<SyntaxNode, LiteralInfo>;
  continues: LoopContinue[];
  blocking: BlockingEvent[];
  accesses: AccessEvent[];
  /** `go` statements with the held set where they run (the OS-thread pseudo-lock included). */
  goStmts: { node: SyntaxNode; held: HeldSet }[];
}
