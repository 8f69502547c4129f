import type { FuncDecl } from '../model/file';
import type { LockOp, Ref } from '../model/refs';
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
  args: (Ref | undefined)[];
  held: HeldSet;
  /** The call is the `go f()` itself: it runs with nothing held. */
  viaGo: boolean;
  unit: UnitKind;
}

export interface LockEvent {
  node: SyntaxNode;
  op: LockOp;
  held: HeldSet;
  deferred: boolean;
  unit: UnitKind;
  /** For a deferred Unlock: at some exit the lock was no longer held when it ran. */
  absentAtExit?: boolean;
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
}
