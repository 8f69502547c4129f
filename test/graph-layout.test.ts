/** The lock-order graph's layout (ELK, layered): the declared hierarchy as layers, every lock and edge drawn. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { layoutGraph, partitions, rankIn, textWidth, toSvg } from '../server/src/ide/svg';
import type { LockGraph } from '../server/src/protocol';

const ROOT = join(__dirname, '..');
const loc = { uri: 'file:///w/a.go', line: 1, character: 1 };
const edge = (from: string, to: string, extra: Partial<LockGraph['edges'][number]> = {}) =>
  ({ from, to, inCycle: false, violatesOrder: false, witnesses: [{ loc, message: `takes ${to} while holding ${from}` }], ...extra });

/** The boxes of an SVG drawn by toSvg, by lock. */
function boxes(svg: string): Map<string, { x: number; y: number; width: number; height: number; rank?: number }> {
  const out = new Map<string, { x: number; y: number; width: number; height: number; rank?: number }>();
  for (const m of svg.matchAll(/<g class="node[^"]*" data-id="([^"]+)"(?: data-rank="(\d+)")?><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)) {
    out.set(m[1], { x: +m[3], y: +m[4], width: +m[5], height: +m[6], rank: m[2] === undefined ? undefined : +m[2] });
  }
  return out;
}

/** Every lock has a box inside the picture, no two boxes overlap, and every edge has a path. */
function assertDrawn(svg: string, g: LockGraph): void {
  const [, w, h] = svg.match(/<svg [^>]*width="(\d+)" height="(\d+)"/)!.map(Number);
  const b = boxes(svg);
  assert.deepEqual([...b.keys()].sort(), g.nodes.map((n) => n.id).sort());
  for (const [id, r] of b) assert.ok(r.x >= 0 && r.y >= 0 && r.x + r.width <= w && r.y + r.height <= h, `${id} inside ${w}x${h}`);
  const list = [...b.values()];
  for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
    const p = list[i], q = list[j];
    assert.ok(p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y || q.y + q.height <= p.y, 'boxes overlap');
  }
  // A link's title may run over several lines (one per witness).
  const links = svg.split('<g class="link" ').slice(1).map((l) => l.match(/^data-from="([^"]+)" data-to="([^"]+)">[^]*?<path class="edge[^"]*" d="M [^"]+"/));
  assert.deepEqual(links.map((m) => m && `${m[1]}>${m[2]}`), g.edges.map((e) => `${e.from}>${e.to}`));
}

describe('lock graph layout', () => {
  it('the examples: cmdLock, then vmLock, then VM.lock from left to right, as declared; every lock and edge drawn (CLI)', () => {
    const json = spawnSync(process.execPath, ['dist/cli.js', 'graph', '--format', 'json', 'examples'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(json.status, 0, json.stderr);
    const g = JSON.parse(json.stdout) as LockGraph;
    assert.deepEqual(g.orders, ['cmdLock > vmLock > VM.lock']);
    const r = spawnSync(process.execPath, ['dist/cli.js', 'graph', '--format', 'svg', 'examples'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(r.stdout, /<style>/, 'a standalone file brings its own colours');
    assert.match(r.stdout, /<\/svg>\n$/);
    assertDrawn(r.stdout, g);
    const b = boxes(r.stdout);
    assert.ok(b.get('cmdLock')!.x < b.get('vmLock')!.x && b.get('vmLock')!.x < b.get('VM.lock')!.x, JSON.stringify([...b]));
    assert.deepEqual(['cmdLock', 'vmLock', 'VM.lock', 'statsTable.mu'].map((id) => b.get(id)!.rank), [0, 1, 2, undefined]);
    assert.equal((r.stdout.match(/class="edge cycle"/g) ?? []).length, 2);
  });

  it('a declared order wins over the edges: a lesser lock taken first is still drawn right of the greater', async () => {
    // No edge links a.A, b.B and c.C in their declared order; c.C is even held while a.A is taken.
    const g: LockGraph = {
      nodes: ['a.A', 'b.B', 'c.C', 'd.D', 'e.E'].map((id) => ({ id, kind: 'lock', inCycle: false })),
      edges: [edge('c.C', 'a.A', { violatesOrder: true }), edge('d.D', 'c.C'), edge('e.E', 'd.D')],
      cycles: [],
      orders: ['A > B > C'],
    };
    const svg = await toSvg(g);
    assertDrawn(svg, g);
    const b = boxes(svg);
    assert.ok(b.get('a.A')!.x < b.get('b.B')!.x && b.get('b.B')!.x < b.get('c.C')!.x, JSON.stringify([...b]));
    assert.deepEqual(['a.A', 'b.B', 'c.C', 'd.D', 'e.E'].map((id) => b.get(id)!.rank), [0, 1, 2, undefined, undefined]);
    assert.match(svg, /<path class="edge order" d="M [^"]+" fill="none" marker-end="url\(#arrow-order\)"\/>/);
    // Without the order, the edges alone decide: c.C comes before a.A.
    const free = boxes(await toSvg({ ...g, orders: [] }));
    assert.ok(free.get('c.C')!.x < free.get('a.A')!.x);
    assert.ok([...free.values()].every((x) => x.rank === undefined));
  });

  it('cycles, self-loops and edges to unknown locks do not break the layout', async () => {
    const g: LockGraph = {
      nodes: ['p.X', 'p.Y', 'q.Z'].map((id) => ({ id, kind: 'lock', inCycle: id !== 'q.Z' })),
      edges: [edge('p.X', 'p.Y', { inCycle: true }), edge('p.Y', 'p.X', { inCycle: true }), edge('q.Z', 'q.Z')],
      cycles: [['p.X', 'p.Y']],
      orders: ['p.* > q.*'],
    };
    const svg = await toSvg(g, { standalone: true });
    assertDrawn(svg, g);
    const b = boxes(svg);
    assert.ok(b.get('p.X')!.x < b.get('q.Z')!.x && b.get('p.Y')!.x < b.get('q.Z')!.x);
    const layout = await layoutGraph({ ...g, edges: [...g.edges, edge('p.X', 'gone.W')] });
    assert.equal(layout.edges.length, 4);
    assert.equal(layout.edges[3].d, '', 'an edge to a lock that is not a node is not drawn');
    assert.doesNotMatch(await toSvg({ ...g, edges: [...g.edges, edge('p.X', 'gone.W')] }), /gone\.W/);
  });

  it('boxes are sized to their labels', async () => {
    const g: LockGraph = { nodes: [{ id: 'mu', kind: 'lock', inCycle: false }, { id: 'minimega.vmConfigLockForEverything', kind: 'lock', inCycle: false }], edges: [edge('mu', 'minimega.vmConfigLockForEverything')], cycles: [], orders: [] };
    const layout = await layoutGraph(g);
    const w = new Map(layout.nodes.map((n) => [n.id, n.width]));
    for (const n of g.nodes) assert.ok(w.get(n.id)! >= textWidth(n.id), n.id);
    assert.ok(w.get('minimega.vmConfigLockForEverything')! > 3 * w.get('mu')!);
    assert.ok(textWidth('vmm.cmdLock') > textWidth('vmm.mu'));
  });
});

describe('declared orders as layout partitions', () => {
  it('a name matches the id or a suffix after a dot; its own name wins over pkg.*, which wins over *', () => {
    const names = ['cmdLock', 'minimega.*', 'VM.lock', '*'];
    assert.equal(rankIn(names, 'minimega.cmdLock'), 0);
    assert.equal(rankIn(names, 'cmdLock'), 0);
    assert.equal(rankIn(names, 'xcmdLock'), 3, 'a suffix only after a dot');
    assert.equal(rankIn(names, 'minimega.vmLock'), 1);
    assert.equal(rankIn(names, 'vmm.VM.lock'), 2);
    assert.equal(rankIn(names, 'ron.Server.mu'), 3);
    assert.equal(rankIn(['a', 'b'], 'c'), -1);
    assert.equal(rankIn(['minimega.*'], 'minimegax.mu'), -1);
  });

  it('several orders share one axis; unranked locks get no partition; contradicting orders fall back to the first rank', () => {
    const ids = ['m.cmdLock', 'm.vmLock', 'vm.VM.lock', 'ron.Server.mu', 'other.mu'];
    assert.deepEqual(Object.fromEntries(partitions(ids, ['cmdLock > vmLock', 'vmLock > VM.lock > ron.*'])), { 'm.cmdLock': 0, 'm.vmLock': 1, 'vm.VM.lock': 2, 'ron.Server.mu': 3 });
    assert.deepEqual(Object.fromEntries(partitions(ids, ['cmdLock > *'])), { 'm.cmdLock': 0, 'm.vmLock': 1, 'vm.VM.lock': 1, 'ron.Server.mu': 1, 'other.mu': 1 });
    // A name the graph lacks leaves no gap.
    assert.deepEqual(Object.fromEntries(partitions(ids, ['nosuch > vmLock > VM.lock'])), { 'm.vmLock': 0, 'vm.VM.lock': 1 });
    assert.deepEqual(Object.fromEntries(partitions(ids, ['cmdLock > vmLock', 'vmLock > cmdLock > other.mu'])), { 'm.cmdLock': 0, 'm.vmLock': 1, 'other.mu': 2 });
    assert.deepEqual(partitions(ids, []).size, 0);
  });
});
