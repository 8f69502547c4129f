/**
 * The CLI contract (ARCHITECTURE.md, "The CLI contract"), tested by running the bundled CLI as a user
 * would: `node dist/cli.js ...`. `npm test` builds dist/ first; run `npm run build` before running this
 * file on its own.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../server/src/cli/main';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SEVERITIES = ['error', 'warning', 'information', 'hint'];

interface Run { status: number | null; stdout: string; stderr: string }

function lockset(args: string[], cwd = ROOT): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const runs = new Map<string, Run>();
/** The same run, made once: for the read-only runs over examples/ that several tests look at. */
function cached(args: string[], cwd = ROOT): Run {
  const k = JSON.stringify([args, cwd]);
  let r = runs.get(k);
  if (!r) runs.set(k, r = lockset(args, cwd));
  return r;
}

/** Shows the whole run when an exit status is not the expected one. */
function assertStatus(r: Run, status: number): void {
  assert.equal(r.status, status, `exit status ${r.status}, expected ${status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

// ---- the text format ----

interface TextLine { file: string; line: number; column: number; severity: string; message: string; code: string }

const TEXT_LINE = /^(.+?):(\d+):(\d+): (error|warning|information|hint): (.*) \[([a-z][a-z0-9-]*)\]$/;

/** Parses text output; every line but the closing summary must be a diagnostic. */
function parseText(stdout: string): { diagnostics: TextLine[]; summary: string } {
  assert.ok(stdout.endsWith('\n'), 'text output ends with a newline');
  const lines = stdout.slice(0, -1).split('\n');
  const summary = lines.pop()!;
  const diagnostics = lines.map((l) => {
    const m = TEXT_LINE.exec(l);
    assert.ok(m, `not a diagnostic line: ${JSON.stringify(l)}`);
    return { file: m[1], line: Number(m[2]), column: Number(m[3]), severity: m[4], message: m[5], code: m[6] };
  });
  return { diagnostics, summary };
}

/** The closing line that formatText writes for these diagnostics, e.g. "2 warnings, 1 hint". */
function expectedSummary(ds: { severity: string }[]): string {
  if (ds.length === 0) return 'no problems found';
  return SEVERITIES.map((s) => [s, ds.filter((d) => d.severity === s).length] as const)
    .filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`).join(', ');
}

// ---- the json format ----

interface JsonRelated { file: string; line: number; column: number; message: string }
interface JsonDiagnostic {
  file: string; line: number; column: number; endLine: number; endColumn: number;
  severity: string; code: string; message: string; related: JsonRelated[];
}

function isPositiveInt(x: unknown): x is number { return typeof x === 'number' && Number.isInteger(x) && x >= 1; }

/** Checks the documented shape exactly (no missing and no extra keys) and returns the diagnostics. */
function parseJson(stdout: string): JsonDiagnostic[] {
  const doc = JSON.parse(stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc).sort(), ['diagnostics', 'version']);
  assert.equal(doc.version, 1);
  assert.ok(Array.isArray(doc.diagnostics));
  for (const d of doc.diagnostics as Record<string, unknown>[]) {
    const where = JSON.stringify(d);
    assert.deepEqual(Object.keys(d).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'related', 'severity'], where);
    assert.equal(typeof d.file, 'string', where);
    for (const k of ['line', 'column', 'endLine', 'endColumn']) assert.ok(isPositiveInt(d[k]), `${k} is a 1-based integer: ${where}`);
    const [line, column, endLine, endColumn] = [d.line, d.column, d.endLine, d.endColumn] as number[];
    assert.ok(endLine > line || (endLine === line && endColumn >= column), `end before start: ${where}`);
    assert.ok(SEVERITIES.includes(d.severity as string), where);
    assert.match(d.code as string, /^[a-z][a-z0-9-]*$/, where);
    assert.ok(typeof d.message === 'string' && d.message.length > 0, where);
    assert.ok(Array.isArray(d.related), where);
    for (const r of d.related as Record<string, unknown>[]) {
      assert.deepEqual(Object.keys(r).sort(), ['column', 'file', 'line', 'message'], where);
      assert.equal(typeof r.file, 'string', where);
      assert.ok(isPositiveInt(r.line) && isPositiveInt(r.column), where);
      assert.equal(typeof r.message, 'string', where);
    }
  }
  return doc.diagnostics as JsonDiagnostic[];
}

/** A path in the output must be relative to the directory the CLI ran in and name a real file. */
function assertRelativeFile(file: string, cwd: string): void {
  assert.ok(!isAbsolute(file), `${file} is relative`);
  assert.ok(existsSync(join(cwd, file)), `${file} exists relative to ${cwd}`);
}

function lineCount(cwd: string, file: string): number {
  return readFileSync(join(cwd, file), 'utf8').split('\n').length;
}

// ---- the sarif format ----

type Json = Record<string, unknown>;

const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
/** The characters RFC 3986 allows in a URI reference (percent-escapes included). */
const URI_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%?#]*$/;

function assertRegion(region: Json, where: string): void {
  assert.ok(isPositiveInt(region.startLine) && isPositiveInt(region.startColumn), `region is 1-based: ${where}`);
  if (region.endLine !== undefined) assert.ok(isPositiveInt(region.endLine) && region.endLine >= region.startLine, where);
  if (region.endColumn !== undefined) {
    assert.ok(isPositiveInt(region.endColumn), where);
    if ((region.endLine ?? region.startLine) === region.startLine) assert.ok(region.endColumn >= region.startColumn, where);
  }
}

/**
 * Structural checks of SARIF 2.1.0 (the required properties and value sets of the OASIS schema, and what
 * GitHub code scanning reads). No schema file ships offline in node_modules, so this is written out.
 * Returns the run's results and the rule ids.
 */
function parseSarif(stdout: string, cwd: string): { results: Json[]; ruleIds: string[]; run: Json } {
  const log = JSON.parse(stdout) as Json;
  assert.equal(log.version, '2.1.0');
  if (log.$schema !== undefined) assert.match(log.$schema as string, /^https:\/\/.*sarif.*2\.1\.0.*\.json$/);
  assert.ok(Array.isArray(log.runs) && log.runs.length === 1, 'one run');
  const run = (log.runs as Json[])[0];
  const driver = (run.tool as Json | undefined)?.driver as Json | undefined;
  assert.ok(driver, 'runs[0].tool.driver');
  assert.equal(driver.name, 'lockset');
  if (driver.version !== undefined) assert.equal(typeof driver.version, 'string');
  if (driver.informationUri !== undefined) assert.doesNotThrow(() => new URL(driver.informationUri as string));
  assert.ok(Array.isArray(driver.rules) && driver.rules.length > 0, 'driver.rules');
  const rules = driver.rules as Json[];
  const ruleIds = rules.map((r) => r.id as string);
  assert.equal(new Set(ruleIds).size, ruleIds.length, 'rule ids are unique');
  for (const r of rules) {
    assert.match(r.id as string, /^[a-z][a-z0-9-]*$/);
    for (const k of ['shortDescription', 'fullDescription']) {
      if (r[k] !== undefined) assert.equal(typeof (r[k] as Json).text, 'string', `${String(r.id)}.${k}.text`);
    }
    const level = (r.defaultConfiguration as Json | undefined)?.level;
    if (level !== undefined) assert.ok(['none', 'note', 'warning', 'error'].includes(level as string), `${String(r.id)} default level`);
  }
  const bases = (run.originalUriBaseIds ?? {}) as Record<string, Json>;
  for (const [name, base] of Object.entries(bases)) {
    assert.match(base.uri as string, /^file:\/\/\/.*\/$/, `${name} is an absolute file URI ending in /`);
    assert.match(base.uri as string, URI_CHARS, `${name} is a valid URI`);
  }
  const resolve = (loc: Json): string => {
    assert.match(loc.uri as string, URI_CHARS, `${String(loc.uri)} is a valid URI reference`);
    assert.ok(!/^[a-z][a-z0-9+.-]*:/i.test(loc.uri as string) && !(loc.uri as string).startsWith('/'), `${String(loc.uri)} is relative`);
    const base = loc.uriBaseId !== undefined ? bases[loc.uriBaseId as string]?.uri as string : 'file://' + cwd + '/';
    assert.ok(base, `uriBaseId ${String(loc.uriBaseId)} is declared in originalUriBaseIds`);
    return fileURLToPath(new URL(loc.uri as string, base));
  };
  assert.ok(Array.isArray(run.results), 'runs[0].results');
  const results = run.results as Json[];
  for (const res of results) {
    const where = JSON.stringify(res);
    assert.ok(ruleIds.includes(res.ruleId as string), `ruleId names a rule: ${where}`);
    if (res.ruleIndex !== undefined) assert.equal(rules[res.ruleIndex as number]?.id, res.ruleId, `ruleIndex: ${where}`);
    assert.ok(['none', 'note', 'warning', 'error'].includes(res.level as string), where);
    assert.ok(typeof (res.message as Json).text === 'string' && ((res.message as Json).text as string).length > 0, where);
    assert.ok(Array.isArray(res.locations) && res.locations.length >= 1, where);
    const phys = (res.locations as Json[])[0].physicalLocation as Json;
    assert.ok(existsSync(resolve(phys.artifactLocation as Json)), `location resolves to an existing file: ${where}`);
    assertRegion(phys.region as Json, where);
    const related = (res.relatedLocations ?? []) as Json[];
    const ids = related.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, `relatedLocations ids are unique: ${where}`);
    for (const r of related) {
      if (r.id !== undefined) assert.ok(Number.isInteger(r.id) && (r.id as number) >= 0, where);
      const p = r.physicalLocation as Json;
      assert.ok(existsSync(resolve(p.artifactLocation as Json)), `related location resolves: ${where}`);
      assertRegion(p.region as Json, where);
    }
  }
  return { results, ruleIds, run };
}

// ---- examples/EXPECTED.md ----

interface ExpectedRow { id: string; file: string; line: number; code: string; messageStart?: string }

/** The first table of EXPECTED.md (# | File | Line | Check | Why), with files relative to the repository. */
function expectedRows(): ExpectedRow[] {
  const lines = readFileSync(join(ROOT, 'examples', 'EXPECTED.md'), 'utf8').split('\n');
  const header = lines.findIndex((l) => /^\|\s*#\s*\|\s*File\s*\|\s*Line\s*\|\s*Check\s*\|\s*Why\s*\|\s*$/.test(l));
  assert.ok(header >= 0, 'EXPECTED.md has the "| # | File | Line | Check | Why |" table');
  assert.match(lines[header + 1], /^\|[-|\s:]+\|$/, 'the header is followed by a separator row');
  const rows: ExpectedRow[] = [];
  for (let i = header + 2; i < lines.length && lines[i].startsWith('|'); i++) {
    const cells = lines[i].split('|').slice(1, -1).map((c) => c.trim());
    assert.equal(cells.length, 5, `EXPECTED.md row has five cells: ${lines[i]}`);
    const [id, file, line, check, why] = cells;
    // A row is either named by an id in backquotes, or is "(same finding as 4a)" of an earlier row.
    const same = /same finding as (\w+)/.exec(check)?.[1];
    const code = /`([a-z][a-z0-9-]*)`/.exec(check)?.[1] ?? rows.find((r) => r.id === same)?.code;
    assert.ok(code, `EXPECTED.md row ${id} names a check id in backquotes or an earlier row: ${check}`);
    assert.match(file, /^`[^`]+\.go`$/, `EXPECTED.md row ${id} file`);
    assert.match(line, /^\d+$/, `EXPECTED.md row ${id} line`);
    rows.push({ id, file: 'examples/' + file.slice(1, -1), line: Number(line), code, messageStart: /Message starts `([^`]+)`/.exec(why)?.[1] });
  }
  return rows;
}

const key = (d: { file: string; line: number; code: string }) => `${d.file}:${d.line}: ${d.code}`;

// ---- temporary Go packages ----

const CLEAN_GO = `package clean

import "sync"

// Counter counts events.
type Counter struct {
	mu sync.Mutex
	n  int
}

func (c *Counter) incLocked() { c.n++ }

// Inc increments the counter.
func (c *Counter) Inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.incLocked()
}

var (
	tableMu sync.Mutex
	table   = map[string]int{}
)

// lookup assumes tableMu is held.
func lookup(k string) int { return table[k] }

// Get returns the value stored for k.
func Get(k string) int {
	tableMu.Lock()
	v := lookup(k)
	tableMu.Unlock()
	return v
}

func getForCaller(k string) int {
	// LOCK: every caller holds tableMu.
	return lookup(k)
}
`;

/** One missing-lock-annotation warning, at line 14 column 4 (the name incLocked). */
const BAD_GO = (pkg: string) => `package ${pkg}

import "sync"

type Counter struct {
	mu sync.Mutex
	n  int
}

// incLocked bumps the count. The caller must hold c.mu.
func (c *Counter) incLocked() { c.n++ }

func (c *Counter) Inc() {
	c.incLocked()
}
`;

/** One stale-lock-annotation hint and nothing else. */
const HINT_GO = `package hint

func work() {}

func run() {
	// LOCK: nothing below needs a lock.
	work()
}
`;

let TMP = '';

function write(rel: string, text: string): string {
  const p = join(TMP, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

before(() => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run "npm run build" first (npm test does)`);
  TMP = mkdtempSync(join(tmpdir(), 'lockset-cli-'));
  write('clean/clean.go', CLEAN_GO);
  write('bad/bad.go', BAD_GO('bad'));
  write('hint/hint.go', HINT_GO);
  // A tree whose only violations sit in directories that a walk skips.
  write('tree/pkg/clean.go', CLEAN_GO);
  write('tree/vendor/x/v.go', BAD_GO('x'));
  write('tree/testdata/t.go', BAD_GO('testdata'));
  write('tree/.hidden/h.go', BAD_GO('hidden'));
  write('tree/pkg/vendor/y/y.go', BAD_GO('y'));
  write('tree/pkg/.cache/c.go', BAD_GO('cache'));
  write('tree/pkg/testdata/golden/g.go', BAD_GO('golden'));
  write('empty/README.md', 'no Go here\n');
  // A module with its own code, a fork of someone else's module, a module of the same repository, and
  // a module that a go.work uses: only the fork is not the user's code.
  write('mods/go.mod', 'module example.com/app/v2\n\nreplace example.org/fork => ./third/fork\n');
  write('mods/app/app.go', BAD_GO('app'));
  write('mods/third/fork/go.mod', 'module example.org/fork\n');
  write('mods/third/fork/fork.go', BAD_GO('fork'));
  write('mods/tools/go.mod', 'module example.com/app/tools\n');
  write('mods/tools/tool.go', BAD_GO('tools'));
  write('mods/used/go.mod', 'module other.example/used\n');
  write('mods/used/used.go', BAD_GO('used'));
  write('mods/go.work', 'go 1.22\n\nuse (\n\t.\n\t./used\n)\n');
  // Generated and third-party files that --exclude leaves out.
  write('ex/a/a.go', BAD_GO('a'));
  write('ex/pb/x.pb.go', BAD_GO('pb'));
  write('ex/gen/deep/g.go', BAD_GO('deep'));
  write('ex/third_party/t/t.go', BAD_GO('t'));
});

after(() => { if (TMP) rmSync(TMP, { recursive: true, force: true }); });

describe('lockset check examples (text)', () => {
  it('reports exactly the rows of examples/EXPECTED.md for the implemented checks, and exits 1', () => {
    const r = cached(['check', 'examples']);
    assertStatus(r, 1);
    const { diagnostics, summary } = parseText(r.stdout);
    assert.equal(summary, expectedSummary(diagnostics));
    // The checks that exist are the rules that the CLI itself declares (its SARIF driver.rules).
    const implemented = new Set(parseSarif(cached(['check', '--format', 'sarif', 'examples']).stdout, ROOT).ruleIds);
    for (const id of ['missing-lock-annotation', 'stale-lock-annotation']) assert.ok(implemented.has(id), `${id} is implemented`);
    const rows = expectedRows();
    for (const id of ['missing-lock-annotation', 'stale-lock-annotation']) assert.ok(rows.some((row) => row.code === id), `EXPECTED.md has ${id} rows`);
    // Rows of checks not written yet (provisional ids) are skipped until the CLI declares that rule.
    const expected = rows.filter((row) => implemented.has(row.code));
    const reported = diagnostics.map(key);
    assert.equal(new Set(reported).size, reported.length, `no diagnostic twice: ${reported.join(', ')}`);
    // Rows 4a and 4b are one bug ("same finding as 4a"): a check may report it at either row or at both.
    const bug = (row: ExpectedRow) => row.id.replace(/[a-z]+$/, '');
    for (const group of new Set(expected.map(bug))) {
      const keys = expected.filter((row) => bug(row) === group).map(key);
      assert.ok(keys.some((k) => reported.includes(k)), `EXPECTED.md row ${group} (${keys.join(' or ')}) is reported:\n${r.stdout}`);
    }
    assert.deepEqual(reported.filter((k) => !expected.some((row) => key(row) === k)), [], 'nothing is reported that EXPECTED.md does not list');
    for (const row of expected) {
      if (!row.messageStart) continue;
      const d = diagnostics.find((x) => key(x) === key(row));
      if (d) assert.ok(d.message.startsWith(row.messageStart), `row ${row.id}: "${d.message}" starts with "${row.messageStart}"`);
    }
  });

  it('prints file:line:col: severity: message [code] with paths relative to the current directory', () => {
    const r = cached(['check', 'examples']);
    const line = r.stdout.split('\n').find((l) => l.startsWith('examples/vmm/http.go:50:'));
    assert.ok(line, r.stdout);
    assert.ok(line.startsWith('examples/vmm/http.go:50:12: warning: call of findVM requires vmLock, which is not held here ('), line);
    assert.ok(line.endsWith(') [missing-lock-annotation]'), line);
    // Run from inside examples/: the same findings, with paths relative to there.
    const inner = parseText(lockset(['check', 'vmm'], join(ROOT, 'examples')).stdout).diagnostics;
    const outer = parseText(r.stdout).diagnostics;
    assert.deepEqual(inner.map((d) => 'examples/' + d.file), outer.map((d) => d.file));
    // And from a sibling directory: ../ paths.
    const fromTest = parseText(lockset(['check', '../examples'], join(ROOT, 'test')).stdout).diagnostics;
    assert.deepEqual(fromTest.map((d) => d.file), outer.map((d) => '../' + d.file));
  });

  it('gives the same findings whether a directory, its files, or an overlapping set of paths is named', () => {
    const byDir = cached(['check', 'examples']).stdout;
    const files = ['command.go', 'doc.go', 'http.go', 'stats.go', 'vm.go', 'vms.go'].map((f) => `examples/vmm/${f}`);
    assert.equal(lockset(['check', ...files, 'examples/cmd']).stdout, byDir);
    assert.equal(lockset(['check', 'examples', 'examples/vmm', 'examples/vmm/http.go']).stdout, byDir, 'no duplicates');
  });
});

describe('--format json', () => {
  it('prints the documented shape, 1-based, with files relative to the current directory', () => {
    const r = cached(['check', '--format', 'json', 'examples']);
    assertStatus(r, 1);
    const ds = parseJson(r.stdout);
    assert.ok(ds.length > 0);
    for (const d of ds) {
      assertRelativeFile(d.file, ROOT);
      assert.ok(d.line <= lineCount(ROOT, d.file) && d.endLine <= lineCount(ROOT, d.file), `${d.file}:${d.line} is inside the file`);
      for (const rel of d.related) {
        assertRelativeFile(rel.file, ROOT);
        assert.ok(rel.line <= lineCount(ROOT, rel.file), `related ${rel.file}:${rel.line} is inside the file`);
      }
    }
  });

  it('points line and column at the callee name (1-based, end exclusive)', () => {
    const ds = parseJson(lockset(['check', '--format=json', 'examples']).stdout).filter((d) => d.code === 'missing-lock-annotation');
    assert.ok(ds.length >= 2);
    for (const d of ds) {
      const callee = /^call of (\w+) requires/.exec(d.message)?.[1];
      assert.ok(callee, d.message);
      assert.equal(d.endLine, d.line);
      const text = readFileSync(join(ROOT, d.file), 'utf8').split('\n')[d.line - 1];
      assert.equal(text.slice(d.column - 1, d.endColumn - 1), callee, `${d.file}:${d.line}:${d.column}`);
    }
  });

  it('says the same as the text format', () => {
    const text = cached(['check', 'examples']).stdout;
    const ds = parseJson(cached(['check', '--format', 'json', 'examples']).stdout);
    const asText = ds.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}]`);
    assert.deepEqual(asText, parseText(text).diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}]`));
  });

  it('prints valid JSON with no diagnostics for a clean package and keeps notices off stdout', () => {
    const clean = lockset(['check', '--format', 'json', 'clean'], TMP);
    assertStatus(clean, 0);
    assert.deepEqual(parseJson(clean.stdout), []);
    const empty = lockset(['check', '--format', 'json', 'empty'], TMP);
    assert.deepEqual(parseJson(empty.stdout), [], 'a path without Go files still gives parseable JSON');
  });
});

describe('--format sarif', () => {
  it('prints SARIF 2.1.0 with lockset as the driver, its rules, and relative locations', () => {
    const r = cached(['check', '--format', 'sarif', 'examples']);
    assertStatus(r, 1);
    const { results, ruleIds } = parseSarif(r.stdout, ROOT);
    assert.ok(ruleIds.includes('missing-lock-annotation') && ruleIds.includes('stale-lock-annotation'), ruleIds.join());
    assert.ok(results.length > 0);
    for (const res of results) {
      const loc = ((res.locations as Json[])[0].physicalLocation as Json).artifactLocation as Json;
      assert.match(loc.uri as string, /^examples\/vmm\/[a-z]+\.go$/);
    }
  });

  it('holds the same findings as the json format', () => {
    const ds = parseJson(cached(['check', '--format', 'json', 'examples']).stdout);
    const { results } = parseSarif(cached(['check', '--format', 'sarif', 'examples']).stdout, ROOT);
    assert.equal(results.length, ds.length);
    results.forEach((res, i) => {
      const d = ds[i];
      const phys = (res.locations as Json[])[0].physicalLocation as Json;
      assert.equal(res.ruleId, d.code);
      assert.equal(res.level, SARIF_LEVEL[d.severity]);
      assert.equal((res.message as Json).text, d.message);
      assert.equal((phys.artifactLocation as Json).uri, d.file);
      assert.deepEqual(phys.region, { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn });
      const related = (res.relatedLocations ?? []) as Json[];
      assert.deepEqual(related.map((x) => {
        const p = x.physicalLocation as Json;
        const reg = p.region as Json;
        return { file: (p.artifactLocation as Json).uri, line: reg.startLine, column: reg.startColumn, message: (x.message as Json).text };
      }), d.related);
    });
  });

  it('has no results, and still its rules, for a clean package', () => {
    const r = lockset(['check', '--format', 'sarif', 'clean'], TMP);
    assertStatus(r, 0);
    const { results, ruleIds } = parseSarif(r.stdout, TMP);
    assert.deepEqual(results, []);
    assert.ok(ruleIds.length >= 2);
  });

  it('writes artifact URIs that resolve to the file when the path has a space or a #', () => {
    const dir = join(TMP, 'odd name');
    mkdirSync(join(dir, 'pkg #1'), { recursive: true });
    writeFileSync(join(dir, 'pkg #1', 'a b.go'), BAD_GO('odd'));
    const r = lockset(['check', '--format', 'sarif', '.'], dir);
    assertStatus(r, 1);
    const { results } = parseSarif(r.stdout, dir);
    assert.equal(results.length, 1);
  });
});

describe('exit status', () => {
  it('is 0 with "no problems found" for a correctly locked package', () => {
    const r = lockset(['check', 'clean'], TMP);
    assertStatus(r, 0);
    assert.equal(r.stdout, 'no problems found\n');
    assert.equal(r.stderr, '');
  });

  it('is 1 when a finding is a warning', () => {
    const r = lockset(['check', 'bad'], TMP);
    assertStatus(r, 1);
    assert.deepEqual(parseText(r.stdout).diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity} [${d.code}]`),
      [`${join('bad', 'bad.go')}:14:4: warning [missing-lock-annotation]`]);
    assert.equal(r.stderr, '');
  });

  it('is 0 when the only findings are information or hints, which are still printed', () => {
    const r = lockset(['check', 'hint'], TMP);
    assertStatus(r, 0);
    const { diagnostics, summary } = parseText(r.stdout);
    assert.deepEqual(diagnostics.map((d) => `${d.line}:${d.severity}:${d.code}`), ['6:information:stale-lock-annotation']);
    assert.equal(summary, '1 information');
    const asHint = write('config/stale-hint.json', JSON.stringify({ checks: { 'stale-lock-annotation': 'hint' } }));
    const h = lockset(['check', '--config', asHint, 'hint'], TMP);
    assertStatus(h, 0);
    assert.equal(parseText(h.stdout).summary, '1 hint');
  });

  it('is 1 when any one of several paths has a warning', () => {
    assertStatus(lockset(['check', 'clean', 'hint', 'bad'], TMP), 1);
    assertStatus(lockset(['check', 'clean', 'hint'], TMP), 0);
  });

  const usage: [string, string[], RegExp][] = [
    ['an unknown flag', ['check', '--frobnicate', 'clean'], /unknown flag --frobnicate/],
    ['a bad --format', ['check', '--format', 'xml', 'clean'], /--format must be text, json or sarif/],
    ['a bad --format=', ['check', '--format=', 'clean'], /--format/],
    ['--format without a value', ['check', 'clean', '--format'], /--format needs a value/],
    ['--config without a value', ['check', 'clean', '--config'], /--config needs a value/],
    ['no path', ['check'], /no path/],
    ['no path after flags', ['check', '--format', 'json'], /no path/],
    ['an unknown command', ['lint', 'clean'], /unknown command "lint"/],
    ['a flag before the command', ['--format', 'json', 'check', 'clean'], /unknown command/],
  ];
  for (const [what, args, message] of usage) {
    it(`is 2 with a message on stderr for ${what}`, () => {
      const r = lockset(args, TMP);
      assertStatus(r, 2);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /usage: lockset check/);
      assert.equal(r.stdout, '', 'nothing on stdout, so that a script never parses an error as a report');
    });
  }

  it('is 2 with usage on stderr when run with no arguments', () => {
    const r = lockset([], TMP);
    assertStatus(r, 2);
    assert.match(r.stderr, /usage: lockset check/);
  });

  it('is 2 when a named path does not exist', () => {
    const r = lockset(['check', 'no-such-dir'], TMP);
    assertStatus(r, 2);
    assert.match(r.stderr, /no-such-dir/);
  });
});

describe('--config', () => {
  const config = (name: string, text: string) => write(`config/${name}.json`, text);

  it('rejects a bad severity with exit 2 and names the setting', () => {
    const file = config('loud', JSON.stringify({ checks: { 'missing-lock-annotation': 'loud' } }));
    const r = lockset(['check', '--config', file, 'bad'], TMP);
    assertStatus(r, 2);
    assert.match(r.stderr, /checks\.missing-lock-annotation/);
    assert.match(r.stderr, /loud/);
    assert.equal(r.stdout, '');
  });

  it('rejects an unknown check id, a non-object and a checks value of the wrong type', () => {
    const cases: [string, RegExp][] = [
      [JSON.stringify({ checks: { 'no-such-check': 'off' } }), /checks\.no-such-check/],
      [JSON.stringify(['missing-lock-annotation']), /expected an object/],
      [JSON.stringify({ checks: 'off' }), /checks: expected an object/],
      [JSON.stringify({ lockOrder: 'a > b' }), /lockOrder/],
    ];
    cases.forEach(([text, message], i) => {
      const r = lockset(['check', `--config=${config(`invalid${i}`, text)}`, 'bad'], TMP);
      assertStatus(r, 2);
      assert.match(r.stderr, message);
    });
  });

  it('declares a lock order (lockOrder) that the examples violate', () => {
    // examples/vmm: Kill holds VM.lock and takes statsTable.mu, sample holds statsTable.mu and takes VM.lock.
    const order = config('order', JSON.stringify({ lockOrder: ['statsTable.mu > VM.lock'] }));
    const r = lockset(['check', '--format', 'json', '--config', order, 'examples']);
    const hierarchy = parseJson(r.stdout).filter((d) => d.code === 'lock-hierarchy');
    assert.equal(hierarchy.length, 1, JSON.stringify(hierarchy));
    assert.match(hierarchy[0].message, /^taking statsTable\.mu while holding VM\.lock violates the declared order statsTable\.mu > VM\.lock/);
    assert.equal(hierarchy[0].file, 'examples/vmm/vm.go');
    const without = parseJson(lockset(['check', '--format', 'json', 'examples']).stdout);
    assert.deepEqual(without.filter((d) => d.code === 'lock-hierarchy'), []);
  });

  it('turns a check off', () => {
    const off = config('off', JSON.stringify({ checks: { 'missing-lock-annotation': 'off' } }));
    const r = lockset(['check', '--format', 'json', '--config', off, 'examples']);
    const ds = parseJson(r.stdout);
    assert.deepEqual(ds.filter((d) => d.code === 'missing-lock-annotation'), []);
    // The same examples without the config have those warnings, and everything else is unchanged.
    const all = parseJson(cached(['check', '--format', 'json', 'examples']).stdout);
    assert.ok(all.some((d) => d.code === 'missing-lock-annotation'));
    assert.deepEqual(ds, all.filter((d) => d.code !== 'missing-lock-annotation'), 'the other checks still run');
    assertStatus(r, ds.some((d) => d.severity === 'error' || d.severity === 'warning') ? 1 : 0);
    // A package whose only finding is turned off passes.
    const bad = lockset(['check', '--config', off, 'bad'], TMP);
    assertStatus(bad, 0);
    assert.equal(bad.stdout, 'no problems found\n');
  });

  it('changes a severity, and the exit status follows it', () => {
    const asError = config('error', JSON.stringify({ checks: { 'missing-lock-annotation': 'error' } }));
    const e = lockset(['check', '--config', asError, 'bad'], TMP);
    assertStatus(e, 1);
    assert.deepEqual(parseText(e.stdout).diagnostics.map((d) => d.severity), ['error']);
    const asHint = config('hint', JSON.stringify({ checks: { 'missing-lock-annotation': 'hint' } }));
    const h = lockset(['check', '--config', asHint, 'bad'], TMP);
    assertStatus(h, 0);
    assert.deepEqual(parseText(h.stdout).diagnostics.map((d) => d.severity), ['hint']);
    const upStale = config('stale', JSON.stringify({ checks: { 'stale-lock-annotation': 'warning' } }));
    assertStatus(lockset(['check', '--config', upStale, 'hint'], TMP), 1);
  });

  it('accepts an empty object', () => {
    assertStatus(lockset(['check', '--config', config('empty', '{}'), 'clean'], TMP), 0);
  });

  it('exits 2 on malformed JSON or a missing file', () => {
    const r = lockset(['check', '--config', config('malformed', '{"checks": {"missing-lock-annotation": "off",'), 'bad'], TMP);
    assertStatus(r, 2);
    assert.match(r.stderr, /malformed\.json/);
    assert.equal(r.stdout, '');
    const missing = lockset(['check', '--config', join(TMP, 'config', 'absent.json'), 'bad'], TMP);
    assertStatus(missing, 2);
    assert.match(missing.stderr, /absent\.json/);
  });
});

describe('walking directories', () => {
  const files = (r: Run) => [...new Set(parseJson(r.stdout).map((d) => d.file))].sort();

  it('skips vendor/, testdata/ and dot-directories at any depth below a named directory', () => {
    const r = lockset(['check', '--format', 'json', 'tree'], TMP);
    assertStatus(r, 0);
    assert.deepEqual(parseJson(r.stdout), []);
  });

  it('checks them when they are named', () => {
    const cases: [string, string[]][] = [
      ['tree/vendor', ['tree/vendor/x/v.go']],
      ['tree/vendor/x', ['tree/vendor/x/v.go']],
      ['tree/vendor/x/v.go', ['tree/vendor/x/v.go']],
      ['tree/testdata', ['tree/testdata/t.go']],
      ['tree/.hidden', ['tree/.hidden/h.go']],
      ['tree/pkg/vendor/y', ['tree/pkg/vendor/y/y.go']],
      ['tree/pkg/.cache', ['tree/pkg/.cache/c.go']],
      ['tree/pkg/testdata', ['tree/pkg/testdata/golden/g.go']],
    ];
    for (const [path, expected] of cases) {
      const r = lockset(['check', '--format', 'json', path], TMP);
      assertStatus(r, 1);
      assert.deepEqual(files(r), expected, path);
    }
  });

  it('checks a skipped directory named beside its root, and a walk from inside a dot-directory', () => {
    const r = lockset(['check', '--format', 'json', 'tree', 'tree/testdata'], TMP);
    assertStatus(r, 1);
    assert.deepEqual(files(r), ['tree/testdata/t.go']);
    const inside = lockset(['check', '--format', 'json', '.'], join(TMP, 'tree', '.hidden'));
    assertStatus(inside, 1);
    assert.deepEqual(files(inside), ['h.go']);
  });

  it('walks a path given as absolute, printing it relative to the current directory', () => {
    const r = lockset(['check', '--format', 'json', join(TMP, 'bad')], ROOT);
    assertStatus(r, 1);
    assert.deepEqual(files(r), [relative(ROOT, join(TMP, 'bad', 'bad.go'))]);
  });
});

describe('nested modules', () => {
  const files = (r: Run) => [...new Set(parseJson(r.stdout).map((d) => d.file))].sort();

  it('skips a directory with a go.mod of its own, unless a go.work uses it or its module path lies under the root module\'s', () => {
    const r = lockset(['check', '--format', 'json', 'mods'], TMP);
    assertStatus(r, 1);
    assert.deepEqual(files(r), ['mods/app/app.go', 'mods/tools/tool.go', 'mods/used/used.go']);
  });

  it('checks a nested module when it is named, or when it lies below a named directory of no module', () => {
    assert.deepEqual(files(lockset(['check', '--format', 'json', 'mods/third/fork'], TMP)), ['mods/third/fork/fork.go']);
    assert.deepEqual(files(lockset(['check', '--format', 'json', 'mods/third'], TMP)), ['mods/third/fork/fork.go']);
    assert.deepEqual(files(lockset(['check', '--format', 'json', 'mods', 'mods/third/fork'], TMP)),
      ['mods/app/app.go', 'mods/third/fork/fork.go', 'mods/tools/tool.go', 'mods/used/used.go']);
  });

  it('checks every nested module with --nested-modules include or "nestedModules": "include"', () => {
    const all = ['mods/app/app.go', 'mods/third/fork/fork.go', 'mods/tools/tool.go', 'mods/used/used.go'];
    assert.deepEqual(files(lockset(['check', '--format', 'json', '--nested-modules', 'include', 'mods'], TMP)), all);
    assert.deepEqual(files(lockset(['check', '--format=json', '--nested-modules=include', 'mods'], TMP)), all);
    const file = join(TMP, 'config', 'nested.json');
    write('config/nested.json', '{"nestedModules": "include"}');
    assert.deepEqual(files(lockset(['check', '--format', 'json', '--config', file, 'mods'], TMP)), all);
    // The flag overrides the config file.
    assert.deepEqual(files(lockset(['check', '--format', 'json', '--config', file, '--nested-modules', 'skip', 'mods'], TMP)),
      ['mods/app/app.go', 'mods/tools/tool.go', 'mods/used/used.go']);
  });

  it('rejects another value with exit 2, naming the flag or the setting', () => {
    const r = lockset(['check', '--nested-modules', 'all', 'mods'], TMP);
    assertStatus(r, 2);
    assert.match(r.stderr, /--nested-modules must be skip or include, not "all"/);
    const c = lockset(['check', '--config', write('config/nested-bad.json', '{"nestedModules": true}'), 'mods'], TMP);
    assertStatus(c, 2);
    assert.match(c.stderr, /nestedModules: expected "skip" or "include", got true/);
  });
});

describe('--exclude', () => {
  const files = (r: Run) => [...new Set(parseJson(r.stdout).map((d) => d.file))].sort();
  const everything = ['ex/a/a.go', 'ex/gen/deep/g.go', 'ex/pb/x.pb.go', 'ex/third_party/t/t.go'];

  it('leaves out files and whole directories matched by globs relative to the named directory', () => {
    assert.deepEqual(files(lockset(['check', '--format', 'json', 'ex'], TMP)), everything);
    const r = lockset(['check', '--format', 'json', '--exclude', '**/*.pb.go', '--exclude=third_party/**', '--exclude', 'gen', 'ex'], TMP);
    assertStatus(r, 1);
    assert.deepEqual(files(r), ['ex/a/a.go']);
    // Relative to the named directory, not to the current one.
    assert.deepEqual(files(lockset(['check', '--format', 'json', '--exclude', 'ex/gen', 'ex'], TMP)), everything);
  });

  it('reads "exclude" from the config file and adds the flags to it', () => {
    const file = write('config/exclude.json', '{"exclude": ["pb/*.pb.go", "{gen,third_party}"]}');
    assert.deepEqual(files(lockset(['check', '--format', 'json', '--config', file, 'ex'], TMP)), ['ex/a/a.go']);
    assert.deepEqual(files(lockset(['check', '--format', 'json', '--config', file, '--exclude', 'a', 'ex'], TMP)), []);
  });

  it('checks a file named on the command line even when a pattern matches it', () => {
    assert.deepEqual(files(lockset(['check', '--format', 'json', '--exclude', '**/*.pb.go', 'ex/pb/x.pb.go'], TMP)), ['ex/pb/x.pb.go']);
  });

  it('exits 0 and says so on stderr when everything is excluded', () => {
    const r = lockset(['check', '--format', 'json', '--exclude', '**', 'ex'], TMP);
    assertStatus(r, 0);
    assert.deepEqual(parseJson(r.stdout), []);
    assert.match(r.stderr, /no Go files under ex/);
  });

  it('rejects an empty, absolute, escaping or unbalanced pattern with exit 2, naming it', () => {
    for (const [pattern, why] of [['', /is empty/], ['/abs/**', /is absolute/], ['../x', /leaves the folder/], ['{a,b', /unbalanced/]] as const) {
      const r = lockset(['check', '--exclude', pattern, 'ex'], TMP);
      assertStatus(r, 2);
      assert.match(r.stderr, new RegExp(`--exclude ${JSON.stringify(pattern).replace(/[{}*/.]/g, '\\$&')}: the pattern`));
      assert.match(r.stderr, why);
    }
    const c = lockset(['check', '--config', write('config/exclude-bad.json', '{"exclude": "gen/**"}'), 'ex'], TMP);
    assertStatus(c, 2);
    assert.match(c.stderr, /exclude: expected an array of glob patterns/);
    const p = lockset(['check', '--config', write('config/exclude-bad2.json', '{"exclude": ["ok/**", "../up"]}'), 'ex'], TMP);
    assertStatus(p, 2);
    assert.match(p.stderr, /exclude: the pattern "\.\.\/up" leaves the folder/);
  });
});

describe('--version and --help', () => {
  it('--version prints "lockset <version>" from package.json', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = lockset(['--version']);
    assertStatus(r, 0);
    assert.equal(r.stdout, `lockset ${version}\n`);
    assert.equal(r.stderr, '');
  });

  it('shows its progress on a terminal, in place, and clears it before the report', async () => {
    const run = async (progress?: (s: string) => void) => {
      const out: string[] = [];
      const code = await main(['check', '--format', 'json', join(ROOT, 'examples')], (s) => out.push(s), () => undefined, progress);
      return { code, out: out.join('') };
    };
    const lines: string[] = [];
    const shown = await run((s) => lines.push(s));
    assert.ok(lines.some((l) => /^\rlockset: analysing packages \d+\/\d+/.test(l)), JSON.stringify(lines));
    assert.ok(lines.some((l) => /^\rlockset: checking packages \d+\/\d+/.test(l)), JSON.stringify(lines));
    assert.equal(lines[lines.length - 1], '\r\x1b[K');
    // Not on a terminal (no progress writer), the same report.
    assert.deepEqual(await run(), shown);
  });

  for (const flag of ['--help', '-h', 'help']) {
    it(`${flag} prints the usage and exits 0`, () => {
      const r = lockset([flag]);
      assertStatus(r, 0);
      assert.match(r.stdout, /^usage: lockset check \[--format text\|json\|sarif\] \[--verbose\] \[--config FILE\] \[--jobs N\] <path>\.\.\./);
      assert.match(r.stdout, /--jobs N {2}parses on N worker threads/);
      assert.match(r.stdout, /vendor\//);
      assert.match(r.stdout, /Exit status/);
    });
  }
});

describe('across packages (a module with go.mod)', () => {
  const CROSS = 'test/fixtures/crosspkg';

  it('--verbose prints the evidence under each finding, with the call chain through the other package', () => {
    const r = lockset(['check', '--verbose', `${CROSS}/callback`]);
    assertStatus(r, 1);
    const lines = r.stdout.split('\n');
    const i = lines.findIndex((l) => l.startsWith(`${CROSS}/callback/vm/vm.go:28:16: warning: lock order cycle ron.Server.clientLock → vm.VM.lock`));
    assert.ok(i >= 0, r.stdout);
    assert.deepEqual(lines.slice(i + 1, i + 4), [
      `    ${CROSS}/callback/ron/ron.go:13:2: s.clientLock locked here`,
      `    ${CROSS}/callback/vm/vm.go:28:16: Sync takes vm.VM.lock here via ron.Server.ForEach → f=v.Tag → v.lock.Lock() while holding ron.Server.clientLock`,
      `    ${CROSS}/callback/vm/vm.go:21:2: vm.VM.lock locked here (in Tag)`,
    ]);
    assert.ok(!lockset(['check', `${CROSS}/callback`]).stdout.includes('    '), 'without --verbose, one line a finding');
  });

  it('reads the packages a named directory imports, and reports only on what was named', () => {
    const r = lockset(['check', '--format', 'json', `${CROSS}/abba/cli`]);
    assertStatus(r, 1);
    const found = parseJson(r.stdout);
    assert.deepEqual(found.map((d) => [d.file, d.line, d.code]), [[`${CROSS}/abba/cli/cli.go`, 15, 'lock-order-cycle']]);
    assert.ok(found[0].related.some((x) => x.file === `${CROSS}/abba/vm/vm.go`), 'the evidence in the imported package is linked');
    assertStatus(lockset(['check', `${CROSS}/abba/vm`]), 0);
  });

  it('leaves an import from outside the workspace unresolved and quiet', () => {
    assertStatus(lockset(['check', `${CROSS}/external`]), 0);
  });
});
