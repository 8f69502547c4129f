/**
 * The conditions on a function's own parameters under which it gets to an operation (`if block && locked { select
 * {...} }`), as plain data that outlives the function's tree, and their value at one call: `lookup(ctx, key,
 * false)` never gets there. A call that is known to rule the condition out does not reach the operation; one that
 * may meet it (a variable, an expression) is taken to reach it, as before.
 */
import type { FuncDecl } from '../model/file';
import type { SyntaxNode } from '../syntax/node';
import type { CallSite } from './flow-types';

/** A boolean test over the parameters, by index: what is not understood is `unknown` (it may be either). */
export type ParamTest =
  | { k: 'param'; i: number }
  | { k: 'nil'; i: number; negated: boolean }
  | { k: 'not'; a: ParamTest }
  | { k: 'and' | 'or'; a: ParamTest; b: ParamTest }
  | { k: 'unknown' };

/**
 * The tests of the ifs around `node` in `fn` that read one of fn's parameters, innermost first (every one of them
 * must hold to get there), or undefined when none does. Only the consequence of an if counts: an else branch holds
 * when the test fails, which is read as unknown.
 */
export function paramTestsAround(fn: FuncDecl, node: SyntaxNode): ParamTest[] | undefined {
  const params = fn.params.map((p) => p.name);
  if (!params.some((p) => p && p !== '_')) return undefined;
  const text = fn.file.parsed.text;
  const out: ParamTest[] = [];
  for (let child = node, n = node.parent; n && n !== fn.node; child = n, n = n.parent) {
    if (n.type !== 'if_statement' || child.field !== 'consequence') continue;
    const cond = n.children.find((c) => c.field === 'condition');
    const t = cond && toTest(cond, params, text);
    if (t && readsParam(t)) out.push(t);
  }
  return out.length ? out : undefined;
}

function toTest(n: SyntaxNode, params: readonly string[], text: string): ParamTest {
  const kids = n.children.filter((c) => c.type !== 'comment');
  if (n.type === 'parenthesized_expression') return kids[0] ? toTest(kids[0], params, text) : { k: 'unknown' };
  if (n.type === 'identifier') {
    const i = params.indexOf(text.slice(n.start, n.end));
    return i >= 0 ? { k: 'param', i } : { k: 'unknown' };
  }
  if (n.type === 'unary_expression' && text[n.start] === '!') {
    const operand = n.children.find((c) => c.field === 'operand');
    return operand ? { k: 'not', a: toTest(operand, params, text) } : { k: 'unknown' };
  }
  if (n.type === 'binary_expression') {
    const left = n.children.find((c) => c.field === 'left'), right = n.children.find((c) => c.field === 'right');
    const op = n.children.find((c) => c.field === 'operator');
    const opText = op ? text.slice(op.start, op.end) : text.slice(left?.end ?? n.start, right?.start ?? n.end).trim();
    if (!left || !right) return { k: 'unknown' };
    if (opText === '&&' || opText === '||') return { k: opText === '&&' ? 'and' : 'or', a: toTest(left, params, text), b: toTest(right, params, text) };
    if ((opText === '==' || opText === '!=') && text.slice(right.start, right.end) === 'nil' && left.type === 'identifier') {
      const i = params.indexOf(text.slice(left.start, left.end));
      if (i >= 0) return { k: 'nil', i, negated: opText === '!=' };
    }
  }
  return { k: 'unknown' };
}

function readsParam(t: ParamTest): boolean {
  switch (t.k) {
    case 'param': case 'nil': return true;
    case 'not': return readsParam(t.a);
    case 'and': case 'or': return readsParam(t.a) || readsParam(t.b);
    default: return false;
  }
}

/** What a call passes for a parameter: a constant true or false, nil, something not nil, or unknown. */
type ArgValue = boolean | 'nil' | 'non-nil' | undefined;

function argValue(site: CallSite, i: number): ArgValue {
  const a = site.args[i];
  if (!a) return undefined;
  if (a.rootKind === 'expr' && a.path.length === 0) {
    if (a.root === 'true' || a.root === 'false') return a.root === 'true';
    if (a.root === 'nil') return 'nil';
    // `&T{...}`, `T{...}`, a string or number literal: a value, never nil.
    if (/^(&?[\w.]+\{|"|`|\d)/.test(a.root)) return 'non-nil';
  }
  // A local whose value every path to the call knows (`block := false`).
  if (a.rootKind === 'local' && a.path.length === 0) {
    const known = site.flags?.get(a.root);
    if (known !== undefined) return known;
  }
  return undefined;
}

/** The test's value at the call: true, false, or undefined when it may be either. */
function evaluate(t: ParamTest, site: CallSite): boolean | undefined {
  switch (t.k) {
    case 'param': { const v = argValue(site, t.i); return typeof v === 'boolean' ? v : undefined; }
    case 'nil': {
      const v = argValue(site, t.i);
      const isNil = v === 'nil' ? true : v === 'non-nil' ? false : undefined;
      return isNil === undefined ? undefined : isNil !== t.negated;
    }
    case 'not': { const v = evaluate(t.a, site); return v === undefined ? undefined : !v; }
    case 'and': {
      const a = evaluate(t.a, site), b = evaluate(t.b, site);
      return a === false || b === false ? false : a === true && b === true ? true : undefined;
    }
    case 'or': {
      const a = evaluate(t.a, site), b = evaluate(t.b, site);
      return a === true || b === true ? true : a === false && b === false ? false : undefined;
    }
    default: return undefined;
  }
}

/** Whether the call rules out one of the tests (they must all hold to get there). */
export function ruledOutAt(tests: readonly ParamTest[] | undefined, site: CallSite): boolean {
  return !!tests && tests.some((t) => evaluate(t, site) === false);
}
