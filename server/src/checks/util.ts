import { classNodeOf, lockClass, type Ref } from '../model/refs';
import type { HeldLock } from '../analysis/held';
import type { Acquisition } from '../analysis/package-analysis-types';
import type { ExitPoint } from '../analysis/flow-types';
import type { FuncDecl, GoFile } from '../model/file';
import type { SyntaxNode } from '../syntax/node';
import type { Range } from '../base/lines';
import type { Finding, RelatedLocation } from '../base/finding';
import type { AccessEvent } from '../analysis/flow-types';
import type { Guard } from '../analysis/guards';
import type { PackageAnalysis } from '../analysis/package-analysis';

const SEVERITY_ICONS: Record<Finding['severity'], string> = { error: '⛔', warning: '⚠️', information: 'ℹ️', hint: '💡' };

/** A finding as a hover's first line, Go's and TypeScript's alike: its message (markdown characters escaped) and its check. */
export function findingLine(f: Finding): string {
  return `${SEVERITY_ICONS[f.severity]} ${f.message.replace(/[\\`*_[\]<>#|]/g, '\\$&')} · \`${f.code}\``;
}

export function lineNo(file: GoFile, offset: number): number {
  return file.lines.lineOf(offset) + 1;
}

/** A node's range, cut at the end of its first line (a select or a multi-line send stays readable). */
export function firstLineRange(file: GoFile, node: SyntaxNode): Range {
  const line = file.lines.lineOf(node.start);
  const lineEnd = file.lines.lineEnd(line);
  return file.lines.range(node.start, Math.min(node.end, lineEnd));
}

export function related(file: GoFile, start: number, end: number, message: string): RelatedLocation {
  return { file: file.path, range: file.lines.range(start, end), message };
}

/** "locked at line 12", or "held by the contract of f" for a lock the caller provides. */
export function whereHeld(fn: FuncDecl, h: HeldLock): string {
  return h.fromContract ? `held by the caller per ${fn.name}'s contract` : `locked at line ${lineNo(fn.file, h.site.start)}`;
}

/** Where a held lock was taken, as a related location. */
export function heldLocation(fn: FuncDecl, h: HeldLock): RelatedLocation {
  const end = h.fromContract ? fn.nameNode.end : h.site.start;
  return related(fn.file, h.site.start, end, h.fromContract ? `${h.ref.display} is held on entry (${fn.name}'s contract)` : `${h.ref.display} locked here`);
}

/** The Lock call at the end of an acquisition's chain, as a related location. */
export function acquisitionLocation(a: Acquisition, message: string): RelatedLocation {
  return related(a.lockFn.file, a.lockNode.start, a.lockNode.start, message);
}

/** The `Lock`/`Unlock` name in a call such as `s.mu.Lock()`, or in `defer s.mu.Lock()`. */
export function methodNameNode(node: SyntaxNode): SyntaxNode | undefined {
  const call = node.type === 'call_expression' ? node : node.children.find((c) => c.type === 'call_expression');
  const fn = call?.children.find((c) => c.field === 'function');
  return fn?.children.find((c) => c.field === 'field');
}

/** The lock-graph nodes of some locks, as a finding's `locks` (see Finding): the Locks view's keys. */
export function lockNodes(dir: string, refs: readonly Ref[]): string[] {
  return [...new Set(refs.map((r) => classNodeOf(r, dir) ?? `${dir}|${lockClass(r)}`))];
}

/**
 * The lock-graph nodes of the guards of an access (see lockNodes): a field's guard is a lock path from the
 * accessed struct (`c.mu`, `c.inner.mu`, the embedded mutex), a global's a package-level lock of the package that
 * declares the variable.
 */
export function guardNodes(analysis: PackageAnalysis, fn: FuncDecl, a: AccessEvent, guards: readonly Guard[]): string[] {
  const dir = analysis.pkg.dir;
  const out = new Set<string>();
  for (const g of guards) {
    if (g.relative) {
      if (!a.base) continue;
      const res = analysis.resolver(fn);
      const path = g.heldAs ?? g.lock;
      const ref = path ? path.split('.').reduce((r, p) => res.appendField(r, p), a.base) : a.base;
      for (const n of lockNodes(dir, [ref])) out.add(n);
      continue;
    }
    // Another package's variable (`<dir>#pkg.name`, see foreignTarget): its guard is a global of that package.
    const hash = a.target.indexOf('#');
    const home = hash < 0 ? dir : a.target.slice(0, hash);
    const pkg = hash < 0 ? analysis.pkg.name : a.target.slice(hash + 1, a.target.indexOf('.', hash));
    out.add(`${home}|${pkg}.${g.lock}`);
  }
  return [...out];
}

/** Where a finding about an exit goes: the `return` keyword, or the closing brace of a body that ends. */
export function exitRange(exit: ExitPoint): { start: number; end: number } {
  if (exit.kind === 'end') return { start: Math.max(exit.node.end - 1, exit.node.start), end: exit.node.end };
  return { start: exit.node.start, end: exit.node.start + 'return'.length };
}
