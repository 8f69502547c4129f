/**
 * The Locks view's problem counts come from the locks each finding names as data (Finding.locks), not from
 * lock names found in messages: two types with a field `mu` each get their own findings only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { lockInventory } from '../server/src/ide/inventory';
import { wireLocks } from '../server/src/lsp/views';
import { Workspace } from '../server/src/workspace';
import { analyzeTsDir, TS_FIXTURES } from './ts-harness';
import { analyzeAll } from '../server/src/batch';

const SRC = `package two

import "sync"

type A struct {
	mu sync.Mutex
	n  int
}

type B struct {
	mu sync.Mutex
	n  int
}

// incLocked adds one. a.mu must be held.
func (a *A) incLocked() { a.n++ }

func (a *A) Inc() {
	a.incLocked()
}

func (b *B) Inc() {
	b.mu.Lock()
	b.n++
	b.mu.Unlock()
}

func (b *B) Twice() {
	b.mu.Lock()
	b.mu.Lock()
	b.n++
	b.mu.Unlock()
}
`;

describe('lock inventory', () => {
  it('counts the problems of each lock by the locks its findings name', async () => {
    const ws = await Workspace.create(undefined, () => undefined);
    ws.setText('/inv/two/two.go', SRC);
    const findings = analyzeAll(ws);
    assert.deepEqual(findings.map((f) => [f.code, f.locks]).sort(), [['double-lock', ['/inv/two|B.mu']], ['missing-lock-annotation', ['/inv/two|A.mu']]]);
    const locks = lockInventory(ws.dirs().flatMap((d) => ws.analyzeDir(d).map((r) => r.analysis)), ws.graph(), findings);
    assert.deepEqual(Object.fromEntries(locks.map((l) => [l.cls, l.problems.length])), { 'A.mu': 1, 'B.mu': 1 });
  });

  it('gives each finding that names a lock with the lock: message, severity, check and place, as plain data (a path)', async () => {
    const ws = await Workspace.create(undefined, () => undefined);
    ws.setText('/inv/two/two.go', SRC);
    const findings = analyzeAll(ws);
    const locks = lockInventory(ws.dirs().flatMap((d) => ws.analyzeDir(d).map((r) => r.analysis)), ws.graph(), findings);
    const b = locks.find((l) => l.cls === 'B.mu')!;
    const twice = findings.find((f) => f.code === 'double-lock')!;
    const at = { line: twice.range.start.line, character: twice.range.start.character, endLine: twice.range.end.line, endCharacter: twice.range.end.character };
    assert.deepEqual(b.problems, [{ message: twice.message, severity: twice.severity, code: 'double-lock', loc: { path: '/inv/two/two.go', ...at } }]);
    assert.equal(b.problems[0].loc.line, SRC.split('\n').findIndex((l, i, all) => l.includes('b.mu.Lock()') && all[i - 1].includes('b.mu.Lock()')), 'the second Lock of Twice');
    assert.match(locks.find((l) => l.cls === 'A.mu')!.problems[0].message, /incLocked/);
    assert.deepEqual(JSON.parse(JSON.stringify(locks)), locks, 'plain data: it survives JSON as it is');
    // On the wire (lsp/views.ts): the same, each place with a URI for its path, the keys in the same order.
    const wire = wireLocks(locks, (p) => `file://${p}`);
    const wb = wire.find((l) => l.cls === 'B.mu')!;
    assert.deepEqual(wb.problems, [{ message: twice.message, severity: twice.severity, code: 'double-lock', loc: { uri: 'file:///inv/two/two.go', ...at } }]);
    assert.deepEqual(Object.keys(wb), Object.keys(b));
    assert.deepEqual(Object.keys(wb.declared!), ['uri', 'line', 'character', 'endLine', 'endCharacter']);
    assert.ok(wire.every((l) => l.acquisitions.every((a) => a.loc.uri.startsWith('file:///inv/two/'))));
    assert.equal(JSON.stringify(wire).includes('"path"'), false, 'no path left on the wire');
  });

  it('counts the findings of unguarded-access, empty-critical-section and stale-lock-annotation for their locks, goroutine-in-locked-thread for none', async () => {
    const ws = await Workspace.create(undefined, () => undefined);
    ws.setText('/inv/three/three.go', THREE);
    const findings = analyzeAll(ws);
    const byCode = (code: string) => findings.filter((f) => f.code === code).map((f) => f.locks);
    // The guard, found from the accessed struct; the locked lock; the lock the annotation names; no lock for the thread.
    assert.deepEqual(byCode('unguarded-access'), [['/inv/three|A.mu']]);
    assert.deepEqual(byCode('empty-critical-section'), [['/inv/three|B.mu']]);
    assert.deepEqual(byCode('stale-lock-annotation'), [['/inv/three|three.cmdLock'], []], 'the second names no lock that resolves');
    assert.deepEqual(byCode('goroutine-in-locked-thread'), [[]]);
    const locks = lockInventory(ws.dirs().flatMap((d) => ws.analyzeDir(d).map((r) => r.analysis)), ws.graph(), findings);
    // B.mu's count is its empty section only: "a.mu" in unguarded-access's message is no finding about B.mu.
    assert.deepEqual(Object.fromEntries(locks.map((l) => [l.cls, l.problems.length])), { 'A.mu': 1, 'B.mu': 1, cmdLock: 1 });
  });

  it('counts a TypeScript early-release finding for the lock that the finally releases', () => {
    const ws = analyzeTsDir(join(TS_FIXTURES, 'early-release', 'wrapper'));
    const early = ws.analyzeAll().filter((f) => f.code === 'early-release');
    assert.equal(early.length, 2);
    const locks = ws.inventory();
    const store = locks.find((l) => l.cls === 'Store.#mutex');
    assert.ok(store, `a lock class for the mutex: ${JSON.stringify(locks.map((l) => l.cls))}`);
    assert.deepEqual(store.problems.map((p) => p.code), ['early-release', 'early-release']);
  });
});

const THREE = `package three

import (
	"runtime"
	"sync"
)

var cmdLock sync.Mutex

type A struct {
	mu sync.Mutex
	n  int // +checklocks:mu
}

type B struct {
	mu sync.Mutex
}

func (a *A) Peek() int {
	return a.n
}

func (b *B) Wait() {
	b.mu.Lock()
	b.mu.Unlock()
}

func size(s string) int {
	// LOCK: cmdLock is held by the dispatcher.
	n := len(s)
	// LOCK: the table lock is held.
	n++
	return n
}

func serve() {}

func pinned() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	go serve()
}
`;
