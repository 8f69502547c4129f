/**
 * Half-typed code across packages: the multi-package fixtures (test/fixtures/crosspkg/*, each a module
 * with go.mod) with seeded mutations in several files at once, go.mod files broken too. The analysis,
 * the checks, hovers and the lock inventory must give results or fewer results, never an exception.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { hoverAt } from '../server/src/ide/hover';
import { lockGraphData, lockInventory } from '../server/src/ide/inventory';
import { defaultConfig } from '../server/src/util/config';
import { findGoFiles } from '../server/src/util/files';
import { Workspace } from '../server/src/workspace';
import { FIXTURES } from './harness';
import { mutate } from './fuzz/mutate';
import { Rng } from './fuzz/prng';
import { analyzeAll } from '../server/src/batch';

const ROUNDS = Number(process.env.ROUNDS ?? 40);
const modules = readdirSync(join(FIXTURES, 'crosspkg')).map((m) => join(FIXTURES, 'crosspkg', m));

describe('analysis across packages on half-typed modules', () => {
  it(`${ROUNDS} seeded rounds of mutations over every module give results, never an exception`, async () => {
    const rng = new Rng(0xc0de);
    let findings = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const root = modules[round % modules.length];
      const files = findGoFiles(root);
      const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
      const donors = [...texts.values()];
      // Mutate one to all files, and sometimes the go.mod.
      for (const f of files) if (rng.chance(0.6)) texts.set(f, mutate(rng, texts.get(f)!, { donors, maxOps: 3 }).text);
      const goMod = readFileSync(join(root, 'go.mod'), 'utf8');
      const modText = rng.chance(0.3) ? mutate(rng, goMod, { donors: [goMod], maxOps: 2 }).text : goMod;
      const logs: string[] = [];
      const ws = await Workspace.create({ ...defaultConfig(), log: (m) => logs.push(m) }, (p) => (p === join(root, 'go.mod') ? modText : undefined));
      for (const [f, t] of texts) ws.setText(f, t);
      const what = `round ${round} (${relative(FIXTURES, root)})`;
      try {
        findings += analyzeAll(ws).length;
        const all = ws.dirs().flatMap((d) => ws.analysesOf(d));
        // A function whose analysis threw is contained (it gives no results), but it is still a bug.
        for (const a of all) for (const x of a.failures) assert.fail(`${what}: analysis of ${x.fn.name} threw: ${(x.error as Error)?.stack}`);
        lockInventory(all, ws.graph(), []);
        lockGraphData(ws.graph());
        for (const [f, t] of texts) {
          const analysis = ws.analysisOf(f);
          const file = ws.file(f);
          if (!analysis || !file) continue;
          for (let i = 0; i < 5; i++) hoverAt(analysis, file, rng.below(t.length + 1), ws.graph());
        }
        // An edit in one package, then the importers again.
        const [first] = texts.keys();
        ws.setText(first, `${texts.get(first)}\n// edited\n`);
        for (const d of ws.dependents(dirname(first))) ws.analyzeDir(d);
      } catch (e) {
        assert.fail(`${what}: ${(e as Error).stack}`);
      }
      assert.deepEqual(logs, [], `${what}: a check failed`);
    }
    assert.ok(findings > 0, 'the mutated modules still give findings');
  });
});
