/**
 * The lock-order graph of the TypeScript and JavaScript files, as the Go one (core/lock-graph-view.ts builds the
 * view of both): lock classes, "taken while held" edges through awaited calls with their places, cycles and the
 * declared orders. Plain data out; the language server and the CLI turn places into URIs.
 */
import { rankIn } from '../analysis/hierarchy';
import type { Finding } from '../base/finding';
import type { Place } from '../base/place';
import { buildLockGraphView, type GraphEdgeFact } from '../core/lock-graph-view';
import type { LockGraphOf } from '../core/views';
import type { TsAnalysis } from './analysis';
import type { TsFileFacts } from './model';

type ToPlace = (file: string, start: number, end: number) => Place;

/**
 * The graph's name of each lock class node (by its key): its class, with its module where two modules have a class
 * of that name. Made once per graph, for the graph and for what it opens on.
 */
export function tsGraphNames(analysis: TsAnalysis): Map<string, string> {
  const nodesOf = new Map<string, Set<string>>();
  const classOf = new Map<string, { cls: string; pkg?: string }>();
  for (const e of analysis.edges()) {
    for (const [node, cls, pkg] of [[e.from, e.fromCls, e.fromPkg], [e.to, e.toCls, e.toPkg]] as const) {
      let s = nodesOf.get(cls);
      if (!s) nodesOf.set(cls, (s = new Set()));
      s.add(node);
      classOf.set(node, { cls, pkg });
    }
  }
  const out = new Map<string, string>();
  for (const [node, { cls, pkg }] of classOf) out.set(node, (nodesOf.get(cls)?.size ?? 0) > 1 && pkg ? `${cls} (${pkg})` : cls);
  return out;
}

export function tsLockGraph(analysis: TsAnalysis, names: ReadonlyMap<string, string>, place: ToPlace): LockGraphOf {
  const orders = analysis.orders();
  const edges = analysis.edges().map((e): GraphEdgeFact<Place> => {
    const from = names.get(e.from)!, to = names.get(e.to)!;
    return {
      from: e.from, to: e.to, fromName: from, toName: to, fromPkg: e.fromPkg ?? 'typescript', toPkg: e.toPkg ?? 'typescript',
      violatesOrder: orders.some((o) => { const a = rankIn(o, e.fromCls, e.fromPkg), b = rankIn(o, e.toCls, e.toPkg); return a >= 0 && b >= 0 && b < a; }),
      witnesses: e.witnesses.map((w) => ({ loc: place(w.fn.file, w.start, w.end), message: `${w.fn.name} takes ${to} while holding ${from}` })),
    };
  });
  return buildLockGraphView(edges, analysis.cycles(), orders.map((o) => o.text));
}

const ORDER_CHECKS = new Set(['lock-order-cycle', 'lock-hierarchy']);

/**
 * What the graph opens on when asked from `offset` of a file: the locks of a lock-order finding there, else the
 * lock of the operation under the cursor; undefined when neither is in the graph.
 */
export function tsLockGraphFocus(graph: LockGraphOf, names: ReadonlyMap<string, string>, findings: readonly Finding[], facts: TsFileFacts, offset: number): LockGraphOf['focus'] {
  const inGraph = (nodes: readonly string[]) => [...new Set(nodes.map((n) => names.get(n)).filter((n): n is string => !!n && graph.nodes.some((g) => g.id === n)))];
  const at = facts.lines.position(offset);
  const before = (a: { line: number; character: number }, b: typeof a) => a.line < b.line || (a.line === b.line && a.character < b.character);
  for (const f of findings) {
    if (!ORDER_CHECKS.has(f.code) || !f.locks?.length || f.file !== facts.path || before(at, f.range.start) || before(f.range.end, at)) continue;
    const locks = inGraph(f.locks);
    if (locks.length) return { locks, why: 'finding' };
  }
  for (const fn of facts.functions) {
    const op = fn.ops.find((o) => o.start <= offset && offset <= o.end && o.ref.node);
    const locks = op ? inGraph([op.ref.node!]) : [];
    if (locks.length) return { locks, why: 'cursor' };
  }
  return undefined;
}
