import type { GoFile } from '../model/file';
import type { SyntaxNode } from '../syntax/node';
import type { LockEvent } from './flow-types';
import { appendAll } from '../util/arrays';

/** `// LOCK: ...`: the writer asserts that the locks needed here are held. */
export const LOCK_ANNOTATION = /\bLOCK:/;

const STATEMENT_TYPES = new Set(['short_var_declaration', 'var_declaration', 'const_declaration']);

export function isStatement(n: SyntaxNode): boolean {
  return n.type.endsWith('_statement') || STATEMENT_TYPES.has(n.type);
}

/** The innermost statement around a node, not leaving the func literal (or function) it is in. */
export function enclosingStatement(n: SyntaxNode): SyntaxNode | undefined {
  for (let p: SyntaxNode | null = n; p; p = p.parent) {
    if (isStatement(p)) return p;
    if (p.type === 'func_literal' || p.type === 'function_declaration' || p.type === 'method_declaration') return undefined;
  }
  return undefined;
}

/**
 * The comments that annotate a statement: the comment block directly above its first line,
 * and trailing comments on its first and last lines.
 */
export function annotatingComments(file: GoFile, stmt: SyntaxNode): SyntaxNode[] {
  const first = file.lines.lineOf(stmt.start);
  const last = file.lines.lineOf(stmt.end);
  const out = [...file.commentsAbove(first), ...file.commentsOnLine(first, stmt.start).filter((c) => !file.isOwnLine(c))];
  if (last !== first) appendAll(out, file.commentsOnLine(last, stmt.end));
  return out;
}

/** The `// LOCK:` comments that annotate the statement around `node`. */
export function lockAnnotations(file: GoFile, node: SyntaxNode): SyntaxNode[] {
  const stmt = enclosingStatement(node);
  if (!stmt) return [];
  return annotatingComments(file, stmt).filter((c) => LOCK_ANNOTATION.test(file.text(c)));
}

/** The file's `// LOCK:` comments on lines of their own, in text order; per parse. */
const ownLineByParse = new WeakMap<object, SyntaxNode[]>();

function ownLineLockComments(file: GoFile): SyntaxNode[] {
  let out = ownLineByParse.get(file.parsed);
  if (!out) ownLineByParse.set(file.parsed, (out = file.parsed.comments.filter((c) => LOCK_ANNOTATION.test(file.text(c)) && file.isOwnLine(c))));
  return out;
}

/** Nodes whose statements a comment between them stands among: its region ends where they end. */
const STATEMENT_CONTAINERS = new Set(['block', 'statement_list', 'expression_case', 'type_case', 'communication_case', 'default_case']);

/** The innermost statement container in `body` around an offset. */
export function containerAt(body: SyntaxNode, offset: number): SyntaxNode {
  let container = body;
  for (let cur: SyntaxNode | undefined = body; cur;) {
    if (STATEMENT_CONTAINERS.has(cur.type)) container = cur;
    cur = cur.children.find((c) => c.start <= offset && offset < c.end);
  }
  return container;
}

/** Whether a `// LOCK:` text says the lock is held and names it: "we already hold the cmdLock" names cmdLock. */
export function namesHeldLock(text: string, display: string): boolean {
  if (!/\b(hold|holds|held|holding|locked|owns?)\b/i.test(text)) return false;
  const last = display.slice(display.lastIndexOf('.') + 1);
  const words = [display];
  // A distinctive last name (vmLock, clientLock) names the lock too; `mu` or `lock` alone names nothing.
  if (last !== display && last.length >= 4 && !/^(lock|mutex|rwlock|mtx|rwmu|rwmutex)$/i.test(last)) words.push(last);
  // A display of half-typed code can hold any character: every one is matched as itself.
  return words.some((w) => new RegExp(String.raw`(^|[^\w.])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\w])`).test(text));
}

/**
 * The `// LOCK:` comments whose region holds `node`, nearest first: a comment on its own line in `body` asserts
 * what it says from its line to the end of the block it stands in (minimega's "this is a CLI handler so we
 * already hold the cmdLock" above a loop). Which locks it names is for the caller to read (namesHeldLock).
 */
export function regionAnnotations(file: GoFile, body: SyntaxNode, node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const c of ownLineLockComments(file)) {
    if (c.start < body.start || c.end > node.start) continue;
    if (containerAt(body, c.start).end >= node.end) out.push(c);
  }
  return out.reverse();
}

/**
 * The nearest `// LOCK:` whose region holds `node` and that names the lock as held, unless the function unlocks
 * that lock between the comment and the node (`// LOCK: t.mu is held above` ... t.mu.Unlock() ... t.get()).
 */
export function regionNaming(file: GoFile, body: SyntaxNode | undefined, node: SyntaxNode, lock: { key: string; display: string }, events: readonly LockEvent[]): SyntaxNode | undefined {
  if (!body) return undefined;
  const c = regionAnnotations(file, body, node).find((x) => namesHeldLock(file.text(x), lock.display));
  const released = c && events.some((e) => e.op.ref.key === lock.key && /nlock$/.test(e.op.method) && !e.deferred && e.node.start > c.end && e.node.start < node.start);
  return released ? undefined : c;
}
