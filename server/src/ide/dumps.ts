import { isPseudoLock } from '../analysis/blocking';
import { createPathMapper, findDeadlocks, groupByWait, isStandardLibrary, packageOf } from '../dumps/analyze';
import { parseDump, type Frame } from '../dumps/parse';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { GoFile } from '../model/file';
import { involvesPackages, lockClassName } from '../model/class-name';
import { classPackageOf, typedClass, type Ref } from '../model/refs';
import type { DumpViewOf } from '../core/views';

/**
 * What reading a dump needs of the workspace: its files, a file's package analysed whole, and the packages of the
 * lock graph (lock classes are named as the graph names them: with their package when it has several).
 */
export interface DumpSources {
  paths(): string[];
  has(path: string): boolean;
  file(path: string): GoFile | undefined;
  packageOf(path: string, full?: boolean): { analysis: PackageAnalysis } | undefined;
  graph?(): { packages: ReadonlySet<string> };
}

const RUNTIME_PACKAGES = /^(runtime|sync|internal\/.*|time|syscall)$/;

/**
 * Reads a goroutine dump against the workspace: each frame is mapped to a workspace file by path suffix,
 * the locks held at its line come from the flow analysis, and goroutines that hold what another waits
 * for form the deadlocks.
 */
export function analyzeDump(ws: DumpSources, text: string, roots: string[]): DumpViewOf {
  const steps = analyzeDumpInSlices(ws, text, roots);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** How many goroutines are mapped between two pauses of analyzeDumpInSlices. */
export const DUMP_SLICE = 2_000;

/**
 * The same as analyzeDump, in slices: it yields the number of goroutines mapped so far (of the total) after each
 * DUMP_SLICE of them, so that a server can answer other requests and report progress in between.
 */
export function* analyzeDumpInSlices(ws: DumpSources, text: string, roots: string[]): Generator<{ done: number; total: number }, DumpViewOf> {
  const dump = parseDump(text);
  const map = createPathMapper(ws.paths(), roots);
  // A dump of 100,000 goroutines repeats the same few thousand frames: each line is read once.
  const memo = new Map<string, string[]>();
  const qualified = involvesPackages(ws.graph?.().packages ?? []);
  const cached = (file: string, line: number, what: 'held' | 'taken'): string[] => {
    const k = `${what}\0${file}\0${line}`;
    let v = memo.get(k);
    if (!v) memo.set(k, (v = locksAt(ws, file, line, what, qualified)));
    return v;
  };
  const heldAt = (file: string, line: number): string[] => cached(file, line, 'held');
  const waitsFor = (file: string, line: number): string | undefined => cached(file, line, 'taken')[0];
  const mappedHeld = (file: string, line: number) => { const p = map(file); return p ? heldAt(p, line) : []; };
  const mappedWaits = (file: string, line: number) => { const p = map(file); return p ? waitsFor(p, line) : undefined; };
  let mapped = 0, total = 0;
  const frameView = (f: Frame) => {
    const path = map(f.file);
    // Frames that could be in the workspace: not the runtime, not the standard library (unless mapped).
    const user = !!path || (!RUNTIME_PACKAGES.test(packageOf(f.func)) && !isStandardLibrary(f));
    if (user) { total++; if (path) mapped++; }
    const file = path ? ws.file(path) : undefined;
    const at = file ? file.lines.lineStart(f.line - 1) : 0;
    return {
      func: f.func, dumpPath: f.file, line: f.line,
      loc: file ? { path: file.path, line: f.line - 1, character: file.lines.position(at).character } : undefined,
      held: path ? heldAt(path, f.line) : [],
    };
  };
  const grouped = groupByWait(dump);
  const count = grouped.reduce((n, g) => n + g.waiting.length, 0);
  let done = 0;
  const groups: DumpViewOf['groups'] = [];
  for (const g of grouped) {
    const goroutines: DumpViewOf['groups'][number]['goroutines'] = [];
    for (const w of g.waiting) {
      goroutines.push({
        id: w.goroutine.id, state: w.goroutine.state,
        waitsFor: w.site ? mappedWaits(w.site.file, w.site.line) : undefined,
        frames: w.goroutine.frames.map(frameView),
      });
      if (++done % DUMP_SLICE === 0) yield { done, total: count };
    }
    groups.push({ key: g.key, goroutines });
  }
  const deadlocks = findDeadlocks(dump, mappedHeld, mappedWaits).map((c) => ({
    goroutines: c.goroutines, locks: c.locks,
    text: c.goroutines.map((g, i) => `goroutine ${g} waits for ${c.locks[i]}`).join(', '),
  }));
  return { preamble: dump.preamble, groups, deadlocks, mapped, total };
}

/** The lock classes held while a line runs ('held'), or taken by a Lock call on it ('taken'). */
function locksAt(ws: DumpSources, path: string, line: number, what: 'held' | 'taken', qualified: boolean): string[] {
  // The held sets of its statements: a compacted package (see Workspace.compactClosed) is read again, so
  // the file is taken after.
  const pkg = ws.has(path) ? ws.packageOf(path, true) : undefined;
  const file = pkg && ws.file(path);
  if (!file || !pkg) return [];
  const start = file.lines.lineStart(line - 1), end = file.lines.lineStart(line) - 1;
  const fn = file.funcs.find((d) => d.node.start <= start && end <= d.node.end);
  const flow = fn && pkg.analysis.flows.get(fn);
  if (!flow) return [];
  // A lock known only by a local name (a parameter) has no class: its name as written.
  const name = (ref: Ref) => { const cls = typedClass(ref); return cls ? lockClassName(cls, classPackageOf(ref, pkg.analysis.pkg.name), qualified) : ref.display; };
  if (what === 'taken') {
    return flow.lockEvents.filter((e) => e.node.start >= start && e.node.start <= end && (e.op.method === 'Lock' || e.op.method === 'RLock')).map((e) => name(e.op.ref));
  }
  let best: { len: number; classes: string[] } | undefined;
  for (const [stmt, held] of flow.stmtHeld) {
    if (stmt.start > end || stmt.end < start) continue;
    const len = stmt.end - stmt.start;
    if (!best || len < best.len) best = { len, classes: held.definite().filter((h) => !isPseudoLock(h.ref.key)).map((h) => name(h.ref)) };
  }
  return best?.classes ?? [];
}
