/**
 * The TypeScript front end's quick fixes against golden files, as for Go: each fix must produce exactly
 * its golden text, leave a file without syntax errors, and make its diagnostic go away without
 * bringing new ones. Run with UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { ts } from 'ts-morph';
import type { Finding } from '../server/src/base/finding';
import { applyEdits } from '../server/src/util/edits';
import { findTsFiles } from '../server/src/ts/paths';
import { TsWorkspace } from '../server/src/ts/workspace';
import { TS_FIXTURES } from './ts-harness';

const FIX_DIR = join(TS_FIXTURES, 'fixes');

function analyze(dir: string, override?: { path: string; text: string }): Finding[] {
  const ws = new TsWorkspace({ roots: [dir] });
  for (const f of findTsFiles(dir)) ws.setText(f, readFileSync(f, 'utf8'));
  if (override) ws.setText(override.path, override.text);
  return ws.analyzeAll();
}

function syntaxErrors(path: string, text: string): string[] {
  const out = ts.transpileModule(text, { fileName: path, reportDiagnostics: true, compilerOptions: { allowJs: true } });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const signature = (f: Finding) => `${f.code}: ${f.message}`;

describe('TypeScript quick fixes (golden files)', () => {
  for (const name of readdirSync(FIX_DIR)) {
    const dir = join(FIX_DIR, name);
    it(name, () => {
      const before = analyze(dir);
      const withFixes = before.filter((f) => f.fixes.length > 0);
      assert.ok(withFixes.length > 0, `no fixes offered in ${name}`);
      const goldensSeen = new Set<string>();
      for (const finding of withFixes) {
        const original = readFileSync(finding.file, 'utf8');
        for (const fix of finding.fixes) {
          const golden = join(dir, `${basename(finding.file).replace(/\.[^.]+$/, '')}.${finding.range.start.line + 1}.${fix.id}.golden`);
          goldensSeen.add(basename(golden));
          const fixed = applyEdits(original, fix.edits.filter((e) => e.file === finding.file));
          if (process.env.UPDATE_GOLDEN) writeFileSync(golden, fixed);
          assert.ok(existsSync(golden), `missing golden file ${golden} (run with UPDATE_GOLDEN=1)`);
          assert.equal(fixed, readFileSync(golden, 'utf8'), `fix "${fix.title}" differs from ${basename(golden)}`);
          assert.deepEqual(syntaxErrors(finding.file, fixed), [], `fix "${fix.title}" left a syntax error`);
          const after = analyze(dir, { path: finding.file, text: fixed }).map(signature).sort();
          const expected = before.map(signature);
          expected.splice(expected.indexOf(signature(finding)), 1);
          assert.deepEqual(after, expected.sort(), `fix "${fix.title}" should remove exactly its diagnostic`);
        }
      }
      const stray = readdirSync(dir).filter((f) => f.endsWith('.golden') && !goldensSeen.has(f));
      assert.deepEqual(stray, [], 'golden files that no fix produces');
    });
  }
});

describe('TypeScript quick fixes: which comes first', () => {
  it('prefers calling the twin that takes the lock over a // LOCK: comment saying the caller holds it', () => {
    const found = analyze(join(FIX_DIR, 'lock_comment')).filter((f) => f.code === 'missing-lock-annotation');
    const withTwin = found.find((f) => f.fixes.some((x) => x.id === 'call-twin'));
    assert.ok(withTwin, found.map((f) => f.message).join(' | '));
    assert.deepEqual(withTwin.fixes.filter((x) => x.preferred).map((x) => x.id), ['call-twin']);
    const without = found.find((f) => !f.fixes.some((x) => x.id === 'call-twin'));
    assert.deepEqual(without?.fixes.filter((x) => x.preferred).map((x) => x.id), ['add-lock-annotation']);
  });
});
