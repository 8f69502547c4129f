import type { FuncDecl } from '../model/file';
import type { ExprResolver, Ref } from '../model/refs';
import type { Scope } from '../model/scope';
import { deref, type GoType } from '../model/types';
import { child, type SyntaxNode } from '../syntax/node';
import type { CallSite, FuncValue, UnitKind } from './flow-types';
import type { HeldSet } from './held';

// Calls as the flow analysis records them: what a call resolves to, and how a callee's locks read in
// the caller's names.

/** Resolves a call's callee, receiver and argument paths in the caller's scope. */
export function resolveCall(call: SyntaxNode, res: ExprResolver, scope: Scope, held: HeldSet, viaGo: boolean, unit: UnitKind): CallSite | undefined {
  const fn = child(call, 'function');
  if (!fn) return undefined;
  const argNodes = child(call, 'arguments')?.children ?? [];
  const args = argNodes.map((a) => (a.type === 'func_literal' ? undefined : res.refOf(a, scope)));
  // Every site is built by one literal, so that all share one shape (their readers stay monomorphic).
  const site = (nameNode: SyntaxNode, calleeName: string, callee: FuncDecl | undefined, unresolved: boolean, recv?: Ref, ifaceType?: GoType): CallSite => ({
    node: call, nameNode, calleeName, callee, unresolved, recv, ifaceType, args, argFuncs: funcArgs(callee, argNodes, res, scope), held, viaGo, unit,
  });
  if (fn.type === 'identifier') {
    const name = res.file.text(fn);
    const callee = scope.lookup(name) ? undefined : res.pkg.funcs.get(name);
    const builtin = BUILTINS.has(name) || res.pkg.types.has(name);
    return site(fn, name, callee, !callee && !builtin);
  }
  if (fn.type === 'selector_expression') {
    const operand = child(fn, 'operand');
    const field = child(fn, 'field');
    if (!operand || !field) return undefined;
    const name = res.file.text(field);
    const foreign = res.packageOperand(operand, scope);
    if (foreign !== undefined) {
      // `pkg.F(...)`: resolved when pkg is a workspace package (its exported functions only).
      const callee = foreign && /^[A-Z]/.test(name) ? foreign.funcs.get(name) : undefined;
      return site(field, `${res.file.text(operand)}.${name}`, callee, !callee);
    }
    const type = res.typeOf(operand, scope);
    const callee = res.pkg.findMethod(type, name);
    let recv = res.refOf(operand, scope);
    const b = deref(type);
    if (callee && recv && b.kind === 'named' && callee.recvType !== b.name && callee.recvType) recv = res.appendField(recv, callee.recvType);
    const ifaceType = !callee && b.kind === 'named' && res.pkg.underlying(b).kind === 'interface' ? res.pkg.universal(b) : undefined;
    return site(field, name, callee, !callee, recv, ifaceType);
  }
  return undefined;
}

/**
 * The functions passed to a known callee's func-typed parameters (the only ones it can call back);
 * undefined when there are none. Other arguments are not resolved as function values: that is costly.
 */
function funcArgs(callee: FuncDecl | undefined, argNodes: SyntaxNode[], res: ExprResolver, scope: Scope): (FuncValue | undefined)[] | undefined {
  if (!callee) return undefined;
  let out: (FuncValue | undefined)[] | undefined;
  argNodes.forEach((a, i) => {
    const t = callee.params[i]?.type;
    if (!t || (t.kind !== 'func' && t.kind !== 'named')) return;
    const v = funcValue(a, res, scope);
    if (v) (out ??= [])[i] = v;
  });
  return out;
}

/** The function that an argument names, when it is one: `handler`, `pkg.Handler`, or the method value `v.Tag`. */
function funcValue(arg: SyntaxNode, res: ExprResolver, scope: Scope): FuncValue | undefined {
  if (arg.type === 'identifier') {
    const name = res.file.text(arg);
    const fn = scope.lookup(name) ? undefined : res.pkg.funcs.get(name);
    return fn && !fn.recvType ? { fn } : undefined;
  }
  if (arg.type !== 'selector_expression') return undefined;
  const operand = child(arg, 'operand');
  const name = res.file.text(child(arg, 'field'));
  const foreign = res.packageOperand(operand, scope);
  if (foreign !== undefined) {
    const fn = foreign?.funcs.get(name);
    return fn && !fn.recvType ? { fn } : undefined;
  }
  const type = res.typeOf(operand, scope);
  if (res.pkg.findField(type, name)) return undefined;
  const fn = res.pkg.findMethod(type, name);
  if (!fn) return undefined;
  let recv = res.refOf(operand, scope);
  const b = deref(type);
  if (recv && b.kind === 'named' && fn.recvType && fn.recvType !== b.name) recv = res.appendField(recv, fn.recvType);
  return { fn, recv };
}

const BUILTINS = new Set(['append', 'cap', 'clear', 'close', 'complex', 'copy', 'delete', 'imag', 'len', 'make', 'max', 'min', 'new', 'panic', 'print', 'println', 'real', 'recover',
  'string', 'int', 'int64', 'int32', 'uint', 'uint64', 'uint32', 'byte', 'rune', 'float64', 'float32', 'bool', 'uintptr', 'int8', 'int16', 'uint8', 'uint16', 'error', 'any']);

/** A lock written in the callee's names (receiver, parameter, or global), in the caller's names at one call. */
export function mapToCaller(ref: Ref, site: CallSite, res: ExprResolver): Ref | undefined {
  const callee = site.callee;
  if (!callee) return undefined;
  let base: Ref | undefined;
  if (ref.rootKind === 'receiver') base = site.recv;
  else if (ref.rootKind === 'param') {
    const i = callee.params.findIndex((p) => p.name === ref.root);
    base = i >= 0 ? site.args[i] : undefined;
  } else if (ref.rootKind === 'global') {
    // Another package's global keeps its class there, and is keyed by its package-qualified name here.
    if (res.pkg.owns(callee) || ref.clsHome || !ref.clsBase) return ref;
    return { ...ref, key: ref.clsBase, display: ref.clsBase, root: ref.clsBase, clsHome: { dir: callee.file.dir, pkg: callee.file.packageName, base: ref.clsBase } };
  } else {
    // The callee's own local (or an expression of its body) has no name here: the same text would be
    // another variable (go/constant's appendReverse locks its local y.r.mu; so does its caller, another one).
    return undefined;
  }
  // A nil argument is no lock: the callee has nothing of it to hold.
  if (!base || (base.rootKind === 'expr' && base.root === 'nil')) return undefined;
  let out = base;
  for (const p of ref.path) out = res.appendField(out, p);
  return out;
}

/** A lock in the caller's names at a call, in the callee's names (for the twin and callers rules), if it can be named there. */
export function mapToCallee(ref: Ref, site: CallSite, callee: FuncDecl): Ref | undefined {
  if (ref.rootKind === 'global') return ref;
  const named = (root: string, path: string[], rootKind: Ref['rootKind']): Ref => {
    const key = [root, ...path].join('.');
    return { ...ref, key, display: key, root, path, rootKind };
  };
  // An argument that names the lock's object more closely than the receiver does (`cfg := c.remote; cfg.Lock();
  // c.update(cfg)`: cfg is c.remote, and the callee's `cfg`).
  const recv = site.recv;
  let best = -1;
  site.args.forEach((a, i) => {
    if (a?.exact && a.path.length && (ref.key === a.key || ref.key.startsWith(`${a.key}.`)) && (best < 0 || a.key.length > site.args[best]!.key.length)) best = i;
  });
  const closer = best >= 0 && callee.params[best] && (!recv || site.args[best]!.key.length > recv.key.length);
  if (closer) return named(callee.params[best].name, ref.path.slice(site.args[best]!.path.length), 'param');
  // On the call's receiver: `c.out` held around `c.writeRecordLocked()` is the callee's `c.out`.
  if (recv?.exact && callee.recvName && ref.root === recv.root && recv.path.every((p, i) => ref.path[i] === p)) {
    return named(callee.recvName, ref.path.slice(recv.path.length), 'receiver');
  }
  // A variable of the caller passed as an argument (a local too: `cfg := c.leaf.remote; cfg.Lock();
  // c.update(cfg)` holds the callee's `cfg`).
  if (ref.rootKind === 'param' || ref.rootKind === 'receiver' || ref.rootKind === 'local') {
    const i = site.args.findIndex((a) => a?.key === ref.root);
    const p = i >= 0 ? callee.params[i] : undefined;
    if (!p) return undefined;
    return named(p.name, ref.path, 'param');
  }
  return undefined;
}
