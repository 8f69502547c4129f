/* eslint-disable @typescript-eslint/no-namespace -- one namespace per protocol message, as vscode-languageserver-node does */
/**
 * lockset's own protocol messages, shared by the client and the server. Each message is one namespace
 * holding its method and its type. Positions are 0-based, as in LSP.
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { Finding } from './base/finding';

export interface Loc { uri: string; line: number; character: number; endLine?: number; endCharacter?: number }

/** A finding that names a lock, as the Locks view lists it under that lock. */
export interface LockProblem {
  /** The finding's whole message; the view shows its first line. */
  message: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  /** The check's id (`double-lock`). */
  code: string;
  loc: Loc;
}

/** A finding as the Locks view lists it under a lock: its message, severity and check, its place in a file. */
export function lockProblem(f: Finding, uri: string): LockProblem {
  const { start, end } = f.range;
  return { message: f.message, severity: f.severity, code: f.code, loc: { uri, line: start.line, character: start.character, endLine: end.line, endCharacter: end.character } };
}

export interface LockInfo {
  /** The lock class: `VM.lock`, `cmdLock`; package-qualified (`vmm.VM.lock`, `vmm.cmdLock`) when the workspace's locks are of several packages (lockClassName). */
  cls: string;
  /** The name of the package that declares it. */
  pkg: string;
  kind: string;
  /** Where the lock is declared (field or var), when known. */
  declared?: Loc;
  acquisitions: { loc: Loc; fn: string; mode: 'read' | 'write' }[];
  guards: { name: string; source: 'annotation' | 'inferred' }[];
  /** Its place in a declared order, such as "2 of 3 in cmdLock > vmLock > VM.lock". */
  order?: string;
  inCycle: boolean;
  /** The findings of lockset's checks that name this lock: the view's count is their number. */
  problems: LockProblem[];
}

export interface LockGraphEdge {
  from: string;
  to: string;
  /** Where it happens: "Kill takes statsTable.mu while holding VM.lock". */
  witnesses: { loc: Loc; message: string }[];
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

export interface LockGraph {
  nodes: LockGraphNode[];
  edges: LockGraphEdge[];
  cycles: string[][];
  orders: string[];
  /** What the request's position points at: the cycle of a finding there, or the lock under the cursor. */
  focus?: { locks: string[]; why: 'finding' | 'cursor' };
}

/** Where the graph was asked for: the editor's cursor, to open on what is there. */
export interface LockGraphParams { textDocument?: { uri: string }; position?: { line: number; character: number } }

export namespace LocksRequest {
  export const method = 'lockset/locks';
  export const type = new RequestType<Record<string, never>, LockInfo[], void>(method);
}

export namespace LockGraphRequest {
  export const method = 'lockset/lockGraph';
  export const type = new RequestType<LockGraphParams, LockGraph, void>(method);
}

/** What the Problems panel shows, by severity: hints are not listed there, so they are not counted. */
export interface ProblemCounts { errors: number; warnings: number; info: number }

/** `problems` is the Problems panel's total: errors + warnings + info. */
export interface AnalysisStatus extends ProblemCounts { state: 'indexing' | 'idle'; done: number; total: number; problems: number }

export namespace StatusNotification {
  export const method = 'lockset/status';
}

export interface DumpFrameView { func: string; dumpPath: string; line: number; loc?: Loc; held: string[] }
export interface DumpGoroutineView { id: number; state: string; waitsFor?: string; frames: DumpFrameView[] }

/** A goroutine dump read against the workspace: grouped by what each goroutine waits on, with deadlocks. */
export interface DumpView {
  preamble: string[];
  groups: { key: string; goroutines: DumpGoroutineView[] }[];
  deadlocks: { goroutines: number[]; locks: string[]; text: string }[];
  /** Frames mapped to workspace files, out of all frames outside the runtime. */
  mapped: number;
  total: number;
}

export namespace GoroutineDumpRequest {
  export const method = 'lockset/goroutineDump';
  export const type = new RequestType<{ text: string }, DumpView, void>(method);
}
