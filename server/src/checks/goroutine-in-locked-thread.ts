import { OS_THREAD_KEY } from '../analysis/blocking';
import type { Check } from './check';
import { lineNo, related } from './util';

export const goroutineInLockedThread: Check = {
  id: 'goroutine-in-locked-thread',
  title: 'A goroutine started from a thread locked with runtime.LockOSThread',
  doc: `A goroutine started from a thread locked with runtime.LockOSThread.

Code locks its OS thread to change per-thread state, such as a network namespace (netns.Set, unix.Setns,
unix.Unshare). Since Go 1.10 a goroutine started from a locked thread does not run on that thread and does not
inherit its state: work started with go runs in the original namespace. Do that work inline on the locked
thread instead. Without a state change seen between the LockOSThread and the go statement, the finding is
information: the thread may be locked for another reason (ptrace, a C library's thread-local state). A LockOSThread that some path does not undo with UnlockOSThread is reported as information:
when the goroutine exits still locked, the runtime terminates the thread.`,
  example: 'runtime.LockOSThread(); netns.Set(ns); go serve()',
  defaultSeverity: 'warning',
  runFunction(ctx, fn, flow) {
    for (const g of flow.goStmts) {
      const t = g.held.get(OS_THREAD_KEY);
      if (!t) continue;
      const change = t.stateChangeName && t.stateChangeSite !== undefined ? ` and ${t.stateChangeName} at line ${lineNo(fn.file, t.stateChangeSite.start)}` : '';
      const goKw = { start: g.node.start, end: g.node.start + 2 };
      ctx.report({
        // Without a thread-state change seen while the thread is locked, that the goroutine needed the thread is a
        // guess (gVisor's systrap locks it for ptrace and starts a request loop that locks its own): information.
        severity: t.stateChangeName ? undefined : 'information',
        file: fn.file.path,
        range: fn.file.lines.range(goKw.start, goKw.end),
        message: `go statement ${t.maybe ? 'possibly ' : ''}after runtime.LockOSThread at line ${lineNo(fn.file, t.site.start)}${change}: the new goroutine does not run on this locked thread and does not inherit its state${t.stateChangeName ? ' (it runs in the original namespace)' : ''}; do the work inline instead`,
        related: [related(fn.file, t.site.start, t.site.start, 'the thread is locked here'), ...(t.stateChangeSite !== undefined ? [related(fn.file, t.stateChangeSite.start, t.stateChangeSite.start, `${t.stateChangeName} changes this thread's state`)] : [])],
        fixes: [],
        // The OS thread is a pseudo-lock, no lock class: the finding counts for no lock in the Locks view.
        locks: [],
      });
    }
    // init locking the main thread is the documented way to keep main on it.
    const leaks = fn.name === 'init' ? [] : flow.exits.filter((x) => x.kind !== 'panic' && x.held.get(OS_THREAD_KEY));
    if (leaks.length) {
      const t = leaks[0].held.get(OS_THREAD_KEY)!;
      const everyPath = leaks.length === flow.exits.filter((x) => x.kind !== 'panic').length && leaks.every((x) => !x.held.get(OS_THREAD_KEY)!.maybe);
      ctx.report({
        file: fn.file.path,
        range: fn.file.lines.range(t.site.start, t.site.start + 'runtime.LockOSThread'.length),
        message: `runtime.LockOSThread is not undone by runtime.UnlockOSThread on ${everyPath ? 'every path' : 'some paths'} of ${fn.name}; if the goroutine exits still locked, the runtime terminates its thread`,
        severity: 'information',
        related: leaks.map((x) => {
          const at = x.kind === 'end' ? Math.max(x.node.end - 1, x.node.start) : x.node.start;
          return related(fn.file, at, at, 'returns with the thread still locked');
        }),
        fixes: [],
        locks: [],
      });
    }
  },
};
