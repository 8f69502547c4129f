import type { FuncDecl } from '../model/file';
import type { PackageAnalysis } from './package-analysis';

/** Logging functions and methods, and the formatting they use: `Warnf`, `RateLimitWarnf`, `Noticef`, `fmt.Sprintf`, `log.Println`. */
const LOGGING = /(?:Warn(?:ing)?|Error|Notice|Debug|Trace|Info|Fatal|Print|Log|Sprint)(?:f|ln|w)?$/;

/**
 * Whether a function only formats a log message: it returns nothing, writes nothing, takes no lock, and calls
 * nothing but logging and formatting functions (nats-server's `// Lock should be held.` above
 * `func (fs *fileStore) warn(...)`, which reads the stream's name for the message). Its contract guards a read
 * for a log line, which is not what a warning should be about; the finding says so as information.
 */
export function onlyLogs(analysis: PackageAnalysis, fn: FuncDecl): boolean {
  const flow = analysis.flows.get(fn);
  if (!flow || fn.results.length > 0 || flow.lockEvents.length > 0) return false;
  if (flow.accesses.some((a) => a.write || a.mapWrite)) return false;
  const logs = flow.calls.filter((c) => LOGGING.test(c.calleeName));
  return logs.length > 0 && flow.calls.every((c) => LOGGING.test(c.calleeName) || c.calleeName === 'len');
}
