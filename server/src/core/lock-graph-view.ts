/**
 * The lock-order graph as the views show it, built once for every front end: each gives its "taken while held"
 * edges between lock classes (with where each happens), its cycles and its declared orders; this makes the nodes,
 * merges the edges of one pair of classes, and marks what lies on a cycle. The Go and TypeScript graphs are merged
 * here too, for a workspace that has both.
 */
import type { LockGraphEdgeOf, LockGraphNode, LockGraphOf } from './views';

/** One edge as a front end knows it: its class nodes (internal keys) and the names the view shows. */
export interface GraphEdgeFact<P> {
  /** Internal node keys: the same key is the same lock class. */
  from: string;
  to: string;
  /** The names the view shows for them. */
  fromName: string;
  toName: string;
  fromPkg?: string;
  toPkg?: string;
  witnesses: { loc: P; message: string }[];
  /** More places than `witnesses` lists. */
  more?: boolean;
  violatesOrder: boolean;
}

/** The view of a front end's graph: one edge per pair of classes, nodes and cycles by their shown names. */
export function buildLockGraphView<P>(edges: readonly GraphEdgeFact<P>[], cycles: readonly (readonly { from: string; to: string }[])[], orders: readonly string[]): LockGraphOf<P> {
  const names = new Map<string, string>();
  const cycleEdges = new Set(cycles.flatMap((c) => c.map((e) => `${e.from}>${e.to}`)));
  const nodes = new Map<string, LockGraphNode>();
  const merged = new Map<string, LockGraphEdgeOf<P>>();
  for (const e of edges) {
    names.set(e.from, e.fromName);
    names.set(e.to, e.toName);
    for (const [id, pkg] of [[e.fromName, e.fromPkg], [e.toName, e.toPkg]] as const) {
      if (!nodes.has(id)) nodes.set(id, { id, kind: 'lock', inCycle: false, ...(pkg !== undefined ? { pkg } : {}) });
    }
    const key = `${e.from}>${e.to}`;
    const m = merged.get(key);
    if (m) {
      m.witnesses.push(...e.witnesses);
      if (e.more) m.more = true;
      m.violatesOrder ||= e.violatesOrder;
      continue;
    }
    const inCycle = cycleEdges.has(key);
    if (inCycle) { nodes.get(e.fromName)!.inCycle = true; nodes.get(e.toName)!.inCycle = true; }
    merged.set(key, { from: e.fromName, to: e.toName, inCycle, ...(e.more ? { more: true } : {}), violatesOrder: e.violatesOrder, witnesses: [...e.witnesses] });
  }
  return {
    nodes: [...nodes.values()],
    edges: [...merged.values()],
    cycles: cycles.map((c) => c.map((e) => names.get(e.from) ?? e.from)),
    orders: [...orders],
  };
}

/**
 * Two front ends' graphs as one (Go and TypeScript in one workspace). A class shown under the same name by both
 * is two locks: the second graph's is renamed with `suffix` so that no edge joins a Go lock to a TypeScript one.
 */
export function mergeLockGraphViews<P>(a: LockGraphOf<P>, b: LockGraphOf<P>, suffix: string): LockGraphOf<P> {
  if (b.nodes.length === 0 && b.orders.length === 0) return a;
  if (a.nodes.length === 0 && a.orders.length === 0) return b;
  const taken = new Set(a.nodes.map((n) => n.id));
  const rename = (id: string) => (taken.has(id) ? `${id} ${suffix}` : id);
  return {
    nodes: [...a.nodes, ...b.nodes.map((n) => ({ ...n, id: rename(n.id) }))],
    edges: [...a.edges, ...b.edges.map((e) => ({ ...e, from: rename(e.from), to: rename(e.to) }))],
    cycles: [...a.cycles, ...b.cycles.map((c) => c.map(rename))],
    orders: [...a.orders, ...b.orders.filter((o) => !a.orders.includes(o))],
    ...(a.focus ? { focus: a.focus } : b.focus ? { focus: { ...b.focus, locks: b.focus.locks.map(rename) } } : {}),
  };
}
