import type { FuncDecl } from '../model/file';
import type { Ref } from '../model/refs';
import { child, walk, type SyntaxNode } from '../syntax/node';
import { capturedFrom, freshLocals, isAllocation, isNamed, isOwnValue, isPublishingUse, runsInPlace } from './fresh';
import type { CallSite, FunctionFlow } from './flow-types';
import type { PackageAnalysisView } from './package-analysis-types';

/**
 * A lock of a local's own (`mb.mu`, or `cfg` that embeds its mutex) at a call, when the value the local holds
 * there is one that nothing else can reach yet: the last assignment before the call, in a block around it,
 * gave it an allocation (`cfg = &gatewayCfg{...}`, though cfg held a shared value before) or the result of a
 * package function that returns only objects it allocated (`mb := fs.initMsgBlock(i)`), and the local has
 * not been handed on since (see isPublishingUse). Unlike isUnshared, it reads the callee's body, so it is
 * asked at check time, not while a flow is computed.
 */
export function isFreshValueAt(analysis: PackageAnalysisView, fn: FuncDecl, flow: FunctionFlow, ref: Ref, site: CallSite): boolean {
  return isFreshAt(analysis, fn, flow, ref, site.node, site.nameNode.start);
}

/**
 * The same for the lock of a local at any node of the body, up to offset `until` (a Lock call: `upv = &poolVal{};
 * upv.Lock()` in a function where upv was also read from a map, which freshLocals does not count as fresh).
 */
export function isFreshAt(analysis: PackageAnalysisView, fn: FuncDecl, flow: FunctionFlow, ref: Ref, node: SyntaxNode, until: number): boolean {
  if (ref.rootKind !== 'local' || ref.path.length > 1 || (ref.path.length === 1 && !isOwnValue(ref.type))) return false;
  const body = fn.body;
  if (!body) return false;
  const text = fn.file.parsed.text;
  const name = ref.root;
  if (hasGoto(body)) return false;
  const assignment = lastAssignment(node, body, text, name);
  if (!assignment) return false;
  const value = assignedValue(assignment, text, name);
  if (!value) return false;
  if (!isAllocation(value, text)) {
    const callee = value.type === 'call_expression' ? flow.calls.find((c) => c.node === value)?.callee : undefined;
    if (!callee || !returnsFresh(analysis, callee)) return false;
  }
  return !publishedBetween(body, text, name, assignment, until, (use) => passedToKeeper(analysis, flow, use));
}

/**
 * Whether a use of a local hands it to code that may keep it: anything but an argument of a package function
 * whose parameter goes nowhere (nomad's `tr.pauser = newPauseGate(tr)`, whose parameter is unnamed or only
 * read). Such a function neither stores, returns, sends nor passes the parameter on, nor captures it in a
 * func literal: the value stays the caller's own.
 */
function passedToKeeper(analysis: PackageAnalysisView, flow: FunctionFlow, use: SyntaxNode): boolean {
  const args = use.parent;
  const call = args?.type === 'argument_list' ? args.parent : undefined;
  if (call?.type !== 'call_expression') return true;
  const callee = flow.calls.find((c) => c.node === call)?.callee;
  if (!callee?.body || analysis.foreign(callee)) return true;
  const index = args!.children.filter(isNamed).indexOf(use);
  const param = callee.params[Math.min(index, callee.params.length - 1)];
  if (index < 0 || !param) return true;
  if (param.name === '_') return false;
  const text = callee.file.parsed.text;
  let kept = false;
  walk(callee.body, (n) => {
    if (kept) return false;
    if (n.type === 'func_literal' && !runsInPlace(n, text) && capturedFrom(n, text, new Set([param.name])).size > 0) kept = true;
    else if (n.type === 'identifier' && text.slice(n.start, n.end) === param.name && isPublishingUse(n)) kept = true;
    return !kept;
  });
  return kept;
}

/** The loops around the offset that do not contain the assignment: their next round sees the same value. */
function loopsRepeating(body: SyntaxNode, at: number, assignment: SyntaxNode): SyntaxNode[] {
  const loops: SyntaxNode[] = [];
  for (let n: SyntaxNode | null = nodeAt(body, at); n && n !== body; n = n.parent) {
    if (n.type === 'for_statement' && !(assignment.start >= n.start && assignment.end <= n.end)) loops.push(n);
  }
  return loops;
}

/** The statement that last assigns `name` before `from` on every path: a preceding statement of a block around it. */
function lastAssignment(from: SyntaxNode, body: SyntaxNode, text: string, name: string): SyntaxNode | undefined {
  for (let cur = from; cur !== body && cur.parent; cur = cur.parent) {
    if (cur.type === 'func_literal' && !runsInPlace(cur, text)) return undefined;
    const siblings = cur.parent.children;
    for (let i = siblings.indexOf(cur) - 1; i >= 0; i--) {
      const s = siblings[i];
      if (assignsDirectly(s, text, name)) return s;
      // An assignment inside an earlier if or loop may or may not have run.
      if (assignsWithin(s, text, name)) return undefined;
    }
  }
  return undefined;
}

function assignsDirectly(s: SyntaxNode, text: string, name: string): boolean {
  if (s.type === 'short_var_declaration' || (s.type === 'assignment_statement' && (s.op === undefined || s.op === '='))) {
    return leftNames(s, text).includes(name);
  }
  if (s.type === 'var_declaration') return s.children.some((spec) => spec.type === 'var_spec' && specNames(spec, text).includes(name));
  return false;
}

function assignsWithin(n: SyntaxNode, text: string, name: string): boolean {
  const stack = [n];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'identifier' && text.slice(x.start, x.end) === name) {
      const p = x.parent;
      if (p?.type === 'expression_list' && p.field === 'left') return true;
      if (p?.type === 'var_spec' && x.field === 'name') return true;
      if (p?.type === 'inc_statement' || p?.type === 'dec_statement') return true;
    }
    for (const c of x.children) stack.push(c);
  }
  return false;
}

/** The value an assignment gives `name`; the first result of a call that gives several. */
function assignedValue(s: SyntaxNode, text: string, name: string): SyntaxNode | undefined {
  const spec = s.type === 'var_declaration' ? s.children.find((c) => c.type === 'var_spec' && specNames(c, text).includes(name)) : undefined;
  const names = spec ? specNames(spec, text) : leftNames(s, text);
  const values = (spec ? child(spec, 'value') : child(s, 'right'))?.children.filter(isNamed) ?? [];
  const i = names.indexOf(name);
  if (values.length === names.length) return values[i];
  return values.length === 1 && i === 0 && values[0].type === 'call_expression' ? values[0] : undefined;
}

function leftNames(s: SyntaxNode, text: string): string[] {
  return (child(s, 'left')?.children.filter(isNamed) ?? []).map((l) => (l.type === 'identifier' ? text.slice(l.start, l.end) : ''));
}

function specNames(spec: SyntaxNode, text: string): string[] {
  return spec.children.filter((c) => c.field === 'name').map((c) => text.slice(c.start, c.end));
}

/** A use of the local between the assignment and `until` that hands it on, or one in a loop that repeats the call but not the assignment. */
function publishedBetween(body: SyntaxNode, text: string, name: string, assignment: SyntaxNode, until: number, publishes: (use: SyntaxNode) => boolean): boolean {
  const loops = loopsRepeating(body, until, assignment);
  if (escapes(body, text, name, (lit) => lit.start < until || loops.some((l) => lit.start >= l.start && lit.end <= l.end))) return true;
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier' && text.slice(n.start, n.end) === name && isPublishingUse(n) && publishes(n)) {
      if ((n.start >= assignment.end && n.start < until) || loops.some((l) => n.start >= l.start && n.end <= l.end)) return true;
    }
    for (const c of n.children) stack.push(c);
  }
  return false;
}

/**
 * `&x` anywhere, or a func literal that captures x, may run later and `counts` (one made before the call
 * could be running at it): the variable itself is shared from then on.
 */
function escapes(body: SyntaxNode, text: string, name: string, counts: (lit: SyntaxNode) => boolean): boolean {
  const stack: { n: SyntaxNode; later: boolean }[] = [{ n: body, later: false }];
  while (stack.length) {
    const { n, later } = stack.pop()!;
    if (n.type === 'identifier' && text.slice(n.start, n.end) === name) {
      if (later || (n.parent?.type === 'unary_expression' && n.parent.op === '&')) return true;
    }
    const inner = later || (n.type === 'func_literal' && !runsInPlace(n, text) && counts(n));
    for (const c of n.children) stack.push({ n: c, later: inner });
  }
  return false;
}

function hasGoto(body: SyntaxNode): boolean {
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'goto_statement') return true;
    for (const c of n.children) stack.push(c);
  }
  return false;
}

function nodeAt(root: SyntaxNode, offset: number): SyntaxNode {
  let n = root;
  for (;;) {
    const c = n.children.find((x) => x.start <= offset && offset < x.end);
    if (!c) return n;
    n = c;
  }
}

const returnsFreshByAnalysis = new WeakMap<PackageAnalysisView, Map<FuncDecl, boolean>>();

/**
 * Whether every return of the function gives, as its first result, an object it allocated and shared with
 * nothing before returning it (`mb := &msgBlock{...}; mb.init(); return mb`, or `return &T{...}`).
 */
export function returnsFresh(analysis: PackageAnalysisView, fn: FuncDecl): boolean {
  let memo = returnsFreshByAnalysis.get(analysis);
  if (!memo) returnsFreshByAnalysis.set(analysis, (memo = new Map()));
  let known = memo.get(fn);
  if (known === undefined) {
    // A recursion through the callees below answers no while this one is being worked out.
    memo.set(fn, false);
    memo.set(fn, (known = computeReturnsFresh(analysis, fn)));
  }
  return known;
}

function computeReturnsFresh(analysis: PackageAnalysisView, fn: FuncDecl): boolean {
  const body = fn.body;
  if (!body || hasGoto(body)) return false;
  const text = fn.file.parsed.text;
  const fresh = freshLocals(fn);
  const returns: SyntaxNode[] = [];
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'func_literal') continue;
    if (n.type === 'return_statement') returns.push(n);
    for (const c of n.children) stack.push(c);
  }
  if (returns.length === 0) return false;
  const returned = new Set<string>();
  for (const r of returns) {
    const first = r.children.find((c) => c.type === 'expression_list')?.children.filter(isNamed)[0] ?? r.children.filter(isNamed)[0];
    if (!first) return false;
    if (isAllocation(first, text)) continue;
    const id = first.type === 'identifier' ? text.slice(first.start, first.end) : '';
    if (!fresh.has(id) && !(id && madeByFreshCalls(analysis, fn, body, text, id))) return false;
    returned.add(id);
  }
  // Each returned local is handed on nowhere but in a return.
  for (const id of returned) {
    if (escapes(body, text, id, () => true)) return false;
    const uses: SyntaxNode[] = [body];
    while (uses.length) {
      const n = uses.pop()!;
      if (n.type === 'identifier' && text.slice(n.start, n.end) === id && isPublishingUse(n) && !insideReturn(n, body)) return false;
      for (const c of n.children) uses.push(c);
    }
  }
  return true;
}

/**
 * A local whose every assignment is the result of a package function that returns only what it allocated (rclone's
 * `sum := NewStats(ctx)`, returned by `groups.sum`, whose callers then lock it): as fresh as an allocation.
 */
function madeByFreshCalls(analysis: PackageAnalysisView, fn: FuncDecl, body: SyntaxNode, text: string, id: string): boolean {
  const flow = analysis.flows.get(fn);
  if (!flow) return false;
  let made = 0;
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'short_var_declaration' || n.type === 'assignment_statement') {
      const left = child(n, 'left')?.children.filter(isNamed) ?? [];
      const i = left.findIndex((l) => l.type === 'identifier' && text.slice(l.start, l.end) === id);
      if (i >= 0) {
        const right = child(n, 'right')?.children.filter(isNamed) ?? [];
        const value = left.length === right.length ? right[i] : undefined;
        const callee = value?.type === 'call_expression' ? flow.calls.find((c) => c.node === value)?.callee : undefined;
        if (!callee || callee === fn || !returnsFresh(analysis, callee)) return false;
        made++;
      }
    } else if (n.type === 'var_spec' && n.children.some((c) => c.field === 'name' && text.slice(c.start, c.end) === id)) {
      return false;
    }
    for (const c of n.children) stack.push(c);
  }
  return made > 0;
}

function insideReturn(n: SyntaxNode, body: SyntaxNode): boolean {
  for (let p = n.parent; p && p !== body; p = p.parent) if (p.type === 'return_statement') return true;
  return false;
}
