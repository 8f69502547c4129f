// The lock-order graph's edges, apart from lock-graph.ts so that gate-locks.ts, which it imports, can read them.
import type { FuncDecl } from '../model/file';
import type { HeldLock } from './held';
import type { Acquisition } from './package-analysis-types';

/** Why the edge "B taken while A held" exists: one place where it happens. */
export interface EdgeWitness {
  /** The function in which A is held while B is taken. */
  fn: FuncDecl;
  held: HeldLock;
  /** The acquisition of B, in fn's names, with the call chain from fn. */
  acq: Acquisition;
  /** Where in fn: the Lock call, or the name of the call that leads to it. */
  offset: number;
  end: number;
  /** Where `held` is held when not in fn: the callee that runs a callback under its own lock. */
  heldIn?: FuncDecl;
  /**
   * The class nodes of the other locks definitely held there (a gate lock that serialises the two orders of a
   * cycle makes it harmless: see lock-order-cycle). Empty where not known (a callback's).
   */
  gates: string[];
}

export interface LockEdge {
  /** Graph nodes are lock classes, qualified by package so that equal type names in two packages differ. */
  from: string;
  to: string;
  fromCls: string;
  toCls: string;
  /** The names of the packages that declare the two classes (for `pkg.*` in a declared order). */
  fromPkg: string;
  toPkg: string;
  /** The first place where the edge arises; `witnesses` holds it first, then more (a bounded number). */
  witness: EdgeWitness;
  witnesses: EdgeWitness[];
}
