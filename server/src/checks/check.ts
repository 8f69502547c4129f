import type { FunctionFlow } from '../analysis/flow-types';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { FuncDecl } from '../model/file';
import type { WorkspaceGraph } from '../analysis/workspace-graph';
import type { Finding, Severity } from '../base/finding';

/** A finding as a check reports it; `severity` overrides the check's default (a user's setting wins over both). */
export type Report = Omit<Finding, 'severity' | 'code'> & { severity?: Finding['severity'] };

export interface CheckContext {
  analysis: PackageAnalysis;
  /** Facts across every package of the workspace (lock graph, declared orders). */
  graph: WorkspaceGraph;
  report(finding: Report): void;
  /** An editor, where flows outlive edits elsewhere: a check may keep what it found per flow (see keptPerFlow). */
  reuse?: boolean;
}

/** Where a check's page is published (docs/checks/<id>.md, generated from the registry by `npm run gen`). */
export function checkUrl(id: string): string {
  return `https://github.com/lockset/lockset/blob/main/docs/checks/${id}.md`;
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
  /** A check over the whole package (every check has either this or runFunction). */
  run?(ctx: CheckContext): void;
  /**
   * A check of one function at a time that reads only its flow, its own positions and the package's contracts:
   * the runner calls it per function, and in an editor re-uses its reports while the flow object, the
   * package's contracts and the function's place are the same (see runChecks).
   */
  runFunction?(ctx: CheckContext, fn: FuncDecl, flow: FunctionFlow): void;
}
