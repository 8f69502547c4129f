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

/** The module of the generated corpus: its packages import each other as `example.com/benchcorpus/pkgN`. */
export const CORPUS_MODULE = 'example.com/benchcorpus';

/**
 * The exported face of a package for its importers (in its first file): a registry whose lock is a field,
 * a method with a doc-comment contract on that lock, one that takes it, and a package-level instance.
 */
const REGISTRY = [
  '// Registry is shared with the packages that import this one.',
  'type Registry struct {',
  '\tMu    sync.Mutex',
  '\titems map[string]int',
  '}',
  '',
  '// AddLocked counts k. It assumes r.Mu is held.',
  'func (r *Registry) AddLocked(k string) { r.items[k]++ }',
  '',
  '// Add counts k under the registry\'s lock.',
  'func (r *Registry) Add(k string) {',
  '\tr.Mu.Lock()',
  '\tdefer r.Mu.Unlock()',
  '\tr.AddLocked(k)',
  '}',
  '',
  '// Shared is the registry of this package.',
  'var Shared = &Registry{items: map[string]int{}}',
  '',
].join('\n');

/**
 * A function that calls into the imported packages `deps` (one or two): methods that take a lock (Get,
 * Touch, Add), under the caller's own lock too (a lock-order edge across packages), and a method with a
 * contract, called with its lock held, or, rarely, without (a finding across packages).
 */
function bridgeBlock(index: number, deps: string[], rand: () => number): string {
  const [a, b = a] = deps;
  const ta = `T0x${Math.floor(rand() * 12)}`, tb = `T0x${Math.floor(rand() * 12)}`;
  const unguarded = rand() < 0.05;
  return [
    `// Bridge${index} uses the packages this one imports.`,
    `func Bridge${index}(x *${a}.${ta}, y *${b}.${tb}, own *T${index}x0) int {`,
    `\tn := x.Get("k")`,
    `\town.mu.Lock()`,
    `\ty.Touch()`,
    `\t${a}.Shared.Add("k")`,
    `\town.mu.Unlock()`,
    `\t${a}.Shared.Mu.Lock()`,
    `\t${a}.Shared.AddLocked("k")`,
    `\t${a}.Shared.Mu.Unlock()`,
    unguarded ? `\t${b}.Shared.AddLocked("unguarded")` : `\t${b}.Shared.Add("k")`,
    `\treturn n + y.Report()`,
    `}`,
    ``,
  ].join('\n');
}

/** `deps`: the packages this file's package imports, or undefined for a corpus without imports (and without a Registry). */
function fileText(pkg: string, index: number, types: number, rand: () => number, deps?: string[], crossRand?: () => number): string {
  const names = Array.from({ length: types }, (_, i) => `T${index}x${i}`);
  const imports = ['\t"errors"', '\t"sync"', ...(deps?.length ? ['', ...deps.map((d) => `\t"${CORPUS_MODULE}/${d}"`)] : [])];
  const head = [`package ${pkg}`, '', 'import (', ...imports, ')', '', index === 0 ? 'var errEmpty = errors.New("empty key")\n' : 'var _ = errors.New', ''];
  const body = names.map((n, i) => typeBlock(n, names[(i + 1) % names.length], rand, rand() < 0.1));
  const cross = deps === undefined ? [] : [
    ...(index === 0 ? [REGISTRY] : []),
    ...(deps.length && crossRand ? [bridgeBlock(index, deps, crossRand)] : []),
  ];
  return head.join('\n') + body.join('\n') + (cross.length ? '\n' + cross.join('\n') : '');
}

/**
 * Writes a corpus of about `bytes` bytes under `dir` (replaced), as packages of 20 files. Returns the file
 * count. With `imports` (the default) the corpus is a module (a go.mod for CORPUS_MODULE) whose package
 * `pkgN` imports one or two of the eight packages before it and calls them from every file; without, the
 * packages are independent and the text is the same as before imports were added (the cross-package parts
 * draw from a PRNG of their own, so the rest of the corpus does not change with them).
 */
export function generateCorpus(dir: string, bytes: number, seed = 1, opts: { imports?: boolean } = {}): number {
  const imports = opts.imports ?? true;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (imports) writeFileSync(join(dir, 'go.mod'), `module ${CORPUS_MODULE}\n\ngo 1.21\n`);
  const rand = prng(seed);
  const crossRand = prng(seed ^ 0x5eed1);
  let written = 0, files = 0;
  for (let p = 0; written < bytes; p++) {
    const pkg = `pkg${p}`;
    let deps: string[] | undefined;
    if (imports) {
      deps = [];
      const want = p === 0 ? 0 : p >= 2 && crossRand() < 0.5 ? 2 : 1;
      while (deps.length < want) {
        const d = `pkg${Math.max(0, p - 8) + Math.floor(crossRand() * Math.min(8, p))}`;
        if (!deps.includes(d)) deps.push(d);
      }
      deps.sort();
    }
    mkdirSync(join(dir, pkg), { recursive: true });
    for (let f = 0; f < 20 && written < bytes; f++) {
      const text = fileText(pkg, f, 12, rand, deps, crossRand);
      writeFileSync(join(dir, pkg, `f${f}.go`), text);
      written += Buffer.byteLength(text);
      files++;
    }
  }
  return files;
}

/**
 * One package of about `bytes` bytes (a server that keeps most of its code in one package): files of the same
 * kind as the corpus's, all in `dir` (replaced), package `big`. Returns the file count.
 */
export function generateOnePackage(dir: string, bytes: number, seed = 3): number {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rand = prng(seed);
  let written = 0, files = 0;
  for (let f = 0; written < bytes; f++) {
    const text = fileText('big', f, 12, rand);
    writeFileSync(join(dir, `f${f}.go`), text);
    written += Buffer.byteLength(text);
    files++;
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
