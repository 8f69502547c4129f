import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lockClaims, sentencesOf } from '../server/src/analysis/prose-grammar';
import { hoverAt } from '../server/src/ide/hover';
import { analyzeDir } from './harness';

/** What a claim says, compactly: subjects (or "the lock" / "several"), then the mode when it is not "any". */
function said(doc: string): string[] {
  return lockClaims(doc).map((c) => (c.several ? 'several' : c.generic ? 'the lock' : c.subjects.join(' + ')) + (c.mode === 'any' ? '' : ` (${c.mode})`));
}

// Phrasings collected from real Go servers and libraries (message servers, gVisor, database/sql, minimega),
// reworded where needed, with what each claims. An empty list: the sentence claims nothing.
const PHRASINGS: [string, string[]][] = [
  ['Lock should be held.', ['the lock']],
  ['lock must be held', ['the lock']],
  ['Read lock should be held.', ['the lock (read)']],
  ['Write lock should be held', ['the lock (write)']],
  ['(Write) Lock held on entry.', ['the lock (write)']],
  ['At least a read lock must be held.', ['the lock (read)']],
  ['Lock should be held (RLock minimum).', ['the lock (read)']],
  ['Lock held on entry', ['the lock']],
  ['Lock is held on entry.', ['the lock']],
  ['Lock should be held upon entry.', ['the lock']],
  ['Lock is assumed held.', ['the lock']],
  ['Lock assumed to be held.', ['the lock']],
  ['Lock should be already held.', ['the lock']],
  ['Write lock needs to be held.', ['the lock (write)']],
  ['Assumes caller is holding the write lock.', ['the lock (write)']],
  ['Assume the lock is held upon entry.', ['the lock']],
  ['This requires the lock is already held.', ['the lock']],
  ['Should be called with lock held.', ['the lock']],
  ['Server lock is held on entry.', ['Server']],
  ['The server lock is assumed held on entry.', ['server']],
  ["The client's lock is held on entry.", ['client']],
  ['fs lock should be held.', ['fs']],
  ['Lock for fs should be held.', ['fs']],
  ['Lock should be held on the owning account.', ['account']],
  ['remoteGateway write lock is assumed to be held on entry.', ['remoteGateway (write)']],
  ['jsa.usageMu read lock (at least) should be held.', ['jsa.usageMu (read)']],
  ['jetStream lock (read or write) should be held.', ['jetStream']],
  ['Caller must hold c.mu for reading.', ['c.mu (read)']],
  ['c.mu must be read-locked.', ['c.mu (read)']],
  ['c.mu must be RLocked.', ['c.mu (read)']],
  ['Caller must hold c.mu for writing.', ['c.mu (write)']],
  ['mset.clMu lock must be held.', ['mset.clMu']],
  ['mset.mu and mset.ddMu locks should be held.', ['mset.mu + mset.ddMu']],
  ['mset and consumer lock should be held.', ['mset + consumer']],
  ['Both locks should be held.', ['several']],
  ['The owning endpoint must be locked when calling this method.', ['endpoint']],
  ['Preconditions: t.mu must be locked.', ['t.mu']],
  ['Preconditions:\n  - t.mu must be locked for writing.', ['t.mu (write)']],
  ['Preconditions: The signal mutex must be locked.', ['signal']],
  ['findVM assumes vmLock is held.', ['vmLock']],
  ['runCommands is RunCommands without locking cmdLock.', ['cmdLock']],
  ['Caller must hold vm.lock.', ['vm.lock']],
  ['recordState must be called with cmdLock held.', ['cmdLock']],
  ['Must only be called while holding n.mu.', ['n.mu']],
  ['It must be called while n.mu is held.', ['n.mu']],
  ['It assumes the caller is holding the lock on dc.', ['dc']],
  ['The caller holds dc.', ['dc']],
  ["closeDB closes dc; the dc.db's Mutex is held.", ['dc.db']],
  // A name never crosses a sentence.
  ['size reports how many items are cached. Lock should be held.', ['the lock']],
  ['This is where we try to create a consumer for the source\nLock should be held.', ['the lock']],
  ['The caller must hold the\nServer lock.', ['Server']],
  ['getNameTagLocked will return the name tag or the account name if not set', []],
  // Negated, disjunctive, conditional and non-mutex sentences claim nothing.
  ['Lock should NOT be held.', []],
  ['Consumer lock should not be held.', []],
  ['Lock MUST NOT be held upon entry.', []],
  ['No lock held on entry.', []],
  ['No locks should be held on entry.', []],
  ["Callers don't assume the lock is held.", []],
  ['Lock does NOT need to be held, we set it once.', []],
  ['needIsolation should be false only if the caller already holds isolateMu.', []],
  ['The caller must be running on the task goroutine, or t.mu must be locked.', []],
  ['Session or subMu lock must be held on entry.', []],
  ['jetStream lock (read or write) should be held, if JetStream is enabled.', []],
  ['The caller must hold no locks.', []],
  ['The runtime OS thread must be locked.', []],
  ['Callers must have called Init() earlier.', []],
  ['Reports whether the lock is held.', []],
  ['Walk the open client list with server lock held.', []],
];

describe('doc-comment grammar', () => {
  for (const [doc, want] of PHRASINGS) {
    it(JSON.stringify(doc), () => assert.deepEqual(said(doc), want));
  }

  it('splits sentences at periods, blank lines and list items, not inside names or abbreviations', () => {
    assert.deepEqual(sentencesOf('a holds s.mu. Then b.\n\n- c must be locked\n- e.g. d'), ['a holds s.mu', 'Then b', 'c must be locked', 'e.g. d']);
  });
});

describe('a contract that names no lock in scope', () => {
  it('is shown in the hover as not understood, and reported nowhere', async () => {
    const dir = path.join(__dirname, 'fixtures/missing-lock-annotation/prose-grammar');
    const { ws, findings } = await analyzeDir(dir);
    assert.equal(findings.filter((f) => /bump|grow|reset|both/.test(f.message)).length, 0);
    const file = path.join(dir, 'prose.go');
    const analysis = ws.analysisOf(file)!;
    const goFile = analysis.pkg.files.find((f) => f.path === file)!;
    const hover = (name: string) => hoverAt(analysis, goFile, goFile.parsed.text.indexOf(`) ${name}(`) + 2)?.markdown ?? '';
    assert.match(hover('bump'), /contract not understood.*the lock \(the receiver has several: inMu, outMu\)/);
    assert.match(hover('reset'), /contract not understood.*'other\.mu' names no lock in scope/);
    assert.match(hover('send'), /contract not understood.*the body takes s\.mu itself/);
  });
});
