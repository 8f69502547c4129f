import type { GoFile } from '../model/file';
import type { Ref } from '../model/refs';
import { child, type SyntaxNode } from '../syntax/node';
import type { HeldSet } from './held';

/**
 * Whether a lock needed at `node` is held under another name that a condition around it made equal:
 * `if si.acc == acc { si.acc.getServiceExport(...) }` with acc.mu held needs si.acc.mu, which is acc.mu there
 * ("lock only when not the same account"). Read from the `==` tests (or `&&` chains of them) of the if
 * statements whose then-block holds the node, and from the `!=` tests whose else-block does.
 */
export function heldThroughEquality(file: GoFile, node: SyntaxNode, ref: Ref, held: HeldSet): boolean {
  const display = ref.display;
  const names = held.definite().map((h) => h.ref.display);
  if (names.length === 0) return false;
  for (let n: SyntaxNode | null = node; n?.parent; n = n.parent) {
    const parent: SyntaxNode = n.parent;
    if (parent.type === 'function_declaration' || parent.type === 'method_declaration' || parent.type === 'func_literal') break;
    if (parent.type !== 'if_statement') continue;
    const branch = n.field === 'consequence' ? '==' : n.field === 'alternative' && n.type === 'block' ? '!=' : undefined;
    const cond = child(parent, 'condition');
    if (!branch || !cond) continue;
    for (const [a, b] of equalities(file, cond, branch)) {
      for (const [from, to] of [[a, b], [b, a]]) {
        if (!display.startsWith(`${from}.`)) continue;
        const other = to + display.slice(from.length);
        if (names.includes(other)) return true;
      }
    }
  }
  return false;
}

/** The pairs of expressions that `cond` makes equal when it is true (`==`) or false (`!=`). */
function equalities(file: GoFile, cond: SyntaxNode, op: '==' | '!='): [string, string][] {
  if (cond.type === 'parenthesized_expression' && cond.children.length === 1) return equalities(file, cond.children[0], op);
  if (cond.type !== 'binary_expression') return [];
  const left = child(cond, 'left'), right = child(cond, 'right');
  if (!left || !right) return [];
  // Both sides of `a && b` hold when it is true, both of `a || b` fail when it is false.
  if ((op === '==' && cond.op === '&&') || (op === '!=' && cond.op === '||')) return [...equalities(file, left, op), ...equalities(file, right, op)];
  if (cond.op !== op) return [];
  return [[file.text(left), file.text(right)]];
}
