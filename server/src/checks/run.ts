import type { PackageAnalysis } from '../analysis/package-analysis';
import type { WorkspaceGraph } from '../analysis/workspace-graph';
import type { GoFile } from '../model/file';
import type { Config } from '../util/config';
import type { Check } from './check';
import type { Finding } from './finding';
import { CHECKS } from './registry';

const IGNORE = /lockset:ignore\s+([\w-]+)/g;

/** Runs every enabled check over one package. A check that throws loses its results, not the package's. */
export function runChecks(analysis: PackageAnalysis, graph: WorkspaceGraph, config: Config, checks: readonly Check[] = CHECKS): Finding[] {
  const out: Finding[] = [];
  for (const check of checks) {
    const configured = config.severity[check.id];
    if (configured === 'off') continue;
    try {
      check.run({ analysis, graph, report: (f) => out.push({ ...f, severity: configured ?? f.severity ?? check.defaultSeverity, code: check.id }) });
    } catch (error) {
      config.log?.(`lockset: check ${check.id} failed in ${analysis.pkg.dir}: ${String((error as Error)?.stack ?? error)}`);
    }
  }
  return out.filter((f) => !suppressed(analysis, f)).map((f) => (f.fixes.length && !hasPackageClause(analysis, f.file) ? { ...f, fixes: [] } : f));
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
