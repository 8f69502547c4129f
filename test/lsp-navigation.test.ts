/**
 * Navigation over the real server (stdio JSON-RPC) on a copy of examples/: code lenses, inlay hints,
 * references, document highlights, implementation, and lockset's own lockGraph and locks requests.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeLens, DocumentHighlight, InlayHint, Location } from 'vscode-languageserver/node';
import type { LockGraph, LockInfo } from '../server/src/protocol';
import { copyExamples, LspClient, positionOf, removeDir, uriOf } from './lsp-client';

describe('navigation over stdio (examples workspace)', () => {
  let dir: string;
  let client: LspClient;
  const uri = (rel: string) => uriOf(join(dir, rel));
  const disk = (rel: string) => readFileSync(join(dir, rel), 'utf8');
  const opened = new Set<string>();
  const open = async (rel: string) => {
    const text = disk(rel);
    if (!opened.has(rel)) { opened.add(rel); await client.open(uri(rel), text); }
    return text;
  };

  before(async () => {
    dir = copyExamples();
    client = await LspClient.start({ root: dir, settings: { debounceMs: 50, inlayHints: { heldLocks: true } } });
    await client.scanned();
  });

  after(async () => {
    try { await client?.stop(); } finally { if (dir) removeDir(dir); }
  });

  it('code lens: a function with a contract says what it requires and who calls it without the lock', async () => {
    const vms = await open('vmm/vms.go');
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri('vmm/vms.go') } });
    const line = positionOf(vms, 'func (v VMs) findVM').line;
    const lens = lenses.find((l) => l.range.start.line === line);
    assert.ok(lens?.command, `no lens on findVM among ${JSON.stringify(lenses.map((l) => l.command?.title))}`);
    assert.match(lens.command.title, /^🔒 requires vmLock · 1 caller without the lock$/);
    assert.equal(lens.command.command, 'lockset.showLocations');
    const [, , locations] = lens.command.arguments as [string, unknown, Location[]];
    assert.equal(locations.length, 1);
    assert.equal(locations[0].uri, uri('vmm/http.go'));
    const taker = lenses.find((l) => /takes vmLock/.test(l.command?.title ?? ''));
    assert.ok(taker, 'a function that takes vmLock has a lens');
  });

  it('inlay hints: the held set after a Lock() line', async () => {
    const vm = await open('vmm/vm.go');
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: uri('vmm/vm.go') }, range: { start: { line: 0, character: 0 }, end: { line: vm.split('\n').length, character: 0 } },
    });
    const line = positionOf(vm, 'vm.lock.Lock()').line;
    const hint = hints.find((h) => h.position.line === line);
    assert.ok(hint, 'a hint on the first vm.lock.Lock() line');
    assert.match(String(hint.label), /⟨vm\.lock⟩/);
  });

  it('inlay hints: turning the setting off asks the client to refresh them, and then there are none', async () => {
    const vm = await open('vmm/vm.go');
    const before = client.requests.filter((r) => r.method === 'workspace/inlayHint/refresh').length;
    client.settings = { debounceMs: 50, inlayHints: { heldLocks: false } };
    await client.notify('workspace/didChangeConfiguration', { settings: {} });
    await client.waitFor('a workspace/inlayHint/refresh request', () => client.requests.filter((r) => r.method === 'workspace/inlayHint/refresh').length > before || undefined);
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: uri('vmm/vm.go') }, range: { start: { line: 0, character: 0 }, end: { line: vm.split('\n').length, character: 0 } },
    });
    assert.deepEqual(hints, []);
    client.settings = { debounceMs: 50, inlayHints: { heldLocks: true } };
    await client.notify('workspace/didChangeConfiguration', { settings: {} });
    await client.waitFor('a second refresh', () => client.requests.filter((r) => r.method === 'workspace/inlayHint/refresh').length > before + 1 || undefined);
  });

  it('references: every Lock/Unlock of the lock class, from a field declaration', async () => {
    const vm = await open('vmm/vm.go');
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uri('vmm/vm.go') }, position: positionOf(vm, 'lock    sync.Mutex', 0, 1), context: { includeDeclaration: true },
    });
    assert.ok(refs.length >= 9, `expected the VM.lock sites, got ${refs.length}`);
    assert.ok(refs.some((r) => r.uri === uri('vmm/stats.go')), 'the acquisition in stats.go is listed');
    assert.ok(refs.every((r) => /lock\.(R?Lock|R?Unlock)\(\)/.test(disk(r.uri.slice(uri('').length)).split('\n')[r.range.start.line])));
  });

  it('document highlight pairs a Lock with its deferred Unlock', async () => {
    const vm = await open('vmm/vm.go');
    const at = positionOf(vm, 'vm.lock.Lock()', 0, 9);
    const hs = await client.request<DocumentHighlight[]>('textDocument/documentHighlight', { textDocument: { uri: uri('vmm/vm.go') }, position: at });
    assert.equal(hs.length, 2, JSON.stringify(hs));
    assert.deepEqual(hs.map((h) => vm.split('\n')[h.range.start.line].trim()), ['vm.lock.Lock()', 'defer vm.lock.Unlock()']);
  });

  it('implementation on a function that requires a lock lists the calls that provide it', async () => {
    const vms = await open('vmm/vms.go');
    const impl = await client.request<Location[]>('textDocument/implementation', { textDocument: { uri: uri('vmm/vms.go') }, position: positionOf(vms, 'findVM(', 0, 1) });
    assert.ok(impl.length >= 1, 'FindVM provides vmLock when it calls findVM');
    assert.ok(impl.every((l) => l.uri !== uri('vmm/http.go')), 'the unlocked call in http.go is not a provider');
  });

  it('lockset/lockGraph: classes, edges with witnesses, the cycle', async () => {
    const g = await client.request<LockGraph>('lockset/lockGraph', {});
    assert.ok(g.nodes.some((n) => n.id === 'VM.lock' && n.inCycle));
    const edge = g.edges.find((e) => e.from === 'VM.lock' && e.to === 'statsTable.mu');
    assert.ok(edge?.inCycle);
    assert.match(edge.witnesses[0].message, /^Kill takes statsTable\.mu while holding VM\.lock$/);
    assert.deepEqual(g.cycles, [['VM.lock', 'statsTable.mu']]);
    assert.deepEqual(g.orders, ['cmdLock > vmLock > VM.lock']);
  });

  it('lockset/locks: the Lock Explorer inventory', async () => {
    const locks = await client.request<LockInfo[]>('lockset/locks', {});
    const vmLock = locks.find((l) => l.cls === 'VM.lock');
    assert.ok(vmLock);
    assert.equal(vmLock.kind, 'mutex');
    assert.ok(vmLock.inCycle);
    assert.ok(vmLock.declared && vmLock.declared.uri === uri('vmm/vm.go'));
    assert.ok(vmLock.acquisitions.length >= 5);
    assert.ok(vmLock.guards.some((g) => g.name === 'VM.state' && g.source === 'inferred'));
    assert.equal(vmLock.order, '3 of 3 in cmdLock > vmLock > VM.lock');
  });
});
