import { isCondLock, isPseudoLock } from '../analysis/blocking';
import { isUnshared } from '../analysis/fresh';
import { isFreshAt } from '../analysis/fresh-value';
import type { FunctionFlow } from '../analysis/flow-types';
import type { SyntaxNode } from '../syntax/node';
import { blocksAt, neverWaits, releasedAt } from '../analysis/summaries';
import type { HeldLock, HeldSet } from '../analysis/held';
import type { FuncDecl, GoFile } from '../model/file';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { Check } from './check';
import { moveSendAfterUnlock } from './move-send';
import { firstLineRange, heldLocation, lineNo, lockNodes, related } from './util';

export const blockingUnderLock: Check = {
  id: 'blocking-under-lock',
  title: 'A channel operation, sleep, wait or I/O while a lock is held',
  doc: `A channel operation, sleep, wait or I/O while a lock is held.

While a goroutine blocks holding a lock, every other goroutine that needs the lock waits too, and if the
operation waits for one of them, nothing moves again. lockset reports a channel send or receive, a range over
a channel, a select without default, time.Sleep, sync.WaitGroup.Wait, sync.Cond.Wait while a lock other than
the condition's own is held, blocking I/O (net, net/http, os/exec Run and Wait, io.Copy), and a call of a
function that may block (transitively, or documented with +blocking or "may block"). In an unexported function
whose locks come from its contract, the report is made at its callers that take them, not at every level.
Confidence: an operation in the function that holds the lock, or a call of a function that blocks itself or
through one more call, is a warning; a longer chain of calls is a guess about paths that may not run under the
lock, reported as information (a severity set for the check in lockset.checks applies to every finding).
Reads from memory, from random or key-derivation sources (crypto/rand, math/rand, hkdf), and a send on a
channel made in the function with room left in its buffer do not block, nor one on a field the function has just
given a new channel with room (\`f.sendLock = make(chan struct{}, 1); f.sendLock <- struct{}{}\`). Nor does a send into a reply channel's
room: a struct field that every make gives a buffer of one and that the package sends to at one place, or a
channel taken out of a map of pending requests (\`if rc := c.awaiting[id]; rc != nil { delete(c.awaiting, id);
rc <- r }\`) whose every channel is made with a buffer of one and whose every sender deletes the entry first.
A send on a channel while holding a lock passes the lock implicitly to the receiver: the receiver runs while
the sender still holds it ("blocking operations on channels implicitly pass locks"). Holding a lock across a
sleep starves the goroutines waiting for it, as in Go 1.8's starvation example, where one goroutine sleeps
100µs in a loop while holding the lock. Silence one site with //lockset:ignore blocking-under-lock <reason>.
The quick fix moves a channel send below the Unlock that follows it in the same block, when the statements
between neither change what the send reads nor call anything, and the send reads nothing a lock guards.`,
  example: 'mu.Lock(); ch <- v; mu.Unlock()',
  defaultSeverity: 'warning',
  run(ctx) {
    const { analysis } = ctx;
    const called = calledInPackage(analysis);
    for (const [fn, flow] of analysis.flows) {
      if (analysis.contractOf(fn).ignore) continue;
      // Under locks that only the contract provides, an unexported function with callers here is reported at
      // those callers that take the locks ("call of f may block ... while holding mu (locked at line N)"), once
      // each, with this line among the evidence, rather than again at every level of the chain.
      const byCallers = !/^[A-Z]/.test(fn.name) && called.has(fn);
      const own = (held: HeldLock[]) => !byCallers || held.some((h) => !h.fromContract);
      for (const e of flow.blocking) {
        if (neverWaits(analysis, fn.file, e)) continue;
        // Waiting on a Cond releases its own lock: the one it was made with, or `c.L` itself (`b.cond.L.Lock()`).
        const condL = e.ownLock ? condLockWritten(fn.file, e.node) : undefined;
        const held = heldLocks(analysis, fn, flow, e.held, e.node).filter((h) => !e.ownLock || (!isCondLock(h.ref, e.ownLock) && h.ref.display !== condL));
        if (held.length === 0 || (e.ownLock === '?' && held.length < 2) || !own(held)) continue;
        ctx.report({
          file: fn.file.path,
          range: firstLineRange(fn.file, e.node),
          message: `${e.what} while holding ${names(fn, held)}${consequence(e.what)}`,
          related: held.map((h) => heldLocation(fn, h)),
          fixes: moveSendAfterUnlock(analysis, fn, flow, e, held),
          locks: lockNodes(analysis.pkg.dir, held.map((h) => h.ref)),
        });
      }
      for (const site of flow.calls) {
        if (!site.callee || site.viaGo) continue;
        const w = analysis.mayBlockOf(site.callee);
        // A callee that unlocks the caller's lock before it blocks (a hand-written Cond.Wait) does not block under it.
        const handedBack = releasedAt(analysis, fn, site);
        // Waiting on a Cond releases the Cond's own lock: holding just that one while calling a waiter is the pattern.
        const held = heldLocks(analysis, fn, flow, site.held, site.node, site.nameNode.start).filter((h) => !handedBack.has(h.ref.key) && !(w?.ownLock && isCondLock(h.ref, w.ownLock)));
        // A call whose arguments rule out every way the callee gets to the blocking operation does not block.
        if (!w || held.length === 0 || !own(held) || !blocksAt(w, site)) continue;
        const calls = [site.calleeName, ...w.chain.map((s) => s.site.calleeName)];
        const path = calls.join(' → ');
        ctx.report({
          // A chain of more than two calls is a guess about paths that may not run under this lock (confidence).
          severity: calls.length > MAX_SURE_CHAIN ? 'information' : undefined,
          file: fn.file.path,
          range: fn.file.lines.range(site.nameNode.start, site.nameNode.end),
          message: `call of ${site.calleeName} may block (${path}: ${w.what}) while holding ${names(fn, held)}`,
          related: [...held.map((h) => heldLocation(fn, h)), related(w.fn.file, w.at.start, w.at.start, `${w.what} in ${w.fn.name}`)],
          fixes: [],
          locks: lockNodes(analysis.pkg.dir, held.map((h) => h.ref)),
        });
      }
    }
  },
};

/** The longest chain of calls to a blocking operation reported as a warning; longer ones are information. */
const MAX_SURE_CHAIN = 2;

/** The package's functions that some function of the package calls (not only starts with go). */
function calledInPackage(analysis: PackageAnalysis): Set<FuncDecl> {
  const out = new Set<FuncDecl>();
  for (const flow of analysis.flows.values()) for (const site of flow.calls) if (site.callee && !site.viaGo) out.add(site.callee);
  return out;
}

/**
 * The real locks held for sure (not the OS-thread pseudo-lock, not a callback's inherited ones), but not a lock
 * of an object the function built, or got from a package function that returns only objects it built (rclone's
 * `s := groups.sum(ctx)`), and has not shared yet: no other goroutine can be waiting for it.
 */
function heldLocks(analysis: PackageAnalysis, fn: FuncDecl, flow: FunctionFlow, held: HeldSet, node: SyntaxNode, offset = node.start): HeldLock[] {
  return held.definite().filter((h) => !isPseudoLock(h.ref.key) && !h.inherited && !isUnshared(fn, h.ref, offset) && !isFreshAt(analysis, fn, flow, h.ref, node, offset));
}

function names(fn: FuncDecl, held: HeldLock[]): string {
  return held.map((h) => `${h.ref.display} (${h.fromContract ? `held per ${fn.name}'s contract` : `locked at line ${lineNo(fn.file, h.site.start)}`})`).join(' and ');
}

function consequence(what: string): string {
  if (what === 'channel send') return '; the receiver runs while the lock is still held, and if it needs the lock, both wait forever';
  if (what === 'time.Sleep') return '; every goroutine waiting for the lock sleeps too (lock starvation)';
  return '';
}

/** For `b.cond.Wait()`: `b.cond.L`, the Cond's lock as the code can name it. */
function condLockWritten(file: GoFile, call: SyntaxNode): string | undefined {
  const fn = call.type === 'call_expression' ? call.children.find((c) => c.field === 'function') : undefined;
  const operand = fn?.type === 'selector_expression' ? fn.children.find((c) => c.field === 'operand') : undefined;
  return operand ? `${file.text(operand).replace(/\s+/g, '')}.L` : undefined;
}
