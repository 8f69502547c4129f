/**
 * What the language server analyses under its workspace folder: `lockset.exclude` and
 * `lockset.nestedModules`, over the real server (dist/server.js; `npm test` builds it). Waits for
 * events, never for time.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LspClient, positionOf, removeDir, uriOf } from './lsp-client';

/** One missing-lock-annotation warning (incLocked called without c.mu). */
const BAD_GO = (pkg: string) => `package ${pkg}

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) incLocked() { c.n++ }

func (c *Counter) Inc() {
	c.incLocked()
}
`;

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockset-scope-'));
  const write = (rel: string, text: string) => { mkdirSync(dirname(join(dir, rel)), { recursive: true }); writeFileSync(join(dir, rel), text); };
  write('go.mod', 'module example.com/app\n');
  write('app/app.go', BAD_GO('app'));
  write('gen/g.go', BAD_GO('gen'));
  write('fork/go.mod', 'module example.org/fork\n');
  write('fork/fork.go', BAD_GO('fork'));
  return dir;
}

describe('language server: what is analysed (lockset.exclude, lockset.nestedModules)', () => {
  let dir: string | undefined;
  let client: LspClient | undefined;
  after(async () => {
    try { await client?.stop(); } finally { if (dir) removeDir(dir); }
  });
  const warned = (ds: { code?: unknown }[]) => ds.some((d) => d.code === 'missing-lock-annotation');

  it('skips excluded files and nested modules, also when an excluded file is opened, and follows a settings change', async () => {
    dir = workspace();
    const app = uriOf(join(dir, 'app/app.go')), gen = uriOf(join(dir, 'gen/g.go')), fork = uriOf(join(dir, 'fork/fork.go'));
    client = await LspClient.start({ root: dir, settings: { debounceMs: 0, exclude: ['gen'] } });
    await client.scanned();
    // Every publish of the start-up index comes before the end of its progress.
    assert.ok(warned(client.diagnostics.get(app)?.diagnostics ?? []), 'the user\'s code is analysed');
    assert.deepEqual(client.diagnostics.get(gen)?.diagnostics ?? [], [], 'an excluded directory is not');
    assert.deepEqual(client.diagnostics.get(fork)?.diagnostics ?? [], [], 'a nested module of another repository is not');

    // Opened, the excluded file still gets no diagnostics, and no hover.
    await client.open(gen, BAD_GO('gen'));
    await client.waitForDiagnostics(gen, (d) => d.length === 0, 'the excluded document\'s empty diagnostics');
    assert.equal(await client.hover(gen, positionOf(BAD_GO('gen'), 'incLocked()', 1)), null);

    // The settings change: nothing is excluded, nested modules are analysed.
    client.settings = { debounceMs: 0, exclude: [], nestedModules: 'include' };
    await client.notify('workspace/didChangeConfiguration', { settings: {} });
    await client.waitForDiagnostics(gen, warned, 'the open document, no longer excluded');
    await client.waitForDiagnostics(fork, warned, 'the nested module, now included');

    // And back: the nested module's file loses its diagnostics with the setting.
    client.settings = { debounceMs: 0, exclude: ['gen/**'], nestedModules: 'skip' };
    await client.notify('workspace/didChangeConfiguration', { settings: {} });
    await client.waitForDiagnostics(fork, (d) => d.length === 0, 'the nested module, skipped again');
    await client.waitForDiagnostics(gen, (d) => d.length === 0, 'the open document, excluded again');
    assert.ok(warned(client.diagnostics.get(app)?.diagnostics ?? []));
  });

  it('reads a nested module\'s files when its go.mod goes, and drops them when one comes back', async () => {
    await client?.stop();
    if (dir) removeDir(dir);
    dir = workspace();
    const fork = uriOf(join(dir, 'fork/fork.go')), mod = join(dir, 'fork/go.mod');
    client = await LspClient.start({ root: dir, settings: { debounceMs: 0 } });
    await client.scanned();
    assert.deepEqual(client.diagnostics.get(fork)?.diagnostics ?? [], []);
    rmSync(mod);
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(mod), type: 3 }] });
    await client.waitForDiagnostics(fork, warned, 'the former nested module, now part of the folder\'s module');
    writeFileSync(mod, 'module example.org/fork\n');
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(mod), type: 1 }] });
    await client.waitForDiagnostics(fork, (d) => d.length === 0, 'the nested module, skipped again');
  });

  it('warns about an unusable pattern and keeps the others', async () => {
    await client?.stop();
    if (dir) removeDir(dir);
    dir = workspace();
    const gen = uriOf(join(dir, 'gen/g.go'));
    client = await LspClient.start({ root: dir, settings: { debounceMs: 0, exclude: ['../up', 'gen'] } });
    const seen = await client.waitForNotification<{ message: string }>('window/showMessage', (m) => m.message.includes('lockset.exclude'));
    assert.match(seen.message, /"\.\.\/up" leaves the folder/);
    await client.scanned();
    assert.deepEqual(client.diagnostics.get(gen)?.diagnostics ?? [], []);
  });
});
