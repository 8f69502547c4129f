import type { GoFile } from '../model/file';
import type { GoPackage } from '../model/package';
import type { GoType } from '../model/types';
import { child, type SyntaxNode } from '../syntax/node';
import { annotatingComments, enclosingStatement } from './annotations';
import { isNamed } from './fresh';

/** gVisor's `+checkatomic` on a field: every access must be atomic, except on a newly allocated object. */
export const CHECKATOMIC = /\+checkatomic(?![\w])/;
/** `+checkatomicignore` on a statement (trailing, or on a line of its own above it) silences its accesses. */
const CHECKATOMIC_IGNORE = /\+checkatomicignore\b/;

/** The sync/atomic functions' type suffixes that a quick fix may write (LoadInt32, StoreUint64, AddUintptr). */
export type AtomicBasic = 'Int32' | 'Int64' | 'Uint32' | 'Uint64' | 'Uintptr';
const BASIC_NAMES: ReadonlyMap<string, AtomicBasic> = new Map([['int32', 'Int32'], ['int64', 'Int64'], ['uint32', 'Uint32'], ['uint64', 'Uint64'], ['uintptr', 'Uintptr']]);

/** A field annotated `+checkatomic`. */
export interface AtomicField {
  /** The annotation's comment, for evidence. */
  annotation: SyntaxNode;
  file: GoFile;
  /** The field's type as written (`int32`, `atomic.Int32`), for messages. */
  typeText: string;
  /** A sync/atomic type (`Int32`, `Pointer`, `Value`): its methods are atomic, Load reads, the others write. */
  wrapper?: string;
  /** Declared as one of sync/atomic's basic types, which LoadT/StoreT/AddT take. */
  basic?: AtomicBasic;
}

/**
 * Packages of atomic value types: sync/atomic, gVisor's atomicbitops (`atomicbitops.Bool`, which gVisor's own
 * fields annotate `+checkatomic`) and go.uber.org/atomic.
 */
function isAtomicPackage(path: string | undefined): boolean {
  return path === 'sync/atomic' || path === 'go.uber.org/atomic' || !!path?.endsWith('/atomicbitops');
}

/** The field's atomic facts, or undefined when it is not annotated `+checkatomic`. */
export function atomicField(pkg: GoPackage, file: GoFile, type: GoType, typeNode: SyntaxNode | undefined, comments: SyntaxNode[]): AtomicField | undefined {
  const annotation = comments.find((c) => CHECKATOMIC.test(file.text(c)));
  if (!annotation) return undefined;
  const out: AtomicField = { annotation, file, typeText: typeNode ? file.text(typeNode) : '?' };
  if (type.kind === 'named' && type.pkg && isAtomicPackage(file.imports.get(type.pkg))) out.wrapper = type.name;
  else if (type.kind === 'named' && !type.pkg && !pkg.types.has(type.name)) out.basic = BASIC_NAMES.get(type.name);
  return out;
}

/**
 * How an access (`x.f`, the selector) uses a `+checkatomic` field:
 * - atomic: `&x.f` as the first argument of a sync/atomic function (through pointer conversions), or a method
 *   of a sync/atomic type called on it; `write` tells a Load from a Store, Add, Swap, CompareAndSwap, And or Or;
 * - opaque: a method of another type called on it, whose body decides (lockset does not follow it), or the
 *   address of a sync/atomic value handed on;
 * - plain: anything else, a read or write of the value itself, or its address handed elsewhere.
 */
export type AtomicUse = { kind: 'atomic'; write: boolean; op: string } | { kind: 'opaque' } | { kind: 'plain' };

export function atomicUse(file: GoFile, node: SyntaxNode, field: AtomicField): AtomicUse {
  const p = node.parent;
  if (p?.type === 'selector_expression' && node.field === 'operand' && p.field === 'function' && p.parent?.type === 'call_expression') {
    if (!field.wrapper) return { kind: 'opaque' };
    const method = file.text(child(p, 'field'));
    // atomicbitops also has RacyLoad (a plain read, meant under the lock): a read all the same.
    return { kind: 'atomic', write: method !== 'Load' && method !== 'RacyLoad', op: method };
  }
  if (p?.type !== 'unary_expression' || p.op !== '&') return { kind: 'plain' };
  const fn = atomicCallOf(file, p);
  // A sync/atomic value's address hands on a value whose methods are atomic (`register(&x.hits)`).
  if (!fn) return { kind: field.wrapper ? 'opaque' : 'plain' };
  return { kind: 'atomic', write: !fn.startsWith('Load'), op: fn };
}

const ATOMIC_FUNCS = /^(Load|Store|Add|Swap|CompareAndSwap|And|Or)(Int32|Int64|Uint32|Uint64|Uintptr|Pointer)$/;

/** The sync/atomic function whose first argument is `addr` (`&x.f`), seen through `(*T)(...)` and `unsafe.Pointer(...)`. */
function atomicCallOf(file: GoFile, addr: SyntaxNode): string | undefined {
  let arg = addr;
  for (;;) {
    const p = arg.parent;
    if (p?.type === 'parenthesized_expression') { arg = p; continue; }
    const call = p?.type === 'argument_list' ? p.parent : undefined;
    if (!p || call?.type !== 'call_expression') return undefined;
    const args = p.children.filter(isNamed);
    if (args[0] !== arg) return undefined;
    const fn = child(call, 'function');
    if (args.length === 1 && isPointerConversion(file, fn)) { arg = call; continue; }
    const name = syncAtomicName(file, fn);
    return name && ATOMIC_FUNCS.test(name) ? name : undefined;
  }
}

/** `(*int32)` or `unsafe.Pointer`: a conversion that keeps the address. */
function isPointerConversion(file: GoFile, fn: SyntaxNode | undefined): boolean {
  if (fn?.type === 'parenthesized_expression') return fn.children[0]?.type === 'unary_expression' && fn.children[0].op === '*';
  return fn?.type === 'selector_expression' && file.text(child(fn, 'field')) === 'Pointer' && file.imports.get(file.text(child(fn, 'operand'))) === 'unsafe';
}

/** The name of a sync/atomic function called as `fn`: through the import's local name, or bare when dot-imported. */
function syncAtomicName(file: GoFile, fn: SyntaxNode | undefined): string | undefined {
  if (fn?.type === 'selector_expression') {
    const operand = child(fn, 'operand');
    return operand?.type === 'identifier' && file.imports.get(file.text(operand)) === 'sync/atomic' ? file.text(child(fn, 'field')) : undefined;
  }
  return fn?.type === 'identifier' && dotImportsAtomic(file) ? file.text(fn) : undefined;
}

const DOT_IMPORT = /^\s*(import\s*)?\.\s*"sync\/atomic"/m;
const dotImports = new WeakMap<object, boolean>();

function dotImportsAtomic(file: GoFile): boolean {
  let known = dotImports.get(file.parsed);
  if (known === undefined) dotImports.set(file.parsed, (known = DOT_IMPORT.test(file.parsed.text)));
  return known;
}

/** The `+checkatomicignore` comment on the statement around the access, if any. */
export function atomicIgnored(file: GoFile, node: SyntaxNode): boolean {
  const stmt = enclosingStatement(node);
  return !!stmt && annotatingComments(file, stmt).some((c) => CHECKATOMIC_IGNORE.test(file.text(c)));
}
