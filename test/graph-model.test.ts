/** The pure pieces behind the Lock Explorer, the status bar and the lock graph (no editor needed). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpTree, lockTree, statusText } from '../client/src/tree-model';
import { graphPage, renderMessage, sitesList, statusLine, type PanelState } from '../client/src/graph-panel-html';
import { toDot } from '../server/src/ide/inventory';
import { toSvg } from '../server/src/ide/svg';
import type { DumpView, LockGraph, LockInfo } from '../server/src/protocol';

const loc = (file: string, line: number) => ({ uri: `file:///w/${file}`, line, character: 1 });

const graph: LockGraph = {
  nodes: [{ id: 'VM.lock', kind: 'lock', inCycle: true }, { id: 'stats.mu', kind: 'lock', inCycle: true }, { id: 'vmm.cmdLock', kind: 'lock', inCycle: false }],
  edges: [
    { from: 'VM.lock', to: 'stats.mu', inCycle: true, violatesOrder: false, witnesses: [{ loc: loc('vm.go', 127), message: 'Kill takes stats.mu while holding VM.lock' }] },
    { from: 'stats.mu', to: 'VM.lock', inCycle: true, violatesOrder: false, witnesses: [{ loc: loc('stats.go', 67), message: 'sample takes VM.lock while holding stats.mu' }] },
    { from: 'vmm.cmdLock', to: 'VM.lock', inCycle: false, violatesOrder: true, witnesses: [{ loc: loc('cmd.go', 9), message: 'run takes VM.lock while holding vmm.cmdLock' }] },
  ],
  cycles: [['VM.lock', 'stats.mu']],
  orders: ['VM.lock > vmm.cmdLock'],
};

describe('lock graph rendering', () => {
  it('dot marks cycle edges red and order violations orange', () => {
    const dot = toDot(graph);
    assert.match(dot, /"VM\.lock" -> "stats\.mu" \[label="1 site", color=red, penwidth=2\];/);
    assert.match(dot, /"vmm\.cmdLock" -> "VM\.lock" \[label="1 site", color=orange\];/);
    assert.match(dot, /"stats\.mu" \[color=red, fontcolor=red\];/);
  });

  it('svg has one node per lock and one path per edge, with the witnesses as titles', async () => {
    const svg = await toSvg(graph, { standalone: true });
    assert.equal((svg.match(/<g class="node/g) ?? []).length, 3);
    assert.equal((svg.match(/<path class="edge/g) ?? []).length, 3);
    assert.equal((svg.match(/class="edge cycle"/g) ?? []).length, 2);
    assert.equal((svg.match(/class="edge order"/g) ?? []).length, 1);
    assert.match(svg, /<g class="link" data-from="vmm\.cmdLock" data-to="VM\.lock"><title>run takes VM\.lock while holding vmm\.cmdLock \(cmd\.go:10\)<\/title>/);
    assert.match(svg, /<title>Kill takes stats\.mu while holding VM\.lock \(vm\.go:128\)<\/title>/);
    assert.match(svg, /marker-end="url\(#arrow-cycle\)"/);
    assert.match(svg, /marker-end="url\(#arrow-order\)"/);
    assert.match(svg, /<style>/);
    assert.doesNotMatch(await toSvg(graph), /<style>/, 'the webview brings its own theme colours');
    assert.doesNotMatch(svg, /\sstyle="/, 'no style attributes: the webview CSP would drop them');
  });

  it('the webview page has a strict CSP with a nonce, loads nothing, and styles every edge class', () => {
    const html = graphPage('NONCE', 'vscode-resource:');
    assert.match(html, /default-src 'none'; style-src vscode-resource: 'nonce-NONCE'; script-src 'nonce-NONCE';/);
    assert.equal((html.match(/<script nonce="NONCE">/g) ?? []).length, 1);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.doesNotMatch(html, /\ssrc=|\shref=|https?:\/\//, 'nothing from the network');
    assert.doesNotMatch(html, /\sstyle="/, 'no style attributes: the CSP would drop them');
    for (const rule of ['.edge.cycle', '.edge.order', '.arrowhead.cycle', '.arrowhead.order', 'text.edge-label', '.node.package rect', '.node.selected rect']) assert.ok(html.includes(rule), rule);
    for (const id of ['search', 'cycles', 'whole', 'zoom-in', 'zoom-out', 'fit', 'stage', 'sites']) assert.match(html, new RegExp(`id="${id}"`), id);
  });

  it('a view: the graph as SVG, the status line, the cycles and every lock for the search', async () => {
    const whole: PanelState = { depth: 1, cyclesOnly: false, collapsed: [] };
    const m = await renderMessage(graph, whole);
    assert.match(m.svg, /<svg [^>]*class="lockset-graph"/);
    assert.equal(m.status, 'All 3 locks');
    assert.match(m.info, /<li>VM\.lock → stats\.mu → VM\.lock<\/li>/);
    assert.match(m.info, /<li>VM\.lock &gt; vmm\.cmdLock<\/li>/);
    assert.deepEqual(m.ids, ['VM.lock', 'stats.mu', 'vmm.cmdLock']);
    assert.equal(m.focused, false);
    const around = await renderMessage(graph, { ...whole, focus: ['stats.mu'], depth: 0 });
    assert.equal(around.status, 'Around stats.mu: 2 of 3 locks');
    assert.match(around.svg, /class="node cycle focus" data-id="stats\.mu"/);
    assert.doesNotMatch(around.svg, /data-id="vmm\.cmdLock"/);
    assert.equal(around.focused, true);
    assert.equal(statusLine(graph, graph, { ...whole, cyclesOnly: true }), 'Cycles and order violations: 3 of 3 locks');
    assert.match((await renderMessage({ nodes: [], edges: [], cycles: [], orders: [] }, whole)).svg, /No lock is taken while another is held/);
  });

  it('the side list: the sites of a lock or an edge, each a button, with what can be done', () => {
    const g: LockGraph = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, pkg: 'vmm' })) };
    const state: PanelState = { depth: 1, cyclesOnly: false, collapsed: [] };
    const lock = sitesList(g, g, { node: 'VM.lock' }, state)!;
    assert.equal(lock.sites.length, 3);
    assert.match(lock.html, /<h3>VM\.lock<\/h3><p class="count">3 sites <button class="action" data-action="focus" data-arg="VM\.lock">Show its neighbourhood<\/button> <button class="action" data-action="collapse" data-arg="vmm">Collapse package vmm<\/button><\/p>/);
    assert.match(lock.html, /<li><button class="site" data-site="0" title="file:\/\/\/w\/vm\.go">vm\.go:128<\/button> Kill takes stats\.mu while holding VM\.lock<\/li>/);
    const e = sitesList(g, g, { from: 'vmm.cmdLock', to: 'VM.lock' }, state)!;
    assert.deepEqual(e.sites.map((x) => x.message), ['run takes VM.lock while holding vmm.cmdLock']);
    assert.match(e.html, /<h3>vmm\.cmdLock → VM\.lock<\/h3><p class="count">1 site<\/p>/);
    const cycle = sitesList(g, g, { locks: ['VM.lock', 'stats.mu'] }, state)!;
    assert.equal(cycle.sites.length, 2);
    assert.match(cycle.html, /<h3>Cycle VM\.lock → stats\.mu → VM\.lock<\/h3>/);
    assert.equal(sitesList(g, { ...g, nodes: [] }, { node: 'VM.lock' }, state), undefined, 'a lock the view no longer has');
  });
});

describe('Lock Explorer tree and status bar', () => {
  const locks: LockInfo[] = [{
    cls: 'VM.lock', pkg: 'vmm', kind: 'mutex', declared: loc('vm.go', 47),
    acquisitions: [{ loc: loc('vm.go', 66), fn: 'State', mode: 'write' }, { loc: loc('vm.go', 80), fn: 'Tags', mode: 'read' }],
    guards: [{ name: 'VM.state', source: 'inferred' }], order: '3 of 3 in cmdLock > vmLock > VM.lock', inCycle: true,
    problems: [
      { message: 'lock-order cycle: VM.lock → stats.mu → VM.lock\nKill takes stats.mu while holding VM.lock', severity: 'error', code: 'lock-order-cycle', loc: loc('vm.go', 127) },
      { message: 'call of findVM requires vmLock, which is not held here', severity: 'warning', code: 'missing-lock-annotation', loc: loc('http.go', 49) },
    ],
  }];

  it('a lock shows its facts, then its problems, where it is declared, its order, its sites and what it guards', () => {
    const [node] = lockTree(locks);
    assert.equal(node.label, 'VM.lock');
    assert.equal(node.description, 'mutex · 2 sites · in a lock-order cycle · 2 problems');
    assert.equal(node.icon, 'error');
    assert.deepEqual(node.children!.map((c) => [c.label, c.description]), [['Problems (2)', undefined], ['declared', 'vm.go:48'], ['order', '3 of 3 in cmdLock > vmLock > VM.lock'], ['taken in', '2'], ['guards', '1']]);
    assert.deepEqual(node.children![3].children!.map((c) => c.description), ['vm.go:67', 'vm.go:81 (read)']);
  });

  it('lists the findings that name a lock under Problems: first line, severity icon, check and place, a click opens it', () => {
    const problems = lockTree(locks)[0].children![0].children!;
    assert.deepEqual(problems.map((p) => [p.label, p.icon, p.description]), [
      ['lock-order cycle: VM.lock → stats.mu → VM.lock', 'error', 'lock-order-cycle · vm.go:128'],
      ['call of findVM requires vmLock, which is not held here', 'warning', 'missing-lock-annotation · http.go:50'],
    ]);
    assert.equal(problems[0].tooltip, locks[0].problems[0].message, 'the whole message as tooltip');
    assert.deepEqual(problems.map((p) => p.loc), [loc('vm.go', 127), loc('http.go', 49)]);
    const quiet = lockTree([{ ...locks[0], inCycle: false, problems: [] }])[0];
    assert.equal(quiet.icon, 'lock');
    assert.ok(!quiet.children!.some((c) => c.label.startsWith('Problems')), 'no empty Problems group');
  });

  it('groups locks by package when the workspace has several', () => {
    const more: LockInfo[] = [...locks.map((l) => ({ ...l, cls: 'vmm.VM.lock' })),
      { cls: 'ron.Server.mu', pkg: 'ron', kind: 'mutex', acquisitions: [], guards: [], inCycle: false, problems: [] }];
    const tree = lockTree(more);
    assert.deepEqual(tree.map((n) => [n.label, n.description, n.icon]), [['ron', '1 lock', 'package'], ['vmm', '1 lock · 1 with problems', 'error']]);
    assert.deepEqual(tree[1].children!.map((n) => n.label), ['vmm.VM.lock']);
  });

  it('status text while indexing and after: the problems by severity, as the Problems panel lists them', () => {
    const none = { errors: 0, warnings: 0, info: 0 };
    assert.equal(statusText({ state: 'indexing', done: 3, total: 9, ...none }), '$(sync~spin) lockset: indexing 3/9');
    assert.equal(statusText({ state: 'indexing', done: 0, total: 0, ...none }), '$(sync~spin) lockset: reading files', 'before the package count is known');
    assert.equal(statusText({ state: 'idle', done: 9, total: 9, errors: 2, warnings: 5, info: 3 }), '$(lock) 2 errors, 5 warnings, 3 info');
    assert.equal(statusText({ state: 'idle', done: 9, total: 9, errors: 1, warnings: 0, info: 1 }), '$(lock) 1 error, 1 info');
    assert.equal(statusText({ state: 'idle', done: 9, total: 9, errors: 0, warnings: 1, info: 0 }), '$(lock) 1 warning');
    assert.equal(statusText({ state: 'idle', done: 9, total: 9, ...none }), '$(lock) lockset');
  });
});

describe('Goroutines view tree', () => {
  it('deadlocks first, then groups, goroutines and frames with the locks they hold', () => {
    const view: DumpView = {
      preamble: ['fatal error: all goroutines are asleep - deadlock!'],
      deadlocks: [{ goroutines: [5, 6], locks: ['Node.mu', 'Store.statsMu'], text: 'goroutine 5 waits for Node.mu, goroutine 6 waits for Store.statsMu' }],
      groups: [{ key: 'lock at main.go:28', goroutines: [{ id: 5, state: 'semacquire', waitsFor: 'Node.mu', frames: [
        { func: 'sync.(*Mutex).Lock', dumpPath: '/usr/local/go/src/sync/mutex.go', line: 81, held: [] },
        { func: 'main.(*Node).collect', dumpPath: '/home/dev/shop/abba/main.go', line: 28, held: ['Store.statsMu'], loc: loc('main.go', 27) },
      ] }] }],
      mapped: 1, total: 1,
    };
    const tree = dumpTree(view);
    assert.deepEqual(tree.map((n) => n.label), ['fatal error: all goroutines are asleep - deadlock!', 'deadlock: goroutines 5, 6', 'lock at main.go:28', '1 of 1 frames found in the workspace']);
    const g = tree[2].children![0];
    assert.equal(g.description, 'semacquire · waits for Node.mu · holds Store.statsMu');
    assert.deepEqual(g.loc, loc('main.go', 27));
    assert.equal(g.children![0].description, 'mutex.go:81 (not in the workspace)');
    assert.equal(g.children![1].description, 'main.go:28 · holds Store.statsMu');
  });
});
