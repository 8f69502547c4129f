import { lockAnnotations } from '../analysis/annotations';
import { isPseudoLock } from '../analysis/blocking';
import type { CallSite } from '../analysis/flow-types';
import type { HeldSet } from '../analysis/held';
import { describeHeld } from '../analysis/held';
import type { PackageAnalysis } from '../analysis/package-analysis';
import { requirementsAt } from '../analysis/requirements';
import type { FuncDecl, GoFile } from '../model/file';
import { involvesPackages, lockClassName } from '../model/class-name';
import { classNodeOf, lockClass } from '../model/refs';
import type { SyntaxNode } from '../syntax/node';
import { locate } from './locate';
import { lockLens } from '../core/lens';

/** A place in a file, as offsets; the LSP layer turns it into a Location. */
export interface Place { file: GoFile; start: number; end: number }

export interface Lens { fn: FuncDecl; title: string; targets: Place[] }

/**
 * Above each function that takes or requires locks: `🔒 requires vms.mu · takes VM.lock · 2 callers without the lock`.
 * The callers are counted in its package and in `importers` (the analyses of the packages that import it), from
 * the same facts as the missing-lock diagnostics there.
 */
export function lensesFor(analysis: PackageAnalysis, file: GoFile, importers: readonly PackageAnalysis[] = []): Lens[] {
  const out: Lens[] = [];
  for (const fn of file.funcs) {
    const c = analysis.contractOf(fn);
    const direct = (analysis.acquisitions.get(fn) ?? []).filter((a) => a.chain.length === 0);
    const qualified = involvesPackages([analysis.pkg.name, ...direct.map((a) => a.pkg ?? analysis.pkg.name)]);
    const lens = lockLens<Place>({
      requires: c.requires.map((r) => r.ref.display),
      takes: [...new Set(direct.map((a) => lockClassName(a.cls, a.pkg ?? analysis.pkg.name, qualified)))],
      callersWithoutLock: c.requires.length ? callersWithoutLock(analysis, fn, importers).map(({ caller, site }) => ({ file: caller.file, start: site.nameNode.start, end: site.nameNode.end })) : [],
      acquisitions: (analysis.flows.get(fn)?.lockEvents ?? []).filter((e) => !e.op.method.endsWith('nlock') && !e.deferred).map((e) => ({ file: fn.file, start: e.node.start, end: e.node.end })),
    });
    if (lens) out.push({ fn, ...lens });
  }
  return out;
}

/**
 * The calls of `fn`, in its package and in `importers`, that miss a lock it requires: what the missing-lock
 * diagnostics are made from (a call under a `// LOCK:` comment says its caller holds the lock), for the lens and
 * the hover to count alike.
 */
export function callersWithoutLock(analysis: PackageAnalysis, fn: FuncDecl, importers: readonly PackageAnalysis[] = []): { caller: FuncDecl; site: CallSite }[] {
  return [analysis, ...importers].flatMap((a) => a.callersOf(fn).filter(({ caller, site }) =>
    lockAnnotations(caller.file, site.node).length === 0 && requirementsAt(a, caller, site).some((r) => r.held === 'missing')));
}

export interface Hint { offset: number; label: string; tooltip: string }

/** After Lock() lines and at calls of lock-requiring functions: the held set, `⟨vms.mu⟩`, or `⟨no locks⟩`. */
export function heldHints(analysis: PackageAnalysis, file: GoFile, start: number, end: number): Hint[] {
  const out: Hint[] = [];
  const label = (held: HeldSet) => {
    const locks = held.all().filter((h) => !isPseudoLock(h.ref.key) && !h.inherited);
    // Nothing held says so in words: an empty ⟨⟩ reads like a rendering glitch.
    return locks.length ? `⟨${locks.map((h) => h.ref.display + (h.maybe ? '?' : '')).join(', ')}⟩` : '⟨no locks⟩';
  };
  for (const fn of file.funcs) {
    if (fn.node.end < start || fn.node.start > end) continue;
    const flow = analysis.flows.get(fn);
    if (!flow) continue;
    for (const e of flow.lockEvents) {
      if (e.deferred || e.op.method.endsWith('nlock') || e.op.method.startsWith('Try')) continue;
      const stmt = statementOf(e.node);
      const after = stmt ? flow.stmtHeld.get(nextStatement(stmt) ?? stmt) : undefined;
      const held = after ?? e.held.with({ ref: e.op.ref, mode: e.op.method === 'RLock' ? 'read' : 'write', maybe: false, site: e.node });
      out.push({ offset: lineEnd(file, e.node.end), label: label(held), tooltip: held.all().map(describeHeld).join(', ') || 'no locks held' });
    }
    for (const site of flow.calls) {
      if (!site.callee || analysis.contractOf(site.callee).requires.length === 0) continue;
      out.push({ offset: site.node.end, label: label(site.held), tooltip: `held at this call of ${site.calleeName}: ${site.held.toString()}` });
    }
  }
  return out.filter((h) => h.offset >= start && h.offset <= end).sort((a, b) => a.offset - b.offset);
}

function statementOf(n: SyntaxNode): SyntaxNode | undefined {
  for (let p: SyntaxNode | null = n; p; p = p.parent) if (p.parent?.type === 'statement_list') return p;
  return undefined;
}

function nextStatement(s: SyntaxNode): SyntaxNode | undefined {
  const siblings = s.parent?.children.filter((c) => c.type !== 'comment') ?? [];
  return siblings[siblings.indexOf(s) + 1];
}

function lineEnd(file: GoFile, offset: number): number {
  const line = file.lines.lineOf(offset);
  return file.lines.lineEnd(line);
}

/**
 * The lock class under the cursor, as its lock-order graph node (see classNodeOf): at a Lock/Unlock
 * call, or on a lock field or variable's name. Nodes, not names, so that a class is the same one seen
 * from any package.
 */
export function lockClassAt(analysis: PackageAnalysis, file: GoFile, offset: number): string | undefined {
  const at = locate(analysis, file, offset);
  const dir = analysis.pkg.dir;
  if (at.lockEvent) return classNodeOf(at.lockEvent.op.ref, dir) ?? `${dir}|${lockClass(at.lockEvent.op.ref)}`;
  for (const t of file.types) {
    if (t.type.kind !== 'struct') continue;
    for (const f of t.type.fields) {
      const s = file.parsed.text.indexOf(f.name, f.node.start);
      if (s >= 0 && s <= offset && offset <= s + f.name.length && analysis.pkg.lockKind(f.type)) return `${dir}|${t.name}.${f.name}`;
    }
  }
  for (const v of file.vars) {
    if (v.nameNode.start <= offset && offset <= v.nameNode.end && analysis.pkg.lockKind(analysis.globalType(v.name))) return `${dir}|${analysis.pkg.name}.${v.name}`;
  }
  return undefined;
}

/** Every Lock/Unlock/RLock/RUnlock of a class (a node from lockClassAt), across the given packages. */
export function lockReferences(analyses: PackageAnalysis[], node: string): Place[] {
  const out: Place[] = [];
  for (const a of analyses) {
    for (const [fn, flow] of a.flows) {
      for (const e of flow.lockEvents) {
        if ((classNodeOf(e.op.ref, a.pkg.dir) ?? `${a.pkg.dir}|${lockClass(e.op.ref)}`) === node) out.push({ file: fn.file, start: e.node.start, end: e.node.end });
      }
    }
  }
  return out;
}

/** In one function, the Lock under the cursor with its Unlocks (deferred too), or an Unlock with its Locks. */
export function lockHighlights(analysis: PackageAnalysis, file: GoFile, offset: number): { place: Place; write: boolean }[] {
  const at = locate(analysis, file, offset);
  if (!at.lockEvent || !at.flow) return [];
  const key = at.lockEvent.op.ref.key;
  const seen = new Set<SyntaxNode>();
  return at.flow.lockEvents.filter((e) => e.op.ref.key === key && !seen.has(e.node) && seen.add(e.node))
    .map((e) => ({ place: { file, start: e.node.start, end: e.node.end }, write: !e.op.method.endsWith('nlock') }));
}

/** "Go to Implementation" on a function that requires a lock: the calls that provide it. */
export function providingCalls(analysis: PackageAnalysis, file: GoFile, offset: number): Place[] {
  const at = locate(analysis, file, offset);
  const fn = at.declared ?? at.call?.callee;
  if (!fn || analysis.contractOf(fn).requires.length === 0) return [];
  return analysis.callersOf(fn)
    .filter(({ caller, site }) => requirementsAt(analysis, caller, site).every((r) => r.held === 'held'))
    .map(({ caller, site }) => ({ file: caller.file, start: site.nameNode.start, end: site.nameNode.end }));
}
