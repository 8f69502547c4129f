import type { PackageAnalysis } from '../analysis/package-analysis';
import type { WorkspaceGraph } from '../analysis/workspace-graph';
import type { Finding, Severity } from './finding';

/** A finding as a check reports it; `severity` overrides the check's default (a user's setting wins over both). */
export type Report = Omit<Finding, 'severity' | 'code'> & { severity?: Finding['severity'] };

export interface CheckContext {
  analysis: PackageAnalysis;
  /** Facts across every package of the workspace (lock graph, declared orders). */
  graph: WorkspaceGraph;
  report(finding: Report): void;
}

/** A check describes itself: a stable id, a one-line title, a longer doc, and its default severity. */
export interface Check {
  id: string;
  title: string;
  doc: string;
  /** A one-line Go example of what it flags, for the README's checks table. */
  example: string;
  defaultSeverity: Severity;
  /**
   * The check reads the workspace-wide lock graph; the others read only their package (and what it
   * imports), so their findings do not change when another package does.
   */
  readsGraph?: boolean;
  run(ctx: CheckContext): void;
}
