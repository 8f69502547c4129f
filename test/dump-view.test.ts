/** A real goroutine dump read against the workspace that produced it: frames mapped, held locks, the deadlock. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeDump } from '../server/src/ide/dumps';
import { Workspace } from '../server/src/workspace';

const DUMPS = join(__dirname, 'dumps');

async function workspaceOf(name: string): Promise<Workspace> {
  const ws = await Workspace.create();
  ws.setText(join(DUMPS, name, 'main.go'), readFileSync(join(DUMPS, name, 'main.go'), 'utf8'));
  return ws;
}

describe('goroutine dump against the workspace', () => {
  it('abba: both goroutines map to main.go, each holds what the other waits for', async () => {
    const ws = await workspaceOf('abba');
    const view = analyzeDump(ws, readFileSync(join(DUMPS, 'abba', 'dump.txt'), 'utf8'), [join(DUMPS, 'abba')]);
    assert.equal(view.deadlocks.length, 1);
    assert.deepEqual(view.deadlocks[0].goroutines, [5, 6]);
    assert.deepEqual([...view.deadlocks[0].locks].sort(), ['Node.mu', 'Store.statsMu']);
    const lockGroups = view.groups.filter((g) => g.key.startsWith('lock at main.go:'));
    assert.equal(lockGroups.length, 2);
    const g5 = view.groups.flatMap((g) => g.goroutines).find((g) => g.id === 5)!;
    assert.ok(['Node.mu', 'Store.statsMu'].includes(g5.waitsFor!));
    const userFrames = g5.frames.filter((f) => f.loc);
    assert.ok(userFrames.length >= 2, 'the main.go frames are mapped');
    assert.ok(userFrames.every((f) => f.loc!.path.endsWith(join('abba', 'main.go'))));
    assert.ok(userFrames.some((f) => f.held.length > 0), 'a frame shows the lock its goroutine holds');
    assert.equal(view.mapped, view.total);
  });

  it('garbage in, an empty view out', async () => {
    const ws = await workspaceOf('abba');
    const view = analyzeDump(ws, '\u0000\u0001not a dump\n goroutine x [', []);
    assert.deepEqual(view.groups, []);
    assert.deepEqual(view.deadlocks, []);
  });
});
