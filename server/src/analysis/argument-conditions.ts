import type { FuncDecl } from '../model/file';
import type { SyntaxNode } from '../syntax/node';

/**
 * A condition on a function's own parameters under which it reaches `node` (a Lock, or a call that reaches one):
 * `if key == nil { c.accountKID() }`, `if tok, ok := params["token"]; !ok { c.token() }`, said as "load gets
 * there only when key == nil". A caller that holds the lock then deadlocks only for the arguments that meet it,
 * which the analysis does not know: a finding that rests on it rests on a value, not on the code's shape.
 * Conditions on the receiver's state (`if c.key == nil`) do not count: the receiver is the object whose lock
 * is held. Read where the acquisition is made (summaries), while the function's tree is whole.
 */
export function argumentCondition(fn: FuncDecl, node: SyntaxNode): string | undefined {
  const cond = conditionOnParams(fn, node);
  return cond ? `${fn.name} gets there only when ${cond}` : undefined;
}

/** The text of the first if or switch around `node` in `fn` whose test reads one of fn's parameters. */
function conditionOnParams(fn: FuncDecl, node: SyntaxNode): string | undefined {
  const params = new Set(fn.params.map((p) => p.name).filter((n) => n && n !== '_'));
  if (!params.size) return undefined;
  const text = fn.file.parsed.text;
  for (let child = node, n = node.parent; n && n !== fn.node; child = n, n = n.parent) {
    const tested = testedPart(n, child);
    if (!tested) continue;
    const init = n.children.find((c) => c.field === 'initializer');
    // Names the initializer declares from a parameter (`tok, ok := params["token"]`) stand for it in the test.
    const derived = init && readsAny(init, params, text) ? declaredBy(init, text) : [];
    if (readsAny(tested, new Set([...params, ...derived]), text)) return text.slice(tested.start, tested.end).replace(/\s+/g, ' ');
  }
  return undefined;
}

/** The test of an if whose branch holds `child`, or the value of a switch whose case holds it. */
function testedPart(n: SyntaxNode, child: SyntaxNode): SyntaxNode | undefined {
  if (n.type === 'if_statement' && (child.field === 'consequence' || child.field === 'alternative')) return n.children.find((c) => c.field === 'condition');
  if ((n.type === 'expression_switch_statement' || n.type === 'type_switch_statement') && /_case$/.test(child.type)) return n.children.find((c) => c.field === 'value');
  return undefined;
}

function readsAny(root: SyntaxNode, names: ReadonlySet<string>, text: string): boolean {
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    // A name, or the first name of a selector (`opts.token`: a field after a dot is a field_identifier).
    if (n.type === 'identifier' && names.has(text.slice(n.start, n.end))) return true;
    if (n.type === 'func_literal') continue;
    for (const c of n.children) stack.push(c);
  }
  return false;
}

function declaredBy(init: SyntaxNode, text: string): string[] {
  if (init.type !== 'short_var_declaration') return [];
  const left = init.children.find((c) => c.field === 'left');
  return (left?.children ?? []).filter((c) => c.type === 'identifier').map((c) => text.slice(c.start, c.end));
}
