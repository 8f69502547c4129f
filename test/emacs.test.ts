/**
 * A second independent client: Emacs 28 with eglot (Debian's emacs-nox and elpa-eglot) runs
 * test/e2e/emacs.el in batch mode against dist/server.js. CI installs both (.ci/run) and sets
 * LOCKSET_REQUIRE_EMACS=1, so there a missing Emacs fails instead of skipping.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..');
const hasEmacs = spawnSync('emacs', ['--version'], { encoding: 'utf8' }).status === 0 && existsSync('/usr/share/emacs/site-lisp/elpa');
const required = process.env.LOCKSET_REQUIRE_EMACS === '1';

describe('Emacs + eglot end-to-end', () => {
  it('shows the diagnostic, hovers the contract, applies the // LOCK: fix and sees the diagnostic go', { skip: !hasEmacs && !required ? 'emacs-nox and elpa-eglot are not installed (CI installs them)' : false }, () => {
    assert.ok(hasEmacs, 'Emacs with eglot is required here (LOCKSET_REQUIRE_EMACS=1) but is not installed');
    const dir = mkdtempSync(join(tmpdir(), 'lockset-emacs-'));
    try {
      cpSync(join(ROOT, 'examples'), dir, { recursive: true });
      const r = spawnSync('emacs', ['--batch', '-Q', '-l', join(ROOT, 'test/e2e/emacs.el'), dir, join(ROOT, 'dist/server.js')], {
        encoding: 'utf8',
        timeout: 90_000,
        env: { ...process.env, HOME: dir },
      });
      const out = `${r.stdout}\n${r.stderr}`;
      assert.equal(r.status, 0, `emacs failed (status ${r.status}, signal ${r.signal}):\n${out}`);
      for (const step of ['1 - eglot connects', '2 - diagnostic at line 50', '3 - hover shows the contract', '4 - applied', '5 - the diagnostic is gone']) {
        assert.match(out, new RegExp(`emacs e2e: ok ${step}`), `step "${step}" did not pass:\n${out}`);
      }
      const saved = readFileSync(join(dir, 'vmm/http.go'), 'utf8').split('\n');
      const call = saved.findIndex((l) => l.includes('vms.findVM('));
      assert.equal(saved[call - 1], '\t// LOCK: vmLock is held by the caller.', 'the fix is on disk, above the call, indented like it');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
