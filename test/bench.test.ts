/**
 * The benchmark harness itself runs (on the 1 MB corpus and a 0.3 MB package, with a few edits). No time is asserted here:
 * figures come from `npm run bench`, never from tests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatTable, runBench } from '../scripts/bench/run';

describe('benchmark harness', () => {
  it('measures parse-only, cold analysis, RSS, edit latency and an edit in an imported package on the 1 MB corpus', async () => {
    const work = mkdtempSync(join(tmpdir(), 'lockset-bench-'));
    try {
      const r = await runBench({ sizes: [1], edits: 3, workDir: work, onePackageMb: 0.3 });
      const [c] = r.corpora;
      assert.equal(c.name, 'synthetic 1 MB');
      assert.ok(c.files > 20 && c.megabytes >= 1, JSON.stringify(c));
      assert.ok(c.findings > 0, 'the corpus seeds violations, and the analysis finds them');
      for (const v of [c.parseMs, c.analysisMs, c.ratio, r.peakRssMb, r.edit!.medianMs, r.edit!.p95Ms, r.edit!.contractEditMs, c.trees!.parseMs, c.trees!.copyMs, c.trees!.queryMs]) assert.ok(Number.isFinite(v) && v > 0);
      assert.ok(c.trees!.queryCaptures > c.files, 'the query captures calls, functions and comments');
      assert.match(formatTable(r), /\| synthetic 1 MB \| \d+ \| \d+ \([+-]\d+ %\) \| \d+ \([+-]\d+ %, \d+ captures\) \|/);
      assert.match(formatTable(r), /\| synthetic 1 MB \| \d+ \| 1\.0 \|/);
      // (h) on the same corpus: its pkg0 is imported by the others.
      const e = r.importedEdit!;
      assert.ok(e.importers > 0 && [e.medianMs, e.sameLineMedianMs].every((v) => Number.isFinite(v) && v > 0), JSON.stringify(e));
      assert.match(formatTable(r), /edit in a lock-taking function of the package \d+ others import/);
      // (i) on the same corpus: compaction keeps the findings (it throws otherwise) and takes less heap.
      const h = r.editorHeap!;
      assert.ok(h.findings > 0 && h.compactedMb > 0 && h.compactedMb < h.wholeMb, JSON.stringify(h));
      assert.match(formatTable(r), /editor heap after indexing \(synthetic 1 MB/);
      // (j) one package through the server: its cold row, its first diagnostics and its edits.
      const o = r.onePackage!;
      assert.ok(o.files > 10 && o.typedKeys > 10 && [o.firstMs, o.medianMs, o.p95Ms, o.typedMedianMs, o.typedP95Ms, o.funcMedianMs, o.fieldMedianMs].every((v) => Number.isFinite(v) && v > 0), JSON.stringify(o));
      assert.ok(r.corpora.some((c) => c.name === 'one package, 0.3 MB' && c.findings > 0));
      assert.match(formatTable(r), /one package, 0\.3 MB \(\d+ files, through the stdio server\): first diagnostics/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
