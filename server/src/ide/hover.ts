import { callersWithoutLock } from './navigation';
import type { Contract, ContractLock } from '../analysis/contract-types';
import { describeHeld, type HeldSet } from '../analysis/held';
import type { PackageAnalysis } from '../analysis/package-analysis';
import { requirementsAt, type CallRequirement } from '../analysis/requirements';
import { describeChain } from '../analysis/summaries';
import type { FuncDecl, GoFile } from '../model/file';
import { typeToString } from '../model/types';
import { locate } from './locate';
import { rankIn } from '../analysis/hierarchy';
import type { WorkspaceGraph } from '../analysis/workspace-graph';
import { classNodeOf, classPackageOf, lockClass, type Ref } from '../model/refs';
import { involvesPackages, lockClassName } from '../model/class-name';
import { allGuards, guardFacts } from '../analysis/guards';
import type { GoType } from '../model/types';
import type { Finding } from '../base/finding';
import { findingLine, lockNodes } from '../checks/util';

export interface HoverResult { markdown: string; start: number; end: number }

/** A link that opens a file at a 1-based line, as the editor's Markdown needs it (lsp/ makes it: `fileLink`). */
export type FileLink = (path: string, line: number) => string;

/** What a hover is shown with: the diagnostics, so that it says each fact once, and how to link to a file. */
export interface HoverContext {
  /** The findings of the file (those that cover the position count). */
  findings?: readonly Finding[];
  /** The editor shows the diagnostics at the position in its own hover, above the server's (VS Code does). */
  editorShowsDiagnostics?: boolean;
  /** Links to the evidence of a contract; without it, the hover names the line with no link. */
  link?: FileLink;
}

/**
 * Hover text at an offset: a function's contract (at its name or a call), else the locks held there. A finding
 * that covers the offset comes first (unless the editor shows it itself), and at a call the rows that repeat it
 * (the contract of the lock it names, "needs it: not held", "no locks held") are left out.
 */
export function hoverAt(analysis: PackageAnalysis, file: GoFile, offset: number, graph?: WorkspaceGraph, importers: readonly PackageAnalysis[] = [], here: HoverContext = {}): HoverResult | undefined {
  const covering = (here.findings ?? []).filter((f) => f.file === file.path && file.lines.offset(f.range.start) <= offset && offset <= file.lines.offset(f.range.end));
  const h = hoverBody(analysis, file, offset, graph, importers, new Set(covering.flatMap((f) => f.locks ?? [])), here.link);
  if (!h || !covering.length || here.editorShowsDiagnostics) return h;
  return { ...h, markdown: [...covering.map(findingLine), h.markdown].join('\n\n---\n\n') };
}

/** The hover without the findings; `said` are the lock classes (graph nodes) that findings there already name. */
function hoverBody(analysis: PackageAnalysis, file: GoFile, offset: number, graph: WorkspaceGraph | undefined, importers: readonly PackageAnalysis[], said: ReadonlySet<string>, link?: FileLink): HoverResult | undefined {
  const decl = declarationHover(analysis, file, offset, graph);
  if (decl) return decl;
  const at = locate(analysis, file, offset);
  if (at.lockEvent && !at.call) {
    const e = at.lockEvent;
    return { markdown: lockMarkdown(analysis, e.op.ref, e.op.kind, e.held, e.op.method, graph), start: e.node.start, end: e.node.end };
  }
  if (at.declared) {
    const fn = at.declared;
    return { markdown: contractMarkdown(analysis, fn, [], new Set(), link), start: fn.nameNode.start, end: fn.nameNode.end };
  }
  if (at.call && at.fn) {
    const site = at.call;
    const parts: string[] = [];
    // A requirement that a finding here names (its lock not held, or held on some paths only) is said by the finding.
    const all = requirementsAt(analysis, at.fn, site);
    const repeated = all.filter((r) => (r.held === 'missing' || r.held === 'maybe') && lockNodes(analysis.pkg.dir, [r.ref]).some((n) => said.has(n)));
    const reqs = all.filter((r) => !repeated.includes(r));
    if (site.callee) parts.push(contractMarkdown(analysis, site.callee, importers, new Set(repeated.map((r) => r.lock)), link));
    else parts.push(`**${site.calleeName}**: no contract known`);
    if (reqs.length) {
      parts.push('**At this call**\n\n' + reqs.map((r) => `- needs \`${r.ref.display}\`: ${HELD_TEXT[r.held]}`).join('\n'));
    }
    // "No locks held" repeats "which is not held here"; the other locks held are news.
    if (!repeated.length || site.viaGo || site.held.all().length) parts.push(heldLine(site.held, site.viaGo));
    return { markdown: parts.join('\n\n---\n\n'), start: site.nameNode.start, end: site.nameNode.end };
  }
  if (at.held && at.stmt && at.fn?.body && offset >= at.fn.body.start) {
    return { markdown: heldLine(at.held, false), start: at.stmt.start, end: at.stmt.start };
  }
  return undefined;
}

/** Hover on a struct field or package-level variable: the lock it is, or the lock that guards it. */
function declarationHover(analysis: PackageAnalysis, file: GoFile, offset: number, graph?: WorkspaceGraph): HoverResult | undefined {
  const { pkg } = analysis;
  const within = (n: { start: number; end: number }) => n.start <= offset && offset <= n.end;
  let target: { key: string; name: string; type: GoType; start: number; end: number; owner?: string } | undefined;
  for (const t of file.types) {
    if (t.type.kind !== 'struct' || !within(t.node)) continue;
    for (const f of t.type.fields) {
      const nameStart = file.parsed.text.indexOf(f.name, f.node.start);
      if (nameStart >= 0 && nameStart <= offset && offset <= nameStart + f.name.length) target = { key: `${t.name}.${f.name}`, name: f.name, type: f.type, start: nameStart, end: nameStart + f.name.length, owner: t.name };
    }
  }
  for (const v of file.vars) if (within(v.nameNode)) target = { key: v.name, name: v.name, type: analysis.globalType(v.name), start: v.nameNode.start, end: v.nameNode.end };
  // An access in a body: `s.count`
  if (!target) {
    const access = [...analysis.flows].filter(([fn]) => fn.file === file).flatMap(([, f]) => f.accesses).find((a) => within(a.node) && a.node.end - offset <= a.field.length);
    if (access) target = { key: access.target, name: access.field, type: { kind: 'unknown' }, start: access.node.end - access.field.length, end: access.node.end };
  }
  if (!target) return undefined;
  const parts: string[] = [];
  const kind = pkg.lockKind(target.type);
  if (kind) {
    const cls = target.owner ? target.key : `${pkg.name}.${target.name}`;
    parts.push(`🔒 **${target.key}** · ${KIND_NAMES[kind]} · class \`${lockClassName(cls, pkg.name, false)}\``);
    for (const order of graph?.orders ?? []) {
      const rank = rankIn(order, cls, pkg.name);
      if (rank >= 0) parts.push(`Declared order: ${order.names.map((n, i) => (i === rank ? `**${n}**` : n)).join(' > ')}`);
    }
    const sites = [...analysis.flows.values()].flatMap((f) => f.lockEvents).filter((e) => !e.op.method.endsWith('nlock') && lockClass(e.op.ref) === cls);
    parts.push(`Taken at ${sites.length} site${sites.length === 1 ? '' : 's'} in this package.`);
    const guarded = [...guardFacts(analysis).guards].filter(([k, g]) => (target!.owner ? g.relative && k.startsWith(`${target!.owner}.`) : !g.relative) && allGuards(g).some((x) => x.lock === target!.name));
    if (guarded.length) parts.push(`Guards: ${guarded.map(([k, g]) => `\`${k}\`${g.source === 'inferred' ? ` (inferred from ${g.held} of ${g.total} accesses)` : ' (+checklocks)'}`).join(', ')}`);
  } else {
    const g = guardFacts(analysis).guards.get(target.key);
    if (!g) return undefined;
    parts.push(`**${target.key}** is guarded by ${allGuards(g).map((x) => `\`${x.lock}\``).join(' and ')} ${g.source === 'inferred' ? `(inferred from ${g.held} of ${g.total} accesses)` : '(+checklocks annotation)'}`);
  }
  return { markdown: parts.join('\n\n'), start: target.start, end: target.end };
}

const HELD_TEXT: Record<CallRequirement['held'], string> = {
  held: 'held ✓', maybe: 'held on some paths only', missing: '**not held**', unresolved: 'contract not understood (no such lock in scope), not checked', unshared: 'not needed: the object is new and not shared yet ✓',
};

const KIND_NAMES: Record<string, string> = { mutex: 'sync.Mutex', rwmutex: 'sync.RWMutex', locker: 'sync.Locker', custom: 'a lock type of this package', unknown: 'a lock' };

/** Hover on `mu.Lock()`: the lock's class, its place in any declared order, what is held, and any cycle. */
function lockMarkdown(analysis: PackageAnalysis, ref: Ref, kind: string, held: HeldSet, method: string, graph?: WorkspaceGraph): string {
  const cls = lockClass(ref);
  const pkg = classPackageOf(ref, analysis.pkg.name);
  const node = classNodeOf(ref, analysis.pkg.dir);
  const parts = [`🔒 **${ref.display}**.${method}() · class \`${lockClassName(cls, pkg, pkg !== analysis.pkg.name)}\` · ${KIND_NAMES[kind] ?? 'a lock'}`];
  for (const order of graph?.orders ?? []) {
    const rank = rankIn(order, cls, pkg);
    if (rank >= 0) parts.push(`Declared order: ${order.names.map((n, i) => (i === rank ? `**${n}**` : n)).join(' > ')} (position ${rank + 1} of ${order.names.length})`);
  }
  const others = held.all().filter((h) => h.ref.key !== ref.key);
  parts.push(others.length ? `Already held here: ${others.map((h) => `\`${describeHeld(h)}\``).join(', ')}` : 'No other lock is held here.');
  for (const cycle of graph?.cycles ?? []) {
    if (!cycle.some((e) => e.from === node)) continue;
    // Named as lock-order-cycle's message names them.
    const cross = involvesPackages(cycle.flatMap((e) => [e.fromPkg, e.toPkg]));
    const names = cycle.map((e) => lockClassName(e.from, e.fromPkg, cross));
    parts.push(`⚠️ In a lock-order cycle: ${[...names, names[0]].join(' → ')}`);
  }
  return parts.join('\n\n');
}

function heldLine(held: HeldSet, viaGo: boolean): string {
  if (viaGo) return '🔓 A goroutine starts with no locks held.';
  const locks = held.all();
  if (locks.length === 0) return '🔓 No locks held here.';
  return `🔒 Held here: ${locks.map((l) => `\`${describeHeld(l)}\``).join(', ')}`;
}

/**
 * A function's signature and contract; `omit`: the contract's locks that a finding shown with it already states;
 * `link`: how to link to the evidence.
 */
export function contractMarkdown(analysis: PackageAnalysis, fn: FuncDecl, importers: readonly PackageAnalysis[] = [], omit: ReadonlySet<ContractLock> = new Set(), link?: FileLink): string {
  const results = fn.results.map(typeToString);
  const ret = results.length === 0 ? '' : results.length === 1 ? ` ${results[0]}` : ` (${results.join(', ')})`;
  const sig = `${fn.recvType ? `(${fn.recvPointer ? '*' : ''}${fn.recvType}) ` : ''}${fn.name}(${fn.params.map((p) => `${p.name} ${typeToString(p.type)}`).join(', ')})${ret}`;
  const c = analysis.contractOf(fn);
  const owner = analysis.foreign(fn);
  const lines = [`\`\`\`go\nfunc ${sig}\n\`\`\`${owner ? `\n\nIn package \`${owner.pkg.name}\`.` : ''}`];
  const body = contractLines(c, owner ?? analysis, omit, link);
  if (body.length) lines.push(body.join('\n'));
  else if (!omit.size) lines.push('No lock contract: its callers need not hold any lock.');
  const effects = effectLines(owner ?? analysis, fn, owner?.pkg.name);
  if (effects.length) lines.push(effects.join('\n'));
  if (c.requires.length) {
    const callers = callersWithoutLock(analysis, fn, owner ? [] : importers);
    if (callers.length) lines.push(`⚠️ ${callers.length} caller${callers.length === 1 ? '' : 's'} without the lock.`);
  }
  return lines.join('\n\n');
}

/** What a call does with locks beyond its contract: the locks it takes (through calls too), the callbacks it runs under a lock. */
function effectLines(analysis: PackageAnalysis, fn: FuncDecl, pkg?: string): string[] {
  // Seen from another package (`pkg`, the callee's), or taking locks of two packages, every class gets its package's name.
  const own = analysis.pkg.name;
  const qualified = !!pkg || involvesPackages([own, ...(analysis.acquisitions.get(fn) ?? []).map((a) => a.pkg ?? own)]);
  const qualify = (a: { cls: string; pkg?: string }) => lockClassName(a.cls, a.pkg ?? own, qualified);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const a of analysis.acquisitions.get(fn) ?? []) {
    if (seen.has(a.cls) || !a.ref.exact && a.chain.length === 0) continue;
    seen.add(a.cls);
    if (seen.size > 5) { out.push('- …'); break; }
    out.push(`- **takes** \`${qualify(a)}\`${a.mode === 'read' ? ' (read)' : ''}${a.chain.length ? ` via ${describeChain(a)}` : ''}`);
  }
  for (const pc of analysis.paramCalls.get(fn) ?? []) {
    out.push(`- **runs** \`${pc.name}\` (a callback) while holding ${pc.held.map((h) => `\`${h.ref.display}\``).join(', ')}`);
  }
  return out;
}

function contractLines(c: Contract, analysis: PackageAnalysis, omit: ReadonlySet<ContractLock>, fileLink?: FileLink): string[] {
  const out: string[] = [];
  // A link to the evidence (in the editor, `file:///path#L12` opens the file at that line).
  const link = (l: ContractLock) => {
    const f = analysis.pkg.files.find((x) => x.path === l.source.file);
    if (!f) return '';
    const line = f.lines.lineOf(l.source.offset) + 1;
    return fileLink ? ` ([line ${line}](${fileLink(f.path, line)}))` : ` (line ${line})`;
  };
  const row = (label: string, locks: ContractLock[]) => {
    for (const l of locks.filter((x) => !omit.has(x))) out.push(!l.resolved ? `- **contract not understood**: '${l.written}' ${l.unresolvedWhy ?? 'names no lock in scope'}, so it is not checked: from ${l.source.describe}${link(l)}` : `- **${label}** \`${l.ref.display}\`${l.mode === 'read' && label === 'requires' ? '' : l.mode === 'read' ? ' (read)' : ''}: from ${l.source.describe}${link(l)}`);
  };
  row('requires', c.requires);
  row('acquires', c.acquires);
  row('releases', c.releases);
  row('excludes', c.excludes);
  if (c.ignore) out.push('- lock checks are off in this function (`+checklocksignore`)');
  return out;
}
