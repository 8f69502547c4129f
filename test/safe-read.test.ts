/**
 * Files that never end or never open: lockset reads only regular files under a size cap, so a go.mod that is a
 * symlink to /dev/zero, a FIFO named like a Go file, or an oversized file gives no text instead of a hang.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readRegularFile, readSource } from '../server/src/util/files';
import { CLI } from './lsp-client';
import { buildHostileTree, checkHostileTree } from './fuzz/hostile-fs';

describe('reading files that never end', () => {
  let dir: string;
  let fifo: string | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lockset-safe-read-'));
    mkdirSync(join(dir, 'pkg'));
    writeFileSync(join(dir, 'pkg', 'ok.go'), 'package pkg\n\nimport "sync"\n\nvar mu sync.Mutex\nvar n int\n\n// f assumes mu is held.\nfunc f() { n++ }\n\nfunc g() { f() }\n');
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(4096));
    symlinkSync('/dev/zero', join(dir, 'go.mod'));
    symlinkSync('/dev/zero', join(dir, 'pkg', 'zero.go'));
    // A FIFO: opening it for reading would wait for a writer forever.
    const made = spawnSync('mkfifo', [join(dir, 'pkg', 'fifo.go')]);
    if (made.status === 0) fifo = join(dir, 'pkg', 'fifo.go');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file, and nothing from a device, a directory, a FIFO or a file over the cap', () => {
    assert.match(readSource(join(dir, 'pkg', 'ok.go')) ?? '', /^package pkg/);
    assert.equal(readRegularFile(join(dir, 'go.mod')), undefined);
    assert.equal(readRegularFile(join(dir, 'pkg')), undefined);
    assert.equal(readRegularFile(join(dir, 'big.txt'), 1024), undefined);
    assert.equal(readRegularFile(join(dir, 'big.txt'), 4096)?.length, 4096);
    if (fifo) assert.equal(readRegularFile(fifo), undefined);
  });

  it('the CLI checks TypeScript in a folder whose tsconfig.json is a FIFO', (t) => {
    const ts = join(dir, 'tsfifo');
    mkdirSync(ts);
    if (spawnSync('mkfifo', [join(ts, 'tsconfig.json')]).status !== 0) { t.skip('no mkfifo'); return; }
    writeFileSync(join(ts, 'store.ts'), "import { Mutex } from 'async-mutex';\n\nexport class Store {\n  private mu = new Mutex();\n\n  async twice(): Promise<void> {\n    await this.mu.runExclusive(async () => {\n      await this.mu.runExclusive(() => undefined);\n    });\n  }\n}\n");
    // A generous outer bound that only a hang reaches (ts-morph would wait for a writer on the FIFO).
    const r = spawnSync(process.execPath, [CLI, 'check', ts], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.error, undefined, String(r.error));
    assert.match(r.stdout, /already held/, r.stderr + r.stdout);
  });

  it('the CLI checks a directory whose go.mod is /dev/zero and that holds a FIFO and a device named .go', () => {
    // A generous outer bound that only a hang reaches: the CLI itself takes well under a second here.
    const r = spawnSync(process.execPath, [CLI, 'check', dir], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.error, undefined, String(r.error));
    assert.equal(r.status, 1, r.stderr + r.stdout);
    assert.match(r.stdout, /call of f requires mu/);
  });

  it('the CLI checks seeded trees of hostile entries (the fuzzer\'s --fs generator, seed 7, trees 0 to 3)', () => {
    for (let i = 0; i < 4; i++) {
      const tree = mkdtempSync(join(tmpdir(), 'lockset-hostile-'));
      try {
        const made = buildHostileTree(7, i, tree);
        assert.deepEqual(checkHostileTree(CLI, tree), [], `tree ${i}: ${made.join(', ')}`);
      } finally {
        rmSync(tree, { recursive: true, force: true });
      }
    }
  });
});
