/**
 * Quick fixes against golden files. Each fix must produce exactly its golden text, leave a file
 * that parses without errors, and make its diagnostic go away without bringing new ones (it may take others
 * with it: a Lock around several calls that miss it).
 * Run with UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../server/src/base/finding';
import { initParser, parseGo } from '../server/src/syntax/parser';
import { applyEdits } from '../server/src/util/edits';
import { readSource } from '../server/src/util/files';
import { Workspace } from '../server/src/workspace';
import { FIXTURES } from './harness';
import { analyzeAll } from '../server/src/batch';

const FIX_DIR = join(FIXTURES, 'fixes');

async function analyze(dir: string, override?: { path: string; text: string }): Promise<Finding[]> {
  const ws = await Workspace.create();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.go'))) ws.setText(join(dir, f), readSource(join(dir, f)) ?? '');
  if (override) ws.setText(override.path, override.text);
  return analyzeAll(ws);
}

const signature = (f: Finding) => `${f.code}: ${f.message}`;

describe('quick fixes (golden files)', () => {
  for (const name of readdirSync(FIX_DIR)) {
    const dir = join(FIX_DIR, name);
    it(name, async () => {
      const before = await analyze(dir);
      const withFixes = before.filter((f) => f.fixes.length > 0);
      assert.ok(withFixes.length > 0, `no fixes offered in ${name}`);
      const goldensSeen = new Set<string>();
      for (const finding of withFixes) {
        const original = readFileSync(finding.file, 'utf8');
        for (const fix of finding.fixes) {
          const golden = join(dir, `${basename(finding.file, '.go')}.${finding.range.start.line + 1}.${fix.id}.golden`);
          goldensSeen.add(basename(golden));
          const fixed = applyEdits(original, fix.edits.filter((e) => e.file === finding.file));
          if (process.env.UPDATE_GOLDEN) writeFileSync(golden, fixed);
          assert.ok(existsSync(golden), `missing golden file ${golden} (run with UPDATE_GOLDEN=1)`);
          assert.equal(fixed, readFileSync(golden, 'utf8'), `fix "${fix.title}" differs from ${basename(golden)}`);

          // Writing down a guess is never preferred over the fix that makes the code right.
          if (fix.id.startsWith('annotate-')) assert.ok(!fix.preferred, `fix "${fix.title}" is not the preferred one`);

          const parsed = parseGo(await initParser(), fixed);
          assert.equal(parsed.errorCount, 0, `fix "${fix.title}" left a syntax error`);

          // Its diagnostic goes, and none comes: a fix that takes a lock around several calls that miss it
          // removes their findings too. A fix that writes down what lockset inferred (annotate-…) leaves the code as
          // it was: its finding may come back from the same check, now citing the annotation it wrote.
          const after = (await analyze(dir, { path: finding.file, text: fixed })).map(signature);
          const left = before.map(signature);
          left.splice(left.indexOf(signature(finding)), 1);
          const written = fix.id.startsWith('annotate-') ? /\+checklocks\w*:\S+/.exec(fix.edits[0]?.newText ?? '')?.[0] : undefined;
          const restates = (sig: string) => !!written && sig.startsWith(`${finding.code}: `) && sig.includes(written);
          const added = after.filter((sig) => { const i = left.indexOf(sig); if (i < 0) return !restates(sig); left.splice(i, 1); return false; });
          assert.deepEqual(added, [], `fix "${fix.title}" brings no new diagnostic`);
          assert.ok(after.filter((sig) => sig === signature(finding)).length < before.map(signature).filter((sig) => sig === signature(finding)).length, `fix "${fix.title}" removes its diagnostic`);
        }
      }
      const stray = readdirSync(dir).filter((f) => f.endsWith('.golden') && !goldensSeen.has(f));
      assert.deepEqual(stray, [], 'golden files that no fix produces');
    });
  }
});
