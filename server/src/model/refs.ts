import { child, type SyntaxNode } from '../syntax/node';
import type { GoFile } from './file';
import type { GoPackage } from './package';
import type { Scope } from './scope';
import { deref, typeFromSyntax, UNKNOWN, type GoType, type LockKind } from './types';
import type { ClassHome, Ref } from './ref-types';

// Lock paths are read here; their type lives apart so that scope.ts can hold them without importing this module.
export type { ClassHome, Ref, RootKind } from './ref-types';

export function lockClass(ref: Ref): string {
  return typedClass(ref) ?? ref.display;
}

/**
 * The lock class when the declaring type or global is known; undefined for a lock known only by a
 * local name (a `mu *sync.Mutex` parameter), which cannot take part in a workspace-wide lock order.
 */
export function typedClass(ref: Ref): string | undefined {
  if (ref.clsBase) return [ref.clsBase, ...ref.clsPath].join('.');
  const t = deref(ref.type);
  if (ref.path.length === 0 && t.kind === 'named' && t.home) return `${t.home.name}.${t.name}`;
  if (ref.path.length === 0 && t.kind === 'named' && !t.pkg) return t.name;
  return undefined;
}

/**
 * The lock-order graph node of a lock class: the declaring package's directory plus the class as that
 * package names it, so that `ron.Server.mu` seen from two packages is one node. `dir` is the directory
 * of the package in whose terms `ref` is written.
 */
export function classNodeOf(ref: Ref, dir: string): string | undefined {
  const cls = typedClass(ref);
  if (!cls) return undefined;
  if (ref.clsHome) return `${ref.clsHome.dir}|${[ref.clsHome.base, ...ref.clsPath].join('.')}`;
  const t = deref(ref.type);
  if (!ref.clsBase && t.kind === 'named' && t.home && t.home.dir !== dir) return `${t.home.dir}|${t.name}`;
  return `${dir}|${cls}`;
}

/** The name of the package that declares a lock's class; `pkgName` is the package in whose terms `ref` is written. */
export function classPackageOf(ref: Ref, pkgName: string): string {
  if (ref.clsHome) return ref.clsHome.pkg;
  const t = deref(ref.type);
  if (!ref.clsBase && t.kind === 'named' && t.home) return t.home.name;
  return pkgName;
}

export const LOCK_METHODS = new Set(['Lock', 'Unlock', 'RLock', 'RUnlock', 'TryLock', 'TryRLock']);

export interface LockOp {
  ref: Ref;
  method: string;
  kind: LockKind | 'unknown';
}

/** Types and lock paths of expressions, in one function's scope. */
/** Counted steps, for the tests that bound the work on long expressions (see test/long-chains.test.ts). */
export const typeStats = { typeOf: 0 };

export class ExprResolver {
  private readonly globalTypes = new Map<string, GoType>();
  private inferring = new Set<string>();

  constructor(readonly pkg: GoPackage, readonly file: GoFile) {}

  private text(n: SyntaxNode | undefined): string { return this.file.text(n); }

  isPackageName(name: string, scope: Scope): boolean {
    return this.file.imports.has(name) && !scope.lookup(name) && !this.pkg.vars.has(name);
  }

  globalType(name: string): GoType {
    const cached = this.globalTypes.get(name);
    if (cached) return cached;
    const v = this.pkg.vars.get(name);
    if (!v) return UNKNOWN;
    if (v.type) return v.type;
    if (!v.value || this.inferring.has(name)) return UNKNOWN;
    this.inferring.add(name);
    // A global's initializer is read in its own file's terms (imports, source text).
    const resolver = v.file === this.file ? this : new ExprResolver(this.pkg, v.file);
    const t = resolver.typeOf(v.value, undefined);
    this.inferring.delete(name);
    this.globalTypes.set(name, t);
    return t;
  }

  typeOf(node: SyntaxNode | undefined, scope: Scope | undefined, index = 0): GoType {
    typeStats.typeOf++;
    if (!node) return UNKNOWN;
    switch (node.type) {
      case 'identifier': {
        const name = this.text(node);
        const v = scope?.lookup(name);
        if (v) return v.type;
        if (this.pkg.vars.has(name)) return this.globalType(name);
        const fn = this.pkg.funcs.get(name);
        if (fn) return { kind: 'func', results: fn.results };
        return UNKNOWN;
      }
      case 'parenthesized_expression':
        return this.typeOf(node.children[0], scope);
      case 'selector_expression': {
        const operand = child(node, 'operand'), field = this.text(child(node, 'field'));
        const foreign = this.packageOperand(operand, scope);
        if (foreign !== undefined) return foreign ? this.foreignMember(foreign, field) : UNKNOWN;
        const ot = this.typeOf(operand, scope);
        const steps = this.pkg.findField(ot, field);
        if (steps) return steps[steps.length - 1].type;
        const m = this.pkg.findMethodIn(ot, field);
        return m ? { kind: 'func', results: this.pkg.resultsOf(m.fn, m.owner) } : UNKNOWN;
      }
      case 'call_expression':
        return this.callResult(node, scope, index);
      case 'composite_literal':
        return typeFromSyntax(child(node, 'type'), this.file.parsed.text);
      case 'unary_expression': {
        const inner = this.typeOf(child(node, 'operand'), scope);
        if (node.op === '&') return inner.kind === 'unknown' ? UNKNOWN : { kind: 'pointer', elem: inner };
        if (node.op === '*') return inner.kind === 'pointer' ? inner.elem : UNKNOWN;
        if (node.op === '<-') { const u = this.pkg.underlying(inner); return u.kind === 'chan' ? u.elem : UNKNOWN; }
        return UNKNOWN;
      }
      case 'index_expression': {
        const u = this.pkg.underlying(deref(this.typeOf(child(node, 'operand'), scope)));
        if (u.kind === 'map') return index === 1 ? { kind: 'named', name: 'bool' } : u.value;
        if (u.kind === 'slice') return u.elem;
        return UNKNOWN;
      }
      case 'slice_expression':
        return this.typeOf(child(node, 'operand'), scope);
      case 'type_assertion_expression':
        return typeFromSyntax(child(node, 'type'), this.file.parsed.text);
      case 'func_literal':
        return { kind: 'func', results: [] };
      default:
        return UNKNOWN;
    }
  }

  /**
   * For `pkg.X`: the imported workspace package, null for an import outside the workspace, undefined
   * when the operand is not a package name.
   */
  packageOperand(operand: SyntaxNode | undefined, scope: Scope | undefined): GoPackage | null | undefined {
    if (operand?.type !== 'identifier') return undefined;
    const name = this.text(operand);
    const isPkg = scope ? this.isPackageName(name, scope) : this.file.imports.has(name) && !this.pkg.vars.has(name);
    if (!isPkg) return undefined;
    return this.pkg.imports.get(this.file.imports.get(name)!) ?? null;
  }

  /** The type of an imported package's variable or function, in universal terms. */
  private foreignMember(foreign: GoPackage, name: string): GoType {
    if (foreign.vars.has(name)) return foreign.universal(foreignGlobalType(foreign, name));
    const fn = foreign.funcs.get(name);
    if (fn) return { kind: 'func', results: this.pkg.resultsOf(fn, foreign) };
    return UNKNOWN;
  }

  private callResult(node: SyntaxNode, scope: Scope | undefined, index: number): GoType {
    const fn = child(node, 'function');
    const args = child(node, 'arguments')?.children ?? [];
    if (fn?.type === 'identifier') {
      const name = this.text(fn);
      if (!scope?.lookup(name)) {
        if (name === 'new' && args[0]) return { kind: 'pointer', elem: this.typeArg(args[0]) };
        if (name === 'make' && args[0]) return this.typeArg(args[0]);
        if (this.pkg.types.has(name)) return { kind: 'named', name };
        const decl = this.pkg.funcs.get(name);
        if (decl) return decl.results[index] ?? UNKNOWN;
      }
    }
    if (fn?.type === 'selector_expression') {
      const operand = child(fn, 'operand');
      const foreign = this.packageOperand(operand, scope);
      if (foreign) {
        const name = this.text(child(fn, 'field'));
        if (foreign.types.has(name)) return foreign.universal({ kind: 'named', name });
      } else if (foreign === undefined) {
        // The operand's type once: asking typeOf(fn) below would compute it again, and a chain of N calls
        // (`sq.Select(...).Where(...).Where(...)`) would cost 2^N.
        const ot = this.typeOf(operand, scope);
        const name = this.text(child(fn, 'field'));
        const m = this.pkg.findMethodIn(ot, name);
        if (m) return this.pkg.resultsOf(m.fn, m.owner)[index] ?? UNKNOWN;
        const steps = this.pkg.findField(ot, name);
        const ft = steps ? steps[steps.length - 1].type : UNKNOWN;
        return ft.kind === 'func' ? ft.results[index] ?? UNKNOWN : UNKNOWN;
      }
    }
    const ft = this.typeOf(fn, scope);
    return ft.kind === 'func' ? ft.results[index] ?? UNKNOWN : UNKNOWN;
  }

  /** A type written as a call argument (`new(T)`, `make(map[K]V)`). */
  private typeArg(n: SyntaxNode): GoType {
    if (n.type === 'identifier') return { kind: 'named', name: this.text(n) };
    if (n.type === 'selector_expression') return { kind: 'named', pkg: this.text(child(n, 'operand')), name: this.text(child(n, 'field')) };
    return typeFromSyntax(n, this.file.parsed.text);
  }

  /** The path of an expression, such as `r.store.mu`, or an opaque (inexact) ref. */
  refOf(node: SyntaxNode | undefined, scope: Scope | undefined): Ref | undefined {
    if (!node) return undefined;
    switch (node.type) {
      case 'identifier': {
        const name = this.text(node);
        const v = scope?.lookup(name);
        if (v?.alias) return { ...v.alias, display: name };
        if (v) return { key: name, display: name, rootKind: v.kind, root: name, path: [], exact: true, type: v.type, clsPath: [] };
        if (this.pkg.vars.has(name)) {
          return { key: name, display: name, rootKind: 'global', root: name, path: [], exact: true, type: this.globalType(name), clsBase: `${this.pkg.name}.${name}`, clsPath: [] };
        }
        return { key: name, display: name, rootKind: 'expr', root: name, path: [], exact: false, type: UNKNOWN, clsPath: [] };
      }
      case 'parenthesized_expression':
        return this.refOf(node.children[0], scope);
      case 'unary_expression':
        if (node.op === '&' || node.op === '*') return this.refOf(child(node, 'operand'), scope);
        return this.opaque(node, scope);
      case 'selector_expression': {
        const operand = child(node, 'operand');
        const field = this.text(child(node, 'field'));
        if (operand?.type === 'identifier' && this.isPackageName(this.text(operand), scope ?? emptyScope)) {
          const name = `${this.text(operand)}.${field}`;
          const foreign = this.packageOperand(operand, scope ?? emptyScope);
          if (foreign && foreign.vars.has(field)) {
            // Another workspace package's variable: its class is that package's `pkg.var`.
            const own = `${foreign.name}.${field}`;
            const type = foreign.universal(foreignGlobalType(foreign, field));
            return { key: own, display: name, rootKind: 'global', root: own, path: [], exact: true, type, clsBase: own, clsPath: [], clsHome: { dir: foreign.dir, pkg: foreign.name, base: own } };
          }
          return { key: name, display: name, rootKind: 'global', root: name, path: [], exact: true, type: UNKNOWN, clsBase: name, clsPath: [] };
        }
        const base = this.refOf(operand, scope);
        return base ? this.appendField(base, field) : undefined;
      }
      default:
        return this.opaque(node, scope);
    }
  }

  private opaque(node: SyntaxNode, scope: Scope | undefined): Ref {
    const text = this.text(node).replace(/\s+/g, '');
    const type = this.typeOf(node, scope);
    const owner = this.ownerOf(deref(type));
    return { key: `(${text})`, display: text, rootKind: 'expr', root: text, path: [], exact: false, type, clsBase: owner?.name, clsHome: owner?.home, clsPath: [] };
  }

  /** The class base of a named type: its name here, `pkg.Name` with a home when another workspace package declares it. */
  private ownerOf(t: GoType): { name: string; home?: ClassHome } | undefined {
    if (t.kind !== 'named') return undefined;
    const decl = this.pkg.declaring(t);
    if (decl === this.pkg) return { name: t.name };
    if (!decl) return undefined;
    return { name: `${decl.name}.${t.name}`, home: { dir: decl.dir, pkg: decl.name, base: t.name } };
  }

  /** `ref.name`, following embedded fields as Go promotes them. */
  appendField(ref: Ref, name: string): Ref {
    const steps = this.pkg.findField(ref.type, name);
    let cur = ref;
    if (!steps) {
      // `h.Cache` where h stands for a *Cache: a handle that embeds the object it was made from, which a lock
      // helper handed back (see pathAlias in analysis/flow.ts), is that object; Go itself has no such field.
      const t = deref(ref.type);
      if (t.kind === 'named' && t.name === name) return ref;
      return extend(cur, name, UNKNOWN, undefined, name);
    }
    steps.forEach((s, i) => {
      cur = extend(cur, s.name, s.type, this.ownerOf(deref(s.owner)), i === steps.length - 1 ? name : undefined);
    });
    return cur;
  }

  /** Resolves the receiver of a Lock/Unlock/... call to the lock it names. */
  lockOp(call: SyntaxNode, scope: Scope): LockOp | undefined {
    const fn = child(call, 'function');
    const args = child(call, 'arguments')?.children.length ?? 0;
    if (args === 0) return fn && this.lockMethodValue(fn, scope);
    // gVisor's generated mutexes take a lock class for nesting: `b.mu.NestedLock(bucketLockB)` is `b.mu.Lock()`.
    const nested = args === 1 && fn?.type === 'selector_expression' ? /^Nested(R?(?:Lock|Unlock))$/.exec(this.text(child(fn, 'field'))) : null;
    const op = nested ? this.lockMethodValue(fn!, scope, nested[1]) : undefined;
    return op && op.kind !== 'unknown' ? op : undefined;
  }

  /**
   * The lock operation that a method value names (`mu.Unlock`, as called or as stored in `unlock := mu.Unlock`);
   * `as`: the plain method that a variant (NestedLock) stands for.
   */
  lockMethodValue(fn: SyntaxNode, scope: Scope, as?: string): LockOp | undefined {
    if (fn.type !== 'selector_expression') return undefined;
    const method = as ?? this.text(child(fn, 'field'));
    if (!LOCK_METHODS.has(method)) return undefined;
    const operand = child(fn, 'operand');
    const base = this.refOf(operand, scope);
    if (!base) return undefined;
    const direct = this.pkg.lockKind(base.type);
    if (direct) return { ref: base, method, kind: direct };
    // A lock promoted from an embedded field is identified with the struct that embeds it.
    const promoted = this.pkg.promotedLock(base.type, method);
    if (promoted) {
      const kind = this.pkg.lockKind(promoted[promoted.length - 1].type) ?? 'unknown';
      const lock = this.pkg.promotedLock(base.type, 'Lock'), rlock = this.pkg.promotedLock(base.type, 'RLock');
      const ambiguous = lock && rlock && lock.map((s) => s.name).join('.') !== rlock.map((s) => s.name).join('.');
      if (!ambiguous) return { ref: base, method, kind };
      // Lock and RLock come from different embedded mutexes: name the one this call reaches.
      const ref = promoted.reduce((r, s) => this.appendField(r, s.name), base);
      return { ref: { ...ref, promotedFrom: base.key }, method, kind };
    }
    // A method of the type's own (tcp.Endpoint's `TryLock() bool { return e.mu.TryLock() }`) is a call, with its
    // contract (+checklocksacquire:e.mu) and body, not an operation on the value as a lock.
    if (!as && this.pkg.findMethod(base.type, method)) return undefined;
    return { ref: base, method, kind: 'unknown' };
  }
}

const emptyScope = { lookup: () => undefined } as unknown as Scope;

function extend(ref: Ref, field: string, type: GoType, owner: { name: string; home?: ClassHome } | undefined, written: string | undefined): Ref {
  // concat, not a spread: a spread copy keeps room to grow (about 150 bytes more per array), and refs live as
  // long as the analysis that holds them.
  const path = ref.path.concat(field);
  const clsBase = owner ? owner.name : ref.clsBase;
  const clsHome = owner ? owner.home : ref.clsHome;
  const clsPath = owner ? [field] : ref.clsPath.concat(field);
  // Embedded hops that the source skipped stay in the key (so `x.f` and `x.E.f` agree) but not in the display.
  const display = written === undefined ? ref.display : `${ref.display}.${written}`;
  // Spelled out rather than spread: this runs for every field step of every expression, and V8 builds a
  // literal of fixed shape much faster than a spread copy.
  return {
    key: `${ref.key}.${field}`, display, rootKind: ref.rootKind, root: ref.root, path, exact: ref.exact, type,
    clsBase, clsPath, clsHome, promotedFrom: ref.promotedFrom,
  };
}

/** An imported package's variable type, read in that package's own terms. */
function foreignGlobalType(foreign: GoPackage, name: string): GoType {
  const v = foreign.vars.get(name);
  if (!v) return UNKNOWN;
  return v.type ?? new ExprResolver(foreign, v.file).globalType(name);
}
