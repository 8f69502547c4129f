/**
 * Across packages over the real server (stdio JSON-RPC), on a copy of test/fixtures/crosspkg/contract:
 * a module whose package `cli` calls `ron` functions that need ron's locks.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, Hover, Location, MarkupContent } from 'vscode-languageserver/node';
import { LspClient, positionOf, removeDir, ROOT, uriOf } from './lsp-client';
import type { AnalysisStatus } from '../server/src/protocol';

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
    // The diagnostic there comes first, and says the contract: the hover does not say it again.
    assert.match(md, /^⚠️ call of ron\.Register requires ron\.Registry, which is not held here \(contract: [^\n]*`missing-lock-annotation`\n/);
    assert.doesNotMatch(md, /\*\*requires\*\* `Registry`|At this call/);
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
    const locks = await client.request<{ cls: string; problems: { code: string; loc: { uri: string } }[] }[]>('lockset/locks', null);
    const problems = Object.fromEntries(locks.map((l) => [l.cls, l.problems.length]));
    // One finding each in cli (the calls of Register and SendLocked without their locks): the same total as the
    // diagnostics, and no lock counted for a finding about another one.
    // Both locks are ron's: named without the package, `Registry` as `Server.Mu` (docs/editor.md, "Lock class names").
    assert.deepEqual(problems, { 'Server.Mu': 1, Registry: 1 });
    // Each listed with its check and its place: in cli, where the call without the lock is.
    assert.deepEqual(locks.flatMap((l) => l.problems.map((p) => p.loc.uri)), [uri('cli/cli.go'), uri('cli/cli.go')]);
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

describe('the status bar across packages over stdio', () => {
  let dir: string;
  let client: LspClient;
  const uri = (rel: string) => uriOf(join(dir, rel));
  // ron gets an information finding (an empty critical section) and a hint (a stale // LOCK:, configured as a
  // hint), beside cli's two warnings: the Problems panel lists the first three, not the hint.
  const pool = [
    'package ron', '', 'import "sync"', '', 'var poolMu sync.Mutex', '', 'var drained int', '',
    '// Drain waits for any holder of poolMu.', 'func Drain() {', '\tpoolMu.Lock()', '\tpoolMu.Unlock()', '}', '',
    'func Size(s string) int {', '\t// LOCK: poolMu is held by the caller.', '\treturn len(s)', '}', '',
  ].join('\n');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lockset-status-'));
    cpSync(join(ROOT, 'test/fixtures/crosspkg/contract'), dir, { recursive: true });
    writeFileSync(join(dir, 'ron/pool.go'), pool);
    client = await LspClient.start({ root: dir, settings: { debounceMs: 20, checks: { 'stale-lock-annotation': 'hint' } } });
    await client.scanned();
  });

  after(async () => {
    try { await client?.stop(); } finally { if (dir) removeDir(dir); }
  });

  /** The published diagnostics by severity (1 error ... 4 hint), over every document. */
  const published = () => {
    const by = [0, 0, 0, 0, 0];
    for (const p of client.diagnostics.values()) for (const d of p.diagnostics as Diagnostic[]) by[d.severity ?? 1]++;
    return { errors: by[1], warnings: by[2], info: by[3], hints: by[4] };
  };
  /** The first idle status after the `seen`-th notification. */
  const idleAfter = (seen: number, what: string) => client.waitFor(what, () =>
    client.notifications.slice(seen).find((n) => n.method === 'lockset/status' && (n.params as AnalysisStatus).state === 'idle')?.params as AnalysisStatus | undefined);

  it('gives the total of the Problems panel: errors, warnings and information, not hints, after the scan and after an edit', async () => {
    // The status follows the publishes on the same stream: when it arrives, every diagnostic before it has too.
    const status = await idleAfter(0, 'the idle status after the scan');
    const shown = published();
    assert.deepEqual(shown, { errors: 0, warnings: 2, info: 1, hints: 1 }, 'cli\'s two warnings, ron\'s information and hint');
    assert.deepEqual([status.errors, status.warnings, status.info], [shown.errors, shown.warnings, shown.info]);
    assert.equal(status.problems, shown.errors + shown.warnings + shown.info);
    assert.deepEqual([uri('cli/cli.go'), uri('ron/pool.go')].map((u) => client.diagnostics.get(u)?.diagnostics.length), [2, 2], 'findings in two packages');

    // The empty critical section gets a statement: the information finding goes, and the total with it.
    const seen = client.notifications.length;
    await client.open(uri('ron/pool.go'), pool);
    await client.change(uri('ron/pool.go'), [{ text: pool.replace('\tpoolMu.Lock()\n', '\tpoolMu.Lock()\n\tdrained++\n') }]);
    await client.waitForDiagnostics(uri('ron/pool.go'), (d) => d.length === 1, 'only the hint left in pool.go');
    const publish = client.notifications.map((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri('ron/pool.go')).lastIndexOf(true);
    const after = await idleAfter(Math.max(seen, publish), 'the idle status after the edit\'s publish');
    assert.deepEqual(published(), { errors: 0, warnings: 2, info: 0, hints: 1 });
    assert.deepEqual([after.errors, after.warnings, after.info, after.problems], [0, 2, 0, 2]);
  });
});
