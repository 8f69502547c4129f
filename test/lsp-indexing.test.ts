/**
 * The start-up index over the real server: requests are answered while it is built, the open document
 * gets its diagnostics before the whole workspace is done, and every other package's own findings are
 * published as it is analysed. The workspace is many copies of
 * examples/vmm, so that the index takes a while. No timing is asserted, only the order of messages.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver/node';
import { EXAMPLES, LspClient, positionOf, removeDir, uriOf, type ProgressParams } from './lsp-client';

const COPIES = 60;

function bigWorkspace(copies = COPIES): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockset-index-'));
  for (let i = 0; i < copies; i++) {
    const pkg = join(dir, `p${String(i).padStart(2, '0')}`);
    mkdirSync(pkg);
    for (const f of readdirSync(join(EXAMPLES, 'vmm'))) if (f.endsWith('.go')) cpSync(join(EXAMPLES, 'vmm', f), join(pkg, f));
  }
  return dir;
}

describe('the start-up index', () => {
  let dir: string | undefined;
  let client: LspClient | undefined;

  after(async () => {
    try { await client?.stop(); } finally { if (dir) removeDir(dir); }
  });

  it('answers a hover and publishes the open document\'s diagnostics before the index is done', async () => {
    dir = bigWorkspace();
    client = await LspClient.start({ root: dir, settings: { debounceMs: 10 } });
    const begin = await client.waitForNotification<ProgressParams>('$/progress', (p) => p.value.kind === 'begin', 'work-done progress begin');
    const ended = () => client!.notifications.some((n) => n.method === '$/progress' && (n.params as ProgressParams).token === begin.token && (n.params as ProgressParams).value.kind === 'end');
    // The last package in the index's order, opened once the index has started.
    const path = join(dir, `p${COPIES - 1}`, 'http.go');
    const text = readFileSync(path, 'utf8');
    await client.open(uriOf(path), text);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: uriOf(path) }, position: positionOf(text, 'findVM(strings') });
    const answeredDuringIndex = !ended();
    assert.match((hover.contents as MarkupContent).value, /requires/);
    const diags = await client.waitForDiagnostics(uriOf(path), (d) => d.some((x) => x.code === 'missing-lock-annotation'), 'the findVM call without vmLock');
    const publishedDuringIndex = !ended();
    await client.scanned().catch(() => undefined);
    assert.ok(answeredDuringIndex, 'the hover was answered only after the whole index');
    assert.ok(publishedDuringIndex, 'the open document waited for the whole index');
    assert.equal(diags.filter((x) => x.code === 'missing-lock-annotation').length, 1);
    // A package nobody opened had its own findings published while the index was still running.
    const closed = uriOf(join(dir, 'p30', 'http.go'));
    const at = (pred: (n: { method: string; params: unknown }) => boolean) => client!.notifications.findIndex(pred);
    const firstPublish = at((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string; diagnostics: { code?: unknown }[] }).uri === closed
      && (n.params as { diagnostics: { code?: unknown }[] }).diagnostics.some((d) => d.code === 'missing-lock-annotation'));
    // The index reports each package analysed; the whole-workspace findings come after the last report.
    const last = at((n) => n.method === '$/progress' && (n.params as ProgressParams<{ kind: string; message?: string }>).value.message === `${COPIES}/${COPIES} packages`);
    assert.ok(firstPublish >= 0 && last >= 0 && firstPublish < last, `p30's diagnostics (notification ${firstPublish}) came before the last package was analysed (${last})`);
  });

  it('parses a workspace of 3 MB or more on worker threads, and every package gets its findings', async () => {
    await client?.stop();
    if (dir) removeDir(dir);
    // 200 copies of examples/vmm: 3 MB of Go, where the server starts parse workers.
    dir = bigWorkspace(200);
    client = await LspClient.start({ root: dir, settings: { debounceMs: 10 } });
    const { message } = await client.waitForNotification<{ message: string }>('window/logMessage', (p) => p.message.startsWith('lockset: analysed'), 'the index summary');
    if (availableParallelism() > 1) assert.match(message, /analysed 1200 Go files in 200 packages, parsed on \d+ worker threads?$/);
    else assert.match(message, /analysed 1200 Go files in 200 packages$/);
    // Copies first, in the middle and last in the index's order have the example's missing lock in http.go.
    for (const i of [0, 57, 199]) {
      const http = await client.waitForDiagnostics(uriOf(join(dir, `p${String(i).padStart(2, '0')}`, 'http.go')), (d) => d.some((x) => x.code === 'missing-lock-annotation'), `p${i}/http.go`);
      assert.equal(http.filter((x) => x.code === 'missing-lock-annotation').length, 1);
    }
  });

  it('compacts the packages nobody opened, and a package opened after the index answers hovers, lenses and hints', async () => {
    await client?.stop();
    if (dir) removeDir(dir);
    dir = bigWorkspace(6);
    client = await LspClient.start({ root: dir, settings: { debounceMs: 10, compactClosedPackages: 'on', inlayHints: { heldLocks: true } } });
    await client.scanned();
    const path = join(dir, 'p03', 'http.go');
    const text = readFileSync(path, 'utf8');
    await client.open(uriOf(path), text);
    const hover = await client.hover(uriOf(path), positionOf(text, 'findVM(strings'));
    assert.match((hover!.contents as MarkupContent).value, /requires/);
    const vm = join(dir, 'p04', 'vm.go'), vmText = readFileSync(vm, 'utf8');
    await client.open(uriOf(vm), vmText);
    const lenses = await client.request<unknown[]>('textDocument/codeLens', { textDocument: { uri: uriOf(vm) } });
    assert.ok(lenses.length > 0, 'code lenses on a package read again');
    const hints = await client.request<{ label: string }[]>('textDocument/inlayHint', { textDocument: { uri: uriOf(vm) }, range: { start: { line: 0, character: 0 }, end: { line: vmText.split('\n').length, character: 0 } } });
    assert.ok(hints.some((h) => JSON.stringify(h.label).includes("⟨vm.lock⟩")), JSON.stringify(hints));
    // The Lock Explorer reads the lock events that compaction keeps: a vmLock of every copy.
    const labels = JSON.stringify(await client.request('lockset/locks', null));
    for (let i = 0; i < 6; i++) assert.ok(labels.includes(`p0${i}`), `p0${i} in the inventory`);
    // An edit still gets its diagnostics: the missing lock goes when the call takes it.
    await client.change(uriOf(path), [{ text: text.replace('findVM(strings', 'FindVM(strings') }]);
    await client.waitForDiagnostics(uriOf(path), (d) => !d.some((x) => x.code === 'missing-lock-annotation'), 'the fixed call');
  });

  it('answers a hover while a request that reads the whole workspace catches up with the index', async () => {
    await client?.stop();
    if (dir) removeDir(dir);
    dir = bigWorkspace();
    client = await LspClient.start({ root: dir, settings: { debounceMs: 10 } });
    await client.waitForNotification<ProgressParams>('$/progress', (p) => p.value.kind === 'begin', 'work-done progress begin');
    const path = join(dir, 'p00', 'http.go');
    const text = readFileSync(path, 'utf8');
    await client.open(uriOf(path), text);
    const order: string[] = [];
    // The Lock Explorer's request needs every package analysed and checked; the hover sent after it needs one.
    const locks = client.request<{ label: string }[]>('lockset/locks', null).then((r) => { order.push('locks'); return r; });
    const hover = client.request<Hover>('textDocument/hover', { textDocument: { uri: uriOf(path) }, position: positionOf(text, 'findVM(strings') }).then((h) => { order.push('hover'); return h; });
    const [inventory, h] = await Promise.all([locks, hover]);
    assert.deepEqual(order, ['hover', 'locks']);
    assert.match((h.contents as MarkupContent).value, /requires/);
    // The explorer's answer is complete all the same: a vmLock of every copy.
    const labels = JSON.stringify(inventory);
    for (let i = 0; i < COPIES; i++) assert.ok(labels.includes(`p${String(i).padStart(2, '0')}`), `p${i} in the inventory`);
  });
});
