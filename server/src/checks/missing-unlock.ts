import { callerHeldLocks } from '../analysis/caller-locks';
import { mapToCaller } from '../analysis/calls';
import type { FunctionFlow } from '../analysis/flow-types';
import { releasedCallerLocks } from '../analysis/summaries';
import type { Check } from './check';
import { exitRange, heldLocation, lineNo, lockNodes } from './util';
import type { Fix, TextEdit } from '../base/finding';
import type { HeldLock } from '../analysis/held';
import type { FuncDecl, GoFile } from '../model/file';
import { walk, type SyntaxNode } from '../syntax/node';

export const missingUnlock: Check = {
  id: 'missing-unlock',
  title: 'A path leaves the function with a lock held',
  doc: `A path leaves the function with a lock held.

An early return, an error branch, or a continue in a loop that locks leaves a lock held that the function
unlocks on its other paths, and no deferred Unlock releases it. The next Lock of it blocks forever.
Functions that return holding a lock on every path (lock helpers), locks that the contract hands back
(+checklocksacquire), locks handed to a goroutine that unlocks them, and conditional locking released
under the same condition are not reported. The diagnostic sits on the return (or the function's closing
brace), with the Lock as related information. The quick fix adds the Unlock (RUnlock after an RLock) on a line
above a return or continue that computes nothing that could need the lock (\`return err\`, \`return nil, false\`);
another defers the Unlock after the function's only Lock of the mutex and drops the explicit Unlocks, when each
of them is followed by such a return or ends the body.`,
  example: 'mu.Lock(); if err != nil { return err }; mu.Unlock()',
  defaultSeverity: 'warning',
  runFunction(ctx, fn, flow) {
    // Reports are made only where a lock is held at an exit or a continue.
    if (!flow.exits.some((x) => x.held.size) && !flow.continues.some((x) => x.held.size)) return;
    const { analysis } = ctx;
    const c = analysis.contractOf(fn);
    if (c.ignore) return;
    const unlockedSomewhere = keysWith(flow, (m) => m.endsWith('nlock'), ['function', 'inline', 'deferred', 'callback']);
    // Unlocking through a helper whose contract releases the lock counts as unlocking it.
    for (const site of flow.calls) {
      if (!site.callee) continue;
      for (const r of analysis.contractOf(site.callee).releases) {
        const ref = mapToCaller(r.ref, site, analysis.resolver(fn));
        if (ref) unlockedSomewhere.add(ref.key);
      }
    }
    const handedOff = keysWith(flow, (m) => m.endsWith('nlock'), ['goroutine', 'detached', 'later']);
    const handedBack = releasedCallerLocks(flow);
    const callers = callerHeldLocks(flow);
    const ok = (key: string) => !unlockedSomewhere.has(key) || handedOff.has(key) || handedBack.has(key) || callers.has(key) || c.acquires.some((a) => a.ref.key === key || a.heldAs?.includes(key));
    for (const exit of flow.exits) {
      if (exit.kind === 'panic') continue;
      for (const h of exit.held.definite()) {
        // An alias's copy of a lock is reported under the lock's own name.
        if (h.fromContract || h.aliasOf || h.viaResult || ok(h.ref.key) || (exit.kind === 'return' && storedInResult(fn, exit.node, h))) continue;
        const { start: at, end } = exitRange(exit);
        ctx.report({
          file: fn.file.path,
          range: fn.file.lines.range(at, end),
          message: exit.kind === 'end'
            ? `${fn.name} ends with ${h.ref.display} still locked (locked at line ${lineNo(fn.file, h.site.start)}); no Unlock or deferred Unlock releases it on this path`
            : `return leaves ${h.ref.display} locked (locked at line ${lineNo(fn.file, h.site.start)}); unlock it before returning, or defer the Unlock`,
          related: [heldLocation(fn, h)],
          fixes: [...exit.kind === 'end' ? [] : unlockBefore(fn.file, exit.node, h), ...deferTheUnlock(fn, flow, h, exit.kind !== 'end')],
          locks: lockNodes(analysis.pkg.dir, [h.ref]),
        });
      }
    }
    for (const cont of flow.continues) {
      for (const h of cont.held.definite()) {
        if (cont.entry.get(h.ref.key) || h.fromContract || h.aliasOf || ok(h.ref.key)) continue;
        ctx.report({
          file: fn.file.path,
          range: fn.file.lines.range(cont.node.start, cont.node.end),
          message: `continue skips the Unlock of ${h.ref.display} (locked at line ${lineNo(fn.file, h.site.start)}): the next round locks it again and deadlocks`,
          related: [heldLocation(fn, h)],
          fixes: unlockBefore(fn.file, cont.node, h),
          locks: lockNodes(analysis.pkg.dir, [h.ref]),
        });
      }
    }
  },
};

/**
 * Whether a return hands the lock to the value it returns: a composite literal among the results keeps the lock
 * itself in a field (`return &Tx{tx: t, locker: l}` with l locked, `&db.mu`, `db.mu.RLocker()`), so that the
 * result's own methods release it (lnd's kvdb transactions). Read from this function's text alone.
 */
function storedInResult(fn: FuncDecl, ret: SyntaxNode, h: HeldLock): boolean {
  const text = fn.file.parsed.text;
  const lock = h.ref.display.replace(/\s+/g, '');
  const kept = new Set([lock, `&${lock}`, `${lock}.RLocker()`, `(&${lock}).RLocker()`]);
  let found = false;
  walk(ret, (n) => {
    if (found || n.type === 'func_literal') return false;
    if (n.type === 'literal_element' && n.parent?.type === 'keyed_element' && n.parent.children.indexOf(n) > 0) {
      if (kept.has(text.slice(n.start, n.end).replace(/\s+/g, ''))) found = true;
    } else if (n.type === 'literal_element' && n.parent?.type === 'literal_value' && kept.has(text.slice(n.start, n.end).replace(/\s+/g, ''))) found = true;
    return !found;
  });
  return found;
}

/**
 * "Unlock before this return" (or continue): `mu.Unlock()` on a line of its own above it. Only where the statement
 * stands on its own line in a block and computes nothing that could need the lock (no call in a returned value:
 * `return err`, `return nil, false`), so that the fix cannot move work out from under the lock.
 */
function unlockBefore(file: GoFile, stmt: SyntaxNode, h: HeldLock): Fix[] {
  if (stmt.parent?.type !== 'statement_list' || !h.ref.exact) return [];
  let calls = false;
  walk(stmt, (n) => { if (n.type === 'call_expression' || n.type === 'func_literal') calls = true; return !calls; });
  if (calls) return [];
  const line = file.lines.lineOf(stmt.start);
  const lineStart = file.lines.lineStart(line);
  const indent = file.lines.indentOf(line);
  if (lineStart + indent.length !== stmt.start) return [];
  const unlock = h.mode === 'read' ? 'RUnlock' : 'Unlock';
  const at = file.lines.position(lineStart);
  return [{
    id: 'unlock-before-exit',
    title: `Add ${h.ref.display}.${unlock}() before this ${stmt.type === 'continue_statement' ? 'continue' : 'return'}`,
    edits: [{ file: file.path, range: { start: at, end: at }, newText: `${indent}${h.ref.display}.${unlock}()\n` }],
    preferred: true,
  }];
}

/**
 * "Defer the Unlock": `defer mu.Unlock()` below the function's only Lock of the mutex, and its explicit Unlocks
 * removed. Only where each of those Unlocks is followed by a return that computes nothing (no call) or ends the
 * body, so that the lock is released at the same point as before on the paths that did release it.
 */
function deferTheUnlock(fn: FuncDecl, flow: FunctionFlow, h: HeldLock, other: boolean): Fix[] {
  const key = h.ref.key;
  const unlockName = h.mode === 'read' ? 'RUnlock' : 'Unlock';
  const events = flow.lockEvents.filter((e) => e.op.ref.key === key);
  const locks = events.filter((e) => !e.op.method.endsWith('nlock'));
  const unlocks = events.filter((e) => e.op.method.endsWith('nlock'));
  if (!h.ref.exact || locks.length !== 1 || locks[0].deferred || locks[0].unit !== 'function' || unlocks.some((u) => u.deferred || u.unit !== 'function' || u.op.method !== unlockName)) return [];
  const file = fn.file;
  const ownLine = (stmt: SyntaxNode | null | undefined): stmt is SyntaxNode => !!stmt && stmt.type === 'expression_statement' && stmt.parent?.type === 'statement_list'
    && file.lines.lineStart(file.lines.lineOf(stmt.start)) + file.lines.indentOf(file.lines.lineOf(stmt.start)).length === stmt.start
    && file.lines.lineOf(stmt.end) === file.lines.lineOf(stmt.start);
  const lockStmt = locks[0].node.parent;
  if (!ownLine(lockStmt)) return [];
  const edits: TextEdit[] = [];
  for (const u of unlocks) {
    const stmt = u.node.parent;
    if (!ownLine(stmt)) return [];
    const next = stmt.parent!.children.find((c) => c.start > stmt.start && c.type !== 'comment');
    const endsBody = !next && stmt.parent!.parent?.start === fn.body?.start;
    if (!endsBody && !(next?.type === 'return_statement' && !hasCall(next))) return [];
    const line = file.lines.lineOf(stmt.start);
    edits.push({ file: file.path, range: { start: file.lines.position(file.lines.lineStart(line)), end: file.lines.position(file.lines.lineStart(line + 1)) }, newText: '' });
  }
  const line = file.lines.lineOf(lockStmt.start);
  const after = file.lines.position(file.lines.lineStart(line + 1));
  edits.push({ file: file.path, range: { start: after, end: after }, newText: `${file.lines.indentOf(line)}defer ${h.ref.display}.${unlockName}()\n` });
  return [{ id: 'defer-the-unlock', title: `Defer ${h.ref.display}.${unlockName}() after the ${unlockName === 'RUnlock' ? 'RLock' : 'Lock'} (and drop the explicit ${unlockName}s)`, edits, preferred: !other }];
}

function hasCall(n: SyntaxNode): boolean {
  let calls = false;
  walk(n, (x) => { if (x.type === 'call_expression' || x.type === 'func_literal') calls = true; return !calls; });
  return calls;
}

function keysWith(flow: FunctionFlow, method: (m: string) => boolean, units: string[]): Set<string> {
  return new Set(flow.lockEvents.filter((e) => method(e.op.method) && units.includes(e.unit)).map((e) => e.op.ref.key));
}
