/**
 * Quick-fix round trips. Every fix that the fixture packages (test/fixtures/**, and examples/) and a few
 * hundred fuzzed inputs offer is applied, and the result analysed again: it parses with no more syntax
 * errors than before, the diagnostic that it fixed (same code and message) is gone, and no new
 * missing-lock-annotation or lock-order-cycle diagnostic appeared (test/fuzz/roundtrip.ts).
 *
 * Over stdio (dist/server.js; `npm run build` first): a code action computed for version v and answered
 * after the document moved on to v+1 still names version v, so that a client refuses to apply it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { CodeAction, LSPErrorCodes, type Command, type Diagnostic, type TextDocumentEdit } from 'vscode-languageserver/node';
import type { Finding } from '../server/src/base/finding';
import { initParser, parseGo } from '../server/src/syntax/parser';
import { applyEdits } from '../server/src/util/edits';
import { Workspace } from '../server/src/workspace';
import { goPackages, rel } from './fuzz/corpus';
import { goCase } from './fuzz/pipeline';
import { FixChecker } from './fuzz/roundtrip';
import { copyExamples, LspClient, positionAt, removeDir, uriOf } from './lsp-client';
import { analyzeAll } from '../server/src/batch';

const SEED = 0xf1c5;
const FUZZED_INPUTS = 300;

interface Stats { fixes: number; consequences: number; known: Map<string, number> }
const newStats = (): Stats => ({ fixes: 0, consequences: 0, known: new Map() });

/** Applies every fix of every finding; returns the failures, one string each. */
async function roundTrips(what: string, texts: ReadonlyMap<string, string>, stats: Stats): Promise<string[]> {
  const checker = await FixChecker.create(texts);
  const failures: string[] = [];
  for (const finding of checker.before) {
    for (const fix of finding.fixes) {
      stats.fixes++;
      const r = await checker.check(finding, fix);
      stats.consequences += r.consequences.length;
      for (const k of new Set(r.known.map((p) => p.split(':')[0]))) stats.known.set(k, (stats.known.get(k) ?? 0) + 1);
      if (r.problems.length) {
        failures.push(`${what}: fix "${fix.title}" (${fix.id}) of [${finding.code}] at ${rel(finding.file)}:${finding.range.start.line + 1}:\n  ${r.problems.join('\n  ')}`);
      }
    }
  }
  return failures;
}

function report(t: TestContext, inputs: number, stats: Stats, failures: string[]): void {
  t.diagnostic(`${inputs} inputs, ${stats.fixes} fixes applied; ${stats.consequences} new diagnostic(s) that a document-contract fix brings by design;`
    + ` known bugs: ${[...stats.known].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}`);
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} failing fixes (the first 10 shown)`);
}

describe('quick-fix round trips', () => {
  it('every fix offered in test/fixtures and examples', async (t) => {
    const stats = newStats();
    const failures: string[] = [];
    const pkgs = goPackages();
    for (const pkg of pkgs) failures.push(...await roundTrips(rel(pkg.dir), new Map(pkg.files.map((f) => [f.path, f.text])), stats));
    assert.ok(stats.fixes >= 20, `only ${stats.fixes} fixes offered in the fixtures`);
    report(t, pkgs.length, stats, failures);
  });

  it(`every fix offered for ${FUZZED_INPUTS} fuzzed inputs that have one (seed ${SEED})`, async (t) => {
    const stats = newStats();
    const failures: string[] = [];
    let inputs = 0;
    for (let i = 0; inputs < FUZZED_INPUTS && i < 20 * FUZZED_INPUTS; i++) {
      const c = goCase(SEED, i, { deep: 0, long: 0 });
      const texts = new Map(c.pkg.files.map((f) => [f.path, f.text]));
      texts.set(c.target, c.text);
      const checker = await FixChecker.create(texts);
      if (!checker.before.some((f) => f.fixes.length)) continue;
      inputs++;
      failures.push(...await roundTrips(`input ${i} (${rel(c.target)}; ${c.ops.join(', ')})`, texts, stats));
    }
    assert.equal(inputs, FUZZED_INPUTS);
    report(t, inputs, stats, failures);
  });
});

// ---- known bugs in fixes, found by the round trips: minimal regression cases, kept as regression tests ----

interface Applied { fixed: string; before: Finding[]; after: Finding[]; errors: [number, number] }

/**
 * The first finding with `code` in a one-file package, its fix `id` applied, and the findings after; undefined
 * when the fix is not offered (`optional`), which is how some of these bugs may well be fixed.
 */
async function applyOne(text: string, code: string, id: string, optional = false): Promise<Applied | undefined> {
  const analyze = async (t: string) => {
    const ws = await Workspace.create();
    ws.setText('/fix-regression/p/a.go', t);
    return analyzeAll(ws);
  };
  const before = await analyze(text);
  const finding = before.find((f) => f.code === code);
  assert.ok(finding, `a ${code} finding in: ${before.map((f) => f.code).join(', ')}`);
  const fix = finding.fixes.find((f) => f.id === id);
  if (!fix && optional) return undefined;
  assert.ok(fix, `a ${id} fix among: ${finding.fixes.map((f) => f.id).join(', ')}`);
  const fixed = applyEdits(text, fix.edits);
  const parser = await initParser();
  return { fixed, before, after: await analyze(fixed), errors: [parseGo(parser, text).errorCount, parseGo(parser, fixed).errorCount] };
}

describe('quick-fix regressions', () => {
  it('document-contract is not offered for a function that takes the required lock itself', async () => {
    const text = 'package p\n\nimport "sync"\n\nvar mu sync.Mutex\nvar queue []int\n\n// drain assumes mu is held.\nfunc drain() []int { q := queue; queue = nil; return q }\n\n'
      + 'func unlockedTooSoon() []int {\n\tmu.Lock()\n\tn := len(queue)\n\tmu.Unlock()\n\tif n == 0 {\n\t\treturn nil\n\t}\n\treturn drain()\n}\n';
    const r = await applyOne(text, 'missing-lock-annotation', 'document-contract', true);
    if (!r) return; // not offered: fixed
    assert.deepEqual(r.after.map((f) => `${f.range.start.line + 1} [${f.code}] ${f.message}`), [], 'the fix leaves no diagnostic behind');
  });

  it('document-contract is offered only where its comment reads back as the lock it names', async () => {
    // A fuzzed copy of test/fixtures/missing-lock-annotation/locked_twin (seed 0xf1c5, input 821 at 8ff887d): the
    // struct's lock field no longer parses, so "misuse assumes c.handshakeMutex is held" read as c, and the
    // diagnostic stayed after the fix.
    const text = FUZZED_LOCKED_TWIN;
    const ws = await Workspace.create();
    ws.setText('/fix-regression/q/a.go', text);
    const before = analyzeAll(ws).filter((f) => f.code === 'missing-lock-annotation');
    let applied = 0;
    for (const f of before) {
      const fix = f.fixes.find((x) => x.id === 'document-contract');
      if (!fix) continue;
      applied++;
      const again = await Workspace.create();
      again.setText('/fix-regression/q/a.go', applyEdits(text, fix.edits));
      const after = analyzeAll(again).filter((x) => x.code === 'missing-lock-annotation').map((x) => x.message);
      assert.ok(!after.includes(f.message), `after "${fix.title}" the diagnostic is still there: ${f.message}`);
    }
    assert.ok(applied >= 1, 'the fix is offered where it reads back');
    assert.ok(before.some((f) => f.message.includes('connectionStateLocked') && !f.fixes.some((x) => x.id === 'document-contract')), 'and not where it would not');
  });

  it('wrap-in-lock adds "sync" to an import block that starts with a blank line without breaking a path', async () => {
    const text = 'package p\n\nimport (\n\n\t"strings"\n)\n\nvar values = map[string]string{}\n\nfunc store(k, v string) {\n\tgo func() { values[k] = strings.ToUpper(v) }()\n}\n';
    const { fixed, errors } = (await applyOne(text, 'unguarded-access', 'wrap-in-lock'))!;
    assert.deepEqual(errors, [0, 0], `the fixed file:\n${fixed}`);
    assert.match(fixed, /\n\t"strings"\n/);
  });

  it('a fix indents its new line with Go white space only', async () => {
    const text = 'package p\n\nimport "sync"\n\ntype C struct {\n\tmu sync.Mutex\n\tn  int\n}\n\nfunc (c *C) incLocked() { c.n++ }\n\nfunc (c *C) Racy() {\n\t\u00a0c.incLocked()\n}\n';
    const { fixed, errors } = (await applyOne(text, 'missing-lock-annotation', 'add-lock-annotation'))!;
    assert.ok(errors[1] <= errors[0], `${errors[0]} syntax errors before, ${errors[1]} after:\n${JSON.stringify(fixed)}`);
  });

  it('wrap-in-lock is not offered for a statement with a syntax error', async () => {
    const text = 'package p\n\nvar inboxes = map[int]int{}\n\nfunc Close(base int) {\n\tfor n := 0; ; n++ {\n\t\tdelete(inboxes, base+n\n\t}\n}\n\nfunc Start() { go Close(1) }\n';
    const r = await applyOne(text, 'unguarded-access', 'wrap-in-lock', true);
    if (!r) return; // not offered: fixed
    const { errors, fixed } = r;
    assert.ok(errors[1] <= errors[0], `${errors[0]} syntax errors before, ${errors[1]} after:\n${fixed}`);
  });
});

describe('a stale quick fix over stdio', () => {
  let dir: string;
  let client: LspClient;

  before(async () => {
    dir = copyExamples();
    client = await LspClient.start({ root: dir, settings: { debounceMs: 0 } });
    await client.scanned();
  });

  after(async () => {
    try { await client?.stop(); } finally { if (dir) removeDir(dir); }
  });

  it('a code action asked for at version v and handled after a change to v+1 is refused, or names version v', async () => {
    const path = join(dir, 'vmm', 'http.go');
    const uri = uriOf(path);
    const text = readFileSync(path, 'utf8');
    await client.open(uri, text);
    // Version 2: an edit that leaves the finding where it is (a comment at the end), and its publish.
    const end = positionAt(text, text.length);
    const v2 = await client.change(uri, [{ range: { start: end, end }, text: '// edited\n' }]);
    assert.equal(v2.version, 2);
    const published = await client.waitForNotification<{ uri: string; version?: number; diagnostics: Diagnostic[] }>(
      'textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 2, 'the publish of version 2');
    const d = published.diagnostics.find((x) => x.code === 'missing-lock-annotation');
    assert.ok(d, `a missing-lock-annotation in http.go: ${JSON.stringify(published.diagnostics.map((x) => x.message))}`);

    // The request at version 2, then at once a change to version 3 that moves every line down.
    const asked = client.codeActions(uri, d.range, [d]);
    const v3 = await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// moved\n' }]);
    assert.equal(v3.version, 3);
    // Refused as ContentModified (the server saw version 3 before answering), or answered for version 2: either
    // way no fix reaches version 3's text.
    const answer = await asked.then((a) => a, (e: { code?: number }) => {
      assert.equal(e?.code, LSPErrorCodes.ContentModified, `refused only as ContentModified: ${String(e)}`);
      return undefined;
    });
    if (answer === undefined) return;
    const actions = (answer ?? []).filter((a: CodeAction | Command): a is CodeAction => CodeAction.is(a));
    assert.ok(actions.length > 0, 'quick fixes for the diagnostic');
    for (const a of actions) {
      const changes = a.edit?.documentChanges as TextDocumentEdit[] | undefined;
      assert.ok(changes?.length, `"${a.title}" is a versioned documentChanges edit`);
      // A fix that writes down the callee's contract (annotate-contract) edits the callee's file, not this one.
      const annotates = a.title.startsWith('Add // +checklocks');
      for (const c of changes) {
        if (annotates && c.textDocument.uri !== uri) continue;
        assert.equal(c.textDocument.uri, uri, `"${a.title}" edits the document it was asked for`);
        assert.equal(c.textDocument.version, 2, `"${a.title}" names the version it was computed for, so that a client refuses it at version 3`);
      }
    }
  });
});

const FUZZED_LOCKED_TWIN = "// Tests that a function holding a lock whenever it calls its \u2026Locked form teaches that form's contract, and\n// that this beats the guess from the name (the receiver's only mutex field): crypto/tls's sendAlert takes\n// c.out around sendAlertLocked, while Conn's only sync.Mutex field is handshakeMutex.\npackage locked_twin\n\nimport \"sync\"\n\ntype halfConn struct {\n\tsync.Mutex\n\terr error\n}\n\nfunc (hc *halfConn) setErrorLocked(err error) error {\n\thc.err = err\n\treturn err\n}\n\ntype Conn struct {\n\thandshakeMutex sync()\n\tvm := vms[id]\n\tvmLock.Unlock()\n\n\tvm.lock.Lock()\n\tvm.Name.Mutex\n\tin, out        halfConn\n\tstate          int\n}\n\nfunc (c *Conn) sendAlertLocked(a int) error {\n\tc.state = a\n\treturn c.out.setErrorLocked(nil)\n}\n\nfunc (c *Conn) sendAlert(a int) error {\n\tc.out.Lock()\n\tdefer c.out.Unlock()\n\treturn c.sendAlertLocked(a)\n}\n\nfunc (c *Conn) ConnectionState(() int {\n\tc.handshakeMutex.Lock()\n\tdefer c.handshakeMutex.Unlock()\n\treturn c.connectionStateLocked()\n}\n\nfunc (c *Conn) connectionStateLocked() int { // +checklocks: \n\treturn c.state\n}\n\n// closeLocked has no twin that calls it: the name's guess stands.\nfunc (c *Conn) closeLocked() {\n\tc.state = -1\n}\n\nfunc (c *Conn) Close() error {\n\tc.out.Lock()\n\tdefer c.out.Unlock()\n\treturn c.sendAlertLocked(0)\n}\n\nfunc (c *Conn) misuse() int {\n\t_ = c.sendAlertLocked(1)         // want \"call of sendAlertLocked requires c.out, which is not held here\"\n\tc.closeLocked()                  // want \"call of closeLocked requires c.handshakeMutex, which is not held here\"\n\treturn c.connectionStateLocked() // want \"call of connectionStateLocked requires c.handshakeMutex, which is not held here\"\n}\n";
