import { enclosingStatement } from '../analysis/annotations';
import type { AtomicField } from '../analysis/atomic';
import type { AccessEvent } from '../analysis/flow-types';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { Fix, TextEdit } from '../base/finding';
import type { FuncDecl, GoFile } from '../model/file';
import { child, walk, type SyntaxNode } from '../syntax/node';
import { importEdit } from './imports';

/**
 * "Make this access atomic", for a field declared as one of sync/atomic's basic types: a read becomes
 * atomic.LoadT(&x.f), `x.f = v` atomic.StoreT(&x.f, v), `x.f++`/`x.f--`/`x.f += n`/`x.f -= n` atomic.AddT.
 * Only where the result is exactly as right: `&x.f` must be addressable (x, x.y.z), and a store whose value
 * reads the field again (`x.f = x.f * 2`) would still be a non-atomic read-modify-write, and so would a Load there.
 */
export function atomicFixes(analysis: PackageAnalysis, fn: FuncDecl, a: AccessEvent, field: AtomicField): Fix[] {
  const file = fn.file;
  const suffix = field.basic;
  if (!suffix || a.node.hasError || !isAddressable(child(a.node, 'operand'))) return [];
  const pkg = atomicName(analysis, fn);
  if (!pkg) return [];
  const target = file.text(a.node);
  const p = a.node.parent;
  let edit: { node: SyntaxNode; text: string } | undefined;
  if (!a.write) {
    if (p?.type === 'unary_expression' && p.op === '&') return [];
    // `x.f = x.f * 2`: an atomic read would leave a non-atomic read-modify-write.
    const stmt = enclosingStatement(a.node);
    const left = stmt?.type === 'assignment_statement' ? child(stmt, 'left') : undefined;
    if (left && readsField(file, left, a.field)) return [];
    edit = { node: a.node, text: `${pkg.name}.Load${suffix}(&${target})` };
  } else if (p?.type === 'inc_statement' || p?.type === 'dec_statement') {
    const delta = p.type === 'inc_statement' ? '1' : suffix.startsWith('Int') ? '-1' : `^${suffix.toLowerCase()}(0)`;
    edit = { node: p, text: `${pkg.name}.Add${suffix}(&${target}, ${delta})` };
  } else {
    const stmt = p?.type === 'expression_list' && p.field === 'left' ? p.parent : undefined;
    const right = stmt?.type === 'assignment_statement' ? child(stmt, 'right') : undefined;
    const values = right?.children.filter((c) => c.type !== 'comment') ?? [];
    if (!stmt || stmt.hasError || p!.children.length !== 1 || values.length !== 1) return [];
    const value = file.text(values[0]);
    if (stmt.op === '=' && !readsField(file, values[0], a.field)) edit = { node: stmt, text: `${pkg.name}.Store${suffix}(&${target}, ${value})` };
    else if (stmt.op === '+=') edit = { node: stmt, text: `${pkg.name}.Add${suffix}(&${target}, ${value})` };
    else if (stmt.op === '-=' && suffix.startsWith('Int')) edit = { node: stmt, text: `${pkg.name}.Add${suffix}(&${target}, -${simple(values[0]) ? value : `(${value})`})` };
  }
  if (!edit) return [];
  const edits: TextEdit[] = [{ file: file.path, range: file.lines.range(edit.node.start, edit.node.end), newText: edit.text }];
  if (pkg.add) edits.push(importEdit(file, 'sync/atomic'));
  const title = `Make it atomic: ${edit.text}${pkg.add ? ' (imports sync/atomic)' : ''}`;
  return [{ id: 'atomic-access', title, preferred: true, edits }];
}

/** `x`, `x.y.z`: a variable or a field selected from one, whose address `&` can take. */
function isAddressable(n: SyntaxNode | undefined): boolean {
  if (n?.type === 'identifier') return true;
  return n?.type === 'selector_expression' && isAddressable(child(n, 'operand'));
}

function simple(n: SyntaxNode): boolean {
  return n.type === 'identifier' || n.type === 'int_literal' || n.type === 'selector_expression';
}

/** Whether the expression selects a field of that name (of any object: then no fix is clearly right). */
function readsField(file: GoFile, value: SyntaxNode, field: string): boolean {
  let found = false;
  walk(value, (n) => {
    if (n.type === 'selector_expression' && file.text(child(n, 'field')) === field) found = true;
    return !found;
  });
  return found;
}

/**
 * The local name of the file's sync/atomic import, or `atomic` with `add` when the file has none and the name
 * is free: no other import, package-level name or identifier of the function is called atomic, and sync/atomic
 * is not imported blank or with a dot.
 */
function atomicName(analysis: PackageAnalysis, fn: FuncDecl): { name: string; add: boolean } | undefined {
  const file = fn.file;
  for (const [name, path] of file.imports) if (path === 'sync/atomic') return { name, add: false };
  if (file.imports.has('atomic') || /"sync\/atomic"/.test(file.parsed.text)) return undefined;
  const { pkg } = analysis;
  if (pkg.vars.has('atomic') || pkg.types.has('atomic') || pkg.funcs.has('atomic')) return undefined;
  let used = false;
  if (fn.body) walk(fn.body, (n) => { if (n.type === 'identifier' && file.text(n) === 'atomic') used = true; return !used; });
  return used ? undefined : { name: 'atomic', add: true };
}
