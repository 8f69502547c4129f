import type { GoFile } from '../model/file';
import type { SyntaxNode } from '../syntax/node';
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
