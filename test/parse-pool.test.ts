/**
 * Parsing on worker threads (ParsePool, `lockset check --jobs`): the flat form a worker sends rebuilds the
 * very tree `parseGo` gives (every fixture file, whole and cut off at seeded random points, so broken
 * input too), files parsed by the workers have the same trees, and a workspace analysed while its files
 * are parsed on workers has exactly the findings of one parsed on the main thread.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateCorpus } from '../scripts/bench/corpus';
import { main } from '../server/src/cli/main';
import { flatten, unflatten } from '../server/src/syntax/flat';
import { ParsePool } from '../server/src/syntax/parse-pool';
import { initParser, parseGo, parseGoFlat, parseStats, rawFlatEnabled } from '../server/src/syntax/parser';
import { Workspace } from '../server/src/workspace';
import { findGoFiles, readSource } from '../server/src/util/files';
import { goFiles, goPackages, rel } from './fuzz/corpus';
import { Rng } from './fuzz/prng';
import { fileDiff } from './tree-diff';
import { analyzeAll, analyzeAllParallel, importPathsOf } from '../server/src/batch';

/** Every fixture file, and each cut off at three seeded random points (broken input). */
function inputs(): { name: string; text: string }[] {
  const rng = new Rng(0x9001);
  return goFiles().flatMap(({ file }) => [
    { name: rel(file.path), text: file.text },
    ...[0, 1, 2].map((i) => { const at = rng.int(0, file.text.length); return { name: `${rel(file.path)} cut at ${at} (${i})`, text: file.text.slice(0, at) }; }),
  ]);
}

describe('parsing on worker threads', () => {
  it('rebuilds from the flat form the tree parseGo gives, for whole and broken files', async () => {
    const parser = await initParser();
    const problems: string[] = [];
    for (const { name, text } of inputs()) {
      const parsed = parseGo(parser, text);
      const d = fileDiff(unflatten(flatten(parsed), text), parsed);
      if (d) problems.push(`${name}: ${d}`);
    }
    assert.deepEqual(problems.slice(0, 10), []);
  });

  it('copies a tree straight into the flat form (what a worker sends) as parseGo gives it', async () => {
    const parser = await initParser();
    assert.ok(rawFlatEnabled(), 'the straight copy agrees with the SyntaxNode copy on the start-up sample');
    const problems: string[] = [];
    const pathological = [
      { name: 'nesting past the depth cap', text: `package p\nvar x = ${'('.repeat(1000)}1${')'.repeat(1000)}\n` },
      { name: 'binary', text: '\u0000\u0001\uffff\ud800 package' },
      { name: 'empty', text: '' },
      { name: 'operators and MISSING tokens', text: 'package p\nfunc f() { x := -a + b; x += 1; y = ; <-c; a + }\n' },
    ];
    for (const { name, text } of [...inputs(), ...pathological]) {
      const d = fileDiff(unflatten(parseGoFlat(parser, text), text), parseGo(parser, text));
      if (d) problems.push(`${name}: ${d}`);
    }
    assert.deepEqual(problems.slice(0, 10), []);
  });

  it('gives the same trees on the workers as on the main thread', async () => {
    const parser = await initParser();
    const pool = ParsePool.create(2);
    assert.ok(pool, 'a pool starts (dist/parse-worker.js is built by npm test)');
    try {
      const all = inputs();
      const results = await Promise.all(all.map(({ text }) => pool.parse(text)));
      const problems: string[] = [];
      all.forEach(({ name, text }, i) => {
        const r = results[i];
        if (!r) problems.push(`${name}: not parsed`);
        else { const d = fileDiff(r, parseGo(parser, text)); if (d) problems.push(`${name}: ${d}`); }
      });
      assert.deepEqual(problems.slice(0, 10), []);
    } finally {
      await pool.close();
    }
  });

  it('analyses a workspace parsed on workers with the findings of the main thread', async () => {
    const load = async () => {
      const ws = await Workspace.create(undefined, () => undefined);
      for (const pkg of goPackages()) for (const f of pkg.files) ws.setText(f.path, f.text);
      return ws;
    };
    const key = (fs: unknown[]) => fs.map((f) => JSON.stringify(f)).sort();
    const sequential = key(analyzeAll((await load())));
    const pool = ParsePool.create(1)!;
    try {
      assert.deepEqual(key(await analyzeAllParallel((await load()), pool)), sequential);
    } finally {
      await pool.close();
    }
    assert.ok(sequential.length > 100, 'the fixtures have findings');
    // A pool that goes away midway (a worker crashed, or was stopped) leaves its files to the main thread.
    const broken = ParsePool.create(1)!;
    const analysed = analyzeAllParallel((await load()), broken);
    await broken.close();
    assert.deepEqual(key(await analysed), sequential);
  });

  it('reports the same with --jobs 2 as with --jobs 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockset-pool-'));
    try {
      generateCorpus(dir, 300_000, 5);
      const run = async (jobs: string) => {
        const out: string[] = [];
        const code = await main(['check', '--format', 'json', '--jobs', jobs, dir], (s) => out.push(s), () => undefined);
        return { code, out: out.join('') };
      };
      const none = await run('0'), two = await run('2');
      assert.equal(two.code, none.code);
      assert.equal(two.out, none.out);
      assert.ok(JSON.parse(none.out).diagnostics.length > 0, 'the corpus has findings');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('analyses imported packages first, so that the main thread parses nothing itself', async () => {
    assert.deepEqual(importPathsOf('package p\n\nimport "fmt"\nimport (\n\t"sync"\n\tx "example.com/m/a" // c\n\t_ `b/c`\n)\n\nfunc f() {}\n'),
      ['fmt', 'sync', 'example.com/m/a', 'b/c']);
    // `a` imports `z`, which comes after it in name order; one package parsed ahead at a time.
    const dir = mkdtempSync(join(tmpdir(), 'lockset-pool-'));
    const files: Record<string, string> = {
      'go.mod': 'module example.com/m\n\ngo 1.19\n',
      'a/a.go': 'package a\n\nimport "example.com/m/z"\n\nfunc F(t *z.T) {\n\tt.Set()\n}\n',
      'z/z.go': 'package z\n\nimport "sync"\n\ntype T struct {\n\tMu sync.Mutex\n\tn  int\n}\n\n// Set assumes t.Mu is held.\nfunc (t *T) Set() { t.n++ }\n',
    };
    for (const [path, text] of Object.entries(files)) { mkdirSync(join(dir, path, '..'), { recursive: true }); writeFileSync(join(dir, path), text); }
    const pool = ParsePool.create(1)!;
    try {
      const ws = await Workspace.create();
      ws.compact = true;
      ws.parseAheadChars = 1;
      for (const f of findGoFiles(dir)) ws.setText(f, readSource(f)!);
      const before = parseStats.full;
      const findings = await analyzeAllParallel(ws, pool);
      assert.ok(findings.some((f) => f.code === 'missing-lock-annotation'), 'a reads z: Set requires t.Mu');
      assert.equal(parseStats.full - before, 0, 'files parsed on the main thread');
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a --jobs value that is not a whole number', async () => {
    const err: string[] = [];
    assert.equal(await main(['check', '--jobs', 'many', '.'], () => undefined, (s) => err.push(s)), 2);
    assert.match(err.join(''), /--jobs must be a whole number from 0 to 64, not "many"/);
  });
});
