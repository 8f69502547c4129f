import type { FuncDecl } from '../model/file';
import type { PackageAnalysis } from './package-analysis';
import { requirementsAt } from './requirements';
import { relocks } from './relocks';

/**
 * The locks that a function's contract says are held on entry and that its own body takes again while that
 * contract holds (minio's `expireOldLocks`, "Caller must hold 'l.mutex'", opens with `defer l.getMutex()()`;
 * containerd's `StartLocked`, "Locked" for the OS thread, calls Start, which takes the monitor's lock). Either
 * every caller that honours the contract deadlocks, or the contract is wrong: which one, only the callers tell
 * (see honouredByACaller). Read at check time; memoized per analysis.
 */
export function contradictedLocks(analysis: PackageAnalysis, fn: FuncDecl): ReadonlySet<string> {
  let memo = memoByAnalysis.get(analysis);
  if (!memo) memoByAnalysis.set(analysis, (memo = new Map()));
  let known = memo.get(fn);
  if (!known) memo.set(fn, (known = compute(analysis, fn)));
  return known;
}

const memoByAnalysis = new WeakMap<PackageAnalysis, Map<FuncDecl, ReadonlySet<string>>>();
const NONE: ReadonlySet<string> = new Set();

function compute(analysis: PackageAnalysis, fn: FuncDecl): ReadonlySet<string> {
  const flow = analysis.flows.get(fn);
  if (!flow || !analysis.contractOf(fn).requires.length) return NONE;
  const keys = relocks(analysis, fn, flow).filter((r) => r.held.fromContract && !r.held.maybe).map((r) => r.held.ref.key);
  return keys.length ? new Set(keys) : NONE;
}

/**
 * Whether some call of the function in its package may hold the contract's lock `key` (in the callee's names): it
 * holds it on some path, or the calling function's own contract names a lock that lockset could not resolve, which
 * may be this one (gVisor's `dentry.setStatLocked`, "i.handleMu is locked" on a receiver named d, calls the
 * inode's, whose body then locks handleMu again: a real deadlock).
 */
export function honouredByACaller(analysis: PackageAnalysis, fn: FuncDecl, key: string): boolean {
  return analysis.callersOf(fn).some(({ caller, site }) => analysis.contractOf(caller).requires.some((r) => !r.resolved) ||
    requirementsAt(analysis, caller, site).some((r) => r.lock.ref.key === key && (r.held === 'held' || r.held === 'maybe')));
}
