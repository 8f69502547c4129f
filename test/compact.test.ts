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
  return { findings: sorted(findings), graph: JSON.stringify(lockGraphData(ws.graph(), (p) => p)) };
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
      const want = results(full, full.analyzeAll());
      assert.ok(want.findings.length > 0, 'there is something to compare');
      assert.equal(funcTrees(full).kept, funcTrees(full).total);

      const compact = await load(where, true);
      assert.deepEqual(results(compact, compact.analyzeAll()), want);
      const trees = funcTrees(compact);
      assert.ok(trees.total > 0 && trees.kept === 0, `every function's tree was dropped (${trees.kept} of ${trees.total} kept)`);
      assert.ok(compact.dirs().every((d) => compact.analysesOf(d).every((a) => a.compacted)), 'every package was compacted');

      // On a worker that parses at most a few packages ahead of the analysis.
      const parallel = await load(where, true);
      parallel.parseAheadChars = 20_000;
      const pool = ParsePool.create(1)!;
      try {
        assert.deepEqual(results(parallel, await parallel.analyzeAllParallel(pool)), want);
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
    full.analyzeAll();
    edit(full);
    const want = results(full, full.analyzeAll());
    const compact = await load(corpus, true);
    compact.analyzeAll();
    edit(compact);
    assert.deepEqual(results(compact, compact.analyzeAll()), want);
  });
});

