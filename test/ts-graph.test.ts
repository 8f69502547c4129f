/**
 * The lock-order graph of TypeScript code (issue 24: one graph view for both front ends): the shared builder
 * (core/lock-graph-view.ts), `lockset graph` on a TypeScript fixture, and the editor's graph request from a
 * TypeScript document, which opens on the cycle of the finding under the cursor.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../server/src/cli/main';
import { buildLockGraphView, mergeLockGraphViews } from '../server/src/core/lock-graph-view';
import type { LockGraph } from '../server/src/protocol';
import { positionOf, removeDir, startInProcess, uriOf } from './lsp-inprocess';
import { analyzeTsDir } from './ts-harness';

const ROOT = join(__dirname, '..');
const at = (line: number) => ({ path: 'a.ts', line, character: 0 });

describe('the shared lock graph view', () => {
  it('merges the edges of one pair of classes, marks cycles and names them as the front end shows them', () => {
    const g = buildLockGraphView([
      { from: 'f|A', to: 'f|B', fromName: 'A', toName: 'B', violatesOrder: false, witnesses: [{ loc: at(1), message: 'x takes B while holding A' }] },
      { from: 'f|A', to: 'f|B', fromName: 'A', toName: 'B', violatesOrder: true, more: true, witnesses: [{ loc: at(2), message: 'y takes B while holding A' }] },
      { from: 'f|B', to: 'f|A', fromName: 'B', toName: 'A', violatesOrder: false, witnesses: [{ loc: at(3), message: 'z takes A while holding B' }] },
      { from: 'f|B', to: 'f|C', fromName: 'B', toName: 'C', violatesOrder: false, witnesses: [{ loc: at(4), message: 'w takes C while holding B' }] },
    ], [[{ from: 'f|A', to: 'f|B' }, { from: 'f|B', to: 'f|A' }]], ['A > B']);
    assert.deepEqual(g.nodes.map((n) => [n.id, n.inCycle]), [['A', true], ['B', true], ['C', false]]);
    assert.deepEqual(g.edges.map((e) => [e.from, e.to, e.inCycle, e.violatesOrder, e.more ?? false, e.witnesses.length]), [
      ['A', 'B', true, true, true, 2], ['B', 'A', true, false, false, 1], ['B', 'C', false, false, false, 1],
    ]);
    assert.deepEqual(g.cycles, [['A', 'B']]);
    assert.deepEqual(g.orders, ['A > B']);
  });

  it('merges two front ends, a class of the same name in both being two locks', () => {
    const one = (a: string, b: string) => buildLockGraphView([{ from: a, to: b, fromName: a, toName: b, violatesOrder: false, witnesses: [] }], [], []);
    const m = mergeLockGraphViews(one('mu', 'cache'), { ...one('mu', 'queue'), focus: { locks: ['mu'], why: 'cursor' } }, '(TypeScript)');
    assert.deepEqual(m.nodes.map((n) => n.id), ['mu', 'cache', 'mu (TypeScript)', 'queue']);
    assert.deepEqual(m.edges.map((e) => `${e.from}>${e.to}`), ['mu>cache', 'mu (TypeScript)>queue']);
    assert.deepEqual(m.focus, { locks: ['mu (TypeScript)'], why: 'cursor' });
  });
});

describe('the lock graph of TypeScript code', () => {
  it('lockset graph draws the cycle of two async-mutex locks taken in opposite orders', async () => {
    let out = '';
    const code = await main(['graph', '--format', 'json', join(ROOT, 'test/fixtures-ts/lock-order-cycle/abba')], (s) => { out += s; }, (s) => { out += s; });
    assert.equal(code, 0, out);
    const g = JSON.parse(out) as LockGraph;
    assert.deepEqual(g.nodes.map((n) => [n.id, n.inCycle]).sort(), [['accounts', true], ['ledger', true]]);
    assert.deepEqual(g.edges.map((e) => [e.from, e.to, e.witnesses[0].message]).sort(), [
      ['accounts', 'ledger', 'transfer takes ledger while holding accounts'],
      ['ledger', 'accounts', 'audit takes accounts while holding ledger'],
    ]);
    assert.equal(g.cycles.length, 1);
  });

  it('the editor asks from a TypeScript document and the graph opens on the cycle of the finding there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockset-ts-graph-'));
    const client = await startInProcess({ root: dir, settings: { debounceMs: 0 } });
    try {
      cpSync(join(ROOT, 'test/fixtures-ts/lock-order-cycle/abba'), dir, { recursive: true });
      const uri = uriOf(join(dir, 'bank.ts'));
      const text = readFileSync(join(dir, 'bank.ts'), 'utf8');
      await client.open(uri, text);
      await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'lock-order-cycle'), 'the cycle');
      const fromFinding = await client.request<LockGraph>('lockset/lockGraph', { textDocument: { uri }, position: positionOf(text, 'ledger.runExclusive(() => undefined)') });
      assert.deepEqual(fromFinding.focus, { locks: ['accounts', 'ledger'], why: 'finding' });
      assert.equal(fromFinding.edges.length, 2);
      assert.ok(fromFinding.edges.every((e) => e.inCycle && e.witnesses[0].loc.uri === uri));
      const fromLock = await client.request<LockGraph>('lockset/lockGraph', { textDocument: { uri }, position: positionOf(text, 'ledger.acquire()') });
      assert.deepEqual(fromLock.focus, { locks: ['ledger'], why: 'cursor' });
      const whole = await client.request<LockGraph>('lockset/lockGraph', {});
      assert.equal(whole.focus, undefined);
      assert.equal(whole.cycles.length, 1);
    } finally {
      await client.stop();
      removeDir(dir);
    }
  });
});

describe('the Lock Explorer list of TypeScript code', () => {
  it('files each finding under the lock it names as data, not under every lock its message mentions', () => {
    const inv = analyzeTsDir(join(ROOT, 'test/fixtures-ts/missing-unlock')).inventory();
    const problems = (cls: string, file: string) => inv.filter((i) => i.cls === cls && i.acquisitions.some((a) => a.loc.path.endsWith(file))).flatMap((i) => i.problems.map((p) => p.code));
    // files.ts's lock is called `mu`: before, every finding whose message said "mu" anywhere was filed under it.
    assert.deepEqual(problems('mu', 'no-finally/files.ts'), ['missing-unlock']);
    // The leaks of a lock are filed under it (before, only those whose message happened to contain its class).
    assert.deepEqual(problems('Table.mu', 'paths/table.ts'), ['missing-unlock', 'missing-unlock', 'missing-unlock', 'missing-unlock']);
    assert.deepEqual(problems('Ledger.mu', 'late-try/ledger.ts').length, 2);
  });
});
