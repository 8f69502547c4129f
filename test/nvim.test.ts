/**
 * The server in a real editor: headless Neovim runs test/e2e/nvim.lua against dist/server.js. CI installs
 * neovim (.ci/run) and sets LOCKSET_REQUIRE_NVIM=1, so there a missing nvim fails instead of skipping.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..');
const hasNvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' }).status === 0;
const required = process.env.LOCKSET_REQUIRE_NVIM === '1';

describe('Neovim end-to-end', () => {
  it('shows the diagnostic, hovers the contract, applies the // LOCK: fix and sees the diagnostic go; the preferred fix of each check from the code-action menu', { skip: !hasNvim && !required ? 'nvim is not installed (CI installs it)' : false }, () => {
    assert.ok(hasNvim, 'nvim is required here (LOCKSET_REQUIRE_NVIM=1) but is not installed');
    const dir = mkdtempSync(join(tmpdir(), 'lockset-nvim-'));
    try {
      cpSync(join(ROOT, 'examples'), dir, { recursive: true });
      // The quick fixes' files, one finding each, with their goldens (the VS Code e2e test applies the same).
      cpSync(join(ROOT, 'test/e2e/fixes'), join(dir, 'fixes'), { recursive: true });
      const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${join(ROOT, 'test/e2e/nvim.lua')}`], {
        env: { ...process.env, LOCKSET_ROOT: dir, LOCKSET_SERVER: join(ROOT, 'dist/server.js') },
        encoding: 'utf8',
        timeout: 90_000,
      });
      assert.equal(r.status, 0, `nvim failed (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout + r.stderr, /nvim e2e: ok/);
      assert.match(r.stdout + r.stderr, /nvim e2e: quick fix in fixes\/guard\.go/, 'the quick fixes ran, to the last');
      const saved = readFileSync(join(dir, 'vmm/http.go'), 'utf8').split('\n');
      const call = saved.findIndex((l) => l.includes('vms.findVM('));
      assert.equal(saved[call - 1], '\t// LOCK: vmLock is held by the caller.', 'the fix is on disk, above the call, indented like it');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
