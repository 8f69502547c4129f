import type { CallSite, FunctionFlow, LockEvent } from '../analysis/flow-types';
import type { HeldSet } from '../analysis/held';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { FuncDecl, GoFile } from '../model/file';
import type { SyntaxNode } from '../syntax/node';

export interface Located {
  fn?: FuncDecl;
  flow?: FunctionFlow;
  /** The call whose callee name is under the cursor. */
  call?: CallSite;
  /** The declaration whose name is under the cursor. */
  declared?: FuncDecl;
  /** The Lock/Unlock call under the cursor. */
  lockEvent?: LockEvent;
  /** The held set of the innermost statement around the cursor. */
  held?: HeldSet;
  stmt?: SyntaxNode;
}

/** What sits at an offset of a file, in the terms of the lock analysis. */
export function locate(analysis: PackageAnalysis, file: GoFile, offset: number): Located {
  const within = (n: SyntaxNode) => n.start <= offset && offset <= n.end;
  const fn = file.funcs.find((d) => within(d.node));
  if (!fn) return {};
  const out: Located = { fn, flow: analysis.flows.get(fn) };
  if (within(fn.nameNode)) out.declared = fn;
  out.call = out.flow?.calls.find((c) => within(c.nameNode));
  out.lockEvent = out.flow?.lockEvents.find((e) => within(e.node));
  // The innermost statement with a recorded held set.
  let best: SyntaxNode | undefined;
  for (const [stmt, held] of out.flow?.stmtHeld ?? []) {
    if (within(stmt) && (!best || stmt.end - stmt.start < best.end - best.start)) { best = stmt; out.held = held; }
  }
  out.stmt = best;
  return out;
}
