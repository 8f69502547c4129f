import type { FuncDecl } from '../model/file';
import type { Ref } from '../model/refs';
import type { ContractLock, ContractSource } from './contract-types';
import type { FunctionFlow } from './flow-types';
import type { HeldSet } from './held';
import type { GoType } from '../model/types';
import type { SyntaxNode } from '../syntax/node';

/**
 * A function that returns a lock's Unlock as a func value, with the lock held (`s.mu.Lock(); return s.mu.Unlock`,
 * or gVisor's `c.objsMu.Lock(); return c, c.objsMu.Unlock`): it acquires the lock for its caller, and the returned
 * func releases it. The lock is the receiver's, a parameter's or a global (named as such), or that of another
 * result (`~0.objsMu`: the first result's). Every return that hands back a releaser must agree on which lock, and
 * hold it then; a return of nil (`return nil, nil`) hands back nothing.
 */
export function releaserAcquires(fn: FuncDecl, flow: FunctionFlow, source: ContractSource, methodsOf?: (type: string) => readonly FuncDecl[]): ContractLock[] {
  const j = fn.results.findIndex((t) => t.kind === 'func');
  if (j < 0) return methodsOf ? guardAcquires(fn, flow, source, methodsOf) : [];
  const text = fn.file.parsed.text;
  let found: { ref: Ref; mode: 'read' | 'write'; heldAs: Set<string> } | undefined;
  let byLocal: ContractLock[] | undefined;
  for (const exit of flow.exits) {
    if (exit.kind !== 'return') continue;
    const values = exit.node.children.find((n) => n.type === 'expression_list')?.children.filter((n) => n.type !== ',' && n.type !== 'comment') ?? [];
    if (values.length !== fn.results.length) return [];
    const value = values[j];
    const written = text.slice(value.start, value.end);
    if (written === 'nil') continue;
    const returned = values.map((v) => text.slice(v.start, v.end));
    if (value.type === 'identifier') {
      if (byLocal || found) return [];
      byLocal = lockedResults(exit.held, returned, source, j);
      continue;
    }
    const m = value.type === 'selector_expression' ? /^(.+)\.(R?Unlock)$/.exec(written) : null;
    const h = m ? exit.held.get(m[1]) : undefined;
    if (!m || !h || h.maybe || h.fromContract || (m[2] === 'RUnlock') !== (h.mode === 'read') || byLocal) return [];
    const ref = asCallerSees(h.ref, returned);
    if (!ref || (found && found.ref.key !== ref.key)) return [];
    found ??= { ref, mode: h.mode, heldAs: new Set() };
    found.heldAs.add(h.ref.key);
  }
  if (byLocal) return byLocal;
  if (!found) return [];
  return [{ ref: found.ref, mode: found.mode, written: found.ref.display, resolved: true, source, releasedBy: j, heldAs: [...found.heldAs], exactMode: true }];
}

/**
 * `return x, y, unlock` where `unlock` is a local func that the branches above set to release what they locked (gVisor's
 * getClientsWithLock locks one or both clients in an order chosen by their handles): the returned objects' locks held
 * there, on some path or all, are the caller's until it calls the func. "On some path" because the branch that
 * locks one object when both results are the same object leaves the other's lock maybe-held, though it is the same
 * lock there, and on the other paths it is held for sure.
 */
function lockedResults(held: HeldSet, returned: string[], source: ContractSource, j: number): ContractLock[] | undefined {
  const out: ContractLock[] = [];
  for (const h of held.all()) {
    if (h.fromContract || !h.ref.exact || h.ref.rootKind !== 'local' || h.ref.path.length === 0) continue;
    const i = returned.indexOf(h.ref.root);
    if (i < 0) continue;
    const ref = resultRooted(h.ref, i);
    if (out.some((l) => l.ref.key === ref.key)) continue;
    out.push({ ref, mode: h.mode, written: ref.display, resolved: true, source, releasedBy: j, heldAs: [h.ref.key], exactMode: true });
  }
  return out.length ? out : undefined;
}

/** The lock in terms a caller can map: the receiver's, a parameter's or a global as is; a returned local's as `~i`. */
function asCallerSees(ref: Ref, returned: string[]): Ref | undefined {
  if (!ref.exact) return undefined;
  if (ref.rootKind === 'receiver' || ref.rootKind === 'param' || ref.rootKind === 'global') return ref;
  const i = returned.indexOf(ref.root);
  if (ref.rootKind !== 'local' || i < 0) return undefined;
  return resultRooted(ref, i);
}

/** A returned local's lock as its caller names it: rooted at result `i` (`~i.mu`, shown as "result i+1.mu"). */
export function resultRooted(ref: Ref, i: number): Ref {
  const root = `~${i}`;
  return { ...ref, root, key: root + ref.key.slice(ref.root.length), display: `result ${i + 1}${ref.display.slice(ref.root.length)}` };
}

/** The result index a result-rooted lock of a contract names: `~i`, or a named result. */
export function resultIndex(root: string, names: string[]): number {
  const m = /^~(\d+)$/.exec(root);
  return m ? Number(m[1]) : names.indexOf(root);
}

/**
 * `return Guard{release: func() { o.mu.Unlock() }}` (Loki's obslock): a lock held at every return and handed back
 * inside a guard, a struct of this package whose field keeps the func that unlocks it, and whose methods that call
 * that field (`func (g Guard) Unlock() { g.release() }`) release it. The caller holds the lock until it calls one.
 */
function guardAcquires(fn: FuncDecl, flow: FunctionFlow, source: ContractSource, methodsOf: (type: string) => readonly FuncDecl[]): ContractLock[] {
  if (fn.results.length !== 1) return [];
  const t = fn.results[0].kind === 'pointer' ? (fn.results[0] as { elem: GoType }).elem : fn.results[0];
  if (t.kind !== 'named' || t.pkg) return [];
  const text = fn.file.parsed.text;
  let found: { ref: Ref; mode: 'read' | 'write'; field: string } | undefined;
  for (const exit of flow.exits) {
    if (exit.kind === 'panic') continue;
    if (exit.kind !== 'return') return [];
    const value = exit.node.children.find((n) => n.type === 'expression_list')?.children.find((n) => n.type !== 'comment');
    const lit = value?.type === 'unary_expression' ? value.children.find((c) => c.field === 'operand') : value;
    if (lit?.type !== 'composite_literal') return [];
    const released = releasedInLiteral(lit, text);
    const h = released && exit.held.get(released.lock);
    if (!released || !h || h.maybe || h.fromContract || (released.method === 'RUnlock') !== (h.mode === 'read') || !h.ref.exact) return [];
    if (!(h.ref.rootKind === 'receiver' || h.ref.rootKind === 'param' || h.ref.rootKind === 'global')) return [];
    if (found && (found.ref.key !== h.ref.key || found.field !== released.field)) return [];
    found ??= { ref: h.ref, mode: h.mode, field: released.field };
  }
  if (!found) return [];
  const field = found.field;
  // The methods that call the kept func, and those that call one of them on the same receiver (`RUnlock() { g.Unlock() }`).
  const all = methodsOf(t.name).filter((m) => m.recvName && m.body);
  const calls = (m: FuncDecl, name: string) => new RegExp(String.raw`\b${m.recvName}\.${name}\(\)`).test(m.file.parsed.text.slice(m.body!.start, m.body!.end));
  const methods = all.filter((m) => calls(m, field)).map((m) => m.name);
  for (let grew = true; grew;) {
    grew = false;
    for (const m of all) if (!methods.includes(m.name) && methods.some((r) => calls(m, r))) { methods.push(m.name); grew = true; }
  }
  if (!methods.length) return [];
  return [{ ref: found.ref, mode: found.mode, written: found.ref.display, resolved: true, source, releasedBy: 0, releasedByMethods: methods, exactMode: true }];
}

/**
 * In `Guard{release: func() { ...; o.mu.Unlock(); ... }}`: the field, and the one lock its func releases (as
 * written) and how, from a statement of the func's own body (not under an if).
 */
function releasedInLiteral(lit: SyntaxNode, text: string): { field: string; lock: string; method: string } | undefined {
  const body = lit.children.find((c) => c.field === 'body');
  for (const el of body?.children ?? []) {
    if (el.type !== 'keyed_element') continue;
    const [key, value] = el.children.filter((c) => c.type === 'literal_element');
    const v = value?.children[0];
    if (!key || v?.type !== 'func_literal') continue;
    const statements = v.children.find((c) => c.field === 'body')?.children.find((c) => c.type === 'statement_list')?.children ?? [];
    const unlocks = statements.map((st) => /^([\w.]+)\.(R?Unlock)\(\)$/.exec(text.slice(st.start, st.end).trim())).filter((m): m is RegExpExecArray => !!m);
    if (unlocks.length === 1) return { field: text.slice(key.start, key.end).trim(), lock: unlocks[0][1], method: unlocks[0][2] };
  }
  return undefined;
}
