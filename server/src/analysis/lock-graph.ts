import type { FuncDecl } from '../model/file';
import { lockClass, typedClass, type Ref } from '../model/refs';
import type { HeldLock } from './held';
import type { PackageAnalysis } from './package-analysis';
import { acquisitionsAt, type Acquisition } from './summaries';

/** Why the edge "B taken while A held" exists: one place where it happens. */
export interface EdgeWitness {
  /** The function in which A is held while B is taken. */
  fn: FuncDecl;
  held: HeldLock;
  /** The acquisition of B, in fn's names, with the call chain from fn. */
  acq: Acquisition;
  /** Where in fn: the Lock call, or the name of the call that leads to it. */
  offset: number;
  end: number;
}

export interface LockEdge {
  /** Graph nodes are lock classes, qualified by package so that equal type names in two packages differ. */
  from: string;
  to: string;
  fromCls: string;
  toCls: string;
  /** The first place where the edge arises; `witnesses` has more (a bounded number). */
  witness: EdgeWitness;
  witnesses: EdgeWitness[];
}

const MAX_WITNESSES = 20;

export function classNode(pkgDir: string, cls: string): string {
  return `${pkgDir}|${cls}`;
}

/** The package's edges: for every acquisition, each lock class already held there (first witness kept). */
export function packageEdges(analysis: PackageAnalysis): LockEdge[] {
  const edges = new Map<string, LockEdge>();
  const dir = analysis.pkg.dir;
  const add = (fn: FuncDecl, held: HeldLock, acq: Acquisition, offset: number, end: number) => {
    const fromCls = typedClass(held.ref), toCls = acq.cls;
    if (!fromCls || !typedClassOk(acq.ref) || fromCls === toCls) return;
    const key = `${fromCls}\u0000${toCls}`;
    const witness: EdgeWitness = { fn, held, acq, offset, end };
    const edge = edges.get(key);
    if (!edge) edges.set(key, { from: classNode(dir, fromCls), to: classNode(dir, toCls), fromCls, toCls, witness, witnesses: [witness] });
    else if (edge.witnesses.length < MAX_WITNESSES && !edge.witnesses.some((w) => w.offset === offset && w.fn === fn)) edge.witnesses.push(witness);
  };
  // Every body counts, goroutines included: their own nesting orders locks too. Locks a callback only
  // may have inherited from its caller do not.
  for (const [fn, flow] of analysis.flows) {
    for (const e of flow.lockEvents) {
      if (e.deferred || e.op.method.endsWith('nlock')) continue;
      const acq: Acquisition = { ref: e.op.ref, cls: lockClass(e.op.ref), mode: e.op.method.includes('R') ? 'read' : 'write', lockFn: fn, lockOffset: e.node.start, chain: [] };
      for (const h of e.held.all()) if (!h.inherited) add(fn, h, acq, e.node.start, e.node.end);
    }
    for (const site of flow.calls) {
      if (!site.callee || site.viaGo || site.held.size === 0) continue;
      for (const a of acquisitionsAt(analysis, fn, site)) {
        for (const h of site.held.all()) if (!h.inherited) add(fn, h, a, site.nameNode.start, site.nameNode.end);
      }
    }
  }
  return [...edges.values()];
}

function typedClassOk(ref: Ref): boolean {
  return typedClass(ref) !== undefined;
}

/**
 * The elementary cycles of the class graph, each once (rotated to start at its smallest node):
 * for every edge inside a strongly connected component, the shortest path back closes a cycle.
 */
export function findCycles(edges: LockEdge[]): LockEdge[][] {
  const out = new Map<string, LockEdge[]>();
  const byFrom = new Map<string, LockEdge[]>();
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

function shortestPath(byFrom: Map<string, LockEdge[]>, start: string, goal: string): LockEdge[] | undefined {
  if (start === goal) return [];
  const prev = new Map<string, LockEdge>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length) {
    const n = queue.shift()!;
    for (const e of byFrom.get(n) ?? []) {
      if (seen.has(e.to)) continue;
      seen.add(e.to);
      prev.set(e.to, e);
      if (e.to === goal) {
        const path: LockEdge[] = [];
        for (let cur = goal; cur !== start; cur = prev.get(cur)!.from) path.unshift(prev.get(cur)!);
        return path;
      }
      queue.push(e.to);
    }
  }
  return undefined;
}
