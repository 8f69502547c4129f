import type { ContractLock } from '../analysis/contract-types';
import type { Guard } from '../analysis/guards';
import type { PackageAnalysis } from '../analysis/package-analysis';
import { lockClaims, type LockClaim } from '../analysis/prose-grammar';
import { requirementsAt } from '../analysis/requirements';
import type { Fix } from '../base/finding';
import type { FuncDecl, GoFile } from '../model/file';
import type { SyntaxNode } from '../syntax/node';

/** Contract sources that lockset inferred rather than read from an annotation: a +checklocks line can write them down. */
const INFERRED = new Set(['name', 'twin', 'callers', 'doc']);

/**
 * "Add // +checklocks:mu to the field": writes down a guard that lockset inferred from the accesses to a field or
 * package-level variable, on a line of its own above its declaration. Not for a declaration of several names (the
 * annotation would guard them all) or one that does not start its line.
 */
export function annotateGuard(analysis: PackageAnalysis, target: string, guard: Guard): Fix[] {
  if (guard.source !== 'inferred') return [];
  const dot = target.lastIndexOf('.');
  let file: GoFile, decl: SyntaxNode, what: string;
  if (dot > 0) {
    const t = analysis.pkg.types.get(target.slice(0, dot));
    if (!t || t.type.kind !== 'struct') return [];
    const fields = t.type.fields;
    const f = fields.find((x) => x.name === target.slice(dot + 1));
    if (!f || fields.some((x) => x !== f && x.node === f.node)) return [];
    file = t.file;
    decl = f.node;
    what = 'field';
  } else {
    const v = analysis.pkg.vars.get(target);
    if (!v || [...analysis.pkg.vars.values()].some((x) => x !== v && x.node === v.node)) return [];
    // `var x T` alone: above the var keyword; in a `var (...)` block, above its line.
    file = v.file;
    decl = v.node.parent?.type === 'var_declaration' ? v.node.parent : v.node;
    what = 'variable';
  }
  if (!insertableAbove(decl)) return [];
  const line = file.lines.lineOf(decl.start);
  const indent = file.lines.indentOf(line);
  if (file.lines.lineStart(line) + indent.length !== decl.start) return [];
  const at = file.lines.position(file.lines.lineStart(line));
  const text = `+checklocks:${guard.lock}`;
  return [{ id: 'annotate-guard', title: `Add // ${text} to the ${what}`, edits: [{ file: file.path, range: { start: at, end: at }, newText: `${indent}// ${text}\n` }] }];
}

/**
 * "Add // +checklocks:s.mu to the doc comment": writes down a contract that lockset inferred (from a …Locked name, a
 * twin, the callers, or doc-comment prose) on the function of this package it belongs to. `+checklocksread` for an
 * RWMutex when the contract asks only for a read lock: it says so ("held for reading"), or the body writes nothing.
 */
export function annotateContract(analysis: PackageAnalysis, callee: FuncDecl, lock: ContractLock): Fix[] {
  const ref = lock.ref;
  if (!INFERRED.has(lock.source.kind) || !lock.resolved || !analysis.pkg.owns(callee)) return [];
  if (!ref.exact || !['receiver', 'param', 'global'].includes(ref.rootKind)) return [];
  const file = callee.file;
  if (!insertableAbove(callee.node)) return [];
  const line = file.lines.lineOf(callee.node.start);
  const indent = file.lines.indentOf(line);
  if (file.lines.lineStart(line) + indent.length !== callee.node.start) return [];
  const directive = readOnly(analysis, callee, lock) ? 'checklocksread' : 'checklocks';
  const text = `+${directive}:${ref.display}`;
  // A directive stands apart from the prose above it, after an empty comment line (as gofmt keeps doc comments).
  const last = callee.doc.comments[callee.doc.comments.length - 1];
  const sep = last && file.text(last).trim() !== '//' ? `${indent}//\n` : '';
  const at = file.lines.position(file.lines.lineStart(line));
  return [{ id: 'annotate-contract', title: `Add // ${text} to the doc comment of ${callee.name}`, edits: [{ file: file.path, range: { start: at, end: at }, newText: `${sep}${indent}// ${text}\n` }] }];
}

/**
 * Whether a comment line can go above a declaration: one that parsed whole, at the top of the file or in a
 * well-formed struct or var block (half-typed code around it could swallow the line, or be split by it).
 */
function insertableAbove(decl: SyntaxNode): boolean {
  for (let p: SyntaxNode | null = decl; p; p = p.parent) if (p.hasError && p.type !== 'source_file') return false;
  // The declaration before it, past its doc comment, must have parsed too (a stray `,` there joins them).
  const siblings = decl.parent?.children ?? [];
  let i = siblings.indexOf(decl) - 1;
  while (i >= 0 && siblings[i].type === 'comment') i--;
  return i < 0 || (siblings[i].type !== 'ERROR' && !siblings[i].hasError);
}

function readOnly(analysis: PackageAnalysis, callee: FuncDecl, lock: ContractLock): boolean {
  if (lock.exactMode) return lock.mode === 'read';
  if (analysis.pkg.lockKind(lock.ref.type) !== 'rwmutex') return false;
  // Prose that says "held for reading" (kept by the contract as read-or-write, which either hold satisfies).
  const says = (c: LockClaim) => c.subjects.includes(lock.written) || (c.generic && lock.written === 'the lock');
  if (lock.source.kind === 'doc' && lockClaims(callee.doc.text).some((c) => c.mode === 'read' && says(c))) return true;
  // Else a body that writes nothing, and calls nothing that asks for a write lock, needs only a read lock.
  const flow = analysis.flows.get(callee);
  if (!flow || flow.accesses.some((a) => a.write)) return false;
  return !flow.calls.some((site) => requirementsAt(analysis, callee, site).some((r) => r.lock.exactMode && r.lock.mode === 'write'));
}
