// The lock-order graph as the graph panel and `lockset graph` show it: a view of the whole graph (the
// neighbourhood of some locks, only cycles and order violations, packages collapsed into one node each), as
// plain data, so that the panel, the command line and the tests share it. Generic in the place: the server's
// graph has paths, the client's (as received) URIs; nothing here reads a place.
import type { LockGraphEdgeOf, LockGraphNode, LockGraphOf } from '../core/views';

export interface GraphViewOptions {
  /** Show only these locks, what lies within `depth` edges of them (either way) and the cycles through them. */
  focus?: string[];
  /** Default 1: the locks taken while a focused one is held, and those held while it is taken. */
  depth?: number;
  /** Only the edges of cycles and those that break a declared order, with their locks. */
  cyclesOnly?: boolean;
  /** Packages drawn as one node each. */
  collapsed?: string[];
}

/** The id of the node that stands for a collapsed package: `vmm.*`, as a declared order names all its locks. */
export function packageNodeId(pkg: string): string {
  return `${pkg}.*`;
}

/** The view: filtered to cycles first, then packages collapsed, then the neighbourhood of the focus. */
export function graphView<P>(g: LockGraphOf<P>, o: GraphViewOptions): LockGraphOf<P> {
  let v = g;
  if (o.cyclesOnly) v = cyclesOnly(v);
  const collapsed = o.collapsed ?? [];
  if (collapsed.length) v = collapsePackages(v, collapsed);
  if (o.focus?.length) {
    // A focused lock of a collapsed package is seen as its package's node.
    const pkgOf = new Map(g.nodes.map((n) => [n.id, n.pkg]));
    const focus = o.focus.map((id) => { const p = pkgOf.get(id); return p !== undefined && collapsed.includes(p) ? packageNodeId(p) : id; });
    v = neighbourhood(v, focus, o.depth ?? 1);
  }
  return v;
}

/**
 * The locks within `depth` edges of `ids` (following edges either way), every lock of a cycle through one of
 * `ids`, and the edges among them. Ids that are not in the graph are ignored.
 */
export function neighbourhood<P>(g: LockGraphOf<P>, ids: readonly string[], depth: number): LockGraphOf<P> {
  const adjacent = new Map<string, string[]>();
  for (const e of g.edges) {
    (adjacent.get(e.from) ?? adjacent.set(e.from, []).get(e.from)!).push(e.to);
    (adjacent.get(e.to) ?? adjacent.set(e.to, []).get(e.to)!).push(e.from);
  }
  const present = new Set(g.nodes.map((n) => n.id));
  const keep = new Set(ids.filter((id) => present.has(id)));
  let frontier = [...keep];
  for (let d = 0; d < depth && frontier.length; d++) {
    const next: string[] = [];
    for (const id of frontier) for (const n of adjacent.get(id) ?? []) if (!keep.has(n)) { keep.add(n); next.push(n); }
    frontier = next;
  }
  for (const c of g.cycles) if (c.some((id) => ids.includes(id))) for (const id of c) if (present.has(id)) keep.add(id);
  return restrict(g, keep, g.edges.filter((e) => keep.has(e.from) && keep.has(e.to)));
}

/** Only the edges that are part of a cycle or break a declared order, and their locks. */
export function cyclesOnly<P>(g: LockGraphOf<P>): LockGraphOf<P> {
  const edges = g.edges.filter((e) => e.inCycle || e.violatesOrder);
  return restrict(g, new Set(edges.flatMap((e) => [e.from, e.to])), edges);
}

/**
 * Each package of `pkgs` as one node (`vmm.*`): its locks' edges become the package's, those between two
 * locks of the same package a loop on it, and edges that now join the same two nodes one edge with all their
 * sites. Cycles are named by the new nodes.
 */
export function collapsePackages<P>(g: LockGraphOf<P>, pkgs: readonly string[]): LockGraphOf<P> {
  const pkgOf = new Map(g.nodes.map((n) => [n.id, n.pkg]));
  const map = (id: string) => { const p = pkgOf.get(id); return p !== undefined && pkgs.includes(p) ? packageNodeId(p) : id; };
  const nodes = new Map<string, LockGraphNode>();
  for (const n of g.nodes) {
    const id = map(n.id);
    const m = nodes.get(id);
    if (!m) nodes.set(id, id === n.id ? { ...n } : { id, kind: 'package', inCycle: n.inCycle, pkg: n.pkg, locks: 1 });
    else { m.inCycle ||= n.inCycle; m.locks = (m.locks ?? 0) + 1; }
  }
  const edges = new Map<string, LockGraphEdgeOf<P>>();
  for (const e of g.edges) {
    const from = map(e.from), to = map(e.to);
    const m = edges.get(`${from}>${to}`);
    if (!m) edges.set(`${from}>${to}`, { ...e, from, to, witnesses: [...e.witnesses] });
    else {
      m.witnesses.push(...e.witnesses);
      m.inCycle ||= e.inCycle;
      m.violatesOrder ||= e.violatesOrder;
      m.more ||= e.more;
    }
  }
  // A cycle through two locks of one collapsed package passes its node once; one inside it is a loop on it.
  const cycles = new Map<string, string[]>();
  for (const c of g.cycles) {
    const mapped = c.map(map);
    const steps = mapped.filter((id, i) => id !== mapped[(i + 1) % mapped.length]);
    const cycle = steps.length ? steps : mapped.slice(0, 1);
    cycles.set(cycle.join('>'), cycle);
  }
  return { ...g, nodes: [...nodes.values()], edges: [...edges.values()], cycles: [...cycles.values()] };
}

/** The graph with only the nodes in `keep` and the given edges; cycles that lost a lock are left out. */
function restrict<P>(g: LockGraphOf<P>, keep: Set<string>, edges: LockGraphEdgeOf<P>[]): LockGraphOf<P> {
  return { ...g, nodes: g.nodes.filter((n) => keep.has(n.id)), edges, cycles: g.cycles.filter((c) => c.every((id) => keep.has(id))) };
}

/**
 * The locks that a search text names, best first: the id itself, then ids that end in `.text` (`mu` finds
 * `VM.mu`), then ids that contain it; case does not matter; shorter ids first among equals.
 */
export function matchLocks(g: LockGraphOf<unknown>, text: string): string[] {
  const q = text.trim().toLowerCase();
  if (!q) return [];
  const rank = (id: string) => { const l = id.toLowerCase(); return l === q ? 0 : l.endsWith(`.${q}`) ? 1 : l.includes(q) ? 2 : -1; };
  return g.nodes.map((n) => ({ id: n.id, r: rank(n.id) })).filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || a.id.length - b.id.length || a.id.localeCompare(b.id)).map((x) => x.id);
}

export interface Site<P> { loc: P; message: string; from: string; to: string }

/** The places behind a node (every edge into or out of it) or behind one edge, in the order of the edges. */
export function sitesOf<P>(g: LockGraphOf<P>, sel: { node: string } | { from: string; to: string }): Site<P>[] {
  const edges = 'node' in sel ? g.edges.filter((e) => e.from === sel.node || e.to === sel.node) : g.edges.filter((e) => e.from === sel.from && e.to === sel.to);
  return edges.flatMap((e) => e.witnesses.map((w) => ({ loc: w.loc, message: w.message, from: e.from, to: e.to })));
}

/** The label of an edge: how many places take its second lock while holding its first (`20+` when cut off). */
export function siteCount(e: LockGraphEdgeOf<unknown>): string {
  return `${e.witnesses.length}${e.more ? '+' : ''}`;
}
