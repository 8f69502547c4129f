/**
 * The code lens above a function that takes or requires locks, for every front end: `🔒 requires vms.mu · takes
 * VM.lock · 2 callers without the lock`. It leads to the callers without the lock when there are any (where the
 * contract is broken), else to the function's own acquisitions.
 */
export interface LensFacts<P> {
  /** The locks its contract requires, as shown. */
  requires: readonly string[];
  /** The lock classes it takes itself, as shown. */
  takes: readonly string[];
  /** The calls of it that miss a lock it requires (counted only when it requires one). */
  callersWithoutLock: readonly P[];
  /** Where it takes its locks. */
  acquisitions: readonly P[];
}

export function lockLens<P>(f: LensFacts<P>): { title: string; targets: P[] } | undefined {
  const parts: string[] = [];
  if (f.requires.length) parts.push(`requires ${f.requires.join(', ')}`);
  if (f.takes.length) parts.push(`takes ${f.takes.join(', ')}`);
  if (parts.length === 0) return undefined;
  const violating = f.requires.length ? f.callersWithoutLock : [];
  if (f.requires.length) parts.push(`${violating.length} caller${violating.length === 1 ? '' : 's'} without the lock`);
  return { title: `🔒 ${parts.join(' · ')}`, targets: [...(violating.length ? violating : f.acquisitions)] };
}
