/**
 * A seeded, deterministic generator of realistic Go packages for the benchmark: structs with Mutexes and
 * RWMutexes, exported/internal twins with doc-comment contracts, // LOCK: sites, lock-order edges (a few
 * cycles), goroutines, channels and error paths.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One type with its methods: about 60 lines. `peer` is another type of the package, for cross-type lock order. */
function typeBlock(name: string, peer: string, rand: () => number, cycle: boolean): string {
  const rw = rand() < 0.4;
  const lockType = rw ? 'sync.RWMutex' : 'sync.Mutex';
  const rlock = rw ? 'RLock' : 'Lock', runlock = rw ? 'RUnlock' : 'Unlock';
  const lines = [
    `// ${name} keeps a table of entries.`,
    `type ${name} struct {`,
    `\tmu      ${lockType}`,
    `\tentries map[string]int`,
    `\tpeer    *${peer}`,
    `\tevents  chan string`,
    `}`,
    ``,
    `// Get returns the entry for k.`,
    `func (t *${name}) Get(k string) int {`,
    `\tt.mu.${rlock}()`,
    `\tdefer t.mu.${runlock}()`,
    `\treturn t.get(k)`,
    `}`,
    ``,
    `// get assumes t.mu is held.`,
    `func (t *${name}) get(k string) int { return t.entries[k] }`,
    ``,
    `func (t *${name}) putLocked(k string, v int) { t.entries[k] = v }`,
    ``,
    `// Put stores v under k.`,
    `func (t *${name}) Put(k string, v int) error {`,
    `\tif k == "" {`,
    `\t\treturn errEmpty`,
    `\t}`,
    `\tt.mu.Lock()`,
    `\tt.putLocked(k, v)`,
    `\tt.mu.Unlock()`,
    `\tselect {`,
    `\tcase t.events <- k:`,
    `\tdefault:`,
    `\t}`,
    `\treturn nil`,
    `}`,
    ``,
    `func (t *${name}) Sync() {`,
    `\tt.mu.Lock()`,
    `\tdefer t.mu.Unlock()`,
    cycle ? `\tt.peer.Touch()` : `\t_ = len(t.entries)`,
    `}`,
    ``,
    `// Touch marks the peer as used.`,
    `func (t *${name}) Touch() {`,
    `\tt.mu.Lock()`,
    `\tt.entries["touched"]++`,
    `\tt.mu.Unlock()`,
    `}`,
    ``,
    `func (t *${name}) Watch(done <-chan struct{}) {`,
    `\tgo func() {`,
    `\t\tfor {`,
    `\t\t\tselect {`,
    `\t\t\tcase k := <-t.events:`,
    `\t\t\t\t_ = t.Get(k)`,
    `\t\t\tcase <-done:`,
    `\t\t\t\treturn`,
    `\t\t\t}`,
    `\t\t}`,
    `\t}()`,
    `}`,
    ``,
    `func (t *${name}) Report() int {`,
    `\tt.mu.${rlock}()`,
    `\t// LOCK: t.mu is held above.`,
    `\tn := t.get("hits")`,
    `\tt.mu.${runlock}()`,
    rand() < 0.05 ? `\treturn n + t.get("misses")` : `\treturn n`,
    `}`,
    ``,
  ];
  return lines.join('\n');
}

function fileText(pkg: string, index: number, types: number, rand: () => number): string {
  const names = Array.from({ length: types }, (_, i) => `T${index}x${i}`);
  const head = [`package ${pkg}`, '', 'import (', '\t"errors"', '\t"sync"', ')', '', index === 0 ? 'var errEmpty = errors.New("empty key")\n' : 'var _ = errors.New', ''];
  const body = names.map((n, i) => typeBlock(n, names[(i + 1) % names.length], rand, rand() < 0.1));
  return head.join('\n') + body.join('\n');
}

/** Writes a corpus of about `bytes` bytes under `dir` (replaced), as packages of 20 files. Returns the file count. */
export function generateCorpus(dir: string, bytes: number, seed = 1): number {
  rmSync(dir, { recursive: true, force: true });
  const rand = prng(seed);
  let written = 0, files = 0;
  for (let p = 0; written < bytes; p++) {
    const pkg = `pkg${p}`;
    mkdirSync(join(dir, pkg), { recursive: true });
    for (let f = 0; f < 20 && written < bytes; f++) {
      const text = fileText(pkg, f, 12, rand);
      writeFileSync(join(dir, pkg, `f${f}.go`), text);
      written += Buffer.byteLength(text);
      files++;
    }
  }
  return files;
}

/** A single file of about `lines` lines (for edit latency), in its own package directory. */
export function generateBigFile(dir: string, lines: number, seed = 7): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rand = prng(seed);
  const types = Math.ceil(lines / 66);
  const path = join(dir, 'big.go');
  writeFileSync(path, fileText('big', 0, types, rand));
  return path;
}
