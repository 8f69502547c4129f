/**
 * "Parsing never fails": hostile input gives fewer results, never an exception or a hang. Each case is
 * analysed through one shared Workspace; after each, a good file in the same Workspace must still get
 * its diagnostic, and every finding (and every related location and fix edit) must lie inside its document.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Finding } from '../server/src/base/finding';
import type { Range } from '../server/src/base/lines';
import { readSource } from '../server/src/util/files';
import { Workspace } from '../server/src/workspace';
import { xorshift } from './fuzz/prng';
import { analyzeAll } from '../server/src/batch';

const ROOT = join(__dirname, '..');
/** Workspace paths need not exist on disk: the Workspace only groups them by directory. */
const V = '/lockset-robustness';

// ---- deterministic input ----

/** Random bytes, about one in eight of them NUL. */
function randomBytes(seed: number, n: number): Buffer {
  const next = xorshift(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    const r = next();
    b[i] = (r & 7) === 0 ? 0 : (r >>> 8) & 0xff;
  }
  return b;
}

/** 0-based line numbers of the lines that satisfy `pred(line, previousLine)`. */
function linesWhere(text: string, pred: (line: string, prev: string) => boolean): number[] {
  const lines = text.split('\n');
  return lines.flatMap((l, i) => (pred(l, lines[i - 1] ?? '') ? [i] : []));
}

/**
 * About `bytes` of plausible Go: per shard a type with a mutex, a …Locked method, a method that locks
 * around it, a global lock with a doc-comment contract and its exported twin. Shards 3 and 7 (mod 10)
 * add a seeded violation of one of the two contracts.
 */
function bigGoFile(bytes: number): { text: string; violations: number[] } {
  const parts = ['// Package big is generated: a stress test for lockset.\npackage big\n\nimport "sync"\n\n'];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i++) {
    const unit = `// T${i} counts the events of shard ${i}. The zero value is ready to use, and a T${i}
// may be shared by many goroutines: every access to n goes through mu.
type T${i} struct {
	mu sync.Mutex // guards n
	n  int
}

// bumpLocked adds d to the counter. The name says it: the caller holds t.mu, as Add
// does below. It never blocks and never allocates.
func (t *T${i}) bumpLocked(d int) {
	t.n += d
}

// Add adds d to the counter under its lock and returns the new count.
func (t *T${i}) Add(d int) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.bumpLocked(d)
	if d > 1 {
		return helper${i}(d - 1)
	}
	return t.n
}

// helper${i} allocates a slice of d elements, fills it and returns its length.
func helper${i}(d int) int {
	x := make([]int, d)
	for j := range x {
		x[j] = j * 2
	}
	return len(x)
}

var reg${i}Mu sync.Mutex

// reset${i} zeroes the counter. reset${i} assumes reg${i}Mu is held.
func reset${i}(t *T${i}) {
	t.n = 0
}

// Reset${i} zeroes the counter under the registry lock.
func Reset${i}(t *T${i}) {
	reg${i}Mu.Lock()
	reset${i}(t)
	reg${i}Mu.Unlock()
}
${i % 10 === 3 ? `
// Racy adds d without the lock: a seeded violation.
func (t *T${i}) Racy(d int) {
	t.bumpLocked(d)
}
` : ''}${i % 10 === 7 ? `
// ResetFast${i} skips the registry lock: a seeded violation.
func ResetFast${i}(t *T${i}) {
	reset${i}(t)
}
` : ''}
`;
    parts.push(unit);
    size += unit.length;
  }
  const text = parts.join('');
  const violations = linesWhere(text, (_line, prev) => /^func \(t \*T\d+\) Racy\(/.test(prev) || /^func ResetFast\d+\(/.test(prev));
  return { text, violations };
}

/** One line of about `bytes`: functions separated by semicolons, a long string, and violations (one after the string). */
function longLine(bytes: number): { text: string; violations: number } {
  const parts = ['package line; import "sync"; type T struct { mu sync.Mutex; n int }; func (t *T) bumpLocked() { t.n++ };'];
  let size = parts[0].length;
  let violations = 0;
  for (let i = 0; size < bytes / 2; i++) {
    let s = ` func (t *T) Good${i}() { t.mu.Lock(); t.bumpLocked(); t.mu.Unlock() };`;
    if (i % 100 === 0) { s += ` func (t *T) Bad${i}() { t.bumpLocked() };`; violations++; }
    parts.push(s);
    size += s.length;
  }
  parts.push(` const blob = "${'lockset '.repeat(Math.ceil((bytes - size) / 8))}";`);
  parts.push(' func (t *T) Last() { t.bumpLocked() }');
  return { text: parts.join(''), violations: violations + 1 };
}

// ---- checks on the results ----

const splitCache = new Map<string, string[]>();
/** The lines of a text, split once: the big inputs have thousands of findings. */
function linesOf(text: string): string[] {
  let lines = splitCache.get(text);
  if (!lines) {
    if (splitCache.size > 8) splitCache.clear();
    splitCache.set(text, lines = text.split('\n'));
  }
  return lines;
}

function assertRangeInside(what: string, file: string, range: Range, texts: Map<string, string>): void {
  const text = texts.get(file);
  assert.ok(text !== undefined, `${what} names a file that is not in the workspace: ${file}`);
  const lines = linesOf(text);
  const where = `${what} ${file} ${JSON.stringify(range)} (${lines.length} lines)`;
  for (const p of [range.start, range.end]) {
    assert.ok(Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0, where);
    assert.ok(p.line < lines.length, `line outside the document: ${where}`);
    assert.ok(p.character <= lines[p.line].length, `character past the end of line ${p.line} (${lines[p.line].length}): ${where}`);
  }
  const s = range.start, e = range.end;
  assert.ok(s.line < e.line || (s.line === e.line && s.character <= e.character), `range ends before it starts: ${where}`);
}

/** Every finding, related location and fix edit lies inside the current text of its document. */
function assertInside(findings: Finding[], texts: Map<string, string>): void {
  for (const f of findings) {
    assertRangeInside(`[${f.code}] ${f.message}:`, f.file, f.range, texts);
    for (const r of f.related) assertRangeInside(`related of [${f.code}]:`, r.file, r.range, texts);
    for (const fix of f.fixes) for (const e of fix.edits) assertRangeInside(`fix "${fix.title}":`, e.file, e.range, texts);
  }
}

/** The text at a one-line range. */
function slice(text: string, r: Range): string {
  assert.equal(r.start.line, r.end.line);
  return linesOf(text)[r.start.line].slice(r.start.character, r.end.character);
}

/** One missing-lock-annotation at 0-based line 19, on the name incLocked. */
const GOOD = (tag: string) => `package good

import "sync"

// Counter counts; analysed after ${tag}.
type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) incLocked() { c.n++ }

func (c *Counter) Inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.incLocked()
}

func (c *Counter) Racy() {
	c.incLocked()
}
`;

let TMP = '';

/** A Workspace and the current text of every file in it. */
class Session {
  readonly texts = new Map<string, string>();
  private constructor(readonly ws: Workspace) {}
  static async create(): Promise<Session> { return new Session(await Workspace.create()); }

  set(path: string, text: string): void {
    this.texts.set(path, text);
    this.ws.setText(path, text);
  }

  /** Every finding in the workspace, each checked to lie inside its document. */
  analyze(): Finding[] {
    const all = analyzeAll(this.ws);
    assertInside(all, this.texts);
    return all;
  }
}

interface SurviveOptions {
  /** Where the hostile files go; V/<name> by default. */
  dir?: string;
  /** The good file goes beside the hostile files (true), or in a sibling directory. */
  goodBeside?: boolean;
  /** Reuse a session (and so a Workspace that has already seen other input). */
  session?: Session;
}

/**
 * Adds hostile files to a Workspace, analyses it, checks that every finding is inside its document, then
 * adds a good file and checks that it still gets its one diagnostic. Returns the findings in `dir`, less the
 * good file's. Every Workspace shares one tree-sitter parser, so a parser left in a bad state by one input
 * would show up in the cases after it too.
 */
async function survive(name: string, files: Record<string, string>, opts: SurviveOptions = {}): Promise<Finding[]> {
  const dir = opts.dir ?? `${V}/${name}`;
  const session = opts.session ?? await Session.create();
  for (const [f, text] of Object.entries(files)) session.set(`${dir}/${f}`, text);
  const found = session.analyze().filter((f) => f.file.startsWith(dir + '/'));
  const good = opts.goodBeside === false ? `${dir}-after/good.go` : `${dir}/good.go`;
  session.set(good, GOOD(name));
  const mine = session.analyze().filter((f) => f.file === good);
  assert.deepEqual(mine.map((f) => [f.code, f.range.start.line, f.range.start.character]), [['missing-lock-annotation', 19, 3]],
    `the good file analysed after ${name} still gets its diagnostic`);
  return found.filter((f) => f.file !== good);
}

// ---- the CLI over a directory of hostile files, run alongside the in-process tests ----

interface CliRun { status: number | null; stdout: string; stderr: string }
let cliRun: Promise<CliRun> | undefined;
let cliChild: ChildProcess | undefined;
let cliWarnings = 0;
let cliInformation = 0;

function runCli(args: string[], cwd: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = cliChild = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], { cwd });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const done = (status: number | null, extra = '') => resolve({ status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() + extra });
    child.on('error', (e) => done(null, String(e)));
    child.on('close', (code) => done(code));
  });
}

const BIG = bigGoFile(5 * 1024 * 1024);
const LINE = longLine(1024 * 1024);
const BINARY = [randomBytes(1, 64 * 1024), randomBytes(2, 64 * 1024), Buffer.concat([Buffer.from('package good\n\nfunc '), randomBytes(3, 64 * 1024)])];

before(() => {
  TMP = mkdtempSync(join(tmpdir(), 'lockset-robust-'));
  writeFileSync(join(TMP, 'binary.go'), BINARY[0]);
  writeFileSync(join(TMP, 'binary2.go'), BINARY[2]);
  writeFileSync(join(TMP, 'big.go'), BIG.text);
  writeFileSync(join(TMP, 'line.go'), LINE.text);
  cliWarnings = BIG.violations.length;
  // The one-line file's contract is only its …Locked name, a guess: its findings are information.
  cliInformation = LINE.violations;
  if (existsSync(join(ROOT, 'dist', 'cli.js'))) cliRun = runCli(['check', '.'], TMP);
});

after(() => {
  // Only when the CLI test was filtered out: then the run is still going, and nobody waits for it.
  if (cliChild && cliChild.exitCode === null && cliChild.signalCode === null) cliChild.kill();
  if (TMP) rmSync(TMP, { recursive: true, force: true });
});

describe('parsing never fails', () => {
  /** One Workspace for the small hostile inputs, so that each also meets what the ones before it left. */
  let small: Session;
  before(async () => { small = await Session.create(); });

  it('binary files: random bytes with NULs', async () => {
    for (const [i, bytes] of BINARY.entries()) {
      const path = join(TMP, `bin${i}.go`);
      writeFileSync(path, bytes);
      const text = readSource(path);
      assert.ok(text !== undefined);
      assert.ok(text.includes('\0') && text.includes('\uFFFD'), 'the input really has NULs and invalid UTF-8');
      const found = await survive(`binary${i}`, { 'bin.go': text }, { session: small });
      assert.ok(found.length <= 1, `random bytes give (almost) nothing: ${found.map((f) => f.message).join('; ')}`);
    }
  });

  it('a binary file that says "package good" sits in the good package', async () => {
    assert.deepEqual(await survive('binary-same-package', { 'bin.go': readSource(join(TMP, 'binary2.go'))! }, { session: small }), []);
  });

  it('invalid UTF-8, read through readSource', async () => {
    const src = (s: string) => Buffer.from(s, 'latin1');
    const bytes = Buffer.concat([
      src('package utf\n\nimport "sync"\n\n// Caf'), Buffer.from([0xc3]), src(' au lait: \xff\xfe, a surrogate '),
      Buffer.from([0xed, 0xa0, 0x80]), src(', an overlong slash '), Buffer.from([0xc0, 0xaf]), src('.\n'),
      src('type T struct {\n\tmu sync.Mutex\n\tn  int\n}\n\n'),
      src('func (t *T) bumpLocked() { t.n++ }\n\n'),
      src('func (t *T) Bad() {\n\ts := "'), Buffer.from([0xff, 0xfe, 0xfd, 0x00]), src('"\n\t_ = s\n'),
      src('\t/*'), Buffer.from([0xe2, 0x82]), src('*/ t.bumpLocked()\n}\n\n'),
      src('func (t *T) Weird() {\n\tx'), Buffer.from([0xff]), src(' := 1\n\tt.bumpLocked()\n}\n// cut mid-character: '), Buffer.from([0xe2, 0x82]),
    ]);
    const path = join(TMP, 'utf.go');
    writeFileSync(path, bytes);
    const text = readSource(path);
    assert.ok(text !== undefined);
    assert.ok(text.includes('\uFFFD'));
    const found = await survive('invalid-utf8', { 'utf.go': text }, { session: small });
    // The call after the bad bytes on its line is still found, at the right column (U+FFFD counts once).
    const [callLine] = linesWhere(text, (l) => l.endsWith('*/ t.bumpLocked()'));
    assert.equal(text.split('\n')[callLine], '\t/*\uFFFD*/ t.bumpLocked()', 'the two bytes of a cut character decode to one U+FFFD');
    const onCallLine = found.filter((f) => f.range.start.line === callLine);
    assert.equal(onCallLine.length, 1, found.map((f) => `${f.range.start.line}: ${f.message}`).join('\n'));
    assert.equal(onCallLine[0].code, 'missing-lock-annotation');
    assert.equal(slice(text, onCallLine[0].range), 'bumpLocked');
    for (const f of found) assert.equal(f.code, 'missing-lock-annotation');
  });

  it('a 5 MB generated file: the seeded violations and nothing else', async () => {
    assert.ok(BIG.text.length >= 5 * 1024 * 1024);
    assert.ok(BIG.violations.length > 100);
    const found = await survive('big', { 'big.go': BIG.text }, { goodBeside: false });
    assert.deepEqual(found.map((f) => f.range.start.line), BIG.violations, 'one finding on each seeded line, in order');
    const lines = linesOf(BIG.text);
    for (const f of found) {
      assert.equal(f.code, 'missing-lock-annotation');
      const callee = slice(BIG.text, f.range);
      assert.ok(callee === 'bumpLocked' || /^reset\d+$/.test(callee), `${callee} on ${lines[f.range.start.line]}`);
    }
  });

  it('a 1 MB single line', async () => {
    assert.ok(LINE.text.length >= 1024 * 1024 && !LINE.text.includes('\n'));
    const found = await survive('long-line', { 'line.go': LINE.text }, { goodBeside: false });
    assert.equal(found.length, LINE.violations);
    for (const f of found) {
      assert.equal(f.code, 'missing-lock-annotation');
      assert.equal(slice(LINE.text, f.range), 'bumpLocked');
    }
    assert.ok(found.some((f) => f.range.start.character > 1024 * 1024), 'a finding past the first megabyte of the line');
  });

  it('40,000 statements in one body, each pair an empty critical section', async () => {
    // A check that scanned the list for each statement (as empty-critical-section once did) took minutes on a
    // fuzzed 1 MB line; the fuzz run (seed 9, input 14396) is where such a slowdown is caught against a bound.
    const pairs = 20_000;
    const body = '\tmu.Lock()\n\tmu.Unlock()\n'.repeat(pairs);
    const text = `package wide\n\nimport "sync"\n\nvar mu sync.Mutex\n\nfunc f() {\n${body}}\n`;
    const found = await survive('wide', { 'wide.go': text }, { goodBeside: false });
    const empty = found.filter((f) => f.code === 'empty-critical-section');
    assert.equal(empty.length, pairs);
    assert.deepEqual(empty[pairs - 1].range.start, { line: 7 + 2 * (pairs - 1), character: 1 });
  });

  it('a body of 20,000 Unlocks and no Lock is read once as a lock helper', async () => {
    // Lock-helper inference asked, for every Unlock, whether the body locks the same lock, by reading every
    // lock event again: fuzzed 1 MB lines of Unlocks took up to a minute (fuzz seeds 12 and 13).
    const text = `package wide\n\nimport "sync"\n\nvar mu sync.Mutex\n\nfunc release() {\n${'\tmu.Unlock()\n'.repeat(20_000)}}\n`;
    const ws = await Workspace.create(undefined, () => undefined);
    ws.setText('/robust/helper/wide.go', text);
    assert.deepEqual(analyzeAll(ws), [], 'a function that only unlocks its caller\'s lock is a helper, not a bug');
    const analysis = ws.analysisOf('/robust/helper/wide.go')!;
    const release = [...analysis.flows.keys()].find((fn) => fn.name === 'release')!;
    assert.deepEqual(analysis.contractOf(release).releases.map((r) => r.ref.key), ['mu']);
  });

  it('a call with 300,000 arguments, in a function that takes a func', async () => {
    // Walks that pushed a node's children with a spread (push(...children)) threw a RangeError past the number
    // of arguments a call takes (fuzz seed 14, input 13033).
    const text = `package wide\n\nfunc f(g func()) {\n\th(${'1,'.repeat(300_000)})\n\tg()\n}\n\nfunc h(xs ...int) {}\n`;
    const ws = await Workspace.create(undefined, () => undefined);
    ws.setText('/robust/args/wide.go', text);
    assert.deepEqual(analyzeAll(ws), []);
    const analysis = ws.analysisOf('/robust/args/wide.go')!;
    const f = [...analysis.flows.keys()].find((fn) => fn.name === 'f')!;
    assert.equal(analysis.directParamCalls.get(f), 'g', 'f calls its parameter g itself');
  });

  it('examples/vmm/vm.go cut at many offsets, mid-token too', async () => {
    const vmm = join(ROOT, 'examples', 'vmm');
    const others = ['command.go', 'doc.go', 'http.go', 'stats.go', 'vms.go'];
    const full = readFileSync(join(vmm, 'vm.go'), 'utf8');
    const dir = `${V}/vmm`;
    const session = await Session.create();
    for (const f of others) session.set(`${dir}/${f}`, readFileSync(join(vmm, f), 'utf8'));
    session.set(`${dir}/vm.go`, full);
    const keyOf = (f: Finding) => `${f.file}:${f.range.start.line}: [${f.code}] ${f.message}`;
    const inPackage = (fs: Finding[]) => fs.filter((f) => f.file.startsWith(dir + '/') && !f.file.endsWith('/good.go'));
    const complete = new Set(inPackage(session.analyze()).map(keyOf));
    const http50 = [...complete].find((k) => k.startsWith(`${dir}/http.go:49: [missing-lock-annotation]`));
    assert.ok(http50, `the complete package has the http.go:50 finding: ${[...complete].join('\n')}`);
    // Inside tokens: an identifier, a keyword, a string, a comment, a selector, a call.
    const inside = (needle: string, k: number) => {
      const i = full.indexOf(needle);
      assert.ok(i >= 0, needle);
      return i + k;
    };
    const offsets = new Set<number>([
      0, 1, 7, full.length - 1,
      inside('func (vm *VM) Kill', 2), inside('vm.lock.Unlock()', 10), inside('"building"', 4), inside('Caller must hold', 9),
      inside('stats.mu.Lock()', 6), inside('vm.setState(', 9), inside('vm.setTagLocked(', 5), inside('sync.Mutex', 6),
    ]);
    for (let k = 1; k < 40; k++) offsets.add(Math.floor((full.length * k) / 40));
    for (const at of [...offsets].sort((a, b) => a - b)) {
      const cut = full.slice(0, at);
      const mine = await survive(`vm-cut-${at}`, { 'vm.go': cut }, { dir, session });
      const keys = mine.map(keyOf);
      assert.ok(keys.includes(http50), `cut at ${at}: the finding in http.go does not depend on vm.go`);
      // A cut file loses contracts, so it can only take missing-lock-annotation findings away. (Other checks may
      // rightly find something new: a declared order that names a type that the cut removed, for one.)
      // The same finding may explain itself otherwise (a cut body touches less): compared up to its contract.
      const same = (k: string) => k.replace(/ \(contract: .*$/, '');
      const completeFindings = new Set([...complete].map(same));
      const extra = keys.filter((k) => k.includes('[missing-lock-annotation]') && !completeFindings.has(same(k)));
      assert.deepEqual(extra, [], `cut at ${at} (${JSON.stringify(full.slice(Math.max(0, at - 20), at))}): fewer results, not new ones`);
    }
    session.set(`${dir}/vm.go`, full);
    assert.deepEqual(new Set(inPackage(session.analyze()).map(keyOf)), complete, 'the whole file again: the same findings');
  });

  it('10k levels of nesting', async () => {
    const N = 10_000;
    const head = 'package deep\n\nimport "sync"\n\ntype T struct{ mu sync.Mutex; n int }\n\nfunc (t *T) fLocked() int { return t.n }\n\n';
    const cases: Record<string, string> = {
      braces: `${head}func (t *T) g() {\n${'{'.repeat(N)}t.fLocked()${'}'.repeat(N)}\n}\n`,
      parens: `${head}func (t *T) g() int {\n\treturn ${'('.repeat(N)}t.fLocked()${')'.repeat(N)}\n}\n`,
      calls: `${head}func id(x int) int { return x }\n\nfunc (t *T) g() int {\n\treturn ${'id('.repeat(N)}t.fLocked()${')'.repeat(N)}\n}\n`,
      funcLits: `${head}func (t *T) g() {\n${'func() {'.repeat(N)}t.fLocked()${'}()'.repeat(N)}\n}\n`,
      elseIf: `${head}func (t *T) g(x int) {\n\tif x == 0 {\n\t}${' else if x == 1 {\n\t}'.repeat(N)} else {\n\t\tt.fLocked()\n\t}\n}\n`,
      sum: `${head}func (t *T) g() int {\n\treturn ${'1 + '.repeat(N)}t.fLocked()\n}\n`,
      selectors: `${head}func (t *T) g() {\n\t_ = t${'.x'.repeat(N)}\n\tt.fLocked()\n}\n`,
      structs: `${head}type D ${'struct { x '.repeat(N)}int${' }'.repeat(N)}\n\nfunc (t *T) g() { t.fLocked() }\n`,
      embedding: `${head}${Array.from({ length: N }, (_, i) => `type E${i + 1} struct{ ${i === 0 ? 'sync.Mutex' : `E${i}`} }\n`).join('')}\nfunc (e *E${N}) hLocked() {}\n\nfunc (e *E${N}) g() { e.hLocked() }\n`,
      unclosed: `${head}func (t *T) g() {\n${'{('.repeat(N)}t.fLocked()\n`,
      closers: `${head}${')}]'.repeat(N)}\nfunc (t *T) g() { t.fLocked() }\n`,
    };
    for (const [name, text] of Object.entries(cases)) {
      const found = await survive(`nesting-${name}`, { 'deep.go': text }, { session: small });
      assert.ok(found.length <= 1, `${name}: ${found.map((f) => f.message).join('; ')}`);
      for (const f of found) assert.ok(/^(fLocked|hLocked)$/.test(slice(text, f.range)), `${name}: ${f.message}`);
    }
    // Moderate nesting is analysed fully: the call inside 100 blocks is found.
    const found = await survive('nesting-100', { 'deep.go': `${head}func (t *T) g() {\n${'{'.repeat(100)}t.fLocked()${'}'.repeat(100)}\n}\n` }, { session: small });
    assert.deepEqual(found.map((f) => f.code), ['missing-lock-annotation']);
  });

  it('an empty file, and files with only a package clause', async () => {
    assert.deepEqual(await survive('empty', { 'empty.go': '' }, { session: small }), []);
    assert.deepEqual(await survive('package-keyword', { 'p.go': 'package' }, { session: small }), []);
    assert.deepEqual(await survive('package-keyword-newline', { 'p.go': 'package\n' }, { session: small }), []);
    assert.deepEqual(await survive('package-good', { 'p.go': 'package good' }, { session: small }), [], 'in the same package as the good file');
    assert.deepEqual(await survive('whitespace', { 'p.go': ' \n\t\r\n\n' }, { session: small }), []);
    assert.deepEqual(await survive('bom', { 'p.go': '\uFEFFpackage good\n' }, { session: small }), []);
  });

  it('the CLI on a directory of binary, huge and one-line files finishes without a usage or internal error', async () => {
    assert.ok(cliRun, 'dist/cli.js is built (npm test builds it first)');
    const r = await cliRun;
    const show = `exit ${r.status}\n--- stderr\n${r.stderr}\n--- stdout (end)\n${r.stdout.slice(-2000)}`;
    assert.notEqual(r.status, 2, show);
    assert.doesNotMatch(r.stderr, /internal error/, show);
    assert.equal(r.status, 1, show);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.at(-1), `${cliWarnings} warnings, ${cliInformation} information`, show);
  });
});

describe('edits beside a package', () => {
  it('an edit elsewhere that changes no lock keeps a package\'s results', async () => {
    // ARCHITECTURE.md: "A keystroke re-analyses the edited function and whatever depends on a contract that
    // actually changed." With the 5 MB package above in a Workspace, an unrelated one-line edit costs ~1.3 s.
    const session = await Session.create();
    const vmm = join(ROOT, 'examples', 'vmm');
    for (const f of ['command.go', 'doc.go', 'http.go', 'stats.go', 'vm.go', 'vms.go']) session.set(`${V}/vmm/${f}`, readFileSync(join(vmm, f), 'utf8'));
    session.analyze();
    const results = session.ws.analyzeDir(`${V}/vmm`);
    session.set(`${V}/other/other.go`, 'package other\n\nfunc f() {}\n');
    session.analyze();
    // (assert.ok, not assert.equal: a failing equal would print the whole analysis.)
    assert.ok(session.ws.analyzeDir(`${V}/vmm`) === results, 'the vmm package was not re-checked');
  });
});
