import type { FuncDecl } from '../model/file';
import type { Ref } from '../model/refs';
import type { ContractLock } from './contract-types';
import { mapToCaller } from './calls';
import { isUnshared } from './fresh';
import type { CallSite } from './flow-types';
import { lockClass } from '../model/refs';
import type { PackageAnalysis } from './package-analysis';

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
export function requirementsAt(analysis: PackageAnalysis, caller: FuncDecl, site: CallSite): CallRequirement[] {
  if (!site.callee) return [];
  const out: CallRequirement[] = [];
  const res = analysis.resolver(caller);
  for (const lock of analysis.contractOf(site.callee).requires) {
    const ref = lock.resolved ? mapToCaller(lock.ref, site, res) : lock.ref;
    if (!ref) continue;
    out.push({ lock, ref, held: lock.resolved && isUnshared(caller, ref, site.nameNode.start) ? 'unshared' : heldState(site, lock, ref) });
  }
  return out;
}

function heldState(site: CallSite, lock: ContractLock, ref: Ref): CallRequirement['held'] {
  if (!lock.resolved) return 'unresolved';
  if (site.held.holds(ref, lock.mode)) return 'held';
  if (site.held.maybeHolds(ref) || isBackPointerAlias(site, ref)) return 'maybe';
  return 'missing';
}

/**
 * A lock reached through another object's field (`dc.db.mu`) while a lock of the same class is held (`db.mu`):
 * most often the same lock, through a back-pointer (database/sql's `for _, dc := range db.freeConn {
 * dc.closeDBLocked() }` under db.mu), which the paths cannot tell. Not a missing lock. Two roots of the same
 * type (`a.lock` held, `b.lock` needed) are still told apart.
 */
function isBackPointerAlias(site: CallSite, ref: Ref): boolean {
  if (ref.path.length < 2) return false;
  const cls = lockClass(ref);
  return site.held.definite().some((h) => lockClass(h.ref) === cls);
}
