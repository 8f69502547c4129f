/**
 * The quick fixes that the editors' end-to-end tests apply (test/e2e/fixes: the VS Code test's steps 16-22 and
 * Neovim's code-action menu in test/e2e/nvim.lua). Each file has exactly one finding with exactly one preferred fix;
 * that fix turns the file into <file>.golden (which the editors compare the saved file with), and the package then
 * has no finding in that file and none more elsewhere. Run with UPDATE_GOLDEN=1 to rewrite the goldens.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../server/src/base/finding';
import { applyEdits } from '../server/src/util/edits';
import { Workspace } from '../server/src/workspace';
import { analyzeAll } from '../server/src/batch';

const DIR = join(__dirname, 'e2e/fixes');
const GO = readdirSync(DIR).filter((f) => f.endsWith('.go'));

async function analyze(override?: { path: string; text: string }): Promise<Finding[]> {
  const ws = await Workspace.create();
  for (const f of GO) ws.setText(join(DIR, f), readFileSync(join(DIR, f), 'utf8'));
  if (override) ws.setText(override.path, override.text);
  return analyzeAll(ws);
}

describe('the editors\' end-to-end quick fixes (test/e2e/fixes)', () => {
  for (const name of GO) {
    it(name, async () => {
      const path = join(DIR, name);
      const before = await analyze();
      const mine = before.filter((f) => basename(f.file) === name);
      assert.equal(mine.length, 1, `${name} has one finding: ${mine.map((f) => f.message).join('; ')}`);
      const preferred = mine[0].fixes.filter((f) => f.preferred);
      assert.equal(preferred.length, 1, `${name}'s finding has one preferred fix: ${mine[0].fixes.map((f) => f.title).join('; ')}`);
      const fixed = applyEdits(readFileSync(path, 'utf8'), preferred[0].edits.filter((e) => e.file === path));
      if (process.env.UPDATE_GOLDEN) writeFileSync(`${path}.golden`, fixed);
      assert.equal(fixed, readFileSync(`${path}.golden`, 'utf8'), `"${preferred[0].title}" gives ${name}.golden`);
      const after = await analyze({ path, text: fixed });
      assert.deepEqual(after.filter((f) => basename(f.file) === name).map((f) => f.message), [], 'no finding left in the file');
      assert.equal(after.length, before.length - 1, 'and none more elsewhere');
    });
  }
});
