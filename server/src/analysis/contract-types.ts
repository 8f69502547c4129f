import type { Ref } from '../model/refs';
import type { LockMode } from './held';

import type { ContractSourceKind } from '../core/contract-sources';

export type { ContractSourceKind };

/** Where a contract came from; hover and messages always say so. */
export interface ContractSource {
  kind: ContractSourceKind;
  /** A short human description, such as `doc comment "findVM assumes vms.mu is held"`. */
  describe: string;
  file: string;
  offset: number;
}

/** One lock of a contract, written in the function's own names (receiver, parameters, globals). */
export interface ContractLock {
  ref: Ref;
  mode: LockMode;
  /** The lock as written in the source of the contract, when the source names it. */
  written: string;
  /** False when the name could not be resolved to a variable path; then it is matched by name. */
  resolved: boolean;
  /** Annotations say read or write; prose and inference do not, and are satisfied by either. */
  exactMode?: boolean;
  /**
   * Prose that says a read lock is enough ("held for reading", "must be read-locked"): the contract is still
   * satisfied by either mode, but a fix that takes the lock takes a read lock.
   */
  readEnough?: boolean;
  /** Why an unresolved lock is not understood, for the hover (default: it names no lock in scope). */
  unresolvedWhy?: string;
  /** For an acquired lock: the index of the result that is its releaser (`return c, c.mu.Unlock`). */
  releasedBy?: number;
  /**
   * When that result is a guard rather than a func (`return Guard{release: func() { o.mu.Unlock() }}`): the
   * guard's methods that release it, by calling the func it keeps (`func (g Guard) Unlock() { g.release() }`).
   */
  releasedByMethods?: string[];
  /** For an acquired lock of a result: the keys it has in the body at the returns that hand it back (`c.mu`). */
  heldAs?: string[];
  source: ContractSource;
}

export interface Contract {
  requires: ContractLock[];
  acquires: ContractLock[];
  releases: ContractLock[];
  /**
   * `+checklocksexclude` / `+checklocksexcludewrite`: locks that must not be held at a call. Their mode is the least
   * hold excluded: `read` for any hold (exclude), `write` for a write hold only (excludewrite).
   */
  excludes: ContractLock[];
  /** `+checklocksignore` on the function: no lock checks inside it. */
  ignore: boolean;
  /** `+checklocksalias:a.b.c=x.y`: within the function, the two paths name one lock (both resolved). */
  aliases?: ContractAlias[];
}

export interface ContractAlias { a: ContractLock; b: ContractLock }

export function emptyContract(): Contract {
  return { requires: [], acquires: [], releases: [], excludes: [], ignore: false };
}
