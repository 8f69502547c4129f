import { CHECKS } from './registry';
import { type Config, type SeveritySetting } from '../util/config';
import { globProblem } from '../util/glob';
import { preview } from '../util/preview';

const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'];

/**
 * Validates settings (from the editor's `lockset` section or a --config JSON file) into a Config.
 * Every problem names the setting, so that the user can find it.
 */
export function parseConfig(raw: unknown, prefix = 'lockset'): { config: Config; errors: string[] } {
  const errors: string[] = [];
  const config: Config = { severity: {}, lockOrder: [] };
  if (raw === undefined || raw === null) return { config, errors };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { config, errors: [`${prefix}: expected an object of settings`] };
  const r = raw as Record<string, unknown>;
  if (r.checks !== undefined) {
    if (typeof r.checks !== 'object' || r.checks === null || Array.isArray(r.checks)) errors.push(`${prefix}.checks: expected an object mapping check ids to a severity`);
    else {
      for (const [id, value] of Object.entries(r.checks)) {
        if (!CHECKS.some((c) => c.id === id)) { errors.push(`${prefix}.checks.${id}: unknown check; known checks are ${CHECKS.map((c) => c.id).join(', ')}`); continue; }
        if (typeof value !== 'string' || !SEVERITIES.includes(value)) { errors.push(`${prefix}.checks.${id}: expected one of ${SEVERITIES.join(', ')}, got ${preview(value)}`); continue; }
        config.severity[id] = value as SeveritySetting;
      }
    }
  }
  if (r.analyzeGenerated !== undefined) {
    if (typeof r.analyzeGenerated !== 'boolean') errors.push(`${prefix}.analyzeGenerated: expected true or false, got ${preview(r.analyzeGenerated)}`);
    else config.analyzeGenerated = r.analyzeGenerated;
  }
  if (r.lockOrder !== undefined) {
    if (!Array.isArray(r.lockOrder) || r.lockOrder.some((x) => typeof x !== 'string')) errors.push(`${prefix}.lockOrder: expected an array of strings such as "cmdLock > vmLock > VM.lock"`);
    else config.lockOrder = r.lockOrder as string[];
  }
  if (r.exclude !== undefined) {
    if (!Array.isArray(r.exclude) || r.exclude.some((x) => typeof x !== 'string')) errors.push(`${prefix}.exclude: expected an array of glob patterns such as "third_party/**" or "**/*.pb.go"`);
    else {
      for (const pattern of r.exclude as string[]) {
        const problem = globProblem(pattern);
        if (problem) errors.push(`${prefix}.exclude: the pattern ${preview(pattern)} ${problem}`);
      }
      config.exclude = (r.exclude as string[]).filter((p) => !globProblem(p));
    }
  }
  if (r.nestedModules !== undefined) {
    if (r.nestedModules !== 'skip' && r.nestedModules !== 'include') errors.push(`${prefix}.nestedModules: expected "skip" or "include", got ${preview(r.nestedModules)}`);
    else config.nestedModules = r.nestedModules;
  }
  return { config, errors };
}
