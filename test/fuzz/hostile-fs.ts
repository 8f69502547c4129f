/**
 * Hostile file-system entries for the fuzzer (`npm run fuzz -- --fs N`) and test/safe-read.test.ts: a seeded
 * tree of things that never end or never open, named like the files lockset reads (FIFOs, devices behind
 * symlinks, symlink loops, directories named like Go files, sparse files of hundreds of MB, NUL bytes, deep
 * nesting, long names), beside one good package with a known finding. The CLI must check it and stop: exit 0
 * or 1, the known finding printed, nothing on stderr.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash32, Rng } from './prng';

const GOOD = 'package good\n\nimport "sync"\n\nvar mu sync.Mutex\nvar n int\n\n// f assumes mu is held.\nfunc f() { n++ }\n\nfunc G() { f() }\n';
const NAMES = ['a.go', 'go.mod', 'go.work', 'tsconfig.json', 'b.ts', 'c.js', 'package.json', 'd_test.go'];

/** The kinds of entry, each a function that makes one at `path`; returns false where the system refuses. */
const MAKERS: Record<string, (path: string, rng: Rng) => boolean> = {
  fifo: (path) => spawnSync('mkfifo', [path]).status === 0,
  devZero: (path) => link('/dev/zero', path),
  devUrandom: (path) => link('/dev/urandom', path),
  devNull: (path) => link('/dev/null', path),
  loop: (path) => link(`${path}.loop`, path) && link(path, `${path}.loop`),
  danglingLink: (path) => link(`${path}.nowhere/x`, path),
  parentLink: (path) => link('..', path),
  directory: (path) => { mkdirSync(path); writeFileSync(join(path, 'inner.go'), GOOD.replace('package good', 'package inner')); return true; },
  sparse: (path, rng) => { writeFileSync(path, ''); truncateSync(path, rng.int(21, 400) * 1024 * 1024); return true; },
  binary: (path, rng) => { writeFileSync(path, Buffer.from(Array.from({ length: rng.int(1, 4096) }, () => rng.below(256)))); return true; },
  unreadable: (path) => { writeFileSync(path, GOOD); chmodSync(path, 0); return true; },
};

function taken(path: string): boolean {
  try { lstatSync(path); return true; } catch { return false; }
}

function link(target: string, path: string): boolean {
  try { symlinkSync(target, path); return true; } catch { return false; }
}

/** Builds tree `index` of `seed` under `dir` (an empty directory); returns what it made, for a report. */
export function buildHostileTree(seed: number, index: number, dir: string): string[] {
  const rng = new Rng(hash32(seed ^ 0xf5f5, index));
  const made: string[] = [];
  mkdirSync(join(dir, 'good'), { recursive: true });
  writeFileSync(join(dir, 'good', 'good.go'), GOOD);
  let at = dir;
  const depth = rng.chance(0.2) ? rng.int(20, 60) : rng.int(0, 3);
  for (let d = 0; d < depth; d++) { at = join(at, rng.chance(0.5) ? 'x.go' : `d${d}`); mkdirSync(at); }
  const kinds = Object.keys(MAKERS);
  for (let i = rng.int(3, 12); i > 0; i--) {
    const kind = kinds[rng.below(kinds.length)];
    const base = rng.chance(0.1) ? `${'n'.repeat(200)}.go` : NAMES[rng.below(NAMES.length)];
    // A go.mod or go.work in good/ would make it a nested module, which is skipped by design.
    const moduleFile = base === 'go.mod' || base === 'go.work';
    const where = rng.chance(0.5) ? at : moduleFile ? dir : join(dir, 'good');
    const path = join(where, `${made.length}-${base}`.replace(/^\d+-(go\.mod|go\.work|tsconfig\.json|package\.json)$/, '$1'));
    // Never write to a name taken already: it may be a FIFO, and writing to one waits for a reader.
    if (taken(path)) continue;
    try { if (MAKERS[kind](path, rng)) made.push(`${kind} ${path.slice(dir.length + 1)}`); } catch { /* refused */ }
  }
  return made;
}

/** Runs the CLI on the tree; the problems, none when it behaved. `timeoutMs` is an outer bound only a hang reaches. */
export function checkHostileTree(cli: string, dir: string, timeoutMs = 120_000): string[] {
  const r = spawnSync(process.execPath, [cli, 'check', dir], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  const problems: string[] = [];
  if (r.error) problems.push(`the CLI did not finish: ${String(r.error)}`);
  else if (r.status !== 0 && r.status !== 1) problems.push(`exit status ${r.status}: ${r.stderr.slice(0, 500)}`);
  if (r.stderr.trim()) problems.push(`stderr: ${r.stderr.slice(0, 500)}`);
  if (!r.error && !/call of f requires mu/.test(r.stdout)) problems.push('the good package\'s finding is missing');
  return problems;
}
