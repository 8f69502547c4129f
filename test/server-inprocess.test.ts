/**
 * The language server in this process, over in-memory streams (see test/lsp-inprocess.ts): diagnostics at
 * start-up, a hover, a code lens, and a quick fix that clears its finding, on a copy of the example workspace.
 * It needs no build, so `npm run test:unit` runs it; the same client drives the bundled server over stdio in
 * the other LSP tests.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CodeLens, Command, Diagnostic, Hover, MarkupContent, TextDocumentEdit } from 'vscode-languageserver/node';
import { applyEdits, copyExamples, positionOf, rangeOf, removeDir, startInProcess, uriOf, type LspClient, type ServerProcess } from './lsp-inprocess';

const MISSING = 'missing-lock-annotation';
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information' } as Record<number, string>;

describe('the language server in process (example workspace)', () => {
  let dir: string;
  let client: LspClient<ServerProcess>;
  const path = (rel: string) => join(dir, rel);
  const uri = (rel: string) => uriOf(path(rel));
  const disk = (rel: string) => readFileSync(path(rel), 'utf8');

  before(async () => {
    dir = copyExamples();
    client = await startInProcess({ root: dir, settings: { debounceMs: 0 } });
  });

  after(async () => {
    try { await client?.stop(); } finally { if (dir) removeDir(dir); }
  });

  it("publishes the example's findings at start-up: 1 error, 4 warnings, 1 information (as npm run example)", async () => {
    await client.scanned();
    const counts: Record<string, number> = {};
    for (const p of client.diagnostics.values()) for (const d of p.diagnostics) counts[SEVERITY[d.severity ?? 0]] = (counts[SEVERITY[d.severity ?? 0]] ?? 0) + 1;
    assert.deepEqual(counts, { error: 1, warning: 4, information: 1 });
  });

  it('hovers the contract of a call made without its lock', async () => {
    const text = disk('vmm/http.go');
    await client.open(uri('vmm/http.go'), text);
    const hover = await client.hover(uri('vmm/http.go'), positionOf(text, 'findVM(', 0, 2));
    const md = ((hover as Hover).contents as MarkupContent).value;
    assert.match(md, /call of findVM requires vmLock, which is not held here/);
    assert.match(md, /func \(VMs\) findVM\(idOrName string\) \*VM\n/);
    assert.deepEqual(hover?.range, rangeOf(text, 'findVM'));
  });

  it('shows a lens on a function with a contract, naming its callers without the lock', async () => {
    const vms = disk('vmm/vms.go');
    await client.open(uri('vmm/vms.go'), vms);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri('vmm/vms.go') } });
    const lens = lenses.find((l) => l.range.start.line === positionOf(vms, 'func (v VMs) findVM').line);
    assert.match(lens?.command?.title ?? '', /^🔒 requires vmLock · 1 caller without the lock$/);
  });

  it('offers the preferred quick fix, and applying it clears the finding', async () => {
    const u = uri('vmm/http.go');
    const { text, version } = client.documents.get(u)!;
    const [d] = (await client.waitForDiagnostics(u, (ds) => ds.some((x) => x.code === MISSING), MISSING)).filter((x: Diagnostic) => x.code === MISSING);
    const actions = ((await client.codeActions(u, d.range, [d])) ?? []).filter((a: CodeAction | Command): a is CodeAction => 'kind' in a && a.kind === 'quickfix');
    const preferred = actions.find((a) => a.isPreferred);
    assert.match(preferred?.title ?? '', /^Call FindVM/);
    const edits = (preferred!.edit!.documentChanges![0] as TextDocumentEdit).edits;
    const edited = applyEdits(text, edits);
    assert.match(edited, /vms\.FindVM\(/);
    assert.equal((await client.change(u, [{ text: edited }])).version, version + 1);
    await client.waitForDiagnostics(u, (ds) => !ds.some((x) => x.code === MISSING), `no ${MISSING} after the fix`);
  });
});
