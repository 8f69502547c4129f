/**
 * One naming rule for lock classes (server/src/model/class-name.ts, docs/editor.md): `Type.field` and a
 * package-level variable by its own name, with the package in front only where the finding or view involves the
 * locks of two packages. The message of a cycle, the graph, the Locks view, the hover and the code lens name the
 * same lock the same way.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hoverAt } from '../server/src/ide/hover';
import { lockGraphData, lockInventory } from '../server/src/ide/inventory';
import { lensesFor } from '../server/src/ide/navigation';
import { involvesPackages, lockClassName } from '../server/src/model/class-name';
import { Workspace } from '../server/src/workspace';
import { analyzeAll } from '../server/src/batch';

describe('lock class names', () => {
  it('lockClassName: the package in front only when asked, never doubled, dropped from a global when not', () => {
    assert.equal(lockClassName('VM.lock', 'vmm', false), 'VM.lock');
    assert.equal(lockClassName('VM.lock', 'vmm', true), 'vmm.VM.lock');
    // A package-level variable's class carries its package's name.
    assert.equal(lockClassName('vmm.cmdLock', 'vmm', false), 'cmdLock');
    assert.equal(lockClassName('vmm.cmdLock', 'vmm', true), 'vmm.cmdLock');
    // Graph nodes: the directory, then the class as its package writes it.
    assert.equal(lockClassName('/w/vmm|vmm.cmdLock', 'vmm', false), 'cmdLock');
    assert.equal(lockClassName('/w/vmm|statsTable.mu', 'vmm', true), 'vmm.statsTable.mu');
    // Another package's class, as a package that imports it writes it.
    assert.equal(lockClassName('vmm.VM.lock', 'vmm', true), 'vmm.VM.lock');
    assert.equal(involvesPackages(['vmm', 'vmm']), false);
    assert.equal(involvesPackages(['vmm', 'ron']), true);
  });

  const ONE = `package vmm

import "sync"

var cmdLock sync.Mutex

type VM struct {
	lock sync.Mutex
	n    int
}

func (v *VM) run() {
	v.lock.Lock()
	cmdLock.Lock()
	v.n++
	cmdLock.Unlock()
	v.lock.Unlock()
}

func (v *VM) kill() {
	cmdLock.Lock()
	v.lock.Lock()
	v.n = 0
	v.lock.Unlock()
	cmdLock.Unlock()
}
`;

  it('one package: the message, the graph, the Locks view, the hover and the lens say cmdLock and VM.lock', async () => {
    const ws = await Workspace.create(undefined, () => undefined);
    const path = '/names/vmm/vmm.go';
    ws.setText(path, ONE);
    const findings = analyzeAll(ws);
    const cycle = findings.find((f) => f.code === 'lock-order-cycle');
    assert.ok(cycle, JSON.stringify(findings.map((f) => f.message)));
    assert.match(cycle.message, /^lock order cycle (VM\.lock → cmdLock → VM\.lock|cmdLock → VM\.lock → cmdLock):/);
    const graph = lockGraphData(ws.graph());
    assert.deepEqual(graph.nodes.map((n) => n.id).sort(), ['VM.lock', 'cmdLock']);
    assert.deepEqual(graph.cycles.map((c) => [...c].sort()), [['VM.lock', 'cmdLock']]);
    // Every name in the message is a node of the graph.
    for (const name of /^lock order cycle ([^:]+):/.exec(cycle.message)![1].split(' → ')) assert.ok(graph.nodes.some((n) => n.id === name), name);
    const analyses = ws.dirs().flatMap((d) => ws.analyzeDir(d).map((r) => r.analysis));
    assert.deepEqual(lockInventory(analyses, ws.graph(), findings).map((l) => l.cls).sort(), ['VM.lock', 'cmdLock']);
    const analysis = ws.analysisOf(path)!, file = ws.file(path)!;
    const hover = hoverAt(analysis, file, ONE.indexOf('cmdLock.Lock()') + 1, ws.graph());
    assert.match(hover?.markdown ?? '', /class `cmdLock`/);
    assert.match(hover?.markdown ?? '', /In a lock-order cycle: (cmdLock → VM\.lock → cmdLock|VM\.lock → cmdLock → VM\.lock)/);
    const lens = lensesFor(analysis, file).find((l) => l.fn.name === 'run');
    assert.equal(lens?.title, '🔒 takes VM.lock, cmdLock');
  });

  it('two packages: a cycle across them is named with the packages, in the message and the graph alike', async () => {
    const ws = await Workspace.create(undefined, (p) => (p === '/names2/go.mod' ? 'module example.com/m\n' : undefined));
    ws.setText('/names2/ron/ron.go', `package ron

import "sync"

// Mu guards the servers.
var Mu sync.Mutex
`);
    ws.setText('/names2/vmm/vmm.go', `package vmm

import (
	"sync"

	"example.com/m/ron"
)

var cmdLock sync.Mutex

func run() {
	cmdLock.Lock()
	ron.Mu.Lock()
	ron.Mu.Unlock()
	cmdLock.Unlock()
}

func kill() {
	ron.Mu.Lock()
	cmdLock.Lock()
	cmdLock.Unlock()
	ron.Mu.Unlock()
}
`);
    const findings = analyzeAll(ws);
    const graph = lockGraphData(ws.graph());
    assert.deepEqual(graph.nodes.map((n) => n.id).sort(), ['ron.Mu', 'vmm.cmdLock']);
    const cycle = findings.find((f) => f.code === 'lock-order-cycle');
    assert.ok(cycle, JSON.stringify(findings.map((f) => f.message)));
    assert.match(cycle.message, /^lock order cycle (vmm\.cmdLock → ron\.Mu → vmm\.cmdLock|ron\.Mu → vmm\.cmdLock → ron\.Mu):/);
    for (const name of /^lock order cycle ([^:]+):/.exec(cycle.message)![1].split(' → ')) assert.ok(graph.nodes.some((n) => n.id === name), name);
  });
});
