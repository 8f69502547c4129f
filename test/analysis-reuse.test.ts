/**
 * An edit that changes only function bodies re-uses the package's model and the flows of the other
 * functions (GoFile.bodyOnlyChange, PackageAnalysis's PreviousAnalysis). What comes out must be exactly
 * what a fresh workspace computes: every finding with its range, message, related locations and fixes,
 * every contract, and every flow's held sets with the positions of their acquisitions. Checked after
 * seeded random edits inside the bodies of every fixture package, and after edits whose effect reaches
 * other functions (a lock helper that stops locking, an exported twin that stops holding its lock).
 * LOCKSET_REUSE_SEED and LOCKSET_REUSE_EDITS run other sequences.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import { describe, it } from 'node:test';
import { analysisStats, type PackageAnalysis } from '../server/src/analysis/package-analysis';
import type { HeldSet } from '../server/src/analysis/held';
import { Workspace } from '../server/src/workspace';
import { goPackages, rel, type SourceFile } from './fuzz/corpus';
import { TYPED } from './fuzz/edits';
import { Rng } from './fuzz/prng';

const SEED = Number(process.env.LOCKSET_REUSE_SEED ?? 0x5e5e);
/** Edits per fixture package. */
const EDITS = Number(process.env.LOCKSET_REUSE_EDITS ?? 6);

function held(h: HeldSet): string {
  return h.all().map((l) => `${l.ref.key}/${l.mode}/${l.maybe}/${l.site.start}`).sort().join(',');
}

/** Contracts and flows with positions: what hovers, lenses and checks read. */
function digest(a: PackageAnalysis): string {
  const out: string[] = [a.finalSignature ?? '(one-shot)'];
  for (const fn of a.pkg.funcs.values()) {
    const f = a.flows.get(fn);
    const c = a.contractOf(fn);
    out.push(`${fn.key}@${fn.node.start}-${fn.node.end} ${c.requires.map((l) => `${l.ref.key}:${l.source.offset}`).join(',')}`);
    if (!f) { out.push('  (no flow)'); continue; }
    for (const e of f.lockEvents) out.push(`  lock ${e.node.start} ${e.op.method} ${e.unit} [${held(e.held)}]`);
    for (const c2 of f.calls) out.push(`  call ${c2.node.start} ${c2.callee?.key ?? c2.calleeName} [${held(c2.held)}]`);
    for (const x of f.exits) out.push(`  exit ${x.node.start} ${x.kind} [${held(x.held)}]`);
    for (const b of f.blocking) out.push(`  block ${b.node.start} ${b.what} [${held(b.held)}]`);
    for (const [n, h] of f.stmtHeld) out.push(`  stmt ${n.start} [${held(h)}]`);
  }
  for (const [fn, acqs] of a.acquisitions) out.push(`acq ${fn.key} ${acqs.map((q) => `${q.ref.key}:${q.node}:${q.lockNode.start}:${q.chain.map((s) => s.site.node.start).join('>')}`).join(',')}`);
  return out.join('\n');
}

/** Findings (all of them, with related locations and fixes) and analyses of a workspace of these files. */
function snapshot(ws: Workspace, paths: string[]): string {
  const findings = paths.flatMap((p) => ws.findingsFor(p)).map((f) => JSON.stringify(f)).sort();
  const analyses = [...new Set(paths.map((p) => ws.analysisOf(p)))].map((a) => (a ? digest(a) : '(none)'));
  return [...findings, ...analyses].join('\n');
}

/** Reads go.mod files from disk for the module fixtures; nothing for the others. */
type Reader = (path: string) => string | undefined;
const NONE: Reader = () => undefined;
const DISK: Reader = (path) => { try { return readFileSync(path, 'utf8'); } catch { return undefined; } };

async function fresh(files: ReadonlyMap<string, string>, reader = NONE): Promise<string> {
  const ws = await Workspace.create(undefined, reader);
  for (const [p, t] of files) ws.setText(p, t);
  return snapshot(ws, [...files.keys()]);
}

/** Text typed anywhere by the unrestricted edits: lock calls, and the characters that break a file for a while. */
const ANYWHERE = [...TYPED, '`', '*/', '/*', '}()', '(', '"', '{', '}'];

/** A random change anywhere in one of the files (declarations and broken states too), or a file back to its original. */
function anyEdit(ws: Workspace, texts: Map<string, string>, originals: ReadonlyMap<string, string>, rng: Rng): void {
  const path = rng.pick([...texts.keys()]);
  const text = texts.get(path)!;
  const at = rng.int(0, text.length);
  const r = rng.next();
  const next = r < 0.3 ? text.slice(0, at) + text.slice(Math.min(text.length, at + rng.int(1, 8)))
    : r < 0.9 ? text.slice(0, at) + rng.pick(ANYWHERE) + text.slice(at)
      : originals.get(path)!;
  texts.set(path, next);
  ws.setText(path, next);
}

/** A random change strictly inside one function body of one of the files. */
function bodyEdit(ws: Workspace, texts: Map<string, string>, rng: Rng): void {
  const paths = [...texts.keys()];
  const path = rng.pick(paths);
  const bodies = ws.file(path)!.funcs.flatMap((f) => (f.body && f.body.end - f.body.start > 2 ? [f.body] : []));
  if (bodies.length === 0) return;
  const body = rng.pick(bodies);
  const text = texts.get(path)!;
  const at = rng.int(body.start + 1, body.end - 1);
  const next = rng.chance(0.3)
    ? text.slice(0, at) + text.slice(Math.min(body.end - 1, at + rng.int(1, 6)))
    : text.slice(0, at) + rng.pick(TYPED) + text.slice(at);
  texts.set(path, next);
  ws.setText(path, next);
}

async function check(files: SourceFile[], edits: number, rng: Rng, reader = NONE, anywhere = false): Promise<string[]> {
  const problems: string[] = [];
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const originals = new Map(texts);
  const ws = await Workspace.create(undefined, reader);
  ws.interactive = true;
  for (const [p, t] of texts) ws.setText(p, t);
  snapshot(ws, [...texts.keys()]);
  for (let i = 0; i < edits; i++) {
    if (anywhere) anyEdit(ws, texts, originals, rng); else bodyEdit(ws, texts, rng);
    const got = snapshot(ws, [...texts.keys()]), want = await fresh(texts, reader);
    if (got !== want) problems.push(`${rel(files[0].path)} edit ${i}: ${firstDifference(got, want)}`);
  }
  return problems;
}

function firstDifference(a: string, b: string): string {
  const la = a.split('\n'), lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) return `re-used: ${la[i]} | fresh: ${lb[i]}`;
  return '(same)';
}

const CALLERS = `package c

import "sync"

type half struct {
	sync.Mutex
	err error
}

func (h *half) setErrorLocked(err error) error {
	h.err = err
	return err
}

type Conn struct {
	hs      sync.Mutex
	in, out half
	retries int
}

// readRecordOrCCS reads. c.in must be locked.
func (c *Conn) readRecordOrCCS() error {
	if c.retries > 0 {
		return c.retryReadRecord()
	}
	return nil
}

func (c *Conn) retryReadRecord() error {
	c.retries++
	return c.in.setErrorLocked(nil)
}

func (c *Conn) writeRecordLocked() error {
	return c.out.setErrorLocked(nil)
}

func (c *Conn) sendAlertLocked() error {
	return c.writeRecordLocked()
}

func (c *Conn) sendAlert() error {
	c.out.Lock()
	defer c.out.Unlock()
	return c.sendAlertLocked()
}

func (c *Conn) Read() error {
	c.in.Lock()
	defer c.in.Unlock()
	return c.readRecordOrCCS()
}

func (c *Conn) Write() error {
	c.out.Lock()
	defer c.out.Unlock()
	return c.writeRecordLocked()
}
`;

const HELPERS = `package p

import "sync"

type S struct {
	mu sync.Mutex
	n  int
}

func (s *S) lock() { s.mu.Lock() }

func (s *S) unlock() { s.mu.Unlock() }

// Get returns n.
func (s *S) Get() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.get()
}

func (s *S) get() int { return s.n }

func (s *S) Bump() {
	s.lock()
	s.n++
	s.unlock()
}

func (s *S) Other() int {
	return s.get()
}
`;

const COND = `package p

import "sync"

type Pool struct {
	mu    sync.Mutex
	cond  *sync.Cond
	conns []int
}

var statsMu sync.Mutex

func NewPool() *Pool {
	p := &Pool{}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *Pool) Get() int {
	statsMu.Lock()
	defer statsMu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.conns) == 0 {
		p.cond.Wait()
	}
	return len(p.conns)
}
`;

describe('re-used flows after edits inside function bodies', () => {
  it('computes a sync.Cond.Wait again when the NewCond in another body changes', async () => {
    const path = '/reuse/cond/p.go';
    const ws = await Workspace.create(undefined, () => undefined);
    ws.interactive = true;
    ws.setText(path, COND);
    snapshot(ws, [path]);
    // The Cond's lock is found in NewPool's body: without it, Get's Wait holds both locks; with it, p.mu is released.
    for (const v of [COND.replace('p.cond = sync.NewCond(&p.mu)', 'p.cond = nil'), COND, COND.replace('p.cond = sync.NewCond(&p.mu)', 'p.cond = nil')]) {
      ws.setText(path, v);
      assert.equal(snapshot(ws, [path]), await fresh(new Map([[path, v]])));
    }
  });

  it('reads a field annotation again when it sits in a function on the same line, which a body edit changes', async () => {
    const path = '/reuse/oneline/p.go';
    // gofmt never writes this, but the parser reads it: the comment in f annotates n, the field on its line.
    const text = 'package p\n\nimport "sync"\n\ntype T struct{ mu sync.Mutex; n int }; func (t *T) f() { t.n++ /* +checklocks:mu */ }\n\nfunc (t *T) g() { t.n = 1 }\n';
    const ws = await Workspace.create(undefined, () => undefined);
    ws.interactive = true;
    ws.setText(path, text);
    const annotated = snapshot(ws, [path]);
    assert.match(annotated, /checklocks:mu/, 'the annotation in f guards n');
    for (const v of [text.replace('+checklocks:mu', 'not a guard'), text]) {
      ws.setText(path, v);
      assert.equal(snapshot(ws, [path]), await fresh(new Map([[path, v]])));
    }
  });

  it('checks again the calls of a function whose line another function shares, when a comment in the other one changes', async () => {
    const path = '/reuse/shared-line/p.go';
    // The comment in b annotates the call in a, on the same line; editing it leaves a's flow as it was.
    const text = 'package p\n\nimport "sync"\n\ntype S struct{ mu sync.Mutex }\n\n// get assumes s.mu is held.\nfunc (s *S) get() {}\n\n'
      + 'func a(s *S) { s.get() }; func b() { /* LOCK: s.mu is held by a\'s callers. */ }\n';
    const ws = await Workspace.create(undefined, () => undefined);
    ws.interactive = true;
    ws.setText(path, text);
    assert.doesNotMatch(snapshot(ws, [path]), /missing-lock-annotation/, 'the comment in b annotates the call in a');
    for (const v of [text.replace('LOCK: s.mu', 'note: s.mu'), text]) {
      ws.setText(path, v);
      assert.equal(snapshot(ws, [path]), await fresh(new Map([[path, v]])));
    }
  });

  it('give what a fresh analysis gives, after random body edits of every fixture package', async () => {
    const rng = new Rng(SEED);
    const before = { ...analysisStats };
    const problems: string[] = [];
    for (const [i, pkg] of goPackages().entries()) problems.push(...await check(pkg.files, EDITS, rng.fork(i)));
    assert.deepEqual(problems.slice(0, 10), []);
    // The re-use path was taken, not only full analyses.
    assert.ok(analysisStats.reusedFlows - before.reusedFlows > 100, `${analysisStats.reusedFlows - before.reusedFlows} flows re-used`);
  });

  it('gives what a fresh analysis gives after random edits anywhere (declarations, broken states) of multi-file packages', async () => {
    const rng = new Rng(SEED ^ 0xa11);
    const problems: string[] = [];
    const packages = goPackages().filter((p) => p.files.length > 1);
    for (const [i, pkg] of packages.entries()) problems.push(...await check(pkg.files, EDITS * 5, rng.fork(i), NONE, true));
    assert.ok(packages.length >= 5, `${packages.length} packages`);
    assert.deepEqual(problems.slice(0, 10), []);
  });

  it('gives what a fresh analysis gives across the packages of a module, after random body edits', async () => {
    const rng = new Rng(SEED ^ 0x3d);
    const before = { ...analysisStats };
    const problems: string[] = [];
    const modules = goPackages().filter((p) => p.dir.includes(`${sep}crosspkg${sep}`));
    const roots = [...new Set(modules.map((p) => p.dir.slice(0, p.dir.indexOf(`${sep}crosspkg${sep}`) + `${sep}crosspkg${sep}`.length).concat(p.dir.split(`${sep}crosspkg${sep}`)[1].split(sep)[0])))];
    for (const [i, root] of roots.entries()) {
      const files = modules.filter((p) => p.dir === root || p.dir.startsWith(root + sep)).flatMap((p) => p.files);
      problems.push(...await check(files, EDITS * 2, rng.fork(i), DISK));
    }
    assert.ok(roots.length >= 5, `${roots.length} modules`);
    assert.deepEqual(problems.slice(0, 10), []);
    assert.ok(analysisStats.reusedFlows > before.reusedFlows, 'flows were re-used');
  });

  it('re-computes a contract that the callers rule or a …Locked twin inferred when a caller changes', async () => {
    const path = '/reuse/c/c.go';
    const versions = [
      // Write stops holding c.out: writeRecordLocked's contract from its callers goes, and the name's guess comes back.
      CALLERS.replace('\tc.out.Lock()\n\tdefer c.out.Unlock()\n\treturn c.writeRecordLocked()', '\treturn c.writeRecordLocked()'),
      // A new caller of retryReadRecord without c.in: the finding inside it comes back.
      CALLERS.replace('func (c *Conn) Read() error {', 'func (c *Conn) Peek() error { return c.retryReadRecord() }\n\nfunc (c *Conn) Read() error {'),
      // sendAlert stops holding c.out around sendAlertLocked.
      CALLERS.replace('\tc.out.Lock()\n\tdefer c.out.Unlock()\n\treturn c.sendAlertLocked()', '\treturn c.sendAlertLocked()'),
    ];
    const ws = await Workspace.create(undefined, () => undefined);
    ws.interactive = true;
    ws.setText(path, CALLERS);
    const start = snapshot(ws, [path]);
    assert.equal(start, await fresh(new Map([[path, CALLERS]])));
    assert.ok(!start.includes('missing-lock-annotation'), start);
    assert.equal(new Set(versions).size, versions.length);
    assert.ok(!versions.includes(CALLERS));
    for (const v of versions.flatMap((x) => [x, CALLERS])) {
      ws.setText(path, v);
      const got = snapshot(ws, [path]);
      assert.equal(got, await fresh(new Map([[path, v]])));
      if (v !== CALLERS) assert.ok(got.includes('missing-lock-annotation'), `an edit that drops a lock shows a finding:\n${v}`);
    }
  });

  it('re-computes what a changed lock helper or exported twin implies for the other functions', async () => {
    const path = '/reuse/p/p.go';
    const versions = [
      HELPERS.replace('Other() int {\n\treturn s.get()', 'Other() int {\n\tx := s.get()\n\treturn x'),
      // lock() no longer locks: Bump's s.n++ and unlock() change meaning.
      HELPERS.replace('func (s *S) lock() { s.mu.Lock() }', 'func (s *S) lock() { _ = s }'),
      // Get no longer holds s.mu when it calls get: get's twin contract goes, and Other's finding with it.
      HELPERS.replace('\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\treturn s.get()', '\treturn s.get()'),
      HELPERS.replace('\treturn s.get()\n}\n', '\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\treturn s.get()\n}\n'),
    ];
    const ws = await Workspace.create(undefined, () => undefined);
    ws.interactive = true;
    ws.setText(path, HELPERS);
    snapshot(ws, [path]);
    const reused: number[] = [];
    // Each version differs from the one before in one place (the original text comes between them).
    assert.equal(new Set(versions).size, versions.length);
    assert.ok(!versions.includes(HELPERS));
    for (const v of versions.flatMap((x) => [x, HELPERS])) {
      const before = analysisStats.reusedFlows;
      ws.setText(path, v);
      assert.equal(snapshot(ws, [path]), await fresh(new Map([[path, v]])));
      reused.push(analysisStats.reusedFlows - before);
    }
    // Every edit after the first re-used some flows (the first edit parses in full, re-using no nodes).
    assert.ok(reused.slice(1).every((n) => n > 0), `re-used per edit: ${reused}`);
  });
});
