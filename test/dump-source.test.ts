/**
 * `lockset: Open Goroutine Dump` offers "From the active editor" when the editor's text looks like a dump;
 * and the dump that the VS Code e2e test opens (test/e2e/vscode/minivm-deadlock.txt) reads, against
 * examples/, as the deadlock the test expects.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dumpTree, looksLikeDump, restoreDumpNodes, saveDumpNodes } from '../client/src/tree-model';
import { analyzeDump } from '../server/src/ide/dumps';
import { lockGraphData } from '../server/src/ide/inventory';
import { wireDump } from '../server/src/lsp/views';
import { Workspace } from '../server/src/workspace';

const DUMPS = join(__dirname, 'dumps');

describe('looksLikeDump', () => {
  it('accepts every recorded and hand-written dump', () => {
    const files = [
      ...readdirSync(DUMPS, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'variants').map((d) => join(DUMPS, d.name, 'dump.txt')),
      ...readdirSync(join(DUMPS, 'variants')).filter((f) => f.endsWith('.txt')).map((f) => join(DUMPS, 'variants', f)),
      join(__dirname, 'e2e/vscode/minivm-deadlock.txt'),
    ];
    assert.ok(files.length >= 10);
    for (const f of files) assert.ok(looksLikeDump(readFileSync(f, 'utf8')), f);
  });

  it('accepts the header forms: plain, Go 1.22+ gp=/m=, with minutes, CRLF, behind a log prefix', () => {
    assert.ok(looksLikeDump('goroutine 1 [running]:\nmain.main()\n'));
    assert.ok(looksLikeDump('panic: boom\r\n\r\ngoroutine 17 [semacquire, 5 minutes, locked to thread]:\r\n'));
    assert.ok(looksLikeDump('goroutine 5 gp=0xc000003340 m=nil [sync.Mutex.Lock, 5 minutes]:\n'));
    assert.ok(looksLikeDump('goroutine 0 gp=0x558f40 m=0 mp=0x559ca0 [idle]:\n'));
    assert.ok(looksLikeDump('app_1  | goroutine 7 [chan receive]:\n'));
  });

  it('rejects Go source, prose and near misses', () => {
    assert.ok(!looksLikeDump(readFileSync(join(__dirname, '../examples/vmm/vm.go'), 'utf8')));
    assert.ok(!looksLikeDump('each goroutine 5 times [sic]'));
    assert.ok(!looksLikeDump('goroutine x [running]:'));
    assert.ok(!looksLikeDump('goroutine 5 [running'));
    assert.ok(!looksLikeDump('mygoroutine 5 [running]:'));
    assert.ok(!looksLikeDump(''));
  });
});

describe('the e2e dump against examples/', () => {
  it('maps the vmm frames and finds the VM.lock / statsTable.mu deadlock of goroutines 7 and 21', async () => {
    const root = join(__dirname, '../examples');
    const ws = await Workspace.create();
    for (const dir of ['vmm', 'cmd/minivm']) {
      for (const f of readdirSync(join(root, dir)).filter((n) => n.endsWith('.go'))) ws.setText(join(root, dir, f), readFileSync(join(root, dir, f), 'utf8'));
    }
    // As the server sends it: each place with a URI (lsp/views.ts).
    const view = wireDump(analyzeDump(ws, readFileSync(join(__dirname, 'e2e/vscode/minivm-deadlock.txt'), 'utf8'), [root]), (p) => `file://${p}`);
    assert.deepEqual(view.deadlocks.map((d) => d.goroutines), [[7, 21]]);
    assert.deepEqual(view.deadlocks[0].locks.map((l) => l.replace(/^vmm\./, '')), ['VM.lock', 'statsTable.mu']);
    // Named as the lock graph names them (docs/editor.md, "Lock class names").
    const ids = lockGraphData(ws.graph()).nodes.map((n) => n.id);
    for (const l of view.deadlocks[0].locks) assert.ok(ids.includes(l), `${l} among the graph's ${ids.join(', ')}`);
    const tree = dumpTree(view);
    const labels = tree.map((n) => n.label);
    // What run.mjs step 9 waits for.
    for (const l of ['deadlock: goroutines 7, 21', 'lock at stats.go:68', 'lock at vm.go:128', 'lock at command.go:47', 'lock at http.go:35']) assert.ok(labels.includes(l), `${l} in ${labels.join(' | ')}`);
    const g21 = tree.find((n) => n.label === 'lock at vm.go:128')!.children![0];
    assert.equal(g21.label, 'goroutine 21');
    assert.match(g21.description!, /waits for (vmm\.)?statsTable\.mu · holds (vmm\.)?VM\.lock/);
    // Goroutine 21 holds VM.lock in Kill, and cmdLock in the frames that called it.
    assert.match(g21.description!, /holds .*cmdLock/);
    const kill = g21.children!.find((f) => f.label === 'vmm.(*VM).Kill')!;
    assert.equal(kill.tooltip, 'example.com/minivm/vmm.(*VM).Kill');
    assert.match(kill.description!, /^vm\.go:128 · holds (vmm\.)?VM\.lock$/);
    assert.equal(kill.loc!.uri, `file://${join(root, 'vmm/vm.go')}`);
    assert.equal(kill.loc!.line, 127);

    // The view is kept across a window reload: saved as it is shown, given back whole.
    assert.deepEqual(restoreDumpNodes(saveDumpNodes(tree)), JSON.parse(JSON.stringify(tree)));
  });

  it('keeps a dump view across reloads only when it is small enough, and ignores a damaged one', () => {
    const node = { label: 'goroutine 1', icon: 'debug-stackframe' as const, children: [{ label: 'main.main', icon: 'location' as const }] };
    assert.deepEqual(restoreDumpNodes(saveDumpNodes([node])), [node]);
    const huge = Array.from({ length: 40_000 }, (_, i) => ({ ...node, label: `goroutine ${i} `.padEnd(60, '.') }));
    assert.equal(saveDumpNodes(huge), undefined);
    for (const bad of [undefined, 42, '{', '[{"label":1,"icon":"lock"}]', '{"label":"x"}']) assert.deepEqual(restoreDumpNodes(bad), []);
  });
});
