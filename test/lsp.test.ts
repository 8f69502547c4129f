/**
 * End-to-end tests of the language server: the bundled dist/server.js is spawned and driven over
 * stdio with real JSON-RPC, against a fresh temp copy of examples/. Nothing here sleeps: every
 * wait is for a notification, bounded by the client's safety timeout. Run `npm run build` first.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CodeAction, type Command, type Diagnostic, type Hover, type MarkupContent, type ShowMessageParams, type TextDocumentEdit, type TextEdit,
  type WorkDoneProgressBegin,
} from 'vscode-languageserver/node';
import {
  applyEdits, CLI, copyExamples, LspClient, type ProgressParams, positionAt, positionOf, rangeOf, removeDir, type StartOptions, uriOf,
} from './lsp-client';
import { prng } from './fuzz/prng';

const MISSING = 'missing-lock-annotation';
const STALE = 'stale-lock-annotation';

function markdown(h: Hover | null): string {
  assert.ok(h, 'expected a hover');
  const c = h.contents as MarkupContent;
  assert.equal(c.kind, 'markdown');
  return c.value;
}

function quickFixes(actions: (CodeAction | Command)[] | null): CodeAction[] {
  assert.ok(Array.isArray(actions), 'expected an array of code actions');
  return actions.filter((a): a is CodeAction => CodeAction.is(a));
}

function byTitle(actions: CodeAction[], prefix: string): CodeAction {
  const a = actions.find((x) => x.title.startsWith(prefix));
  assert.ok(a, `no code action titled "${prefix}…" among: ${actions.map((x) => x.title).join(' | ')}`);
  return a;
}

/** The single versioned text-document edit of a code action, checked against the document it targets. */
function documentEdit(action: CodeAction, uri: string, version: number): TextEdit[] {
  const changes = action.edit?.documentChanges;
  assert.ok(changes && changes.length === 1, `expected one documentChanges entry in "${action.title}"`);
  const change = changes[0] as TextDocumentEdit;
  assert.equal(change.textDocument.uri, uri);
  assert.equal(change.textDocument.version, version);
  return change.edits.filter((e): e is TextEdit => !('annotationId' in e));
}

const withCode = (code: string) => (ds: Diagnostic[]) => ds.filter((d) => d.code === code);

describe('language server over stdio (examples workspace)', () => {
  let dir: string;
  let client: LspClient;
  const path = (rel: string) => join(dir, rel);
  const uri = (rel: string) => uriOf(path(rel));
  const disk = (rel: string) => readFileSync(path(rel), 'utf8');

  before(async () => {
    dir = copyExamples();
    client = await LspClient.start({ root: dir, settings: { debounceMs: 50 } });
  });

  after(async () => {
    try { await client?.stop(); } finally { if (dir) removeDir(dir); }
  });

  it('publishes the workspace diagnostics at start-up, with work-done progress', async () => {
    const http = disk('vmm/http.go');
    const vms = disk('vmm/vms.go');
    const [d] = await client.waitForDiagnostics(uri('vmm/http.go'), (ds) => withCode(MISSING)(ds).length > 0, MISSING);
    assert.equal(d.code, MISSING);
    assert.equal(d.source, 'lockset');
    assert.equal(d.severity, 2);
    assert.deepEqual(d.range, rangeOf(http, 'findVM'));
    assert.equal(d.range.start.line + 1, 50);
    assert.match(d.message, /^call of findVM requires vmLock, which is not held here/);
    assert.equal(d.relatedInformation?.length, 1);
    const rel = d.relatedInformation[0];
    assert.equal(rel.location.uri, uri('vmm/vms.go'));
    assert.equal(rel.location.range.start.line, positionOf(vms, '// findVM assumes vmLock is held').line);
    assert.match(rel.message, /findVM assumes vmLock is held/);

    const command = disk('vmm/command.go');
    const cmdDiags = await client.waitForDiagnostics(uri('vmm/command.go'), (ds) => ds.length === 2, 'two findings');
    const [setTag] = withCode(MISSING)(cmdDiags);
    assert.deepEqual(setTag.range, rangeOf(command, 'setTagLocked(k, v)', 0, 'setTagLocked'.length));
    assert.equal(setTag.range.start.line + 1, 187);
    assert.match(setTag.message, /^call of setTagLocked requires vm\.lock, which is not held here/);
    const [stale] = withCode(STALE)(cmdDiags);
    assert.equal(stale.range.start.line + 1, 196);
    assert.equal(stale.range.start.line, positionOf(command, '// LOCK: cmdLock is held by runCommand').line);
    assert.equal(stale.severity, 3);
    assert.deepEqual(stale.tags, [1]);

    await client.scanned();
    const begin = client.notifications.find((n) => n.method === '$/progress')!.params as ProgressParams;
    assert.equal((begin.value as WorkDoneProgressBegin).title, 'lockset');
    assert.deepEqual(client.progressTokens, [begin.token], 'the token was created with window/workDoneProgress/create');
  });

  it('reports the lock-order cycle once, with both acquisitions as related locations, and hovers it', async () => {
    const vm = disk('vmm/vm.go');
    const stats = disk('vmm/stats.go');
    const CYCLE = 'lock-order-cycle';
    const [d] = await client.waitForDiagnostics(uri('vmm/vm.go'), (ds) => withCode(CYCLE)(ds).length > 0, CYCLE);
    const statsDiags = await client.waitForDiagnostics(uri('vmm/stats.go'), () => true, 'stats.go diagnostics');
    assert.equal(withCode(CYCLE)(statsDiags).length, 0, 'one report per cycle');
    assert.equal(d.range.start.line, positionOf(vm, 'stats.mu.Lock()').line);
    assert.match(d.message, /^lock order cycle VM\.lock → statsTable\.mu → VM\.lock/);
    const related = d.relatedInformation ?? [];
    const at = (u: string, text: string, needle: string) => related.some((r) => r.location.uri === u && r.location.range.start.line === positionOf(text, needle).line);
    assert.ok(at(uri('vmm/vm.go'), vm, 'stats.mu.Lock()'), 'Kill taking statsTable.mu');
    assert.ok(at(uri('vmm/stats.go'), stats, 'vm.lock.Lock()'), 'sample taking VM.lock');
    assert.ok(at(uri('vmm/stats.go'), stats, 't.mu.Lock()'), 'sample holding statsTable.mu');

    await client.open(uri('vmm/stats.go'), stats);
    const md = markdown(await client.hover(uri('vmm/stats.go'), positionOf(stats, 'vm.lock.Lock()', 0, 8)));
    assert.match(md, /class `VM\.lock`/);
    assert.match(md, /Already held here: `t\.mu`/);
    assert.match(md, /lock-order cycle: VM\.lock → statsTable\.mu → VM\.lock/);
  });

  it('hovers a contract at a call and the held locks inside a body', async () => {
    const text = disk('vmm/http.go');
    await client.open(uri('vmm/http.go'), text);

    const call = await client.hover(uri('vmm/http.go'), positionOf(text, 'findVM(', 0, 2));
    const md = markdown(call);
    assert.match(md, /requires/);
    assert.match(md, /vmLock/);
    assert.match(md, /doc comment/);
    // The signature with its result, as Go writes it.
    assert.match(md, /func \(VMs\) findVM\(idOrName string\) \*VM\n/);
    // The diagnostic at the call first; the contract row and "needs vmLock: not held" would repeat it.
    assert.match(md, /^⚠️ call of findVM requires vmLock, which is not held here \(contract: doc comment "findVM assumes vmLock is held"\)[^\n]* · `missing-lock-annotation`\n/);
    assert.equal(md.split('findVM assumes vmLock is held').length - 1, 1, `the contract once:\n${md}`);
    assert.doesNotMatch(md, /At this call|No locks held here/);
    assert.deepEqual(call?.range, rangeOf(text, 'findVM'));

    assert.match(markdown(await client.hover(uri('vmm/http.go'), positionOf(text, 'return vmView{'))), /Held here: `vm\.lock`/);
    assert.match(markdown(await client.hover(uri('vmm/http.go'), positionOf(text, 'var views'))), /No locks held/);
  });

  it('offers the // LOCK: quick fix, and applying it clears the finding (also for the CLI)', async () => {
    const u = uri('vmm/http.go');
    if (!client.documents.has(u)) await client.open(u, disk('vmm/http.go'));
    const { text, version } = client.documents.get(u)!;
    const [d] = withCode(MISSING)(await client.waitForDiagnostics(u, (ds) => withCode(MISSING)(ds).length > 0, MISSING));

    const actions = quickFixes(await client.codeActions(u, d.range, [d]));
    const fix = byTitle(actions, 'Add "// LOCK: vmLock is held by the caller."');
    assert.equal(fix.kind, 'quickfix');
    // handleVM is an HTTP handler: nothing holds vmLock there, so the preferred fix makes the code right (call
    // the twin that takes the lock) rather than say the lock is held.
    assert.equal(fix.isPreferred, false);
    assert.equal(byTitle(actions, 'Call FindVM').isPreferred, true);
    assert.equal(fix.diagnostics?.[0]?.code, MISSING);
    const edited = applyEdits(text, documentEdit(fix, u, version));
    assert.match(edited, /\n\t\/\/ LOCK: vmLock is held by the caller\.\n\tvm := vms\.findVM\(/);

    assert.equal((await client.change(u, [{ text: edited }])).version, version + 1);
    await client.waitForDiagnostics(u, (ds) => withCode(MISSING)(ds).length === 0, `no ${MISSING} after the quick fix`);

    writeFileSync(path('vmm/http.go'), edited);
    const cli = spawnSync(process.execPath, [CLI, 'check', path('vmm'), '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    assert.ok(cli.status === 0 || cli.status === 1, `cli exited ${cli.status}: ${cli.stderr}`);
    const found = (JSON.parse(cli.stdout) as { diagnostics: { file: string; line: number; code: string }[] }).diagnostics;
    assert.deepEqual(found.filter((f) => f.file === join('vmm', 'http.go')), []);
    assert.ok(found.some((f) => f.file === join('vmm', 'command.go') && f.code === MISSING), 'the CLI still reports command.go');
  });

  it('reports a call added by an edit, offers its fixes, and drops it when the edit is undone', async () => {
    const u = uri('vmm/vms.go');
    const text = disk('vmm/vms.go');
    await client.open(u, text);
    const added = '\n// probe looks a VM up without the lock.\nfunc probe() *VM {\n\treturn vms.findVM("probe")\n}\n';
    const end = positionAt(text, text.length);
    const { text: edited, version } = await client.change(u, [{ range: { start: end, end }, text: added }]);
    assert.equal(edited, text + added);
    const probeCall = rangeOf(edited, 'findVM("probe")', 0, 'findVM'.length);

    const isProbe = (d: Diagnostic) => d.code === MISSING && d.range.start.line === probeCall.start.line;
    const ds = await client.waitForDiagnostics(u, (x) => x.some(isProbe), 'the findVM call in probe');
    const d = ds.find(isProbe)!;
    assert.deepEqual(d.range, probeCall);
    assert.match(d.message, /^call of findVM requires vmLock, which is not held here/);

    const actions = quickFixes(await client.codeActions(u, d.range, [d]));
    assert.match(text, /func \(v VMs\) FindVM\(idOrName string\) \*VM \{\n\tvmLock\.Lock\(\)/, 'vms.go has the exported twin FindVM');
    const twin = byTitle(actions, 'Call FindVM');
    assert.deepEqual(documentEdit(twin, u, version), [{ range: d.range, newText: 'FindVM' }]);
    assert.match(byTitle(actions, 'Document that').title, /^Document that probe assumes vmLock is held/);

    const { text: undone } = await client.change(u, [{ range: { start: end, end: positionAt(edited, edited.length) }, text: '' }]);
    assert.equal(undone, text);
    await client.waitForDiagnostics(u, (x) => !x.some((y) => y.code === MISSING), `no ${MISSING} in vms.go once probe is gone`);
  });

  it('survives garbage documents and random positions, and answers unknown documents with nothing', async () => {
    const rand = prng(20240601);
    const garbage = Array.from({ length: 4000 }, () => String.fromCharCode(rand() < 0.1 ? 0 : Math.floor(rand() * 0x10000))).join('');
    const docs = [
      { u: uri('scratch/garbage.go'), text: `package scratch\n\x00\x01\x02${garbage}\nfunc (` },
      { u: uri('vmm/half.go'), text: 'package vmm\n\nfunc half(vm *VM) {\n\tvm.lock.Lock()\n\tvms.findVM(\n\tif vm. {\n' },
      { u: uri('vmm/nul.go'), text: 'package vmm\x00\n\nfunc nul() { vms.findVM("\x00") }\n\x00\x00' },
    ];
    for (const d of docs) await client.open(d.u, d.text);
    for (const d of docs) await client.waitForDiagnostics(d.u, () => true, 'any diagnostics (the analysis finished)');

    const requests: Promise<unknown>[] = [];
    for (const d of docs) {
      const lines = d.text.split('\n').length;
      const pos = () => ({ line: Math.floor(rand() * (lines + 3)), character: Math.floor(rand() * 300) });
      for (let i = 0; i < 25; i++) {
        requests.push(client.hover(d.u, pos()));
        const [a, b] = [pos(), pos()].sort((x, y) => x.line - y.line || x.character - y.character);
        requests.push(client.codeActions(d.u, { start: a, end: b }));
      }
    }
    const settled = await Promise.allSettled(requests);
    const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    assert.deepEqual(failed.map((f) => String(f.reason)), []);

    await client.scanned(); // http.go may not be open: the server must have read it from disk
    const http = disk('vmm/http.go'); // the quick-fix test saved what it left open
    assert.match(markdown(await client.hover(uri('vmm/http.go'), positionOf(http, 'findVM(', 0, 1))), /requires/);
    assert.deepEqual(client.errorLogs(), []);

    assert.equal(await client.hover(uri('nowhere/missing.go'), { line: 0, character: 0 }), null);
    assert.equal(await client.hover(uri('vmm/missing.go'), { line: 3, character: 4 }), null);
    const none = await client.codeActions(uri('vmm/missing.go'), { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } });
    assert.ok(none === null || none.length === 0, `expected no code actions, got ${JSON.stringify(none)}`);

    for (const d of docs) await client.close(d.u);
  });

  it('clears the diagnostics of a closed document that is not on disk', async () => {
    const u = uri('vmm/unsaved.go');
    await client.open(u, 'package vmm\n\nfunc unsaved() *VM { return vms.findVM("x") }\n');
    await client.waitForDiagnostics(u, (ds) => withCode(MISSING)(ds).length === 1, 'the findVM call in the unsaved file');
    await client.close(u);
    // A barrier: a new file of the same package is analysed (and published) after the close was handled.
    const barrier = uri('vmm/barrier.go');
    await client.open(barrier, 'package vmm\n');
    await client.waitForDiagnostics(barrier, () => true, 'the package to be re-analysed after the close');
    await client.close(barrier);
    assert.deepEqual(client.diagnostics.get(u)?.diagnostics, []);
  });
});

describe('language server over stdio (a package folder opened as the workspace)', () => {
  let dir: string;
  let client: LspClient;

  before(async () => {
    dir = copyExamples();
    // As VS Code starts it: the working directory is the (first) workspace folder.
    client = await LspClient.start({ root: join(dir, 'vmm'), settings: { debounceMs: 0 } });
  });

  after(async () => {
    try { await client?.stop(); } finally { if (dir) removeDir(dir); }
  });

  it('publishes only workspace uris when an untitled document is opened', async () => {
    await client.scanned();
    const u = 'untitled:Untitled-1';
    await client.open(u, 'package vmm\n\nfunc scratch() {}\n');
    await client.waitForDiagnostics(u, () => true, 'the untitled document to be analysed');
    await client.hover(u, { line: 2, character: 6 }); // a round trip: every publish sent before it has arrived
    const root = uriOf(join(dir, 'vmm')) + '/';
    assert.deepEqual([...client.diagnostics.keys()].filter((k) => k !== u && !k.startsWith(root)), []);
  });
});

describe('language server over stdio (settings)', () => {
  const loud = { debounceMs: 50, checks: { [MISSING]: 'loud' } };
  const names = (m: ShowMessageParams) => m.message.includes(`lockset.checks.${MISSING}`);
  // A showMessage notification or a showMessageRequest, whichever comes: waiting for just the
  // notification would make the present behaviour fail at the safety timeout instead of at once.
  const warning = (client: LspClient) => client.waitFor(`window/showMessage(Request) naming lockset.checks.${MISSING}`, () =>
    client.notifications.find((n) => n.method === 'window/showMessage' && names(n.params as ShowMessageParams))
    ?? client.requests.find((r) => r.method === 'window/showMessageRequest' && names(r.params as ShowMessageParams)));
  const dirs: string[] = [];
  const clients: LspClient[] = [];
  const start = async (opts: Omit<StartOptions, 'root'>) => {
    const dir = copyExamples();
    dirs.push(dir);
    const client = await LspClient.start({ root: dir, ...opts });
    clients.push(client);
    return { client, dir };
  };

  after(async () => {
    try { await Promise.all(clients.map((c) => c.stop())); } finally { dirs.forEach(removeDir); }
  });

  it('warns about an invalid check severity with a window/showMessage notification naming the setting', async () => {
    const { client } = await start({ settings: loud });
    const seen = await warning(client);
    assert.equal(seen.method, 'window/showMessage');
    const msg = seen.params as ShowMessageParams;
    assert.equal(msg.type, 2);
    assert.match(msg.message, /loud/);
    assert.ok(client.configurationRequests.some((r) => r.items.some((i) => i.section === 'lockset')), 'the server asked for the lockset section');
  });

  it('keeps running when the client rejects its warning', async () => {
    const { client, dir } = await start({ settings: loud, unsupportedRequests: ['window/showMessageRequest'] });
    await warning(client);
    await client.scanned();
    const text = readFileSync(join(dir, 'vmm/http.go'), 'utf8');
    const uri = uriOf(join(dir, 'vmm/http.go'));
    assert.match(markdown(await client.hover(uri, positionOf(text, 'findVM(', 0, 1))), /requires/);
    assert.equal(client.exitStatus, undefined);
  });
});
