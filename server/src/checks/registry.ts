import type { Check } from './check';
import { missingLockAnnotation } from './missing-lock-annotation';
import { staleLockAnnotation } from './stale-lock-annotation';

/** Every check, in the order the docs list them. The settings schema and README table are generated from this. */
export const CHECKS: readonly Check[] = [missingLockAnnotation, staleLockAnnotation];

export function checkById(id: string): Check | undefined {
  return CHECKS.find((c) => c.id === id);
}
