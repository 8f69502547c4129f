// The data a package analysis holds per function, and the view of it that the rules completing it read: they import
// this module, not package-analysis.ts, which imports them (no import cycle).
import type { FuncDecl } from '../model/file';
import type { ParamTest } from './param-conditions';
import type { GoPackage } from '../model/package';
import type { ExprResolver, Ref } from '../model/refs';
import type { SyntaxNode } from '../syntax/node';
import type { Contract } from './contract-types';
import type { CallSite, FunctionFlow } from './flow-types';
import type { HeldLock, LockMode } from './held';

/** One call on the way from a function to a lock acquisition. */
export interface ChainStep { fn: FuncDecl; site: CallSite }

/** A lock that a function takes, itself or through the calls it makes, with how it gets there. */
export interface Acquisition {
  /** The lock in the function's own names; inexact when it cannot be named there. */
  ref: Ref;
  cls: string;
  /** The lock-order graph node of the class (see classNodeOf), fixed where the lock is taken. */
  node?: string;
  /** The name of the package that declares the class. */
  pkg?: string;
  mode: LockMode;
  /**
   * The function that calls Lock, and that call. A node, not an offset: importers copy acquisitions, and
   * a node that an edit elsewhere in its file moves carries them along (see exportSignature).
   */
  lockFn: FuncDecl;
  lockNode: SyntaxNode;
  chain: ChainStep[];
  /** The function had released this lock (its caller's) before taking it again: no double lock for the caller. */
  reacquire?: boolean;
  /** The lock is an object's that a function on the chain allocated and had not shared yet (see isUnshared). */
  unshared?: boolean;
  /**
   * Locks of the function's callers (in the function's names) that a function on the chain had dropped and
   * not yet taken back where this lock is taken (see droppedCallerLocks): it is not taken under them.
   */
  released?: Ref[];
  /** Taken only when these parameters (by index) have these values: `if lock { mu.Lock() }`. */
  when?: { index: number; value: boolean }[];
  /** A condition on the function's own parameters under which it gets to the Lock (see argumentCondition). */
  ownCondition?: string;
  /**
   * The first such condition of a callee on the chain: a caller that holds the lock takes it again only for
   * some values of the arguments it passes on, which the analysis does not know.
   */
  belowCondition?: string;
  /** Taken with TryLock: it never waits, so it cannot deadlock (tailscale's `if m.TryLock() { panic }` assertion). */
  tried?: boolean;
}

/** Why a function may block: the operation, and the calls that lead to it. */
export interface BlockWitness {
  what: string;
  /** The function in which the operation is, and the operation (or the function name, when documented): a node, as in Acquisition. */
  fn: FuncDecl;
  at: SyntaxNode;
  chain: ChainStep[];
  /** For sync.Cond.Wait: the condition's own lock (last name), which the wait releases. */
  ownLock?: string;
  /**
   * When every blocking operation of `fn` itself is under ifs on its parameters: per operation, those tests. A call
   * that rules out each operation's (`lookup(ctx, k, false)` for `if block {...}`) does not block (see blocksAt).
   */
  onlyWhen?: ParamTest[][];
}

/** A function calling one of its func-typed parameters while it holds locks of its own. */
export interface ParamCall {
  index: number;
  name: string;
  site: CallSite;
  held: HeldLock[];
}

/**
 * A package analysis as the rules that complete it read it (summaries, callbacks, the callers rule, requirements,
 * generic locks, fresh values). PackageAnalysis implements it.
 */
export interface PackageAnalysisView {
  readonly pkg: GoPackage;
  readonly contracts: Map<FuncDecl, Contract>;
  readonly flows: Map<FuncDecl, FunctionFlow>;
  /** Per function, the locks it takes (transitively), with call chains. */
  readonly acquisitions: Map<FuncDecl, Acquisition[]>;
  /** The functions that may block, with a witness each. */
  readonly mayBlock: Map<FuncDecl, BlockWitness>;
  resolver(fn: FuncDecl): ExprResolver;
  contractOf(fn: FuncDecl): Contract;
  /** The analysis of an imported package that declares `fn`; undefined for this package's own functions. */
  foreign(fn: FuncDecl): PackageAnalysisView | undefined;
  acquisitionsOf(fn: FuncDecl): Acquisition[] | undefined;
  flowOf(fn: FuncDecl): FunctionFlow | undefined;
  paramCallsOf(fn: FuncDecl): ParamCall[] | undefined;
  callSitesOf(callees: ReadonlySet<FuncDecl>): Map<FuncDecl, { caller: FuncDecl; site: CallSite }[]>;
}
