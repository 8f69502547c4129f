import type { Finding } from '../../base/finding';
import { checkById } from '../../checks/registry';
import type { Config } from '../../util/config';
import type { TsAnalysis } from '../analysis';
import type { TsFileFacts } from '../model';
import type { TsCheck } from './check';
import { doubleLock } from './double-lock';
import { earlyRelease } from './early-release';
import { lockHierarchy } from './lock-hierarchy';
import { lockOrderCycle } from './lock-order-cycle';
import { missingLockAnnotation } from './missing-lock-annotation';
import { missingUnlock } from './missing-unlock';
import { staleLockAnnotation } from './stale-lock-annotation';
import { unlockNotHeld } from './unlock-not-held';

/** The shared checks that apply to async-mutex code (goroutine-in-locked-thread and ambiguous-embedded-lock do not). */
export const TS_CHECKS: readonly TsCheck[] = [missingLockAnnotation, staleLockAnnotation, lockOrderCycle, lockHierarchy, doubleLock, missingUnlock, unlockNotHeld, earlyRelease];

/**
 * Runs every enabled check over `files`, with the registry's default severities and the user's
 * settings. A check that throws loses its own results only. `lockset:ignore <id>` on the line, the
 * line above, or in the function's doc comment suppresses a finding.
 */
export function runTsChecks(analysis: TsAnalysis, files: TsFileFacts[], config: Config): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const check of TS_CHECKS) {
    const configured = config.severity[check.id];
    if (configured === 'off') continue;
    const severity = configured ?? checkById(check.id)?.defaultSeverity ?? 'warning';
    try {
      check.run({
        analysis, files,
        report: (f) => {
          const key = `${f.file}|${f.range.start.line}:${f.range.start.character}|${check.id}|${f.message}`;
          if (seen.has(key)) return;
          seen.add(key);
          const { weak, ...finding } = f;
          out.push({ ...finding, severity: weak && (severity === 'warning' || severity === 'error') ? 'information' : severity, code: check.id });
        },
      });
    } catch (error) {
      config.log?.(`lockset: check ${check.id} failed on TypeScript files: ${String((error as Error)?.stack ?? error)}`);
    }
  }
  return out.filter((f) => !suppressed(analysis, f));
}

function suppressed(analysis: TsAnalysis, f: Finding): boolean {
  const file = analysis.files.get(f.file);
  if (!file) return false;
  const line = f.range.start.line;
  const ids = [...(file.ignores.get(line) ?? []), ...(file.ignores.get(line - 1) ?? [])];
  if (ids.includes(f.code) || ids.includes('all')) return true;
  const offset = file.lines.offset(f.range.start);
  const fn = file.functions.filter((d) => d.start <= offset && offset <= d.end && d.name !== '<module>').sort((a, b) => (a.end - a.start) - (b.end - b.start))[0];
  return !!fn && (fn.ignores.includes(f.code) || fn.ignores.includes('all'));
}
