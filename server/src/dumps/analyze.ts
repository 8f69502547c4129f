/**
 * What the goroutines of a parsed dump are waiting for, where in the user's code, and which of them
 * wait on each other in a cycle of locks. Plain data in and out: the lock classes come from callbacks
 * that the static analysis supplies, so this module knows nothing of the analysis or of LSP.
 */
import type { Dump, Frame, Goroutine } from './parse';

export type WaitKind = 'lock' | 'rlock' | 'channel' | 'select' | 'sleep' | 'other';

export interface Waiting {
  goroutine: Goroutine;
  kind: WaitKind;
  /** The first frame outside the runtime and sync packages: the user's Lock call site. */
  site?: Frame;
  /** The sync frame, e.g. 'sync.(*RWMutex).RLock'. */
  primitive?: string;
}

// ---- frames ----

/** The import path of a frame's function: 'sync' for 'sync.(*Mutex).Lock', 'example.com/shop/store' for 'example.com/shop/store.(*Store).Get'. */
export function packageOf(func: string): string {
  const slash = func.lastIndexOf('/');
  const dot = func.indexOf('.', slash + 1);
  return dot < 0 ? '' : func.slice(0, dot);
}

/** The runtime, the sync packages and their internals (internal/sync holds the Mutex since Go 1.24). */
function isRuntimeOrSync(func: string): boolean {
  const pkg = packageOf(func);
  if (pkg === '') return true; // 'panic' and other builtins the runtime prints without a package
  return pkg === 'runtime' || pkg === 'sync' || pkg === 'sync/atomic' || pkg.startsWith('runtime/') || pkg.startsWith('internal/');
}

function isSyncPackage(func: string): boolean {
  const pkg = packageOf(func);
  return pkg === 'sync' || pkg === 'internal/sync';
}

/**
 * Whether a frame is in Go's standard library: an import path whose first element has no dot (module
 * paths have one; `main` is the program's own), in a file under GOROOT's `src/` (the package's own
 * directory, or the runtime's, which implements time.Sleep and others).
 */
export function isStandardLibrary(f: Frame): boolean {
  const pkg = packageOf(f.func);
  if (pkg === '' || pkg === 'main' || pkg.split('/')[0].includes('.')) return pkg === '';
  const file = f.file.replace(/\\/g, '/');
  return file.includes(`/src/${pkg.split('/')[0]}/`) || file.includes('/src/runtime/');
}

/**
 * Index of the user's frame: the first outside the runtime, sync and the rest of the standard library
 * (and past time.Sleep, whose caller is the interesting one); failing that, the first outside the
 * runtime and sync.
 */
function siteIndex(frames: Frame[]): number {
  const user = frames.findIndex((f) => !isRuntimeOrSync(f.func) && f.func !== 'time.Sleep' && !isStandardLibrary(f));
  return user >= 0 ? user : frames.findIndex((f) => !isRuntimeOrSync(f.func) && f.func !== 'time.Sleep');
}

// ---- classification ----

const RLOCK_PRIMITIVE = /\.\(\*RWMutex\)\.RLock$|\.\(\*rlocker\)\.Lock$/;
const LOCK_PRIMITIVE = /\.\(\*(?:RW)?Mutex\)\.(?:Lock|lockSlow)$/;

export function classify(g: Goroutine): Waiting {
  const frames = Array.isArray(g.frames) ? g.frames : [];
  const at = siteIndex(frames);
  const site = at >= 0 ? frames[at] : undefined;

  // The sync call nearest to the user's code: the outermost of the sync frames above the site.
  let primitive: string | undefined;
  for (let i = (at >= 0 ? at : frames.length) - 1; i >= 0; i--) {
    if (isSyncPackage(frames[i].func)) { primitive = frames[i].func; break; }
  }

  const w: Waiting = { goroutine: g, kind: kindOf(String(g.state ?? ''), primitive) };
  if (site) w.site = site;
  if (primitive) w.primitive = primitive;
  return w;
}

function kindOf(state: string, primitive: string | undefined): WaitKind {
  // Go 1.20+ names the lock in the wait reason.
  if (state.startsWith('sync.RWMutex.RLock')) return 'rlock';
  if (state.startsWith('sync.Mutex.Lock') || state.startsWith('sync.RWMutex.Lock')) return 'lock';
  // Before that a blocked Lock reads [semacquire]; so does WaitGroup.Wait, so the frames decide.
  if (state.startsWith('semacquire')) {
    if (primitive && RLOCK_PRIMITIVE.test(primitive)) return 'rlock';
    if (primitive && LOCK_PRIMITIVE.test(primitive)) return 'lock';
    return 'other';
  }
  if (state.startsWith('chan send') || state.startsWith('chan receive')) return 'channel';
  if (state.startsWith('select')) return 'select';
  if (state === 'sleep' || state.startsWith('sleep ')) return 'sleep';
  return 'other';
}

// ---- paths ----

/** Path segments, '\\' read as '/', with a module cache version dropped ('bar@v1.2.3' is 'bar'). */
function segments(path: string, fold: boolean): string[] {
  const segs = path.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  return segs.map((s, i) => {
    const t = i < segs.length - 1 ? s.replace(/@v\d[^/]*$/, '') : s;
    return fold ? t.toLowerCase() : t;
  });
}

function looksWindows(path: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(path) || path.includes('\\');
}

function commonSuffix(a: string[], b: string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

/**
 * A mapper from dump paths to workspace files, for mapping many paths against one file list; see
 * {@link mapPath}. `roots` are the workspace folders: a file directly under a root may then match a
 * dump path by its name alone (the folder may be cloned under another name, or built in /app).
 */
export function createPathMapper(workspaceFiles: readonly string[], roots: readonly string[] = []): (dumpPath: string) => string | undefined {
  interface Entry { file: string; segs: string[]; folded: string[]; /** Segments below its root, when under one. */ rel?: number }
  const byName = new Map<string, Entry[]>();
  const rootSegs = roots.map((r) => segments(r, looksWindows(r)));
  for (const file of new Set(workspaceFiles)) {
    if (typeof file !== 'string') continue;
    const segs = segments(file, false);
    if (segs.length === 0) continue;
    const folded = segs.map((s) => s.toLowerCase());
    const entry: Entry = { file, segs, folded };
    const fileFold = looksWindows(file);
    for (const r of rootSegs) {
      const mine = fileFold ? folded : segs;
      if (r.length < mine.length && r.every((s, i) => s === mine[i])) {
        entry.rel = Math.min(entry.rel ?? Infinity, mine.length - r.length);
      }
    }
    const key = segs[segs.length - 1].toLowerCase();
    const list = byName.get(key);
    if (list) list.push(entry); else byName.set(key, [entry]);
  }

  return (dumpPath: string): string | undefined => {
    if (typeof dumpPath !== 'string') return undefined;
    const fold = looksWindows(dumpPath);
    const d = segments(dumpPath, false);
    if (d.length === 0) return undefined;
    const dFolded = d.map((s) => s.toLowerCase());
    let best = 0;
    let found: string[] = [];
    for (const e of byName.get(dFolded[dFolded.length - 1]) ?? []) {
      const caseless = fold || looksWindows(e.file);
      const n = caseless ? commonSuffix(dFolded, e.folded) : commonSuffix(d, e.segs);
      // One segment is only the file name: too weak, unless it is all there is of one of the paths.
      const accepted = n >= 2 || n === d.length || n === e.segs.length || (e.rel !== undefined && n >= e.rel);
      if (!accepted || n < best) continue;
      if (n > best) { best = n; found = []; }
      found.push(e.file);
    }
    return found.length === 1 ? found[0] : undefined;
  };
}

/**
 * Maps a dump path (from another machine) to a workspace file by the longest matching path suffix;
 * undefined if none. Segments compare case-sensitively unless either path is a Windows one, and a
 * module cache version ('bar@v1.2.3/') is ignored. The match must cover the file and at least its
 * directory ('abba/main.go'), because a bare file name ('main.go') is shared by unrelated programs;
 * with `roots`, a file directly under a root may match by name alone. When several files match
 * equally well the answer is undefined rather than a guess.
 */
export function mapPath(dumpPath: string, workspaceFiles: string[], roots: readonly string[] = []): string | undefined {
  return createPathMapper(workspaceFiles, roots)(dumpPath);
}

// ---- grouping ----

export interface DumpGroup {
  /** e.g. 'lock at main.go:67', 'rlock at main.go:14', 'IO wait at conn.go:12'. */
  key: string;
  waiting: Waiting[];
}

const KIND_ORDER: Record<WaitKind, number> = { lock: 0, rlock: 1, channel: 2, select: 3, sleep: 4, other: 5 };

/**
 * The goroutines grouped by what they wait for and where: the kind (for 'other', the sync primitive or
 * the runtime state) and the user's site. Goroutines with no frame of the user's (the runtime's own
 * workers) are left out. Groups come lock, rlock, channel, select, sleep, other; within a kind, the
 * largest group first. The key names the file by its base name, or by as much of its path as tells it
 * apart from another group's file of the same name.
 */
export function groupByWait(dump: Dump): DumpGroup[] {
  interface Group { label: string; kind: WaitKind; file: string; line: number; first: number; waiting: Waiting[] }
  const groups = new Map<string, Group>();
  const goroutines = Array.isArray(dump?.goroutines) ? dump.goroutines : [];
  goroutines.forEach((g, index) => {
    const w = classify(g);
    if (!w.site) return;
    const label = w.kind !== 'other' ? w.kind : (w.primitive ?? (g.state || 'unknown'));
    const id = `${label}\0${w.site.file}\0${w.site.line}`;
    const group = groups.get(id);
    if (group) group.waiting.push(w);
    else groups.set(id, { label, kind: w.kind, file: w.site.file, line: w.site.line, first: index, waiting: [w] });
  });

  const list = [...groups.values()];
  const keys = disambiguate(list.map((g) => ({ prefix: `${g.label} at `, file: g.file, suffix: `:${g.line}` })));
  return list
    .map((g, i) => ({ g, key: keys[i] }))
    .sort((a, b) => KIND_ORDER[a.g.kind] - KIND_ORDER[b.g.kind] || b.g.waiting.length - a.g.waiting.length || a.g.first - b.g.first)
    .map(({ g, key }) => ({ key, waiting: g.waiting }));
}

/** Keys that name each file by as few trailing segments as keep different files apart. */
function disambiguate(items: { prefix: string; file: string; suffix: string }[]): string[] {
  const segs = items.map((it) => it.file.replace(/\\/g, '/').split('/').filter((s) => s !== ''));
  const depth = items.map(() => 1);
  const keyOf = (i: number): string => {
    const s = segs[i];
    const name = s.length === 0 ? items[i].file : s.slice(Math.max(0, s.length - depth[i])).join('/');
    return items[i].prefix + name + items[i].suffix;
  };
  for (let round = 0; round < 64; round++) {
    const byKey = new Map<string, number[]>();
    items.forEach((_, i) => {
      const k = keyOf(i);
      const list = byKey.get(k);
      if (list) list.push(i); else byKey.set(k, [i]);
    });
    let changed = false;
    for (const idx of byKey.values()) {
      if (new Set(idx.map((i) => items[i].file)).size < 2) continue;
      for (const i of idx) if (depth[i] < segs[i].length) { depth[i]++; changed = true; }
    }
    if (!changed) break;
  }
  return items.map((_, i) => keyOf(i));
}

// ---- deadlocks ----

/** Lock classes held while the statement at file:line runs, not counting what that statement itself acquires. */
export type HeldAt = (file: string, line: number) => string[];
/** The lock class that a Lock (or RLock) call at file:line takes, if it is one. */
export type WaitsFor = (file: string, line: number) => string | undefined;

export interface DeadlockCycle {
  /** Goroutine ids: each holds the lock that the next one waits for, and the last holds the first's. */
  goroutines: number[];
  /** locks[i] is the lock class that goroutines[i] waits for at its site; goroutines[i - 1] (cyclically) holds it. */
  locks: string[];
}

/** Counted steps, for the test that bounds the work on huge dumps (test/dumps.test.ts): edges built, edges walked. */
export const deadlockStats = { edges: 0, steps: 0 };

const MAX_CYCLES = 100;
const MAX_STEPS = 200_000;
/** Deadlocks of more goroutines than this are not searched for (they are rare, and the search grows with it). */
const MAX_CYCLE_LENGTH = 8;

/**
 * Deadlock cycles among the goroutines blocked on locks: G1..Gn where Gi holds (in any of its frames,
 * by `heldAt`) the lock that G(i+1) waits for (by `waitsFor` at its site), and Gn holds G1's.
 *
 * - A goroutine waiting for RLock is also blocked by one waiting for Lock on the same lock, since a
 *   pending writer keeps new readers out: that is how a recursive RLock deadlocks.
 * - At the site frame the lock being acquired is not counted as held, in case `heldAt` reports the
 *   state after the line; so a goroutine deadlocks on itself only when a caller's frame holds the lock.
 *   A goroutine waiting for RLock does not deadlock on itself (a second read lock alone is harmless).
 *
 * Each cycle is reported once, starting at its smallest goroutine id; shorter cycles come first. The
 * search is bounded (at most 100 cycles), so a pathological dump gives a partial answer, not a hang.
 */
export function findDeadlocks(dump: Dump, heldAt: HeldAt, waitsFor: WaitsFor): DeadlockCycle[] {
  const heldMemo = new Map<string, string[]>();
  const held = (f: Frame): string[] => {
    const k = `${f.file}\0${f.line}`;
    let v = heldMemo.get(k);
    if (!v) { v = [...new Set(heldAt(f.file, f.line) ?? [])]; heldMemo.set(k, v); }
    return v;
  };
  const waitMemo = new Map<string, string | undefined>();
  const wants = (f: Frame): string | undefined => {
    const k = `${f.file}\0${f.line}`;
    if (!waitMemo.has(k)) waitMemo.set(k, waitsFor(f.file, f.line));
    return waitMemo.get(k);
  };

  // The nodes: goroutines blocked on a lock whose class is known.
  interface Node { id: number; kind: 'lock' | 'rlock'; want: string; holds: Set<string> }
  const nodes: Node[] = [];
  for (const g of Array.isArray(dump?.goroutines) ? dump.goroutines : []) {
    const w = classify(g);
    if ((w.kind !== 'lock' && w.kind !== 'rlock') || !w.site) continue;
    const want = wants(w.site);
    if (!want) continue;
    const holds = new Set<string>();
    const at = g.frames.indexOf(w.site);
    for (let i = at; i < g.frames.length; i++) {
      for (const l of held(g.frames[i])) if (i !== at || l !== want) holds.add(l);
    }
    nodes.push({ id: g.id, kind: w.kind, want, holds });
  }

  // "Goroutine i blocks goroutine j", through one hub per lock and mode rather than an edge per pair: a dump of
  // 10,000 goroutines holding one class and 10,000 waiting for it would otherwise have 10^8 edges. Nodes
  // 0..n-1 are the goroutines; a hub `l#w` leads to those waiting to Lock l, `l#r` to those waiting to RLock it.
  // A holder of l blocks both; a pending writer of l blocks the readers (a writer waiting keeps new readers out).
  const hubs = new Map<string, number>();
  const out: number[][] = nodes.map(() => []);
  const hub = (key: string): number => {
    let h = hubs.get(key);
    if (h === undefined) { h = out.length; hubs.set(key, h); out.push([]); }
    return h;
  };
  nodes.forEach((n, j) => out[hub(`${n.want}#${n.kind === 'lock' ? 'w' : 'r'}`)].push(j));
  nodes.forEach((n, i) => {
    for (const l of n.holds) {
      if (hubs.has(`${l}#w`)) out[i].push(hubs.get(`${l}#w`)!);
      if (hubs.has(`${l}#r`)) out[i].push(hubs.get(`${l}#r`)!);
    }
    if (n.kind === 'lock' && hubs.has(`${n.want}#r`)) out[i].push(hubs.get(`${n.want}#r`)!);
  });
  for (const e of out) deadlockStats.edges += e.length;
  const isGoroutine = (x: number) => x < nodes.length;
  const targetSets = new Map<number, Set<number>>();
  const targets = (h: number): Set<number> => {
    let t = targetSets.get(h);
    if (!t) targetSets.set(h, (t = new Set(out[h])));
    return t;
  };

  // Only nodes with both a way in and a way out can be on a cycle: peel the rest off.
  const alive = trimAcyclic(out);

  const cycles: DeadlockCycle[] = [];
  const seen = new Set<string>();
  const record = (path: number[]) => {
    const members = path.filter(isGoroutine);
    // A goroutine waiting for RLock does not deadlock on itself: a second read lock alone is harmless.
    if (members.length === 1 && nodes[members[0]].kind === 'rlock') return;
    const c = rotate(members.map((i) => nodes[i]));
    const key = c.goroutines.join(',') + '|' + c.locks.join(',');
    if (!seen.has(key)) { seen.add(key); cycles.push(c); }
  };
  let steps = 0;
  // Shortest first (a deadlock of two goroutines before one of five), by deepening the search: the budget of
  // steps is shared, so a dump with thousands of ways round one pair of locks still reports the pairs.
  for (let limit = 1; limit <= MAX_CYCLE_LENGTH && cycles.length < MAX_CYCLES && steps < MAX_STEPS; limit++) {
  for (let s = 0; s < nodes.length && cycles.length < MAX_CYCLES && steps < MAX_STEPS; s++) {
    if (!alive[s]) continue;
    // Elementary cycles whose smallest goroutine index is s: depth-first through larger goroutines only.
    let depth = 1;
    const path = [s];
    const onPath = new Set<number>([s]);
    const stack: { node: number; next: number }[] = [{ node: s, next: 0 }];
    while (stack.length > 0 && cycles.length < MAX_CYCLES && steps < MAX_STEPS) {
      const top = stack[stack.length - 1];
      // At full length, a hub can only close the cycle: ask whether it leads back to s, not each waiter in turn.
      if (!isGoroutine(top.node) && depth === limit) {
        steps++;
        if (targets(top.node).has(s)) record(path);
        stack.pop();
        onPath.delete(top.node);
        path.pop();
        continue;
      }
      const edges = out[top.node];
      if (top.next >= edges.length) {
        stack.pop();
        onPath.delete(top.node);
        path.pop();
        if (isGoroutine(top.node)) depth--;
        continue;
      }
      const t = edges[top.next++];
      steps++;
      if (t === s) {
        // Only a hub leads to a goroutine, and a hub at full length is handled above.
        continue;
      } else if ((!isGoroutine(t) || (t > s && depth < limit)) && alive[t] && !onPath.has(t)) {
        stack.push({ node: t, next: 0 });
        onPath.add(t);
        path.push(t);
        if (isGoroutine(t)) depth++;
      }
    }
  }
  }
  deadlockStats.steps += steps;
  return cycles.sort((a, b) => a.goroutines.length - b.goroutines.length || a.goroutines[0] - b.goroutines[0]);
}

/** Removes, repeatedly, nodes with no incoming or no outgoing edge among the remaining ones. */
function trimAcyclic(out: number[][]): boolean[] {
  const n = out.length;
  const alive = out.map(() => true);
  const indeg = new Array<number>(n).fill(0);
  const outdeg = out.map((e) => e.length);
  const into: number[][] = out.map(() => []);
  out.forEach((edges, i) => { for (const j of edges) { indeg[j]++; into[j].push(i); } });
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0 || outdeg[i] === 0) queue.push(i);
  while (queue.length > 0) {
    const i = queue.pop() as number;
    if (!alive[i]) continue;
    alive[i] = false;
    for (const j of out[i]) if (alive[j] && --indeg[j] === 0) queue.push(j);
    for (const j of into[i]) if (alive[j] && --outdeg[j] === 0) queue.push(j);
  }
  return alive;
}

/** The cycle as ids and wanted locks, rotated to start at its smallest goroutine id. */
function rotate(path: { id: number; want: string }[]): DeadlockCycle {
  let start = 0;
  path.forEach((n, i) => { if (n.id < path[start].id) start = i; });
  const ordered = [...path.slice(start), ...path.slice(0, start)];
  return { goroutines: ordered.map((n) => n.id), locks: ordered.map((n) => n.want) };
}
