import { checkUrl } from '../checks/check';
import { pathToFileURL } from 'node:url';
import { URI } from 'vscode-uri';
import {
  CodeAction, CodeActionKind, Diagnostic, DiagnosticSeverity, DiagnosticTag, type Position, type Range, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Fix } from '../base/finding';
import type { ProblemCounts } from '../protocol';

const SEVERITY = {
  error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint,
} as const;

/**
 * Documents that are not files (untitled:, vscode-notebook-cell:, ...) get a path of their own in a
 * virtual directory, so that each is a package by itself and never pulls in files from disk.
 */
const VIRTUAL = '/\u0000lockset-virtual/';

export function uriToPath(uri: string): string {
  try {
    const u = URI.parse(uri);
    if (u.scheme === 'file') return u.fsPath;
  } catch {
    // fall through: treated as a virtual document
  }
  return `${VIRTUAL}${encodeURIComponent(uri)}/document.go`;
}

export function isVirtual(path: string): boolean {
  return path.startsWith(VIRTUAL);
}

export function pathToUri(path: string): string {
  if (isVirtual(path)) return decodeURIComponent(path.slice(VIRTUAL.length, path.lastIndexOf('/')));
  return URI.file(path).toString();
}

/** A Markdown link that opens a file at a 1-based line (`file:///path#L12`), for the hover's evidence. */
export function fileLink(path: string, line: number): string {
  return `${pathToFileURL(path).href}#L${line}`;
}

/** Adds the findings that the Problems panel lists (VS Code leaves hints out of it) to `counts`, by severity. */
export function countProblems(findings: readonly Finding[], counts: ProblemCounts): ProblemCounts {
  for (const f of findings) {
    if (f.severity === 'error') counts.errors++;
    else if (f.severity === 'warning') counts.warnings++;
    else if (f.severity === 'information') counts.info++;
  }
  return counts;
}

export function toDiagnostic(f: Finding, relatedSupport: boolean): Diagnostic {
  const d = Diagnostic.create(f.range, f.message, SEVERITY[f.severity], f.code, 'lockset');
  // Each check's own page: what it finds, its example, how to silence it.
  d.codeDescription = { href: checkUrl(f.code) };
  if (f.unnecessary) d.tags = [DiagnosticTag.Unnecessary];
  if (relatedSupport && f.related.length) {
    d.relatedInformation = f.related.map((r) => ({ location: { uri: pathToUri(r.file), range: r.range }, message: r.message }));
  }
  return d;
}

/** A fix as a code action; `version` pins the edit to the document version it was computed for. */
export function toCodeAction(fix: Fix, diagnostic: Diagnostic, version: number | null, documentChanges: boolean): CodeAction {
  const byFile = new Map<string, TextEdit[]>();
  for (const e of fix.edits) {
    const uri = pathToUri(e.file);
    const list = byFile.get(uri) ?? [];
    list.push({ range: e.range, newText: e.newText });
    byFile.set(uri, list);
  }
  const edit: WorkspaceEdit = documentChanges
    ? { documentChanges: [...byFile].map(([uri, edits]) => ({ textDocument: { uri, version }, edits })) }
    : { changes: Object.fromEntries(byFile) };
  const action = CodeAction.create(fix.title, edit, CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.isPreferred = fix.preferred;
  return action;
}

export function isRange(r: unknown): r is Range {
  const pos = (x: unknown) => typeof x === 'object' && x !== null && typeof (x as Position).line === 'number' && typeof (x as Position).character === 'number';
  return typeof r === 'object' && r !== null && pos((r as Range).start) && pos((r as Range).end);
}

export function overlaps(a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a): boolean {
  const before = (x: typeof a.start, y: typeof a.start) => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
