/* eslint-disable @typescript-eslint/no-namespace -- one namespace per protocol message, as vscode-languageserver-node does */
/**
 * lockset's own protocol messages, shared by the client and the server. Each message is one namespace
 * holding its method and its type. Positions are 0-based, as in LSP.
 */
import { RequestType } from 'vscode-languageserver-protocol';
import type { DumpFrameViewOf, DumpGoroutineViewOf, DumpViewOf, LockGraphEdgeOf, LockGraphOf, LockInfoOf, LockProblemOf } from './core/views';

/** A place on the wire: core/views.ts's `Place` with a URI for its path (made by lsp/views.ts). */
export interface Loc { uri: string; line: number; character: number; endLine?: number; endCharacter?: number }

// The views' shapes are core/views.ts's, with their places as URIs.
export type LockProblem = LockProblemOf<Loc>;
export type LockInfo = LockInfoOf<Loc>;
export type LockGraphEdge = LockGraphEdgeOf<Loc>;
export type { LockGraphNode } from './core/views';
export type LockGraph = LockGraphOf<Loc>;

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

export type DumpFrameView = DumpFrameViewOf<Loc>;
export type DumpGoroutineView = DumpGoroutineViewOf<Loc>;
/** A goroutine dump read against the workspace: grouped by what each goroutine waits on, with deadlocks. */
export type DumpView = DumpViewOf<Loc>;

export namespace GoroutineDumpRequest {
  export const method = 'lockset/goroutineDump';
  export const type = new RequestType<{ text: string }, DumpView, void>(method);
}
