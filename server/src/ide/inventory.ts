import { rankIn } from '../analysis/hierarchy';
import { allGuards, guardFacts } from '../analysis/guards';
import type { PackageAnalysis } from '../analysis/package-analysis';
import { MAX_WITNESSES } from '../analysis/lock-graph';
import type { WorkspaceGraph } from '../analysis/workspace-graph';
import type { Finding } from '../base/finding';
import { involvesPackages, lockClassName } from '../model/class-name';
import type { GoFile } from '../model/file';
import { classNodeOf, classPackageOf, lockClass } from '../model/refs';
import type { Place } from '../base/place';
import type { LockGraphOf, LockInfoOf } from '../core/views';
import { finishLockInventory, orderText } from '../core/inventory-view';
import { buildLockGraphView, type GraphEdgeFact } from '../core/lock-graph-view';
import { lockClassAt } from './navigation';

/** The place of `start`..`end` in a file, as plain data. */
export function place(file: GoFile, start: number, end: number): Place {
  const a = file.lines.position(start), b = file.lines.position(end);
  return { path: file.path, line: a.line, character: a.character, endLine: b.line, endCharacter: b.character };
}

/**
 * Names for lock-order graph nodes, by the one naming rule (lockClassName): with the package in front when locks
 * of more than one package are taken (`vm.VM.lock`), so that equal names never merge; else `VM.lock`, `cmdLock`.
 */
function nodeNamer(graph: WorkspaceGraph): (node: string, pkg: string) => string {
  const multi = involvesPackages(graph.packages);
  return (node, pkg) => lockClassName(node, pkg, multi);
}

/** Every lock class of the workspace with its acquisitions, guards, order and problems: the Lock Explorer's data. */
export function lockInventory(analyses: PackageAnalysis[], graph: WorkspaceGraph, findings: Finding[]): LockInfoOf[] {
  const name = nodeNamer(graph);
  const byNode = new Map<string, LockInfoOf>();
  const info = (node: string, pkg: string, kind: string) => {
    let i = byNode.get(node);
    if (!i) byNode.set(node, (i = { cls: name(node, pkg), pkg, kind, acquisitions: [], guards: [], inCycle: false, problems: [] }));
    return i;
  };
  for (const a of analyses) {
    const dir = a.pkg.dir;
    for (const [fn, flow] of a.flows) {
      for (const e of flow.lockEvents) {
        if (e.op.method.endsWith('nlock') || e.deferred) continue;
        const node = classNodeOf(e.op.ref, dir) ?? `${dir}|${lockClass(e.op.ref)}`;
        const i = info(node, classPackageOf(e.op.ref, a.pkg.name), e.op.kind);
        i.acquisitions.push({ loc: place(fn.file, e.node.start, e.node.end), fn: fn.name, mode: e.op.method.includes('R') ? 'read' : 'write' });
      }
    }
    for (const t of a.pkg.types.values()) {
      if (t.type.kind !== 'struct') continue;
      for (const f of t.type.fields) {
        const kind = a.pkg.lockKind(f.type);
        if (!kind || f.embedded) continue;
        const i = info(`${dir}|${t.name}.${f.name}`, a.pkg.name, kind);
        const at = t.file.parsed.text.indexOf(f.name, f.node.start);
        i.declared = place(t.file, at, at + f.name.length);
      }
    }
    for (const v of a.pkg.vars.values()) {
      const kind = a.pkg.lockKind(a.globalType(v.name));
      if (!kind) continue;
      info(`${dir}|${a.pkg.name}.${v.name}`, a.pkg.name, kind).declared = place(v.file, v.nameNode.start, v.nameNode.end);
    }
    for (const [target, g] of guardFacts(a).guards) {
      const owner = target.includes('.') ? target.slice(0, target.lastIndexOf('.')) : undefined;
      for (const x of allGuards(g)) {
        const cls = x.relative && owner ? `${owner}.${x.lock}` : `${a.pkg.name}.${x.lock}`;
        byNode.get(`${dir}|${cls}`)?.guards.push({ name: target, source: x.source });
      }
    }
  }
  // A declared order names the class as its package knows it: `VM.lock` of `dir|VM.lock`.
  return finishLockInventory(byNode, {
    inCycle: new Set(graph.cycles.flatMap((c) => c.map((e) => e.from))),
    orderOf: (node, i) => orderText(graph.orders, (k) => rankIn(graph.orders[k], node.slice(node.indexOf('|') + 1), i.pkg)),
    findings,
  });
}

/** The lock-order graph as data: classes, "taken while held" edges with their witnesses, cycles and orders. */
export function lockGraphData(graph: WorkspaceGraph): LockGraphOf {
  const name = nodeNamer(graph);
  const edges = graph.edges.map((e): GraphEdgeFact<Place> => {
    const from = name(e.from, e.fromPkg), to = name(e.to, e.toPkg);
    return {
      from: e.from, to: e.to, fromName: from, toName: to, fromPkg: e.fromPkg, toPkg: e.toPkg,
      // Each package keeps at most MAX_WITNESSES places of an edge.
      more: e.witnesses.length >= MAX_WITNESSES,
      violatesOrder: graph.orders.some((o) => { const a = rankIn(o, e.fromCls, e.fromPkg), b = rankIn(o, e.toCls, e.toPkg); return a >= 0 && b >= 0 && b < a; }),
      witnesses: e.witnesses.map((w) => ({ loc: place(w.fn.file, w.offset, w.end), message: `${w.fn.name} takes ${to} while holding ${from}` })),
    };
  });
  return buildLockGraphView(edges, graph.cycles, graph.orders.map((o) => o.text));
}

/**
 * The graph ids (as lockGraphData names them) of lock-graph nodes (`dir|VM.lock`, as a finding's `locks` or
 * lockClassAt give them); a node that no edge has is left out: it is not in the graph.
 */
export function lockGraphIds(graph: WorkspaceGraph, nodes: readonly string[]): string[] {
  const name = nodeNamer(graph);
  const ids: string[] = [];
  for (const node of nodes) {
    const e = graph.edges.find((x) => x.from === node || x.to === node);
    const id = e && (e.from === node ? name(e.from, e.fromPkg) : name(e.to, e.toPkg));
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** The checks whose findings are about the order of locks: the graph opens on the locks they name. */
const ORDER_CHECKS = new Set(['lock-order-cycle', 'lock-hierarchy']);

/**
 * What the lock graph opens on when asked from a position of a file: the locks of a lock order finding there
 * (a cycle, or two locks against a declared order), else the lock under the cursor; undefined when neither
 * is in the graph.
 */
export function lockGraphFocus(graph: WorkspaceGraph, findings: readonly Finding[], analysis: PackageAnalysis, file: GoFile, at: { line: number; character: number }): LockGraphOf['focus'] {
  const before = (a: { line: number; character: number }, b: typeof a) => a.line < b.line || (a.line === b.line && a.character < b.character);
  for (const f of findings) {
    if (!ORDER_CHECKS.has(f.code) || !f.locks?.length || f.file !== file.path || before(at, f.range.start) || before(f.range.end, at)) continue;
    const locks = lockGraphIds(graph, f.locks);
    if (locks.length) return { locks, why: 'finding' };
  }
  const cls = lockClassAt(analysis, file, file.lines.offset(at));
  const locks = cls ? lockGraphIds(graph, [cls]) : [];
  return locks.length ? { locks, why: 'cursor' } : undefined;
}

/** Graphviz dot for the lock-order graph: cycle edges red, order violations orange. */
export function toDot(g: LockGraphOf<unknown>): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = ['digraph locks {', '  rankdir=LR;', '  node [shape=box, style=rounded, fontname="Helvetica"];'];
  for (const n of g.nodes) lines.push(`  ${q(n.id)}${n.inCycle ? ' [color=red, fontcolor=red]' : ''};`);
  for (const e of g.edges) {
    const attrs = [`label=${q(`${e.witnesses.length} site${e.witnesses.length === 1 ? '' : 's'}`)}`];
    if (e.inCycle) attrs.push('color=red', 'penwidth=2');
    else if (e.violatesOrder) attrs.push('color=orange');
    lines.push(`  ${q(e.from)} -> ${q(e.to)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
