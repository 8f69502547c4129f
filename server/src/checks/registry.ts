import { ambiguousEmbeddedLock } from './ambiguous-embedded-lock';
import { blockingUnderLock } from './blocking-under-lock';
import type { Check } from './check';
import { contractNotKept } from './contract-not-kept';
import { deferLock } from './defer-lock';
import { doubleLock } from './double-lock';
import { earlyRelease } from './early-release';
import { emptyCriticalSection } from './empty-critical-section';
import { excludedLockHeld } from './excluded-lock-held';
import { goroutineInLockedThread } from './goroutine-in-locked-thread';
import { invalidAnnotation } from './invalid-annotation';
import { lockHierarchy } from './lock-hierarchy';
import { lockOrderCycle } from './lock-order-cycle';
import { missingLockAnnotation } from './missing-lock-annotation';
import { missingUnlock } from './missing-unlock';
import { nonAtomicAccess } from './non-atomic-access';
import { staleLockAnnotation } from './stale-lock-annotation';
import { unguardedAccess } from './unguarded-access';
import { unlockNotHeld } from './unlock-not-held';

/** Every check, in the order the docs list them. The settings schema and README table are generated from this. */
export const CHECKS: readonly Check[] = [
  missingLockAnnotation, excludedLockHeld, staleLockAnnotation, lockOrderCycle, lockHierarchy, doubleLock, missingUnlock, unlockNotHeld, deferLock, emptyCriticalSection,
  blockingUnderLock, goroutineInLockedThread, unguardedAccess, nonAtomicAccess, ambiguousEmbeddedLock, earlyRelease, contractNotKept, invalidAnnotation,
];

/** The checks that read only their package, and the ones that read the workspace's lock graph. */
export const LOCAL_CHECKS = CHECKS.filter((c) => !c.readsGraph);
export const GRAPH_CHECKS = CHECKS.filter((c) => c.readsGraph);

/** Findings in the order of CHECKS (stable within a check), as one runChecks over all of them gives them. */
const RANK = new Map(CHECKS.map((c, i) => [c.id, i]));

export function inCheckOrder<F extends { code: string }>(findings: F[]): F[] {
  return findings.map((f, i) => ({ f, i })).sort((a, b) => (RANK.get(a.f.code)! - RANK.get(b.f.code)!) || a.i - b.i).map(({ f }) => f);
}

export function checkById(id: string): Check | undefined {
  return CHECKS.find((c) => c.id === id);
}
