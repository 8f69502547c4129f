import type { FuncDecl, GoFile } from '../model/file';
import type { SyntaxNode } from '../syntax/node';
import { containerAt, isStatement } from './annotations';
import type { FunctionFlow } from './flow-types';
import { allGuards, guardFacts, guardKey } from './guards';
import type { PackageAnalysis } from './package-analysis';
import { requirementsAt } from './requirements';

// gVisor's `+checklocksforce`: a comment at the end of a statement's line, or on its own line above it, asserts that
// the locks the statement needs are held, from it to the end of its block. Checked where a lock is needed (guarded
// accesses, calls with a contract), not added to the held sets: the assertion satisfies needs and makes no finding
// of its own (no double lock, no lock held at a return).

const FORCE = /\+checklocksforce\b/;

/** A `+checklocksforce` comment, the statement it annotates, and the end of the block around that statement. */
interface ForcedRegion { comment: SyntaxNode; stmt: SyntaxNode; end: number }

const forceByParse = new WeakMap<object, SyntaxNode[]>();

/** The file's `+checklocksforce` comments, per parse. */
function forceComments(file: GoFile): SyntaxNode[] {
  let out = forceByParse.get(file.parsed);
  if (!out) forceByParse.set(file.parsed, (out = file.parsed.comments.filter((c) => FORCE.test(file.text(c)))));
  return out;
}

/** The `+checklocksforce` regions of a function's body (none in almost every function). */
export function forcedRegions(fn: FuncDecl): ForcedRegion[] {
  const body = fn.body;
  const comments = body ? forceComments(fn.file).filter((c) => c.start >= body.start && c.end <= body.end) : [];
  if (!body || comments.length === 0) return [];
  const out: ForcedRegion[] = [];
  for (const comment of comments) {
    const container = containerAt(body, comment.start);
    const list = container.type === 'block' ? container.children.find((c) => c.type === 'statement_list') : container;
    const stmts = (list?.children ?? []).filter((s) => s.type !== 'comment' && isStatement(s));
    const line = fn.file.lines.lineOf(comment.start);
    // On its own line: the statement below; at the end of a line: the statement that ends on that line.
    const stmt = fn.file.isOwnLine(comment)
      ? stmts.find((s) => s.start >= comment.end)
      : stmts.filter((s) => s.start < comment.start && fn.file.lines.lineOf(s.end) === line).pop();
    if (stmt) out.push({ comment, stmt, end: container.end });
  }
  return out;
}

/**
 * Whether a need of the lock `key` at `node` is met by a `+checklocksforce`: the node lies in a forced statement's
 * region, that statement needs the same lock (a guarded field it accesses, a call whose contract asks for it),
 * and the function does not unlock that lock between the statement and the node.
 */
export function isForcedHeld(analysis: PackageAnalysis, fn: FuncDecl, flow: FunctionFlow, node: SyntaxNode, key: string): boolean {
  const regions = forcedRegions(fn);
  if (regions.length === 0) return false;
  for (const r of regions) {
    if (node.start < r.stmt.start || node.end > r.end) continue;
    if (!neededBy(analysis, fn, flow, r.stmt).has(key)) continue;
    const released = flow.lockEvents.some((e) => e.op.ref.key === key && e.op.method.endsWith('nlock') && !e.deferred && e.node.start >= r.stmt.end && e.node.start < node.start);
    if (!released) return true;
  }
  return false;
}

/** The keys of the locks that a statement needs: the guards of the fields it accesses, and its calls' contracts. */
function neededBy(analysis: PackageAnalysis, fn: FuncDecl, flow: FunctionFlow, stmt: SyntaxNode): Set<string> {
  const inside = (n: SyntaxNode) => n.start >= stmt.start && n.end <= stmt.end;
  const keys = new Set<string>();
  const { guards } = guardFacts(analysis);
  for (const a of flow.accesses) {
    const g = inside(a.node) ? guards.get(a.target) : undefined;
    for (const x of g ? allGuards(g) : []) {
      const k = guardKey(a, x);
      if (k) keys.add(k);
    }
  }
  for (const site of flow.calls) {
    if (!inside(site.node)) continue;
    for (const r of requirementsAt(analysis, fn, site)) if (r.held !== 'unresolved') keys.add(r.ref.key);
  }
  return keys;
}
