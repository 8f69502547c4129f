import type { FuncDecl } from '../model/file';
import { child, childrenOf, type SyntaxNode } from '../syntax/node';
import type { AccessEvent } from './flow-types';

/**
 * The locals of a function that only ever hold a value it allocated itself (`x := &T{...}`, `x := T{}`,
 * `x := new(T)`, `var x T`): a value nothing else can reach yet, so accesses to its fields need no lock
 * (net/http's `mlw := &maxLatencyWriter{...}; mlw.flushPending = true`). A name assigned anything else anywhere
 * in the body, a func literal's included, is not one.
 */
export function freshLocals(fn: FuncDecl): ReadonlySet<string> {
  const body = fn.body;
  if (!body) return NONE;
  let known = byBody.get(body);
  if (!known) byBody.set(body, (known = scan(body, fn.file.parsed.text)));
  return known;
}

/** An access through a fresh local (see freshLocals) in the function's own body, not in a goroutine or a callback. */
export function isFreshAccess(fn: FuncDecl, a: AccessEvent): boolean {
  return a.base?.rootKind === 'local' && (a.unit === 'function' || a.unit === 'inline') && freshLocals(fn).has(a.base.root);
}

const NONE: ReadonlySet<string> = new Set();
const byBody = new WeakMap<SyntaxNode, ReadonlySet<string>>();

function scan(body: SyntaxNode, text: string): ReadonlySet<string> {
  const fresh = new Set<string>(), other = new Set<string>();
  const note = (name: SyntaxNode | undefined, value: SyntaxNode | undefined, declaredOnly: boolean) => {
    if (name?.type !== 'identifier') return;
    const id = text.slice(name.start, name.end);
    if (value ? isAllocation(value, text) : declaredOnly) fresh.add(id); else other.add(id);
  };
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'short_var_declaration' || n.type === 'assignment_statement') {
      const left = child(n, 'left')?.children.filter(isNamed) ?? [];
      const right = child(n, 'right')?.children.filter(isNamed) ?? [];
      // `a, b := f()`: a call's several results are not allocations of this function.
      left.forEach((l, i) => note(l, left.length === right.length ? right[i] : undefined, false));
    } else if (n.type === 'var_spec') {
      const names = childrenOf(n, 'name');
      const values = child(n, 'value')?.children.filter(isNamed) ?? [];
      // `var x T` is a zero value of this function's own; `var x = f()` is not an allocation.
      names.forEach((name, i) => note(name, values.length === names.length ? values[i] : undefined, values.length === 0 && !isPointerSpec(n)));
    } else if (n.type === 'range_clause' || n.type === 'receive_statement') {
      for (const l of child(n, 'left')?.children ?? []) note(l, undefined, false);
    }
    for (const c of n.children) stack.push(c);
  }
  for (const id of other) fresh.delete(id);
  return fresh.size ? fresh : NONE;
}

function isNamed(n: SyntaxNode): boolean {
  return n.type !== ',' && n.type !== 'comment';
}

/** `var p *T`: a nil pointer, which an assignment later points at something. */
function isPointerSpec(spec: SyntaxNode): boolean {
  return child(spec, 'type')?.type === 'pointer_type';
}

function isAllocation(e: SyntaxNode, text: string): boolean {
  if (e.type === 'composite_literal') return true;
  if (e.type === 'unary_expression' && e.op === '&') return child(e, 'operand')?.type === 'composite_literal';
  if (e.type === 'call_expression') {
    const fn = child(e, 'function');
    return fn?.type === 'identifier' && text.slice(fn.start, fn.end) === 'new';
  }
  return false;
}
