import type { SyntaxNode } from '../syntax/node';
import type { FuncDecl } from '../model/file';
import { appendAll } from '../util/arrays';
import { HeldSet, type HeldLock, type LockGuard } from './held';

// Boolean variables that decide whether a lock is taken: `if locked { mu.Lock() } ... if locked { mu.Unlock() }`,
// `released := false ... mu.Unlock(); released = true`. The flow keeps the values that a path knows of such a
// variable, and a lock held on exactly the paths where it has one value is held "as the variable says" (a guard).

/** The values of the tracked booleans that a path knows; undefined when it knows none. */
export type Flags = ReadonlyMap<string, boolean> | undefined;

const DECLARING = new Set(['short_var_declaration', 'range_clause', 'receive_statement']);

/**
 * The names that a path's knowledge of can be trusted, each with the offset from which it no longer can: never
 * assigned inside a func literal (which may run at any time), address never taken, and declared once in the
 * function (its literals included), or else trusted only before its second declaration (`tl, exists := ...` in
 * an inner block shadows the outer `exists`: a use after that point may mean either variable).
 */
export function trackableFlags(decl: SyntaxNode, text: string): Map<string, number> {
  const declared = new Map<string, number[]>();
  const spoiled = new Set<string>();
  const name = (n: SyntaxNode) => text.slice(n.start, n.end);
  const count = (n: SyntaxNode) => {
    if (n.type !== 'identifier') return;
    const at = declared.get(name(n));
    if (at) at.push(n.start); else declared.set(name(n), [n.start]);
  };
  const stack: { n: SyntaxNode; inLit: boolean }[] = [{ n: decl, inLit: false }];
  while (stack.length) {
    const { n, inLit } = stack.pop()!;
    if (DECLARING.has(n.type)) {
      for (const id of n.children.find((c) => c.field === 'left')?.children ?? []) count(id);
    } else if (n.type === 'var_spec' || n.type === 'const_spec' || n.type === 'parameter_declaration' || n.type === 'variadic_parameter_declaration') {
      for (const id of n.children) if (id.field === 'name') count(id);
    } else if (n.type === 'type_switch_statement') {
      for (const id of n.children.find((c) => c.field === 'alias')?.children ?? []) count(id);
    } else if (inLit && (n.type === 'assignment_statement' || n.type === 'inc_statement' || n.type === 'dec_statement')) {
      for (const id of n.children.find((c) => c.field === 'left')?.children ?? n.children.slice(0, 1)) if (id.type === 'identifier') spoiled.add(name(id));
    } else if (n.type === 'unary_expression' && n.op === '&') {
      const operand = n.children.find((c) => c.field === 'operand');
      if (operand?.type === 'identifier') spoiled.add(name(operand));
    }
    const lit = inLit || n.type === 'func_literal';
    for (const c of n.children) stack.push({ n: c, inLit: lit });
  }
  const out = new Map<string, number>();
  for (const [n, at] of declared) {
    if (spoiled.has(n)) continue;
    at.sort((a, b) => a - b);
    out.set(n, at.length === 1 ? Infinity : at[1]);
  }
  return out;
}

/** `true` or `false` written as such; undefined for any other expression. */
export function boolLiteral(n: SyntaxNode | undefined, text: string): boolean | undefined {
  const t = n ? text.slice(n.start, n.end) : '';
  return t === 'true' ? true : t === 'false' ? false : undefined;
}

export function withFlag(flags: Flags, name: string, value: boolean | undefined): Flags {
  if (flags?.get(name) === value) return flags;
  if (value === undefined && !flags?.has(name)) return flags;
  const m = new Map(flags ?? []);
  if (value === undefined) m.delete(name); else m.set(name, value);
  return m.size ? m : undefined;
}

/** The values that every path agrees on. */
export function joinFlags(all: Flags[]): Flags {
  const [first, ...rest] = all;
  if (!first || rest.every((f) => f === first)) return first;
  let out: Map<string, boolean> | undefined;
  for (const [k, v] of first) if (rest.every((f) => f?.get(k) === v)) (out ??= new Map()).set(k, v);
  return out;
}

export function sameFlags(a: Flags, b: Flags): boolean {
  if (a === b) return true;
  if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
  for (const [k, v] of a ?? []) if (b?.get(k) !== v) return false;
  return true;
}

/**
 * `joined` (the pointwise join of the paths' held sets) with a guard on each lock that every path holds
 * exactly as one variable says: held where the path knows it is `value`, absent where it knows the other
 * value, or already guarded by it. Failing that, an "only if" guard: every path that holds the lock at all
 * knows the variable is `value` there (`if exists && ok { mu.Lock() }`).
 */
export function guardJoined(joined: HeldSet, paths: { held: HeldSet; flags: Flags }[]): HeldSet {
  let out = joined;
  for (const l of joined.all()) {
    if (!l.maybe || (l.guard && !l.guard.onlyIf)) continue;
    const guard = candidates(l, paths[0]).find((g) => paths.every((p) => agrees(p, l.ref.key, g.name, g.value)));
    if (guard) out = out.with({ ...l, guard, mode: paths.map((p) => p.held.get(l.ref.key)?.mode).find(Boolean) ?? l.mode });
    else if (!l.guard) {
      const onlyIf = onlyIfGuard(l.ref.key, paths);
      if (onlyIf) out = out.with({ ...l, guard: onlyIf });
    }
  }
  return out;
}

function candidates(l: HeldLock, p: { held: HeldSet; flags: Flags }): LockGuard[] {
  const h = p.held.get(l.ref.key);
  if (h?.guard) return h.guard.onlyIf ? [] : [h.guard];
  const out: LockGuard[] = [];
  for (const [name, v] of p.flags ?? []) appendAll(out, [{ name, value: h && !h.maybe ? v : !v }]);
  return out;
}

function agrees(p: { held: HeldSet; flags: Flags }, key: string, name: string, value: boolean): boolean {
  const h = p.held.get(key);
  if (h?.guard) return !h.guard.onlyIf && h.guard.name === name && h.guard.value === value;
  const known = p.flags?.get(name);
  if (known === undefined) return false;
  return h ? !h.maybe && known === value : known !== value;
}

/** The one value of one variable that every path holding the lock knows (or is guarded by); undefined when none. */
function onlyIfGuard(key: string, paths: { held: HeldSet; flags: Flags }[]): LockGuard | undefined {
  let common: Map<string, boolean> | undefined;
  for (const p of paths) {
    const h = p.held.get(key);
    if (!h) continue;
    let known: Map<string, boolean>;
    if (h.guard) known = new Map([[h.guard.name, h.guard.value]]);
    else if (h.maybe || !p.flags) return undefined;
    else known = new Map(p.flags);
    if (common) for (const [k, v] of common) { if (known.get(k) !== v) common.delete(k); }
    else common = known;
    if (!common.size) return undefined;
  }
  const first = common?.entries().next().value as [string, boolean] | undefined;
  return first ? { name: first[0], value: first[1], onlyIf: true } : undefined;
}

/** Whether no statement of `root` assigns `name` (`name = ...`, `name, err = ...`): a parameter keeps the caller's value. */
export function neverAssigned(root: SyntaxNode, name: string, text: string): boolean {
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'assignment_statement') {
      for (const id of n.children.find((c) => c.field === 'left')?.children ?? []) if (id.type === 'identifier' && text.slice(id.start, id.end) === name) return false;
    }
    appendAll(stack, n.children);
  }
  return true;
}

/** Whether an assignment in the function writes `path` (`s.mu = nil`) or a path it goes through (`s.cfg = c` for `s.cfg.mu`). */
export function assignsPath(root: SyntaxNode, path: string, text: string): boolean {
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'assignment_statement') {
      for (const x of n.children.find((c) => c.field === 'left')?.children ?? []) {
        const written = text.slice(x.start, x.end).replace(/\s+/g, '');
        if (written === path || path.startsWith(`${written}.`)) return true;
      }
    }
    appendAll(stack, n.children);
  }
  return false;
}

const definitions = new WeakMap<SyntaxNode, Map<string, SyntaxNode | null>>();

/**
 * What a boolean's value says of the function's flag parameters, when it is declared once as
 * `direct := ok && lock` (or `skip := held || ...`) and neither it nor those parameters are assigned again:
 * where direct is true, every conjunct was true when it was computed, and a parameter that is never
 * assigned still is. Pairs of parameter name and the value it must have.
 */
export function impliedFlags(fn: FuncDecl, name: string, value: boolean): [string, boolean][] {
  const text = fn.file.parsed.text;
  const def = definitionOf(fn.node, name, text);
  if (!def || !neverAssigned(fn.node, name, text)) return [];
  const out: [string, boolean][] = [];
  const visit = (e: SyntaxNode | undefined, v: boolean): void => {
    if (!e) return;
    if (e.type === 'parenthesized_expression') visit(e.children[0], v);
    else if (e.type === 'unary_expression' && e.op === '!') visit(e.children.find((c) => c.field === 'operand'), !v);
    else if (e.type === 'binary_expression' && (e.op === '&&' ? v : e.op === '||' && !v)) {
      visit(e.children.find((c) => c.field === 'left'), v);
      visit(e.children.find((c) => c.field === 'right'), v);
    } else if (e.type === 'identifier') {
      const p = text.slice(e.start, e.end);
      if (p !== name && fn.params.some((x) => x.name === p) && neverAssigned(fn.node, p, text)) out.push([p, v]);
    }
  };
  visit(def, value);
  return out;
}

/** The value of the one `name := expr` (or `var name = expr`) in the function; undefined when there is not exactly one. */
function definitionOf(root: SyntaxNode, name: string, text: string): SyntaxNode | undefined {
  let cache = definitions.get(root);
  if (!cache) definitions.set(root, (cache = new Map()));
  if (cache.has(name)) return cache.get(name) ?? undefined;
  let found: SyntaxNode | null | undefined;
  const stack = [root];
  while (stack.length && found !== null) {
    const n = stack.pop()!;
    let value: SyntaxNode | undefined, names: SyntaxNode[] = [];
    if (n.type === 'short_var_declaration') {
      names = n.children.find((c) => c.field === 'left')?.children ?? [];
      value = n.children.find((c) => c.field === 'right')?.children[0];
      if ((n.children.find((c) => c.field === 'right')?.children.length ?? 0) !== 1) value = undefined;
    } else if (n.type === 'var_spec') {
      names = n.children.filter((c) => c.field === 'name');
      value = n.children.find((c) => c.field === 'value')?.children[0];
      if ((n.children.find((c) => c.field === 'value')?.children.length ?? 0) !== 1) value = undefined;
    }
    if (names.some((id) => text.slice(id.start, id.end) === name)) found = found === undefined && names.length === 1 && value ? value : null;
    appendAll(stack, n.children);
  }
  cache.set(name, found ?? null);
  return found ?? undefined;
}
