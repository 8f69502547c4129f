import { directivesIn, parseOrder, type DeclaredOrder } from './hierarchy';
import { interfaceCallsOf, interfaceEdges } from './interfaces';
import { findCycles, packageEdges } from './lock-graph';
import type { EdgeWitness, LockEdge } from './lock-graph-types';
import type { PackageAnalysis } from './package-analysis';
import { appendAll } from '../util/arrays';

/** Facts that span packages: the lock-order graph, its cycles, and the declared hierarchies. */
export interface WorkspaceGraph {
  edges: LockEdge[];
  cycles: LockEdge[][];
  orders: DeclaredOrder[];
  /** Every lock class seen anywhere (held or taken), for validating declared names. */
  classes: Set<string>;
  /** The names of the packages that declare a lock taken anywhere (for `pkg.*` in a declared order). */
  packages: Set<string>;
}

const edgeCache = new WeakMap<PackageAnalysis, LockEdge[]>();

export function edgesOf(a: PackageAnalysis): LockEdge[] {
  let e = edgeCache.get(a);
  if (!e) edgeCache.set(a, (e = packageEdges(a)));
  return e;
}

/** Computes (and keeps) what the graph reads of a package's flows, before the package is compacted. */
export function takeGraphFacts(a: PackageAnalysis): void {
  edgesOf(a);
  interfaceCallsOf(a);
}

const lockNames = new WeakMap<PackageAnalysis, { classes: string[]; packages: string[] }>();

/**
 * The lock classes a package's functions take (their own locks and their callees'), and the packages that
 * declare them. An analysis's acquisitions never change, and an edit re-analyses a few packages: the graph of
 * the others is built from these lists instead of every acquisition of the workspace again.
 */
function lockNamesOf(a: PackageAnalysis): { classes: string[]; packages: string[] } {
  let names = lockNames.get(a);
  if (!names) {
    const classes = new Set<string>(), packages = new Set<string>();
    for (const list of a.acquisitions.values()) {
      for (const acq of list) { classes.add(acq.cls); if (acq.pkg) packages.add(acq.pkg); }
    }
    lockNames.set(a, (names = { classes: [...classes], packages: [...packages] }));
  }
  return names;
}

export function buildGraph(analyses: PackageAnalysis[], settingOrder: string[]): WorkspaceGraph {
  const edges = [...analyses.flatMap(edgesOf), ...interfaceEdges(analyses)];
  const orders: DeclaredOrder[] = [];
  for (const a of analyses) for (const f of a.pkg.files) appendAll(orders, directivesIn(f));
  for (const s of settingOrder) {
    const { names, invalid } = parseOrder(s);
    orders.push({ names, invalid, text: names.join(' > ') });
  }
  const classes = new Set<string>();
  const packages = new Set<string>();
  for (const a of analyses) {
    const taken = lockNamesOf(a);
    for (const c of taken.classes) classes.add(c);
    for (const p of taken.packages) packages.add(p);
  }
  for (const e of edges) { classes.add(e.fromCls); classes.add(e.toCls); packages.add(e.fromPkg); packages.add(e.toPkg); }
  return { edges, cycles: findCycles(edges), orders, classes, packages };
}

/**
 * Everything the graph checks read, as text: when it is unchanged, no package's graph findings can change.
 * Edges with the places of their witnesses (another package's findings point at them), declared orders with
 * their invalid parts and places, and the lock classes and packages seen (an order naming a lock that nobody
 * takes is reported).
 */
export function graphSignature(g: WorkspaceGraph): string {
  const witness = (w: EdgeWitness) => `${w.fn.file.path}:${w.offset}-${w.end}/${w.held.site.start}/${w.acq.lockFn.file.path}:${w.acq.lockNode.start}/${w.acq.chain.map((c) => c.site.node.start).join('>')}/${w.gates.join('+')}`;
  const edges = g.edges.map((e) => `${e.from}>${e.to}[${e.witnesses.map(witness).join(';')}]`).sort().join(',');
  const orders = g.orders.map((o) => `${o.names.join('>')}|${o.invalid.join(',')}|${o.file?.path ?? ''}:${o.start ?? ''}-${o.end ?? ''}`).join(',');
  return `${edges}\n${orders}\n${[...g.classes].sort().join(',')}\n${[...g.packages].sort().join(',')}`;
}
