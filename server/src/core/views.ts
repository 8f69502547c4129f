/**
 * What the editor's views show (the Lock Explorer, the lock graph, the goroutine dump), as plain data, generic in
 * the place: inside the server a `Place` (a path), on the wire the protocol's `Loc` (a URI; protocol.ts names these
 * shapes with it). The Go front end (ide/) and the TypeScript one (ts/) make them with places; lsp/views.ts and
 * the CLI turn the places into URIs, with the `map…Places` functions here, so that the JSON keeps its shape.
 */
import type { Finding } from '../base/finding';
import type { Place } from '../base/place';

/** A finding that names a lock, as the Locks view lists it under that lock. */
export interface LockProblemOf<P = Place> {
  /** The finding's whole message; the view shows its first line. */
  message: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  /** The check's id (`double-lock`). */
  code: string;
  loc: P;
}

/** A finding as the Locks view lists it under a lock: its message, severity and check, its place in a file. */
export function lockProblem(f: Finding): LockProblemOf {
  const { start, end } = f.range;
  return { message: f.message, severity: f.severity, code: f.code, loc: { path: f.file, line: start.line, character: start.character, endLine: end.line, endCharacter: end.character } };
}

export interface LockInfoOf<P = Place> {
  /** The lock class: `VM.lock`, `cmdLock`; package-qualified (`vmm.VM.lock`, `vmm.cmdLock`) when the workspace's locks are of several packages (lockClassName). */
  cls: string;
  /** The name of the package that declares it. */
  pkg: string;
  kind: string;
  /** Where the lock is declared (field or var), when known. */
  declared?: P;
  acquisitions: { loc: P; fn: string; mode: 'read' | 'write' }[];
  guards: { name: string; source: 'annotation' | 'inferred' }[];
  /** Its place in a declared order, such as "2 of 3 in cmdLock > vmLock > VM.lock". */
  order?: string;
  inCycle: boolean;
  /** The findings of lockset's checks that name this lock: the view's count is their number. */
  problems: LockProblemOf<P>[];
}

export interface LockGraphEdgeOf<P = Place> {
  from: string;
  to: string;
  /** Where it happens: "Kill takes statsTable.mu while holding VM.lock". */
  witnesses: { loc: P; message: string }[];
  inCycle: boolean;
  violatesOrder: boolean;
  /** More places than `witnesses` lists: the analysis keeps a bounded number per package. */
  more?: boolean;
}

export interface LockGraphNode {
  id: string;
  /** 'lock', or 'package' for a package collapsed into one node. */
  kind: string;
  inCycle: boolean;
  /** The name of the package that declares it (for collapsing a package into one node). */
  pkg?: string;
  /** For a collapsed package: how many of its locks it stands for. */
  locks?: number;
}

export interface LockGraphOf<P = Place> {
  nodes: LockGraphNode[];
  edges: LockGraphEdgeOf<P>[];
  cycles: string[][];
  orders: string[];
  /** What the request's position points at: the cycle of a finding there, or the lock under the cursor. */
  focus?: { locks: string[]; why: 'finding' | 'cursor' };
}

export interface DumpFrameViewOf<P = Place> { func: string; dumpPath: string; line: number; loc?: P; held: string[] }
export interface DumpGoroutineViewOf<P = Place> { id: number; state: string; waitsFor?: string; frames: DumpFrameViewOf<P>[] }

/** A goroutine dump read against the workspace: grouped by what each goroutine waits on, with deadlocks. */
export interface DumpViewOf<P = Place> {
  preamble: string[];
  groups: { key: string; goroutines: DumpGoroutineViewOf<P>[] }[];
  deadlocks: { goroutines: number[]; locks: string[]; text: string }[];
  /** Frames mapped to workspace files, out of all frames outside the runtime. */
  mapped: number;
  total: number;
}

// The mappers keep every other field as it is, in its order, and leave an absent place absent.

export function mapInfoPlaces<P, Q>(i: LockInfoOf<P>, f: (p: P) => Q): LockInfoOf<Q> {
  // Each place replaced where it stands, so that `declared` keeps its place among the keys.
  const out = { ...i, acquisitions: i.acquisitions.map((a) => ({ ...a, loc: f(a.loc) })), problems: i.problems.map((p) => ({ ...p, loc: f(p.loc) })) } as unknown as LockInfoOf<Q>;
  if (i.declared !== undefined) out.declared = f(i.declared);
  return out;
}

export function mapGraphPlaces<P, Q>(g: LockGraphOf<P>, f: (p: P) => Q): LockGraphOf<Q> {
  return { ...g, edges: g.edges.map((e) => ({ ...e, witnesses: e.witnesses.map((w) => ({ ...w, loc: f(w.loc) })) })) };
}

export function mapDumpPlaces<P, Q>(v: DumpViewOf<P>, f: (p: P) => Q): DumpViewOf<Q> {
  return {
    ...v,
    groups: v.groups.map((g) => ({ ...g, goroutines: g.goroutines.map((r) => ({ ...r, frames: r.frames.map((x) => ({ ...x, loc: x.loc && f(x.loc) })) })) })),
  };
}
