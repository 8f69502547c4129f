import type { FuncDecl } from '../model/file';
import { isPseudoLock } from './blocking';
import type { CallSite } from './flow-types';
import { EdgeCollector } from './lock-graph';
import type { LockEdge } from './lock-graph-types';
import type { PackageAnalysis } from './package-analysis';
import { RUNS_IN_PLACE } from './summaries';

/** A method call on an interface value made while locks are held: `c.Tags()` with `c Client`. */
interface InterfaceCall { fn: FuncDecl; site: CallSite; methods: string[]; method: string }

const callCache = new WeakMap<PackageAnalysis, InterfaceCall[]>();

export function interfaceCallsOf(a: PackageAnalysis): InterfaceCall[] {
  let calls = callCache.get(a);
  if (calls) return calls;
  calls = [];
  for (const [fn, flow] of a.flows) {
    for (const site of flow.calls) {
      if (!site.ifaceType || site.viaGo || !RUNS_IN_PLACE.has(site.unit) || site.held.size === 0) continue;
      const iface = a.pkg.underlying(site.ifaceType);
      if (iface.kind === 'interface' && iface.methods.includes(site.calleeName)) calls.push({ fn, site, methods: iface.methods, method: site.calleeName });
    }
  }
  callCache.set(a, calls);
  return calls;
}

interface Implementation { analysis: PackageAnalysis; typeName: string; method: FuncDecl }

/**
 * Lock-order edges through interfaces that have exactly one implementation in the workspace: a
 * package that holds its lock while calling `c.Tags()` on a `Client` takes whatever the only type
 * with Tags (and the rest of Client's methods) takes. With two or more implementations the target
 * is not known statically, and nothing is added.
 */
export function interfaceEdges(analyses: PackageAnalysis[]): LockEdge[] {
  const calls = analyses.flatMap((a) => interfaceCallsOf(a).map((c) => ({ a, c })));
  if (calls.length === 0) return [];
  const edges = new EdgeCollector();
  const index = methodIndex(analyses);
  for (const { a, c } of calls) {
    const impl = onlyImplementation(index, c.methods, c.method);
    if (!impl) continue;
    const { dir, name } = a.pkg;
    const step = { fn: c.fn, site: { ...c.site, callee: impl.method, calleeName: `${c.site.calleeName} (only implementation: ${impl.analysis.pkg.name}.${impl.typeName}.${impl.method.name})` } };
    for (const acq of impl.analysis.acquisitions.get(impl.method) ?? []) {
      // The lock is named in the implementation's terms; its class node and package stay its own.
      const inexact = { ...acq, ref: { ...acq.ref, key: `(${acq.cls})`, exact: false }, cls: acq.pkg && acq.pkg !== name && !acq.cls.startsWith(`${acq.pkg}.`) ? `${acq.pkg}.${acq.cls}` : acq.cls, chain: [step, ...acq.chain] };
      for (const h of c.site.held.all()) {
        if (h.inherited || isPseudoLock(h.ref.key)) continue;
        edges.add(dir, name, { fn: c.fn, held: h, acq: inexact, offset: c.site.nameNode.start, end: c.site.nameNode.end, gates: [] });
      }
    }
  }
  return edges.all();
}

/** Method name → the named types (of every package) that declare it. */
function methodIndex(analyses: PackageAnalysis[]): Map<string, { analysis: PackageAnalysis; typeName: string }[]> {
  const out = new Map<string, { analysis: PackageAnalysis; typeName: string }[]>();
  for (const analysis of analyses) {
    for (const t of analysis.pkg.types.values()) {
      if (t.type.kind === 'interface') continue;
      for (const m of analysis.pkg.methods(t.name).keys()) {
        const list = out.get(m);
        if (list) list.push({ analysis, typeName: t.name }); else out.set(m, [{ analysis, typeName: t.name }]);
      }
    }
  }
  return out;
}

function onlyImplementation(index: ReturnType<typeof methodIndex>, methods: string[], method: string): Implementation | undefined {
  const found = (index.get(method) ?? []).filter(({ analysis, typeName }) => methods.every((m) => analysis.pkg.methods(typeName).has(m)));
  if (found.length !== 1) return undefined;
  const { analysis, typeName } = found[0];
  return { analysis, typeName, method: analysis.pkg.methods(typeName).get(method)! };
}
