import type { FuncDecl } from '../model/file';
import type { Ref } from '../model/refs';
import type { ContractLock } from './contract-types';
import { mapToCaller } from './calls';
import { isUnshared } from './fresh';
import type { CallSite } from './flow-types';
import { lockClass } from '../model/refs';
import { deref } from '../model/types';
import { heldThroughEquality } from './equality-alias';
import type { PackageAnalysisView } from './package-analysis-types';

export interface CallRequirement {
  lock: ContractLock;
  /** The lock in the caller's names, when it maps. */
  ref: Ref;
  /**
   * `unresolved`: the contract names no lock in scope (shown in hovers as not understood, never reported);
   * `unshared`: the lock is an object's that the caller allocated and has not shared yet (see isUnshared).
   */
  held: 'held' | 'maybe' | 'missing' | 'unresolved' | 'unshared';
}

/** The callee's required locks at one call, mapped into the caller's names, and whether each is held there. */
export function requirementsAt(analysis: PackageAnalysisView, caller: FuncDecl, site: CallSite): CallRequirement[] {
  if (!site.callee) return [];
  const out: CallRequirement[] = [];
  const res = analysis.resolver(caller);
  for (const lock of analysis.contractOf(site.callee).requires) {
    const ref = lock.resolved ? mapToCaller(lock.ref, site, res) : lock.ref;
    if (!ref) continue;
    out.push({ lock, ref, held: lock.resolved && isUnshared(caller, ref, site.nameNode.start) ? 'unshared' : heldState(caller, site, lock, ref) });
  }
  return out;
}

function heldState(caller: FuncDecl, site: CallSite, lock: ContractLock, ref: Ref): CallRequirement['held'] {
  if (!lock.resolved) return 'unresolved';
  if (site.held.holds(ref, lock.mode) || heldThroughEquality(caller.file, site.node, ref, site.held)) return 'held';
  // As in checklocks, a lock held on some paths only does not meet an annotated contract (inferred ones stay lenient).
  const h = site.held.get(ref.key);
  if (lock.source.kind === 'annotation' && ref.exact && h?.maybe && !h.mixedMode && !h.inherited && !isBackPointerAlias(site, ref)) return 'missing';
  if (site.held.maybeHolds(ref) || isBackPointerAlias(site, ref)) return 'maybe';
  return 'missing';
}

/**
 * A lock reached through another object's field (`dc.db.mu`, or `c.n` for a struct that embeds its mutex) while
 * a lock of the same kind is held (`db.mu`, `n`): most often the same lock, through a back-pointer
 * (database/sql's `for _, dc := range db.freeConn { dc.closeDBLocked() }` under db.mu; a checkpoint whose `c.n`
 * is the node that made it), which the paths cannot tell. Not a missing lock. Two roots of the same type
 * (`a.lock` held, `b.lock` needed) are still told apart.
 */
export function isBackPointerAlias(site: CallSite, ref: Ref): boolean {
  const id = lockIdentity(ref);
  if (!id || ref.path.length < (isSyncLock(ref) ? 2 : 1)) return false;
  return site.held.definite().some((h) => h.ref.key !== ref.key && lockIdentity(h.ref) === id);
}

/** What a lock is apart from which object holds it: the struct type for a struct that embeds its mutex, else its class. */
function lockIdentity(ref: Ref): string | undefined {
  const t = deref(ref.type);
  if (t.kind === 'named' && !isSyncLock(ref)) return `${t.home?.dir ?? t.pkg ?? ''}.${t.name}`;
  return lockClass(ref);
}

function isSyncLock(ref: Ref): boolean {
  const t = deref(ref.type);
  return t.kind !== 'named' || t.pkg === 'sync';
}
