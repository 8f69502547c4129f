import type { FuncDecl } from '../model/file';
import type { GoPackage } from '../model/package';
import { deref, typeToString, type GoType } from '../model/types';
import { bodyScope } from './scope-of';

/**
 * What a lock named in a +checklocks annotation is: a lock (within the struct, or from a variable of the function:
 * `relative`, else a package-level one), something whose type lockset cannot see (not judged), nothing, or a value
 * that is no lock.
 */
export type LockName =
  | { kind: 'lock'; relative: boolean }
  | { kind: 'unknown'; relative: boolean }
  | { kind: 'missing'; why: string }
  | { kind: 'not-a-lock'; display: string; type: GoType };

/** The type of a package-level variable, declared or inferred from its initializer. */
export type GlobalType = (name: string) => GoType | undefined;

/**
 * A field's or variable's guard, as checklocks resolves it: within the struct (`mu`, `fieldX.mu`) first, then a
 * package-level lock (`globalMu`, `globalX.mu`). `owner` is undefined for a package-level variable.
 */
export function fieldGuardName(pkg: GoPackage, owner: GoType | undefined, written: string, globalType: GlobalType): LockName {
  const parts = written.split('.');
  if (owner && pkg.findField(owner, parts[0])) return follow(pkg, owner, '', parts, true);
  const t = pkg.vars.has(parts[0]) ? globalType(parts[0]) : undefined;
  if (t) return follow(pkg, t, parts[0], parts.slice(1), false);
  return { kind: 'missing', why: owner ? `${parts[0]} is no field of the struct and no package-level variable` : `${parts[0]} is no package-level variable` };
}

/**
 * A lock named in a function's annotation: from the receiver, a parameter or a named result, the receiver's
 * field (`mu` for `s.mu`, the older checklocks style), or a package-level variable.
 */
export function functionLockName(pkg: GoPackage, fn: FuncDecl, written: string, globalType: GlobalType): LockName {
  const parts = written.split('.');
  const scope = bodyScope(fn);
  const v = scope.lookup(parts[0]);
  if (v) return follow(pkg, v.type, parts[0], parts.slice(1), true);
  const recv = fn.recvName ? scope.lookup(fn.recvName) : undefined;
  if (recv && fn.recvName && pkg.findField(recv.type, parts[0])) return follow(pkg, recv.type, fn.recvName, parts, true);
  const t = pkg.vars.has(parts[0]) ? globalType(parts[0]) : undefined;
  if (t) return follow(pkg, t, parts[0], parts.slice(1), false);
  return { kind: 'missing', why: `${parts[0]} is no receiver, parameter, result or package-level variable` };
}

/** Follows the fields `parts` from a value of type `t` shown as `shown` ('' for the struct itself). */
function follow(pkg: GoPackage, t: GoType, shown: string, parts: string[], relative: boolean): LockName {
  for (const p of parts) {
    const steps = pkg.findField(t, p);
    if (!steps) {
      // Only a struct lockset can read, or a type that has no fields at all, certainly lacks the field.
      if (!pkg.structFields(t) && (opaque(pkg, t) || !pkg.isNeverLock(t))) return { kind: 'unknown', relative };
      return { kind: 'missing', why: shown ? `${shown} (${article(t)}) has no field ${p}` : `the struct has no field ${p}` };
    }
    t = steps[steps.length - 1].type;
    shown = shown ? `${shown}.${p}` : p;
  }
  if (isLock(pkg, t)) return { kind: 'lock', relative };
  if (pkg.isNeverLock(t) || pkg.structFields(t)) return { kind: 'not-a-lock', display: shown, type: t };
  return { kind: 'unknown', relative };
}

/** A type lockset cannot see into: unknown, or another package's type declared outside the workspace. */
function opaque(pkg: GoPackage, t: GoType): boolean {
  const b = deref(t);
  return b.kind === 'unknown' || (b.kind === 'named' && (!!b.pkg || !!b.home) && !pkg.structFields(b));
}

/** A lock: sync.Mutex, sync.RWMutex, sync.Locker, a type with Lock and Unlock, or a struct that embeds one. */
export function isLock(pkg: GoPackage, t: GoType): boolean {
  return !!pkg.lockKind(t) || !!pkg.promotedLock(t, 'Lock');
}

/** `an int`, `a *Server`. */
export function article(t: GoType): string {
  const s = typeToString(t);
  return `${/^[aeiou]/i.test(s) ? 'an' : 'a'} ${s}`;
}
