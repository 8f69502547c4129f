import type { FuncDecl } from '../model/file';
import { classNodeOf, classPackageOf, lockClass } from '../model/refs';
import { CallerGates, gateNodes } from './gate-locks';
import type { HeldLock, HeldSet } from './held';
import type { PackageAnalysis } from './package-analysis';
import { callbackEdges } from './callbacks';
import { isUnshared } from './fresh';
import { isFreshAt } from './fresh-value';
import { acquisitionsAt, takenWhileDropped } from './summaries';
import type { Acquisition } from './package-analysis-types';
import type { EdgeWitness, LockEdge } from './lock-graph-types';

export const MAX_WITNESSES = 20;

/** The package's edges: for every acquisition, each lock class already held there (first witness kept). */
/** A node's class with its package's name in front (globals already have it): `vm.VM.lock`, `ron.ServersLock`. */
export function qualifiedName(node: string, pkg: string): string {
  const local = node.slice(node.indexOf('|') + 1);
  return local.startsWith(`${pkg}.`) ? local : `${pkg}.${local}`;
}

/** Collects "taken while held" edges, one per pair of class nodes, with a bounded number of witnesses. */
export class EdgeCollector {
  private readonly edges = new Map<string, LockEdge>();

  /** `dir` and `pkg` are the directory and name of the package in whose terms `held` is written. */
  add(dir: string, pkg: string, w: EdgeWitness): void {
    const { held, acq } = w;
    const from = classNodeOf(held.ref, dir), to = acq.node ?? classNodeOf(acq.ref, dir);
    if (!from || !to || from === to) return;
    const key = `${from}\u0000${to}`;
    const edge = this.edges.get(key);
    if (!edge) {
      const fromPkg = classPackageOf(held.ref, pkg), toPkg = acq.pkg ?? classPackageOf(acq.ref, pkg);
      this.edges.set(key, { from, to, fromCls: lockClass(held.ref), toCls: acq.cls, fromPkg, toPkg, witness: w, witnesses: [w] });
    } else if (edge.witnesses.length < MAX_WITNESSES && !edge.witnesses.some((x) => x.offset === w.offset && x.fn === w.fn)) edge.witnesses.push(w);
  }

  all(): LockEdge[] { return [...this.edges.values()]; }
}

export function packageEdges(analysis: PackageAnalysis): LockEdge[] {
  const edges = new EdgeCollector();
  const { dir, name } = analysis.pkg;
  // Read here, while the flows still have their calls (a compacted analysis keeps only lock events).
  const callers = new CallerGates(analysis);
  const add = (fn: FuncDecl, held: HeldLock, acq: Acquisition, offset: number, end: number, heldIn?: FuncDecl, all?: HeldSet) => {
    // The lock of an object that fn allocated and has not shared yet: nobody else can hold it or wait for it.
    if (acq.unshared || isUnshared(fn, acq.ref, offset) || (!heldIn && isUnshared(fn, held.ref, offset))) return;
    // A TryLock (through calls too) never waits for the lock: it orders nothing.
    if (acq.tried) return;
    const gates = all ? [...new Set([...gateNodes(all, held, dir), ...callers.of(fn, 0)])] : [];
    edges.add(dir, name, { fn, held, acq, offset, end, heldIn, gates });
  };
  // Every body counts, goroutines included: their own nesting orders locks too. Locks a callback only
  // may have inherited from its caller do not.
  for (const [fn, flow] of analysis.flows) {
    for (const e of flow.lockEvents) {
      if (e.deferred || e.op.method.endsWith('nlock')) continue;
      // `add` drops a TryLock and the lock of a value the function just made, not handed on yet.
      const tried = e.op.method.startsWith('Try') || undefined;
      const unshared = !tried && isFreshAt(analysis, fn, flow, e.op.ref, e.node, e.node.start);
      const acq: Acquisition = { ref: e.op.ref, cls: lockClass(e.op.ref), node: classNodeOf(e.op.ref, dir), pkg: classPackageOf(e.op.ref, name), mode: e.op.method.includes('R') ? 'read' : 'write', lockFn: fn, lockNode: e.node, chain: [], tried, unshared };
      for (const h of e.held.all()) if (!h.inherited) add(fn, h, acq, e.node.start, e.node.end, undefined, e.held);
    }
    for (const site of flow.calls) {
      if (!site.callee || site.viaGo || site.held.size === 0) continue;
      for (const a of acquisitionsAt(analysis, fn, site)) {
        for (const h of site.held.all()) if (!h.inherited && !takenWhileDropped(a, h.ref.key)) add(fn, h, a, site.nameNode.start, site.nameNode.end, undefined, site.held);
      }
    }
    for (const c of callbackEdges(analysis, fn, flow)) add(fn, c.held, c.acq, c.arg.start, c.arg.end, c.heldIn);
  }
  return edges.all();
}

/** What cycle finding needs of an edge: its two nodes (any front end's lock classes). */
export interface GraphEdge { from: string; to: string }

/**
 * The elementary cycles of the class graph, each once (rotated to start at its smallest node):
 * for every edge inside a strongly connected component, the shortest path back closes a cycle.
 */
export function findCycles<E extends GraphEdge>(edges: E[]): E[][] {
  const out = new Map<string, E[]>();
  const byFrom = new Map<string, E[]>();
  for (const e of edges) {
    const l = byFrom.get(e.from);
    if (l) l.push(e); else byFrom.set(e.from, [e]);
  }
  for (const first of edges) {
    const path = shortestPath(byFrom, first.to, first.from);
    if (!path) continue;
    const cycle = [first, ...path];
    const nodes = cycle.map((e) => e.from);
    const min = nodes.indexOf([...nodes].sort()[0]);
    const rotated = [...cycle.slice(min), ...cycle.slice(0, min)];
    const key = rotated.map((e) => e.from).join(' → ');
    if (!out.has(key)) out.set(key, rotated);
    if (out.size >= 200) break;
  }
  return [...out.values()];
}

function shortestPath<E extends GraphEdge>(byFrom: Map<string, E[]>, start: string, goal: string): E[] | undefined {
  if (start === goal) return [];
  const prev = new Map<string, E>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const n = queue.shift()!;
    for (const e of byFrom.get(n) ?? []) {
      if (seen.has(e.to)) continue;
      seen.add(e.to);
      prev.set(e.to, e);
      if (e.to === goal) {
        const path: E[] = [];
        for (let cur = goal; cur !== start; cur = prev.get(cur)!.from) path.unshift(prev.get(cur)!);
        return path;
      }
      queue.push(e.to);
    }
  }
  return undefined;
}
