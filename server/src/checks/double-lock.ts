import { enclosingStatement } from '../analysis/annotations';
import type { HeldLock, LockMode } from '../analysis/held';
import { describeChain } from '../analysis/summaries';
import { relocks } from '../analysis/relocks';
import { honouredByACaller } from '../analysis/contradicted';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { CallSite } from '../analysis/flow-types';
import type { FuncDecl } from '../model/file';
import type { Check } from './check';
import type { Fix } from '../base/finding';
import { acquisitionLocation, heldLocation, lockNodes, whereHeld } from './util';
import { isGuess } from '../core/contract-sources';

export const doubleLock: Check = {
  id: 'double-lock',
  title: 'A lock that is already held is taken again, which deadlocks',
  doc: `A lock that is already held is taken again, which deadlocks.

Go's mutexes are not reentrant: locking a held sync.Mutex blocks forever. lockset reports a Lock of the
same instance that is already held, directly or through a call (holding vmLock and calling the exported
FindVM, which takes vmLock itself; the quick fix calls the internal twin findVM and adds a // LOCK:
annotation). It also reports a recursive RLock, which deadlocks as soon as a writer waits between the two
RLocks, and an RLock upgraded to Lock on the same RWMutex. A TryLock never waits: asserting a mutex is held with
\`if mu.TryLock() { mu.Unlock(); panic(...) }\` under the lock is fine. A lock still held on some path (a missing unlock)
and then locked again is reported too. Instances that may differ (vms[a].lock and vms[b].lock) are not.

A callee that takes the lock only for some values of its arguments (\`if key == nil { c.accountKID() }\`) deadlocks
only when the call passes one of them, which lockset cannot tell: information, naming the condition.

A lock held only because the function's own contract says so ("Caller must hold l.mu", a …Locked name), which
the body then takes again, deadlocks only if a caller honours the contract: an error when a call in the package
holds the lock, and otherwise information, since the contract is then the likelier mistake (a stale comment, or
"Locked" meaning the OS thread); the same callee's missing-lock findings are information then too.`,
  example: 'vmLock.Lock(); FindVM(id) // FindVM locks vmLock too',
  defaultSeverity: 'error',
  run(ctx) {
    const { analysis } = ctx;
    for (const [fn, flow] of analysis.flows) {
      if (analysis.contractOf(fn).ignore) continue;
      for (const r of relocks(analysis, fn, flow)) {
        const h = r.held;
        const stale = staleContract(analysis, fn, h);
        if (r.kind === 'lock') {
          // Held by a guessed contract (the callers rule, a twin that holds it) that a call in the package honours:
          // that call is reported as taking the lock again, with the whole path; the bug is not said twice.
          if (h.fromContract && h.guessedFrom && !stale && !declaresLock(analysis, fn, h)) continue;
          const op = r.event.op;
          ctx.report({
            file: fn.file.path,
            range: fn.file.lines.range(r.event.node.start, r.event.node.end),
            message: explain(h, op.method === 'RLock' ? 'read' : 'write', `${op.ref.display}.${op.method}()`, whereHeld(fn, h)) + (stale ?? ''),
            severity: stale ? 'information' : undefined,
            related: [heldLocation(fn, h)],
            fixes: [],
            locks: lockNodes(analysis.pkg.dir, [op.ref]),
          });
          continue;
        }
        const { site, acq: a } = r;
        // A callee that locks only for some argument values deadlocks only if the call passes one of them.
        const cond = a.belowCondition;
        const onValue = cond ? `; but ${cond}, which this call may never meet` : '';
        ctx.report({
          file: fn.file.path,
          range: fn.file.lines.range(site.nameNode.start, site.nameNode.end),
          message: explain(h, a.mode, `call of ${site.calleeName}`, whereHeld(fn, h)) + ` (${describeChain(a)})` + (stale ?? onValue),
          severity: stale || cond ? 'information' : undefined,
          related: [heldLocation(fn, h), acquisitionLocation(a, `${a.ref.display} locked again here, in ${a.lockFn.name}`)],
          fixes: internalTwinFix(analysis, fn, site, h),
          locks: a.node ? [a.node] : lockNodes(analysis.pkg.dir, [a.ref]),
        });
      }
    }
  },
};

/**
 * A lock held only because the function's contract says so, which its body takes again: a deadlock only if a
 * caller honours the contract. When no call in the package holds the lock, the contract is the likelier mistake
 * (a stale comment, a name guessed from "Locked"): information, saying so.
 */
function staleContract(analysis: PackageAnalysis, fn: FuncDecl, h: HeldLock): string | undefined {
  if (!h.fromContract || honouredByACaller(analysis, fn, h.ref.key)) return undefined;
  return `; but no call of ${fn.name} in the package holds ${h.ref.display}, so its contract may be what is wrong`;
}

function explain(h: HeldLock, mode: LockMode, what: string, where: string): string {
  const lock = h.ref.display;
  const maybe = h.maybe ? ' on some paths' : '';
  if (h.modeUnknown) return `${what} ${mode === 'read' ? 'read-locks' : 'locks'} ${lock}, which is already held (${where}); sync mutexes are not reentrant, so this deadlocks`;
  if (h.mode === 'read' && mode === 'read') return `recursive RLock: ${what} read-locks ${lock}, which is already read-locked${maybe} (${where}); a writer waiting in between deadlocks both`;
  if (h.mode === 'read') return `${what} write-locks ${lock} while it is read-locked${maybe} (${where}); an RLock cannot be upgraded to Lock, so this deadlocks`;
  if (mode === 'read') return `${what} read-locks ${lock} while it is write-locked${maybe} (${where}), which deadlocks`;
  return `${what} locks ${lock}, which is already held${maybe} (${where}); sync mutexes are not reentrant, so this deadlocks`;
}

/** Holding vmLock and calling FindVM: call findVM, which assumes the lock, and say so with // LOCK:. */
function internalTwinFix(analysis: PackageAnalysis, caller: FuncDecl, site: CallSite, h: HeldLock): Fix[] {
  const callee = site.callee!;
  if (!/^[A-Z]/.test(callee.name)) return [];
  const name = callee.name[0].toLowerCase() + callee.name.slice(1);
  const twin = analysis.pkg.funcs.get(callee.recvType ? `${callee.recvType}.${name}` : name);
  const stmt = enclosingStatement(site.node);
  if (!twin || twin === caller || !stmt || twin.params.length !== callee.params.length) return [];
  const file = caller.file;
  const line = file.lines.lineOf(stmt.start);
  const indent = file.lines.indentOf(line);
  const at = file.lines.position(file.lines.lineStart(line));
  return [{
    id: 'call-internal-twin',
    title: `Call ${twin.name}, which assumes ${h.ref.display} is held`,
    preferred: true,
    edits: [
      { file: file.path, range: { start: at, end: at }, newText: `${indent}// LOCK: ${h.ref.display} is held here.\n` },
      { file: file.path, range: file.lines.range(site.nameNode.start, site.nameNode.end), newText: twin.name },
    ],
  }];
}

/** Whether the function's declared contract (a doc comment, an annotation) names the lock too, resolved or not. */
function declaresLock(analysis: PackageAnalysis, fn: FuncDecl, h: HeldLock): boolean {
  return analysis.contractOf(fn).requires.some((r) => !isGuess(r.source.kind) && r.ref.key.replace(/^\?/, '') === h.ref.key);
}
