/**
 * The lock graph at the size of a real project, as plain data: the neighbourhood of a lock, the cycles-only
 * filter, collapsed packages, edge counts and the search; what the panel opens on; `lockset graph --focus` and
 * `--cycles-only` (run in-process).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../server/src/cli/main';
import { collapsePackages, cyclesOnly, graphView, matchLocks, neighbourhood, siteCount, sitesOf } from '../server/src/ide/graph-view';
import { lockGraphData, lockGraphFocus } from '../server/src/ide/inventory';
import { layoutGraph, toSvg } from '../server/src/ide/svg';
import type { LockGraphOf } from '../server/src/core/views';
import type { LockGraph, LockGraphEdge } from '../server/src/protocol';
import { Workspace } from '../server/src/workspace';
import { analyzeAll } from '../server/src/batch';

const ROOT = join(__dirname, '..');
const site = (file: string, line: number, message: string) => ({ loc: { uri: `file:///w/${file}`, line, character: 1 }, message });
const edge = (from: string, to: string, sites: number, extra: Partial<LockGraphEdge> = {}): LockGraphEdge =>
  ({ from, to, inCycle: false, violatesOrder: false, witnesses: Array.from({ length: sites }, (_, i) => site(`${from}.go`, 10 + i, `f${i} takes ${to} while holding ${from}`)), ...extra });
const ids = (g: LockGraphOf<unknown>) => g.nodes.map((n) => n.id).sort();
const pairs = (g: LockGraph) => g.edges.map((e) => `${e.from}>${e.to}`).sort();

// p.A → p.B → p.D → p.A is a cycle; p.B → p.C → q.X → q.Y a chain, where p.C → q.X breaks a declared order.
const G: LockGraph = {
  nodes: [
    ...['p.A', 'p.B', 'p.D'].map((id) => ({ id, kind: 'lock', inCycle: true, pkg: 'p' })),
    { id: 'p.C', kind: 'lock', inCycle: false, pkg: 'p' },
    ...['q.X', 'q.Y'].map((id) => ({ id, kind: 'lock', inCycle: false, pkg: 'q' })),
  ],
  edges: [
    edge('p.A', 'p.B', 2, { inCycle: true }), edge('p.B', 'p.D', 1, { inCycle: true }), edge('p.D', 'p.A', 1, { inCycle: true }),
    edge('p.B', 'p.C', 1), edge('p.C', 'q.X', 3, { violatesOrder: true }), edge('p.C', 'q.Y', 1), edge('q.X', 'q.Y', 20, { more: true }),
  ],
  cycles: [['p.A', 'p.B', 'p.D']],
  orders: ['q.* > p.*'],
};

describe('lock graph views', () => {
  it('the neighbourhood of a lock: its edges either way, out to a depth, and every lock of a cycle through it', () => {
    assert.deepEqual(ids(neighbourhood(G, ['p.C'], 1)), ['p.B', 'p.C', 'q.X', 'q.Y']);
    assert.deepEqual(pairs(neighbourhood(G, ['p.C'], 1)), ['p.B>p.C', 'p.C>q.X', 'p.C>q.Y', 'q.X>q.Y']);
    assert.deepEqual(ids(neighbourhood(G, ['q.Y'], 1)), ['p.C', 'q.X', 'q.Y']);
    assert.deepEqual(ids(neighbourhood(G, ['q.Y'], 2)), ['p.B', 'p.C', 'q.X', 'q.Y']);
    // Depth 0 with a lock of the cycle: the whole cycle, and its cycle is kept; the others are dropped.
    const cycle = neighbourhood(G, ['p.A'], 0);
    assert.deepEqual(ids(cycle), ['p.A', 'p.B', 'p.D']);
    assert.deepEqual(cycle.cycles, [['p.A', 'p.B', 'p.D']]);
    assert.deepEqual(neighbourhood(G, ['q.X'], 1).cycles, []);
    assert.deepEqual(ids(neighbourhood(G, ['nosuch'], 1)), [], 'a lock that is not in the graph shows nothing');
  });

  it('cycles only: the edges of cycles and those against a declared order, with their locks', () => {
    const v = cyclesOnly(G);
    assert.deepEqual(pairs(v), ['p.A>p.B', 'p.B>p.D', 'p.C>q.X', 'p.D>p.A']);
    assert.deepEqual(ids(v), ['p.A', 'p.B', 'p.C', 'p.D', 'q.X']);
    assert.deepEqual(v.orders, G.orders);
  });

  it('a collapsed package is one node: edges into it merge with their sites, edges inside it become a loop', () => {
    const v = collapsePackages(G, ['q']);
    assert.deepEqual(ids(v), ['p.A', 'p.B', 'p.C', 'p.D', 'q.*']);
    assert.deepEqual(v.nodes.find((n) => n.id === 'q.*'), { id: 'q.*', kind: 'package', inCycle: false, pkg: 'q', locks: 2 });
    const into = v.edges.find((e) => e.from === 'p.C' && e.to === 'q.*')!;
    assert.equal(into.witnesses.length, 4);
    assert.equal(into.violatesOrder, true);
    const loop = v.edges.find((e) => e.from === 'q.*' && e.to === 'q.*')!;
    assert.equal(siteCount(loop), '20+');
    // A cycle inside a collapsed package passes its node once.
    const p = collapsePackages(G, ['p']);
    assert.deepEqual(p.cycles, [['p.*']]);
    assert.equal(p.nodes.find((n) => n.id === 'p.*')!.inCycle, true);
    assert.equal(G.edges.find((e) => e.from === 'p.C' && e.to === 'q.X')!.witnesses.length, 3, 'the graph itself is not changed');
  });

  it('the view: filter, then collapse, then the neighbourhood (of a collapsed lock: its package)', () => {
    assert.deepEqual(ids(graphView(G, { focus: ['q.X'], collapsed: ['q'] })), ['p.C', 'q.*']);
    assert.deepEqual(ids(graphView(G, { focus: ['p.C'], cyclesOnly: true })), ['p.C', 'q.X']);
    assert.deepEqual(ids(graphView(G, {})), ids(G));
  });

  it('edge counts, sites and the search', () => {
    assert.equal(siteCount(G.edges[0]), '2');
    assert.deepEqual(sitesOf(G, { from: 'p.A', to: 'p.B' }).map((s) => s.loc.line), [10, 11]);
    assert.deepEqual(sitesOf(G, { node: 'q.X' }).length, 3 + 20);
    const g = { ...G, nodes: [...G.nodes, { id: 'r.Xmu', kind: 'lock', inCycle: false }, { id: 'x', kind: 'lock', inCycle: false }] };
    assert.deepEqual(matchLocks(g, 'X'), ['x', 'q.X', 'r.Xmu'], 'the name, then the end of one, then a part');
    assert.deepEqual(matchLocks(g, ' p.c '), ['p.C']);
    assert.deepEqual(matchLocks(g, 'zzz'), []);
    assert.deepEqual(matchLocks(g, ''), []);
  });
});

describe('lock graph drawing', () => {
  it('edges carry their count of sites as a label and the first site as their tooltip; focused locks are marked', async () => {
    const svg = await toSvg(G, { focus: ['p.C'] });
    assert.match(svg, /<g class="link" data-from="p\.A" data-to="p\.B"><title>f0 takes p\.B while holding p\.A \(p\.A\.go:11\)\n… and 1 more site<\/title>[^]*?<text class="edge-label"[^>]*>2<\/text><\/g>/);
    assert.match(svg, /<g class="link" data-from="q\.X" data-to="q\.Y"><title>[^<]*… and 19\+ more sites<\/title>[^]*?>20\+<\/text><\/g>/);
    assert.match(svg, /<g class="node focus" data-id="p\.C"/);
    assert.match(svg, /<g class="node cycle" data-id="p\.A"/);
    const collapsed = await toSvg(collapsePackages(G, ['q']));
    assert.match(collapsed, /<g class="node package" data-id="q\.\*"(?: data-rank="\d+")?><rect [^>]*\/><text [^>]*>q\.\* \(2\)<\/text><title>package q: 2 locks<\/title>/);
  });

  it('with a declared order, the parts of the graph that hold no ranked lock are packed below, not in its layers', async () => {
    // Ten unconnected pairs beside the ranked part: in the ranked layers they would be one column of ten.
    const pairs = Array.from({ length: 10 }, (_, i) => [`z.P${i}`, `z.Q${i}`]);
    const g: LockGraph = {
      nodes: [...['m.A', 'm.B'], ...pairs.flat()].map((id) => ({ id, kind: 'lock', inCycle: false })),
      edges: [edge('m.A', 'm.B', 1), ...pairs.map(([a, b]) => edge(a, b, 1))],
      cycles: [], orders: ['A > B'],
    };
    const layout = await layoutGraph(g);
    const box = new Map(layout.nodes.map((n) => [n.id, n]));
    const rankedBottom = Math.max(box.get('m.A')!.y, box.get('m.B')!.y) + 30;
    assert.ok(pairs.flat().every((id) => box.get(id)!.y >= rankedBottom), 'below the ranked part');
    assert.ok(pairs.flat().every((id) => box.get(id)!.partition === undefined));
    assert.ok(new Set(pairs.map(([a]) => box.get(a)!.x)).size > 1, 'packed side by side, not one column');
    assert.ok(layout.height < 10 * 54, `${layout.width}x${layout.height}`);
    const svg = await toSvg(g);
    assert.equal((svg.match(/<path class="edge"/g) ?? []).length, 11);
    for (const e of layout.edges) assert.ok(e.d && e.label, `${e.from}>${e.to} drawn with its label`);
  });

  it('a two-lock cycle is two arrows, apart, each with its own label', async () => {
    const g: LockGraph = {
      nodes: ['m.A', 'm.B'].map((id) => ({ id, kind: 'lock', inCycle: true, pkg: 'm' })),
      edges: [edge('m.A', 'm.B', 1, { inCycle: true }), edge('m.B', 'm.A', 2, { inCycle: true })],
      cycles: [['m.A', 'm.B']], orders: [],
    };
    const layout = await layoutGraph(g);
    const [ab, ba] = layout.edges;
    assert.ok(ab.d && ba.d && ab.d !== ba.d);
    const end = (d: string) => d.trim().split(/[ ,]+/).slice(-2).map(Number);
    const box = (id: string) => layout.nodes.find((n) => n.id === id)!;
    const near = (p: number[], id: string) => { const b = box(id); return p[0] >= b.x - 2 && p[0] <= b.x + b.width + 2 && p[1] >= b.y - 2 && p[1] <= b.y + b.height + 2; };
    assert.ok(near(end(ab.d), 'm.B') && near(end(ba.d), 'm.A'), 'each arrow ends at its own lock');
    assert.ok(ab.label && ba.label && Math.abs(ab.label.y - ba.label.y) + Math.abs(ab.label.x - ba.label.x) >= 10, JSON.stringify([ab.label, ba.label]));
    assert.deepEqual([ab.label.text, ba.label.text], ['1', '2']);
  });
});

const TWO = `package two

import "sync"

type A struct{ mu sync.Mutex }
type B struct{ mu sync.Mutex }
type C struct{ mu sync.Mutex }
type D struct{ mu sync.Mutex }

func ab(a *A, b *B) {
	a.mu.Lock()
	b.mu.Lock()
	b.mu.Unlock()
	a.mu.Unlock()
}

func ba(a *A, b *B) {
	b.mu.Lock()
	a.mu.Lock()
	a.mu.Unlock()
	b.mu.Unlock()
}

func ca(a *A, c *C, d *D) {
	c.mu.Lock()
	a.mu.Lock()
	a.mu.Unlock()
	c.mu.Unlock()
	d.mu.Lock()
	d.mu.Unlock()
}
`;

describe('what the lock graph opens on', () => {
  it('the cycle of a lock order finding at the position, else the lock under the cursor, else nothing', async () => {
    const ws = await Workspace.create(undefined, () => undefined);
    const path = '/graph/two/two.go';
    ws.setText(path, TWO);
    analyzeAll(ws);
    const graph = ws.graph();
    const findings = ws.findingsFor(path);
    const cycle = findings.find((f) => f.code === 'lock-order-cycle')!;
    assert.ok(cycle, JSON.stringify(findings.map((f) => f.code)));
    const analysis = ws.analysisOf(path)!, file = ws.file(path)!;
    const at = (needle: string, nth = 0) => {
      let i = -1;
      for (let k = 0; k <= nth; k++) i = TWO.indexOf(needle, i + 1);
      return file.lines.position(i + 1);
    };
    const focus = (p: { line: number; character: number }) => lockGraphFocus(graph, findings, analysis, file, p);
    const onCycle = focus(cycle.range.start);
    assert.equal(onCycle?.why, 'finding');
    assert.deepEqual([...onCycle.locks].sort(), ['A.mu', 'B.mu']);
    assert.deepEqual(focus(at('c.mu.Lock')), { locks: ['C.mu'], why: 'cursor' });
    assert.deepEqual(focus(at('C struct')), undefined, 'a type name is no lock');
    assert.deepEqual(focus(at('mu sync.Mutex', 2)), { locks: ['C.mu'], why: 'cursor' }, 'a lock field');
    assert.equal(focus(at('d.mu.Lock')), undefined, 'D.mu is taken with nothing held: it is not in the graph');
    // The graph names the locks as the focus does.
    const data = lockGraphData(graph);
    assert.deepEqual(ids(data), ['A.mu', 'B.mu', 'C.mu']);
    assert.ok(data.nodes.every((n) => n.pkg === 'two'));
  });
});

describe('lockset graph --focus and --cycles-only', () => {
  const run = async (...args: string[]) => {
    const out: string[] = [], err: string[] = [];
    const code = await main(['graph', ...args], (s) => out.push(s), (s) => err.push(s));
    return { code, out: out.join(''), err: err.join('') };
  };
  const examples = join(ROOT, 'examples');

  it('--focus keeps the neighbourhood of a lock, named whole or by its end', async () => {
    const r = await run('--format', 'json', '--focus', 'cmdLock', examples);
    assert.equal(r.code, 0, r.err);
    const g = JSON.parse(r.out) as LockGraph;
    // The examples' locks are one package's: no package in front (docs/editor.md, "Lock class names").
    assert.deepEqual(ids(g), ['VM.lock', 'cmdLock', 'vmLock']);
    assert.ok(g.edges.every((e) => e.from === 'cmdLock' || e.to === 'cmdLock' || e.from === 'vmLock'));
    const svg = await run('--format', 'svg', '--focus', 'statsTable.mu', examples);
    assert.equal(svg.code, 0, svg.err);
    assert.match(svg.out, /<g class="node cycle focus" data-id="statsTable\.mu"/);
    assert.match(svg.out, /class="edge-label"/);
    assert.doesNotMatch(svg.out, /data-id="cmdLock"/);
  });

  it('--cycles-only keeps the cycle; a --focus that names no lock is a usage error that lists them', async () => {
    const r = await run('--format', 'dot', '--cycles-only', examples);
    assert.equal(r.code, 0, r.err);
    assert.equal((r.out.match(/->/g) ?? []).length, 2);
    assert.match(r.out, /"VM\.lock" -> "statsTable\.mu"/);
    const bad = await run('--focus', 'nosuch', examples);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--focus "nosuch": no lock class of the graph matches it; the lock classes are VM\.lock, cmdLock, statsTable\.mu, vmLock/);
    const part = await run('--focus', 'stats', examples);
    assert.equal(part.code, 2);
    assert.match(part.err, /did you mean statsTable\.mu\?/);
    assert.equal((await run('--cycles-only', '--format', 'svg', examples)).code, 0);
    assert.equal((await run('--format', 'json', '--focus')).code, 2, '--focus needs a value');
  });
});
