/**
 * Compaction (Workspace.compact, what `lockset check` does): once a package is analysed and its own checks
 * have run, its flows keep only their lock events and its function declarations lose their syntax trees.
 * Every finding, and the lock graph, must be exactly those of a workspace that keeps everything: for the
 * fixtures (the cross-package modules included), the example workspace and a generated module whose
 * packages import each other, analysed on the main thread and on a parse worker with a small window.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateCorpus } from '../scripts/bench/corpus';
import { lockGraphData } from '../server/src/ide/inventory';
import { ParsePool } from '../server/src/syntax/parse-pool';
import { findGoFiles, readSource } from '../server/src/util/files';
import { Workspace } from '../server/src/workspace';
import { TYPED } from './fuzz/edits';
import { Rng } from './fuzz/prng';
import { analyzeAll, analyzeAllParallel } from '../server/src/batch';

const ROOT = resolve(__dirname, '..');

async function load(dir: string, compact: boolean): Promise<Workspace> {
  const ws = await Workspace.create();
  ws.compact = compact;
  for (const f of findGoFiles(dir)) ws.setText(f, readSource(f) ?? '');
  return ws;
}

const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

/** Findings and lock graph, as compared. */
function results(ws: Workspace, findings: unknown[]): { findings: string[]; graph: string } {
  return { findings: sorted(findings), graph: JSON.stringify(lockGraphData(ws.graph())) };
}

/** How many function declarations still have syntax below them, and how many there are. */
function funcTrees(ws: Workspace): { kept: number; total: number } {
  let kept = 0, total = 0;
  for (const dir of ws.dirs()) {
    for (const a of ws.analysesOf(dir)) {
      for (const f of a.pkg.files) for (const fn of f.funcs) { total++; if (fn.node.children.length) kept++; }
    }
  }
  return { kept, total };
}

/**
 * A package analysed (and compacted) before its importer, whose check reads the flow of the function it
 * calls: WaitLocked releases the caller's lock while it waits, so only Hold's other lock is reported.
 */
const RELEASING = {
  'go.mod': 'module example.com/m\n\ngo 1.19\n',
  'aa/aa.go': `package aa

import "sync"

type Pool struct {
	Mu sync.Mutex
	ch chan int
}

// WaitLocked waits for a value; p.Mu must be held, and is released while it waits.
func (p *Pool) WaitLocked() int {
	p.Mu.Unlock()
	v := <-p.ch
	p.Mu.Lock()
	return v
}
`,
  'bb/bb.go': `package bb

import "example.com/m/aa"

func Use(p *aa.Pool) int {
	p.Mu.Lock()
	defer p.Mu.Unlock()
	return p.WaitLocked()
}

func Hold(p *aa.Pool, q *aa.Pool) int {
	q.Mu.Lock()
	defer q.Mu.Unlock()
	p.Mu.Lock()
	defer p.Mu.Unlock()
	return p.WaitLocked()
}
`,
};

describe('compacted analyses', () => {
  let corpus: string, releasing: string;
  before(() => {
    corpus = mkdtempSync(join(tmpdir(), 'lockset-compact-'));
    generateCorpus(corpus, 400_000, 3);
    releasing = mkdtempSync(join(tmpdir(), 'lockset-compact-'));
    for (const [path, text] of Object.entries(RELEASING)) {
      mkdirSync(join(releasing, path, '..'), { recursive: true });
      writeFileSync(join(releasing, path), text);
    }
  });
  after(() => {
    rmSync(corpus, { recursive: true, force: true });
    rmSync(releasing, { recursive: true, force: true });
  });

  const cases = [
    ['the fixtures', () => join(ROOT, 'test/fixtures')], ['the example workspace', () => join(ROOT, 'examples')],
    ['a generated module', () => corpus], ['an importer that reads a callee\'s lock events', () => releasing],
  ] as const;
  for (const [name, dirOf] of cases) {
    it(`give the findings and lock graph of full analyses: ${name}`, async () => {
      const where = dirOf();
      const full = await load(where, false);
      const want = results(full, analyzeAll(full));
      assert.ok(want.findings.length > 0, 'there is something to compare');
      assert.equal(funcTrees(full).kept, funcTrees(full).total);

      const compact = await load(where, true);
      assert.deepEqual(results(compact, analyzeAll(compact)), want);
      const trees = funcTrees(compact);
      assert.ok(trees.total > 0 && trees.kept === 0, `every function's tree was dropped (${trees.kept} of ${trees.total} kept)`);
      assert.ok(compact.dirs().every((d) => compact.analysesOf(d).every((a) => a.compacted)), 'every package was compacted');

      // On a worker that parses at most a few packages ahead of the analysis.
      const parallel = await load(where, true);
      parallel.parseAheadChars = 20_000;
      const pool = ParsePool.create(1)!;
      try {
        assert.deepEqual(results(parallel, await analyzeAllParallel(parallel, pool)), want);
      } finally {
        await pool.close();
      }
    });
  }

  it('read a compacted package again from its text when an edit makes it stale', async () => {
    // A line added at the top of a file of the package that the others import moves what it exports,
    // so that its importers, compacted too, are analysed again.
    const edit = (ws: Workspace) => {
      const path = findGoFiles(join(corpus, 'pkg0'))[0];
      ws.setText(path, `// an added line\n${readSource(path)}`);
    };
    const full = await load(corpus, false);
    analyzeAll(full);
    edit(full);
    const want = results(full, analyzeAll(full));
    const compact = await load(corpus, true);
    analyzeAll(compact);
    edit(compact);
    assert.deepEqual(results(compact, analyzeAll(compact)), want);
  });
});


/**
 * An editor's workspace that compacts the packages without an open document (Workspace.compactClosed, what
 * the server does in a large workspace): the findings and lock graph must stay those of a workspace that
 * keeps everything while documents open and close and files change, in open packages and closed ones.
 * LOCKSET_CLOSED_SEED and LOCKSET_CLOSED_STEPS run other sequences.
 */
describe('compacting closed packages in an editor', () => {
  let corpus: string;
  before(() => {
    corpus = mkdtempSync(join(tmpdir(), 'lockset-closed-'));
    // Packages that import each other, three files each.
    generateCorpus(corpus, 1_200_000, 5);
    for (const f of findGoFiles(corpus)) if (!/[/\\]f[012]\.go$/.test(f)) rmSync(f);
  });
  after(() => rmSync(corpus, { recursive: true, force: true }));

  /** Every package's findings and the graph, as the server gets them: local results first, then each directory's. */
  function check(ws: Workspace): { findings: string[]; graph: string } {
    for (const d of ws.dirs()) ws.localResults(d);
    return results(ws, ws.dirs().flatMap((d) => ws.analyzeDir(d).flatMap((r) => r.findings)));
  }

  /** One line, then two, added at the top of a file (moving all it declares): the findings stay a fresh workspace's. */
  async function addLinesAbove(ws: Workspace, texts: Map<string, string>, path: string): Promise<void> {
    for (const lines of ['// one\n', '// one\n// two\n']) {
      texts.set(path, lines + readSource(path));
      ws.setText(path, texts.get(path)!);
      assert.deepEqual(check(ws), check(await workspace(texts)), lines);
    }
  }

  async function workspace(texts: Map<string, string>, open?: Set<string>): Promise<Workspace> {
    const ws = await Workspace.create();
    ws.interactive = true;
    if (open) {
      ws.setCompactClosed(true);
      ws.keepsFull = (dir) => open.has(dir);
    }
    for (const [p, t] of texts) ws.setText(p, t);
    return ws;
  }

  it('moves a closed importer\'s findings with an open package\'s edit above what they point at, without reading it again', async () => {
    const texts = new Map(findGoFiles(corpus).map((p) => [p, readSource(p) ?? '']));
    const pkg0 = join(corpus, 'pkg0');
    const open = new Set([pkg0]);
    const ws = await workspace(texts, open);
    check(ws);
    const importers = ws.dependents(pkg0);
    assert.ok(importers.length > 0 && importers.every((d) => ws.analysesOf(d).every((a) => a.compacted)), 'pkg0\'s importers are compacted');
    const before = new Map(importers.map((d) => [d, ws.analysesOf(d)[0]]));
    await addLinesAbove(ws, texts, findGoFiles(pkg0)[0]);
    assert.ok(importers.every((d) => ws.analysesOf(d)[0] === before.get(d)), 'the importers kept their analyses');
  });

  it('reads a package again when one of its documents opens, without reading its importers again', async () => {
    const texts = new Map(findGoFiles(corpus).map((p) => [p, readSource(p) ?? '']));
    const pkg0 = join(corpus, 'pkg0');
    const open = new Set<string>();
    const ws = await workspace(texts, open);
    check(ws);
    const importers = ws.dependents(pkg0);
    assert.ok([pkg0, ...importers].every((d) => ws.analysesOf(d).every((a) => a.compacted)), 'pkg0 and its importers are compacted');
    const before = new Map(importers.map((d) => [d, ws.analysesOf(d)[0]]));
    open.add(pkg0);
    assert.ok(!ws.analysesOf(pkg0).some((a) => a.compacted), 'pkg0 is whole again');
    assert.deepEqual(check(ws), check(await workspace(texts)));
    // Its nodes that the importers hold were taken back: the importers kept their analyses.
    assert.ok(importers.every((d) => ws.analysesOf(d)[0] === before.get(d)), 'the importers kept their analyses');
    await addLinesAbove(ws, texts, findGoFiles(pkg0)[0]);
    assert.ok(importers.every((d) => ws.analysesOf(d)[0] === before.get(d)), 'and through edits above what they point at');
  });

  it('places an open importer\'s findings in a package read again and edited next to what they point at', async () => {
    // a holds mu while it calls c.G, which sends on a channel: a's finding points at the send in c.
    const files = new Map([
      ['/m/c/c.go', 'package c\n\nvar ch = make(chan int)\n\n// G sends.\nfunc G() {\n\tx := 1\n\tch <- x\n}\n'],
      ['/m/a/a.go', 'package a\n\nimport (\n\t"sync"\n\n\t"example.com/m/c"\n)\n\nvar mu sync.Mutex\n\nfunc add() {\n\tmu.Lock()\n\tc.G()\n\tmu.Unlock()\n}\n'],
    ]);
    const reader = (p: string) => (p === '/m/go.mod' ? 'module example.com/m\n' : undefined);
    const make = async (open?: Set<string>) => {
      const ws = await Workspace.create(undefined, reader);
      ws.interactive = true;
      if (open) { ws.setCompactClosed(true); ws.keepsFull = (d) => open.has(d); }
      for (const [p, t] of files) ws.setText(p, t);
      return ws;
    };
    const open = new Set(['/m/a']);
    const ws = await make(open);
    const sendAt = (w: Workspace) => { check(w); return w.findingsFor('/m/a/a.go').flatMap((f) => f.related.filter((r) => r.file === '/m/c/c.go').map((r) => r.range.start.line)); };
    assert.deepEqual(sendAt(ws), [7]);
    assert.ok(ws.analysesOf('/m/c').every((a) => a.compacted));
    open.add('/m/c');
    assert.deepEqual(sendAt(ws), [7]);
    // A line inserted right above the send: the finding cannot be moved (the send is at the edge of the edit),
    // so a's checks run again, and place the send through c's functions, which must be the current ones.
    for (const lines of ['\t_ = 0\n', '\t_ = 0\n\t_ = 1\n']) {
      files.set('/m/c/c.go', files.get('/m/c/c.go')!.replace('\tch <- x', `${lines}\tch <- x`).replace(/(\t_ = \d\n)+(?=(\t_ = \d\n)*\tch)/, lines));
      ws.setText('/m/c/c.go', files.get('/m/c/c.go')!);
      assert.deepEqual(sendAt(ws), sendAt(await make()), JSON.stringify(lines));
    }
    assert.deepEqual(sendAt(ws), [9]);
  });

  it('gives the findings of a workspace that keeps everything, through edits, opening and closing', async () => {
    const texts = new Map(findGoFiles(corpus).map((p) => [p, readSource(p) ?? '']));
    const dirs = [...new Set([...texts.keys()].map((p) => join(p, '..')))].sort();
    const open = new Set<string>([dirs[1]]);
    const ws = await workspace(texts, open);
    const first = check(ws);
    assert.ok(first.findings.length > 0, 'there is something to compare');
    assert.deepEqual(first, check(await workspace(texts)));
    const compacted = (dir: string) => ws.analysesOf(dir).every((a) => a.compacted);
    assert.ok(dirs.filter((d) => !open.has(d)).every(compacted), 'the closed packages are compacted');
    assert.ok(!compacted(dirs[1]), 'the open package is not');

    const rng = new Rng(Number(process.env.LOCKSET_CLOSED_SEED ?? 0xc105ed));
    for (let step = 0; step < Number(process.env.LOCKSET_CLOSED_STEPS ?? 12); step++) {
      const action = rng.weighted([[2, 'open'], [5, 'edit'], [2, 'shift'], [1, 'revert']] as const);
      if (action === 'open') {
        const dir = rng.pick(dirs);
        open.add(dir);
        // Its hovers and lenses read everything: the package is read again, whole.
        assert.ok(!ws.analysesOf(dir).some((a) => a.compacted), `step ${step}: ${dir} opened`);
      } else {
        const path = rng.pick([...texts.keys()]);
        const text = texts.get(path)!;
        const body = text.indexOf('.Lock()', rng.below(text.length));
        const at = body < 0 ? rng.below(text.length) : body + 7;
        // A shift moves everything below a line added at the top, which the importers' findings point at.
        texts.set(path, action === 'revert' ? readSource(path) ?? '' : action === 'shift' ? `// moved\n${text}` : text.slice(0, at) + rng.pick(TYPED) + text.slice(at));
        ws.setText(path, texts.get(path)!);
      }
      assert.deepEqual(check(ws), check(await workspace(texts)), `step ${step}: ${action}`);
    }
  });
});
