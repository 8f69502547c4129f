import type { PackageAnalysis } from '../analysis/package-analysis';
import type { WorkspaceGraph } from '../analysis/workspace-graph';
import type { GoFile } from '../model/file';
import type { Config } from '../util/config';
import type { FunctionFlow } from '../analysis/flow-types';
import type { Check, CheckContext, Report } from './check';
import type { Finding } from '../base/finding';
import { CHECKS } from './registry';

const IGNORE = /lockset:ignore\s+([\w-]+)/g;

/**
 * Runs every enabled check over one package. A check that throws loses its results, not the package's.
 * With `reuse` (an editor, where flows outlive edits elsewhere), the reports of function-local checks are
 * kept per flow and given again while the flow, the package's contracts and the function's place are the same.
 */
export function runChecks(analysis: PackageAnalysis, graph: WorkspaceGraph, config: Config, checks: readonly Check[] = CHECKS, reuse = false): Finding[] {
  const out: Finding[] = [];
  for (const check of checks) {
    const configured = config.severity[check.id];
    if (configured === 'off') continue;
    try {
      const ctx: CheckContext = { analysis, graph, reuse, report: (f) => out.push({ ...f, severity: configured ?? f.severity ?? check.defaultSeverity, code: check.id }) };
      if (check.runFunction) runPerFunction(check, check.runFunction, ctx);
      else check.run?.(ctx);
    } catch (error) {
      config.log?.(`lockset: check ${check.id} failed in ${analysis.pkg.dir}: ${String((error as Error)?.stack ?? error)}`);
    }
  }
  return out.filter((f) => !suppressed(analysis, f)).map((f) => (f.fixes.length && !hasPackageClause(analysis, f.file) ? { ...f, fixes: [] } : f));
}

/** A function-local check's reports for one flow, and what they were computed against. */
interface FunctionReports { contracts: object; file: GoFile; line: number; column: number; reports: Map<string, Report[]> }
const reportsByFlow = new WeakMap<FunctionFlow, FunctionReports>();

function runPerFunction(check: Check, run: NonNullable<Check['runFunction']>, ctx: CheckContext): void {
  const { analysis, reuse } = ctx;
  for (const [fn, flow] of analysis.flows) {
    if (!reuse) { run.call(check, ctx, fn, flow); continue; }
    // Unchanged text at the same line and column: every position inside the function is the same too. In a file
    // that no edit replaced (the same GoFile), nothing moved: the position need not be computed again.
    let kept = reportsByFlow.get(flow);
    if (!kept || kept.contracts !== analysis.contractsIdentity || kept.file !== fn.file) {
      const at = fn.file.lines.position(fn.node.start);
      if (!kept || kept.contracts !== analysis.contractsIdentity || kept.line !== at.line || kept.column !== at.character) {
        kept = { contracts: analysis.contractsIdentity, file: fn.file, line: at.line, column: at.character, reports: new Map() };
        reportsByFlow.set(flow, kept);
      } else kept.file = fn.file;
    }
    let reports = kept.reports.get(check.id);
    if (!reports) {
      const found: Report[] = [];
      run.call(check, { ...ctx, report: (r) => found.push(r) }, fn, flow);
      kept.reports.set(check.id, (reports = found));
    }
    for (const r of reports) ctx.report(r);
  }
}

/**
 * A file whose package clause is missing or broken is not Go yet: the parser's recovery around it
 * shifts with any edit, so no quick fix is offered there (one could not be shown to keep it parsing).
 */
function hasPackageClause(analysis: PackageAnalysis, path: string): boolean {
  const file = analysis.pkg.files.find((x) => x.path === path);
  return !file || file.packageName !== '';
}

/** `//lockset:ignore <check-id> <reason>` on the line, the line above, or in the function's doc comment. */
function suppressed(analysis: PackageAnalysis, f: Finding): boolean {
  const file = analysis.pkg.files.find((x) => x.path === f.file);
  if (!file) return false;
  const line = f.range.start.line;
  const lines = [...file.commentsOnLine(line), ...file.commentsOnLine(line - 1)];
  if (lines.some((c) => ignores(file, c.start, c.end, f.code))) return true;
  const offset = file.lines.offset(f.range.start);
  const fn = file.funcs.find((d) => d.node.start <= offset && offset <= d.node.end);
  return !!fn && fn.doc.comments.some((c) => ignores(file, c.start, c.end, f.code));
}

function ignores(file: GoFile, start: number, end: number, code: string): boolean {
  for (const m of file.parsed.text.slice(start, end).matchAll(IGNORE)) if (m[1] === code || m[1] === 'all') return true;
  return false;
}
