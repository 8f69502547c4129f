/**
 * The Locks view's problem counts come from the locks each finding names as data (Finding.locks), not from
 * lock names found in messages: two types with a field `mu` each get their own findings only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lockInventory } from '../server/src/ide/inventory';
import { Workspace } from '../server/src/workspace';

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
    const findings = ws.analyzeAll();
    assert.deepEqual(findings.map((f) => [f.code, f.locks]).sort(), [['double-lock', ['/inv/two|B.mu']], ['missing-lock-annotation', ['/inv/two|A.mu']]]);
    const locks = lockInventory(ws.dirs().flatMap((d) => ws.analyzeDir(d).map((r) => r.analysis)), ws.graph(), findings, (p) => p);
    assert.deepEqual(Object.fromEntries(locks.map((l) => [l.cls, l.problems])), { 'A.mu': 1, 'B.mu': 1 });
  });
});
