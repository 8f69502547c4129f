import type { FuncDecl } from '../model/file';
import type { Ref } from '../model/refs';
import type { GoType } from '../model/types';
import { child, childrenOf, type SyntaxNode } from '../syntax/node';
import type { AccessEvent } from './flow-types';

/**
 * The locals of a function that only ever hold a value it allocated itself (`x := &T{...}`, `x := T{}`,
 * `x := new(T)`, `var x T`): a value nothing else can reach yet, so accesses to its fields need no lock
 * (net/http's `mlw := &maxLatencyWriter{...}; mlw.flushPending = true`). A name assigned anything else anywhere
 * in the body, a func literal's included, is not one.
 */
export function freshLocals(fn: FuncDecl): ReadonlySet<string> {
  return factsOf(fn).locals;
}

/**
 * A lock of a fresh local's own (`c.mu`, or the local mutex itself) at `offset`, before the function
 * publishes the local (see publishedAt): no other goroutine can hold it or wait for it, so it orders nothing
 * and needs no holding. A lock reached through a pointer field (`c.srv.mu`) is someone else's.
 */
export function isUnshared(fn: FuncDecl, ref: Ref, offset: number): boolean {
  if (ref.rootKind !== 'local' || ref.path.length > 1 || (ref.path.length === 1 && !isOwnValue(ref.type))) return false;
  const facts = factsOf(fn);
  if (!facts.locals.has(ref.root)) return false;
  facts.published ??= publishedAt(fn.body!, fn.file.parsed.text, facts);
  return offset < (facts.published.get(declKey(facts, ref.root, offset))?.start ?? Infinity);
}

/** An access through a fresh local (see freshLocals) in the function's own body, not in a goroutine or a callback. */
export function isFreshAccess(fn: FuncDecl, a: AccessEvent): boolean {
  return a.base?.rootKind === 'local' && (a.unit === 'function' || a.unit === 'inline') && freshLocals(fn).has(a.base.root);
}

/** A field that the object holds by value (a sync.Mutex), not a pointer or interface to another's lock. */
export function isOwnValue(t: GoType): boolean {
  return t.kind === 'struct' || (t.kind === 'named' && !(t.pkg === 'sync' && t.name === 'Locker'));
}

interface FreshFacts {
  locals: ReadonlySet<string>;
  /**
   * Where each fresh local is assigned: a loop that contains none of them sees one value on every round. Kept
   * as nodes, never offsets: an edit above the function moves its nodes, and these facts are kept with them.
   */
  assigned: Map<string, SyntaxNode[]>;
  /** Where each fresh local is declared, with the block (or statement) its declaration is visible in. */
  decls: Map<string, { name: SyntaxNode; scope: SyntaxNode }[]>;
  /** Per declaration of a fresh local (see declKey), the node from whose start it is published. */
  published?: Map<string, SyntaxNode>;
}

const NONE: FreshFacts = { locals: new Set(), assigned: new Map(), decls: new Map() };

/**
 * The declaration of `id` visible at `pos`, as a key: two variables of one name in sibling blocks (`o :=` in an
 * early-return branch, and `o :=` after it) are published apart.
 */
function declKey(facts: FreshFacts, id: string, pos: number): string {
  let best = -1, at = -1;
  (facts.decls.get(id) ?? []).forEach((d, i) => {
    if (d.name.start <= pos && d.scope.start <= pos && pos < d.scope.end && d.name.start > at) { best = i; at = d.name.start; }
  });
  return `${id}@${best}`;
}

/** The block or statement that a declaration at `n` is visible in. */
function declScope(n: SyntaxNode): SyntaxNode {
  let s = n.parent;
  while (s && !SCOPES.has(s.type)) s = s.parent;
  return s ?? n;
}

const SCOPES = new Set(['block', 'if_statement', 'for_statement', 'expression_switch_statement', 'type_switch_statement',
  'expression_case', 'type_case', 'default_case', 'communication_case', 'func_literal']);
const byBody = new WeakMap<SyntaxNode, FreshFacts>();

function factsOf(fn: FuncDecl): FreshFacts {
  const body = fn.body;
  if (!body) return NONE;
  let known = byBody.get(body);
  if (!known) byBody.set(body, (known = scan(body, fn.file.parsed.text)));
  return known;
}

function scan(body: SyntaxNode, text: string): FreshFacts {
  const fresh = new Set<string>(), other = new Set<string>();
  const assigned = new Map<string, SyntaxNode[]>();
  const decls = new Map<string, { name: SyntaxNode; scope: SyntaxNode }[]>();
  const note = (name: SyntaxNode | undefined, value: SyntaxNode | undefined, declaredOnly: boolean, declares = false) => {
    if (name?.type !== 'identifier') return;
    const id = text.slice(name.start, name.end);
    if (declares) {
      const d = { name, scope: declScope(name) };
      const list = decls.get(id);
      if (list) list.push(d); else decls.set(id, [d]);
    }
    if (value ? isAllocation(value, text) : declaredOnly) fresh.add(id); else other.add(id);
    const at = assigned.get(id);
    if (at) at.push(name); else assigned.set(id, [name]);
  };
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'short_var_declaration' || n.type === 'assignment_statement') {
      const left = child(n, 'left')?.children.filter(isNamed) ?? [];
      const right = child(n, 'right')?.children.filter(isNamed) ?? [];
      // `a, b := f()`: a call's several results are not allocations of this function.
      left.forEach((l, i) => note(l, left.length === right.length ? right[i] : undefined, false, n.type === 'short_var_declaration'));
    } else if (n.type === 'var_spec') {
      const names = childrenOf(n, 'name');
      const values = child(n, 'value')?.children.filter(isNamed) ?? [];
      // `var x T` is a zero value of this function's own; `var x = f()` is not an allocation.
      names.forEach((name, i) => note(name, values.length === names.length ? values[i] : undefined, values.length === 0 && !isPointerSpec(n), true));
    } else if (n.type === 'range_clause' || n.type === 'receive_statement') {
      for (const l of child(n, 'left')?.children ?? []) note(l, undefined, false);
    }
    for (const c of n.children) stack.push(c);
  }
  for (const id of other) fresh.delete(id);
  return fresh.size ? { locals: fresh, assigned, decls } : NONE;
}

/**
 * For each fresh local, the offset from which other goroutines may reach it: its first use as a value (an
 * argument, an assigned or returned value, an element, a send), a `go` method call on it, or a func literal
 * that captures it and does not run in place. A deferred literal runs at the return, after the whole body: what
 * it does there publishes nothing earlier. A use inside a loop that does not assign the local publishes it
 * from the loop's start, since the next round sees the same value. Field accesses and method calls on the
 * local do not publish it (a method that stores its receiver somewhere is not followed).
 */
function publishedAt(body: SyntaxNode, text: string, facts: FreshFacts): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  const publish = (id: string, use: SyntaxNode) => {
    const loop = loopAround(use, facts.assigned.get(id) ?? [], body);
    const from = loop && loop.start < use.start ? loop : use;
    const key = declKey(facts, id, use.start);
    const had = out.get(key);
    if (!had || from.start < had.start) out.set(key, from);
  };
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'func_literal' && !runsInPlace(n, text)) {
      for (const id of capturedFrom(n, text, facts.locals)) publish(id, n);
      continue;
    }
    // A deferred literal runs as the function returns, after every point of the body.
    if (n.type === 'func_literal' && n.parent?.parent?.type === 'defer_statement') continue;
    if (n.type === 'identifier') {
      const id = text.slice(n.start, n.end);
      if (facts.locals.has(id) && isPublishingUse(n)) publish(id, n);
    }
    for (const c of n.children) stack.push(c);
  }
  return out;
}

export function isPublishingUse(id: SyntaxNode): boolean {
  const p = id.parent;
  if (!p) return false;
  if (p.type === 'selector_expression' && id.field === 'operand') {
    let top = p;
    while (top.parent?.type === 'selector_expression' && top.field === 'operand') top = top.parent;
    // `go c.loop()`: the goroutine has c.
    return top.field === 'function' && top.parent?.type === 'call_expression' && top.parent.parent?.type === 'go_statement';
  }
  if (p.type === 'expression_list' && p.field === 'left') return false;
  if (p.type === 'var_spec' && id.field === 'name') return false;
  if (p.type === 'binary_expression' && (p.op === '==' || p.op === '!=')) return false;
  return true;
}

/**
 * A func literal called on the spot (`func() {...}()`, `defer func() {...}()`) runs as part of the function,
 * and so does one handed to a standard function that calls it before returning (`rand.Shuffle(n, func...)`).
 */
export function runsInPlace(lit: SyntaxNode, text: string): boolean {
  const call = lit.parent;
  if (call?.type === 'call_expression' && lit.field === 'function' && call.parent?.type !== 'go_statement') return true;
  const outer = call?.type === 'argument_list' ? call.parent : undefined;
  const fn = outer?.type === 'call_expression' && outer.parent?.type !== 'go_statement' ? child(outer, 'function') : undefined;
  return !!fn && SYNCHRONOUS_CALLERS.test(text.slice(fn.start, fn.end));
}

/** Standard functions that call their func arguments before they return and keep none. */
const SYNCHRONOUS_CALLERS = /^(sort\.(Slice|SliceStable|Search)|slices\.\w+Func|rand\.Shuffle|strings\.(Map|\w+Func)|bytes\.(Map|\w+Func))$/;

export function capturedFrom(lit: SyntaxNode, text: string, locals: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const stack = [lit];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier') {
      const id = text.slice(n.start, n.end);
      if (locals.has(id)) out.add(id);
    }
    for (const c of n.children) stack.push(c);
  }
  return out;
}

/** The outermost loop around `use` that assigns the local nowhere inside. */
function loopAround(use: SyntaxNode, assigned: SyntaxNode[], body: SyntaxNode): SyntaxNode | undefined {
  let from: SyntaxNode | undefined;
  for (let n = use.parent; n && n !== body; n = n.parent) {
    if (n.type === 'for_statement' && !assigned.some((a) => a.start >= n!.start && a.start < n!.end)) from = n;
  }
  return from;
}

/** An element of an expression list that is an expression: not its comma, not a comment. */
export function isNamed(n: SyntaxNode): boolean {
  return n.type !== ',' && n.type !== 'comment';
}

/** `var p *T`: a nil pointer, which an assignment later points at something. */
function isPointerSpec(spec: SyntaxNode): boolean {
  return child(spec, 'type')?.type === 'pointer_type';
}

export function isAllocation(e: SyntaxNode, text: string): boolean {
  if (e.type === 'composite_literal') return true;
  if (e.type === 'unary_expression' && e.op === '&') return child(e, 'operand')?.type === 'composite_literal';
  if (e.type === 'call_expression') {
    const fn = child(e, 'function');
    return fn?.type === 'identifier' && text.slice(fn.start, fn.end) === 'new';
  }
  return false;
}

/**
 * Whether the access's base is a local that the statements just before it, in the same statement list, last set
 * to an allocation (`x = &T{...}; m[k] = x; x.kind = k`): checklocks' exemption for a new object, which holds
 * whatever is done with it in between. Straight-line only: an assignment of the local inside an earlier
 * statement's branch, or a label in between, answers no.
 */
export function allocatedJustBefore(fn: FuncDecl, a: AccessEvent): boolean {
  if (a.base?.rootKind !== 'local' || a.base.path.length > 0 || (a.unit !== 'function' && a.unit !== 'inline')) return false;
  const text = fn.file.parsed.text;
  const id = a.base.root;
  let stmt: SyntaxNode | null = a.node;
  while (stmt && stmt.parent?.type !== 'statement_list') stmt = stmt.parent;
  const list = stmt?.parent;
  if (!stmt || !list) return false;
  const siblings = list.children.filter(isNamed);
  for (let i = siblings.indexOf(stmt) - 1; i >= 0; i--) {
    const s = siblings[i];
    if (s.type === 'labeled_statement') return false;
    const value = assignedValue(s, id, text);
    if (value === null) return false;
    if (value) return isAllocation(value, text);
  }
  return false;
}

/** In statement `s`: the value it gives `id` at its top level (undefined: none), or null when it sets id some other way. */
function assignedValue(s: SyntaxNode, id: string, text: string): SyntaxNode | undefined | null {
  if (s.type === 'short_var_declaration' || s.type === 'assignment_statement') {
    const left = child(s, 'left')?.children.filter(isNamed) ?? [];
    const right = child(s, 'right')?.children.filter(isNamed) ?? [];
    const i = left.findIndex((l) => l.type === 'identifier' && text.slice(l.start, l.end) === id);
    if (i >= 0) return left.length === right.length ? right[i] : null;
  }
  // Set anywhere deeper (a branch, a closure, &id handed on): not straight-line.
  let deeper = false;
  const stack = [...s.children];
  while (stack.length && !deeper) {
    const n = stack.pop()!;
    if ((n.type === 'short_var_declaration' || n.type === 'assignment_statement') && (child(n, 'left')?.children ?? []).some((l) => l.type === 'identifier' && text.slice(l.start, l.end) === id)) deeper = true;
    else if (n.type === 'unary_expression' && n.op === '&' && text.slice(n.start, n.end).replace(/\s/g, '') === `&${id}`) deeper = true;
    else stack.push(...n.children);
  }
  return deeper ? null : undefined;
}
