import type { FuncDecl } from '../model/file';
import { lockClass, type Ref } from '../model/refs';
import { child, type SyntaxNode } from '../syntax/node';
import { isPseudoLock } from './blocking';
import { mapToCaller } from './calls';
import type { CallSite, FunctionFlow } from './flow-types';
import type { HeldLock } from './held';
import type { Acquisition, PackageAnalysisView, ParamCall } from './package-analysis-types';
import { acquisitionsAt, RUNS_IN_PLACE } from './summaries';

/** Per function, the calls of its parameters made under its own locks (`s.mu.Lock(); f(x)`). */
export function computeParamCalls(analysis: PackageAnalysisView): Map<FuncDecl, ParamCall[]> {
  const out = new Map<FuncDecl, ParamCall[]>();
  for (const [fn, flow] of analysis.flows) {
    for (const site of flow.calls) {
      if (site.callee || site.viaGo || !RUNS_IN_PLACE.has(site.unit) || site.nameNode.type !== 'identifier') continue;
      const index = fn.params.findIndex((p) => p.name === site.calleeName);
      if (index < 0) continue;
      const held = site.held.all().filter((h) => !h.inherited && !h.fromContract && !h.maybe && !isPseudoLock(h.ref.key));
      if (held.length === 0) continue;
      const list = out.get(fn);
      const call = { index, name: site.calleeName, site, held };
      if (list) list.push(call); else out.set(fn, [call]);
    }
  }
  return out;
}

/** A lock held by the callee while it runs the callback, and a lock the callback takes: one lock-order edge. */
export interface CallbackEdge {
  held: HeldLock;
  /** The function that holds it (the callee), for its location. */
  heldIn: FuncDecl;
  acq: Acquisition;
  arg: SyntaxNode;
}

/**
 * Callbacks passed from `fn` to a callee that runs them under its own lock: `srv.ForEach(v.Tag)` where
 * ForEach holds s.clientLock while calling f, and Tag takes v.lock. Only targets known statically count:
 * a function or method value, or a func literal written at the call.
 */
export function callbackEdges(analysis: PackageAnalysisView, fn: FuncDecl, flow: FunctionFlow): CallbackEdge[] {
  const out: CallbackEdge[] = [];
  for (const site of flow.calls) {
    if (!site.callee || site.viaGo) continue;
    const calls = analysis.paramCallsOf(site.callee);
    if (!calls?.length) continue;
    const argNodes = child(site.node, 'arguments')?.children ?? [];
    for (const pc of calls) {
      const arg = argNodes[pc.index];
      if (!arg) continue;
      const acqs = callbackAcquisitions(analysis, fn, flow, site, pc, arg);
      if (acqs.length === 0) continue;
      for (const h of pc.held) {
        // The class is the caller's view of the lock; its name stays the callee's, where it is taken.
        const held = { ...h, ref: { ...heldInCallerTerms(analysis, fn, site, h.ref), display: h.ref.display } };
        for (const acq of acqs) out.push({ held, heldIn: site.callee, acq, arg });
      }
    }
  }
  return out;
}

/** What the callback passed as `arg` takes, in fn's names, with the chain through the callee. */
function callbackAcquisitions(analysis: PackageAnalysisView, fn: FuncDecl, flow: FunctionFlow, site: CallSite, pc: ParamCall, arg: SyntaxNode): Acquisition[] {
  const written = fn.file.text(arg).replace(/\s+/g, ' ');
  const text = arg.type === 'func_literal' ? 'func literal' : written.length > 40 ? `${written.slice(0, 39)}…` : written;
  const invoke = (callee: FuncDecl | undefined, recv: Ref | undefined): CallSite => ({
    ...site, node: arg, nameNode: arg, calleeName: `${pc.name}=${text}`, callee, recv, args: [], argFuncs: undefined,
  });
  const target = site.argFuncs?.[pc.index];
  if (target) return acquisitionsAt(analysis, fn, invoke(target.fn, target.recv)).map((a) => ({ ...a, chain: [{ fn, site }, ...a.chain] }));
  if (arg.type !== 'func_literal') return [];
  // A literal's body is part of fn's flow: its own Lock calls, and what the calls in it take.
  const inside = (n: SyntaxNode) => n.start >= arg.start && n.end <= arg.end;
  const step = { fn, site: invoke(undefined, undefined) };
  const out: Acquisition[] = [];
  for (const e of flow.lockEvents) {
    if (!inside(e.node) || e.deferred || e.op.method.endsWith('nlock')) continue;
    out.push({ ref: e.op.ref, cls: lockClass(e.op.ref), mode: e.op.method.includes('R') ? 'read' : 'write', lockFn: fn, lockNode: e.node, chain: [{ fn, site }, step] });
  }
  for (const inner of flow.calls) {
    if (!inside(inner.node) || inner.viaGo) continue;
    for (const a of acquisitionsAt(analysis, fn, inner)) out.push({ ...a, chain: [{ fn, site }, step, ...a.chain] });
  }
  return out;
}

/** A callee's lock in the caller's names; another package's lock that cannot be named there keeps its class there. */
function heldInCallerTerms(analysis: PackageAnalysisView, fn: FuncDecl, site: CallSite, ref: Ref): Ref {
  const mapped = mapToCaller(ref, site, analysis.resolver(fn));
  if (mapped) return mapped;
  const callee = site.callee!;
  const foreign = analysis.foreign(callee);
  if (!foreign || ref.clsHome || !ref.clsBase) return { ...ref, key: `(${ref.key})`, exact: false };
  const base = ref.clsBase.startsWith(`${foreign.pkg.name}.`) ? ref.clsBase : `${foreign.pkg.name}.${ref.clsBase}`;
  return { ...ref, key: `(${base})`, exact: false, clsBase: base, clsHome: { dir: callee.file.dir, pkg: foreign.pkg.name, base: ref.clsBase } };
}
