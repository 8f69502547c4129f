import type { GoFile } from '../model/file';
import type { SyntaxNode } from '../syntax/node';
import type { Check } from './check';
import { appendAll } from '../util/arrays';
import type { PackageAnalysis } from '../analysis/package-analysis';
import { lockNodes } from './util';

const LOCK = /^(.*)\.(Lock|RLock)\(\)$/;

/** A `x.Lock()` statement directly followed by `x.Unlock()`: the two statements and the lock's name. */
interface EmptyPair { lock: SyntaxNode; unlock: SyntaxNode; name: string }

export const emptyCriticalSection: Check = {
  id: 'empty-critical-section',
  title: 'A lock is taken and released with nothing in between',
  doc: `A lock is taken and released with nothing in between.

mu.Lock() directly followed by mu.Unlock() protects nothing. Sometimes it is meant as a barrier (wait until
other holders are done); often the guarded code was moved away. Reported as information.`,
  example: 'mu.Lock(); mu.Unlock()',
  defaultSeverity: 'information',
  run(ctx) {
    for (const file of ctx.analysis.pkg.files) {
      for (const p of emptyPairs(file)) {
        ctx.report({
          file: file.path,
          range: file.lines.range(p.lock.start, p.unlock.end),
          message: `empty critical section: ${p.name} is locked and unlocked with nothing in between`,
          related: [], fixes: [],
          locks: lockedAt(ctx.analysis, file, p.lock),
        });
      }
    }
  },
};

/** The lock that the flow saw taken by the pair's Lock statement, as lock-graph nodes; none outside a function. */
function lockedAt(analysis: PackageAnalysis, file: GoFile, stmt: SyntaxNode): string[] {
  for (const [fn, flow] of analysis.flows) {
    if (fn.file !== file || stmt.start < fn.node.start || stmt.end > fn.node.end) continue;
    const e = flow.lockEvents.find((x) => !x.deferred && !x.op.method.endsWith('nlock') && x.node.start >= stmt.start && x.node.end <= stmt.end);
    return e ? lockNodes(analysis.pkg.dir, [e.op.ref]) : [];
  }
  return [];
}

// Pairs are kept per top-level declaration, for the editor: after an edit, the parser re-uses unchanged
// declarations node for node (see parseGoIncremental), so only the edited ones are read again. They are keyed by
// the declaration's children array, not the node: a compacted package (see PackageAnalysis.compact) empties its
// functions' children, and the pairs found below them go with the old array.
const pairsByDecl = new WeakMap<SyntaxNode[], readonly EmptyPair[]>();
const NO_PAIRS: readonly EmptyPair[] = [];

/**
 * The pairs of a file, found from the text: an empty section ends with an Unlock statement, so only the
 * statements around each "nlock" in the text are read, not every node of the declarations that have one.
 */
function emptyPairs(file: GoFile): EmptyPair[] {
  const text = file.parsed.text;
  const pairs: EmptyPair[] = [];
  let at = -1;
  for (const decl of file.parsed.root.children) {
    if (at < decl.start) at = text.indexOf('nlock', decl.start);
    if (at < 0) break;
    if (at >= decl.end) continue;
    let found = pairsByDecl.get(decl.children);
    if (!found) {
      const inDecl: EmptyPair[] = [];
      let last: SyntaxNode | undefined;
      for (; at >= 0 && at < decl.end; at = text.indexOf('nlock', at + 1)) {
        const stmt = statementAt(decl, at);
        if (!stmt || stmt === last) continue;
        last = stmt;
        const pair = pairEndingAt(stmt, file);
        if (pair) inDecl.push(pair);
      }
      pairsByDecl.set(decl.children, (found = inDecl.length ? inDecl : NO_PAIRS));
    }
    at = text.indexOf('nlock', decl.end);
    appendAll(pairs, found);
  }
  return pairs;
}

/** The pair whose Unlock is `stmt`, if the statement before it is the matching Lock. */
function pairEndingAt(stmt: SyntaxNode, file: GoFile): EmptyPair | undefined {
  if (stmt.type !== 'expression_statement') return undefined;
  const prev = previousStatement(stmt);
  if (!prev || prev.type !== 'expression_statement') return undefined;
  const prevText = file.text(prev);
  if (!prevText.includes('Lock')) return undefined;
  const m = LOCK.exec(callText(prevText));
  if (!m || callText(file.text(stmt)) !== `${m[1]}.${m[2] === 'RLock' ? 'RUnlock' : 'Unlock'}()`) return undefined;
  return { lock: prev, unlock: stmt, name: m[1] };
}

/** The statement of the innermost statement list that contains the offset. */
function statementAt(decl: SyntaxNode, offset: number): SyntaxNode | undefined {
  for (let n: SyntaxNode | undefined = innermostAt(decl, offset); n && n !== decl; n = n.parent ?? undefined) {
    if (n.parent?.type === 'statement_list') return n;
  }
  return undefined;
}

/**
 * The innermost node under `root` whose range holds the offset, found by binary search among each node's
 * children (they are in text order): a statement list of a half-typed file can have tens of thousands.
 */
function innermostAt(root: SyntaxNode, offset: number): SyntaxNode {
  let cur = root;
  for (;;) {
    const i = childIndexAt(cur.children, offset);
    if (i < 0) return cur;
    cur = cur.children[i];
  }
}

/** The index of the child whose range holds the offset, or -1; children are in text order and do not overlap. */
function childIndexAt(children: SyntaxNode[], offset: number): number {
  let lo = 0, hi = children.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = children[mid];
    if (offset < c.start) hi = mid - 1;
    else if (offset >= c.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function previousStatement(stmt: SyntaxNode): SyntaxNode | undefined {
  const list = stmt.parent!.children;
  for (let i = childIndexAt(list, stmt.start) - 1; i >= 0; i--) if (list[i].type !== 'comment') return list[i];
  return undefined;
}

function callText(text: string): string {
  return text.replace(/\s+/g, '');
}
