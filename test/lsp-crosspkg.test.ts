/**
 * Across packages over the real server (stdio JSON-RPC), on a copy of test/fixtures/crosspkg/contract:
 * a module whose package `cli` calls `ron` functions that need ron's locks.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Hover, Location, MarkupContent } from 'vscode-languageserver/node';
import { LspClient, positionOf, removeDir, ROOT, uriOf } from './lsp-client';

describe('across packages over stdio', () => {
  let dir: string;
  let client: LspClient;
  const uri = (rel: string) => uriOf(join(dir, rel));
  const disk = (rel: string) => readFileSync(join(dir, rel), 'utf8');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lockset-crosspkg-'));
    cpSync(join(ROOT, 'test/fixtures/crosspkg/contract'), dir, { recursive: true });
    client = await LspClient.start({ root: dir, settings: { debounceMs: 20 } });
    await client.scanned();
  });

  after(async () => {
    try { await client?.stop(); } finally { if (dir) removeDir(dir); }
  });

  it('reports a contract of one package violated in another, and hovers the callee with its package', async () => {
    const cli = disk('cli/cli.go');
    await client.open(uri('cli/cli.go'), cli);
    const diags = await client.waitForDiagnostics(uri('cli/cli.go'), (d) => d.length === 2, 'the two calls without the lock');
    assert.deepEqual(diags.map((d) => [d.range.start.line + 1, d.code]), [[13, 'missing-lock-annotation'], [23, 'missing-lock-annotation']]);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: uri('cli/cli.go') }, position: positionOf(cli, 'Register("y")') });
    const md = (hover.contents as MarkupContent).value;
    assert.match(md, /In package `ron`/);
    assert.match(md, /\*\*requires\*\* `Registry`/);
  });

  it('counts, in the code lens of a contract, the callers in other packages that the diagnostics flag', async () => {
    // cli/cli.go is open, with its two findings (the test above).
    const ron = disk('ron/ron.go');
    const lenses = await client.request<{ range: { start: { line: number } }; command: { title: string; arguments: unknown[] } }[]>('textDocument/codeLens', { textDocument: { uri: uri('ron/ron.go') } });
    const title = (fn: string) => lenses.find((l) => l.range.start.line === positionOf(ron, `${fn}(`).line)?.command.title;
    assert.equal(title('Register'), '🔒 requires Registry · 1 caller without the lock');
    assert.equal(title('SendLocked'), '🔒 requires s.Mu · 1 caller without the lock');
    // The lens leads to that caller, in the other package.
    const targets = lenses.find((l) => l.range.start.line === positionOf(ron, 'Register(').line)!.command.arguments[2] as Location[];
    assert.deepEqual(targets.map((t) => [t.uri, t.range.start.line + 1]), [[uri('cli/cli.go'), 23]]);
  });

  it('counts in the Locks view the findings that involve each lock, as data, across packages', async () => {
    const locks = await client.request<{ cls: string; problems: number }[]>('lockset/locks', null);
    const problems = Object.fromEntries(locks.map((l) => [l.cls, l.problems]));
    // One finding each in cli (the calls of Register and SendLocked without their locks): the same total as the
    // diagnostics, and no lock counted for a finding about another one.
    assert.deepEqual(problems, { 'Server.Mu': 1, 'ron.Registry': 1 });
  });

  it('finds the references of a lock across packages: its field in ron, its Lock and Unlock calls in cli', async () => {
    const ron = disk('ron/ron.go');
    const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri: uri('ron/ron.go') }, position: positionOf(ron, 'Mu    sync.Mutex'), context: { includeDeclaration: true } });
    const cli = disk('cli/cli.go');
    assert.deepEqual(refs.filter((l) => l.uri === uri('cli/cli.go')).map((l) => l.range.start.line).sort((a, b) => a - b),
      [positionOf(cli, 's.Mu.Lock()').line, positionOf(cli, 's.Mu.Unlock()').line]);
  });

  it('re-checks the importer when the imported package\'s contract changes, without the importer being edited', async () => {
    const ron = disk('ron/ron.go');
    await client.open(uri('ron/ron.go'), ron);
    const edited = ron.replace('// Register adds a name. The caller must hold Registry.', '// Register adds a name.');
    assert.notEqual(edited, ron);
    await client.change(uri('ron/ron.go'), [{ text: edited }]);
    const diags = await client.waitForDiagnostics(uri('cli/cli.go'), (d) => d.length === 1, 'only the SendLocked call left');
    assert.equal(diags[0].range.start.line + 1, 13);
    await client.change(uri('ron/ron.go'), [{ text: ron }]);
    await client.waitForDiagnostics(uri('cli/cli.go'), (d) => d.length === 2, 'the Register call flagged again');
  });
});
