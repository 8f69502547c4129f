import { callerHeldLocks } from '../analysis/caller-locks';
import type { FunctionFlow, LockEvent } from '../analysis/flow-types';
import type { SyntaxNode } from '../syntax/node';
import type { FuncDecl } from '../model/file';
import type { Check } from './check';
import { heldLocation, lockNodes, methodNameNode, whereHeld } from './util';

export const unlockNotHeld: Check = {
  id: 'unlock-not-held',
  title: 'An Unlock of a lock that is not held, or in the wrong mode',
  doc: `An Unlock of a lock that is not held, or in the wrong mode.

Unlocking a sync.Mutex that is not locked is a run-time error ("fatal error: sync: unlock of unlocked
mutex"). lockset reports an Unlock or RUnlock where the lock is held on no path (in a function that locks
it elsewhere; functions that only release a lock their caller took are lock helpers, not bugs), an Unlock
after RLock and an RUnlock after Lock, saying which one was held. A goroutine that unlocks a lock handed to
it by the code that started it, a function that begins by unlocking its caller's lock, and a loop that
unlocks each element that an earlier loop locked are not reported.`,
  example: 'mu.RLock(); ...; mu.Unlock()',
  defaultSeverity: 'error',
  runFunction(ctx, fn, flow) {
    if (flow.lockEvents.length === 0) return;
    const { analysis } = ctx;
    const c = analysis.contractOf(fn);
    if (c.ignore) return;
    const locks = flow.lockEvents.filter((e) => !e.op.method.endsWith('nlock') && !e.deferred);
    // After a reported double lock (on every path or on some: double-lock reports both), the balanced second
    // Unlock is a consequence, not a second bug.
    const doubled = new Set(locks.filter((e) => e.held.get(e.op.ref.key) && !e.held.get(e.op.ref.key)!.inherited).map((e) => e.op.ref.key));
    // A lock on a loop's own variable (`for _, p := range ps { p.mu.Unlock() }`) names another mutex each round:
    // only a Lock earlier in the same loop can have taken the one unlocked.
    const lockedBefore = (e: LockEvent) => {
      const loop = e.op.ref.rootKind === 'local' ? loopDeclaring(e.node, e.op.ref.root, fn.file.parsed.text) : undefined;
      return locks.some((l) => l.op.ref.key === e.op.ref.key && l.node.start < e.node.start && (!loop || l.node.start >= loop.start));
    };
    const callers = callerHeldLocks(flow);
    for (const e of flow.lockEvents) {
      if (!e.op.method.endsWith('nlock')) continue;
      const key = e.op.ref.key;
      const h = e.held.get(key);
      // Most Unlocks report nothing: their range and the search for an earlier Lock wait until one does.
      const range = () => { const name = methodNameNode(e.node) ?? e.node; return fn.file.lines.range(name.start, name.end); };
      const suspicious = () => lockedBefore(e) && !doubled.has(key) && !callers.has(key) && !c.releases.some((r) => r.ref.key === key) && !handedOff(flow, e);
      const sibling = !h && e.op.ref.promotedFrom ? e.held.definite().find((x) => x.ref.promotedFrom === e.op.ref.promotedFrom) : undefined;
      if (sibling) {
        ctx.report({
          file: fn.file.path, range: range(),
          message: `${e.op.method} reaches ${e.op.ref.display}, but ${sibling.ref.display} is the mutex that is held (${whereHeld(fn, sibling)}): the struct's promoted Lock and RLock come from different embedded mutexes`,
          related: [heldLocation(fn, sibling)], fixes: [], locks: lockNodes(ctx.analysis.pkg.dir, [e.op.ref, sibling.ref]),
        });
        continue;
      }
      if (!h) {
        if (!suspicious()) continue;
        ctx.report({ file: fn.file.path, range: range(), message: `${e.op.method} of ${e.op.ref.display}, which is not held here; unlocking an unlocked mutex is a fatal error`, related: [], fixes: [], locks: lockNodes(ctx.analysis.pkg.dir, [e.op.ref]) });
        continue;
      }
      if (e.deferred && e.absentAtExit && suspicious() && !pairedWithItsLock(flow, e, (callee) => analysis.contractOf(callee).releases.length > 0)) {
        ctx.report({ file: fn.file.path, range: range(), message: `deferred ${e.op.method} of ${e.op.ref.display} runs after ${e.op.ref.display} was already unlocked on some path; unlocking an unlocked mutex is a fatal error`, related: [], fixes: [], locks: lockNodes(ctx.analysis.pkg.dir, [e.op.ref]) });
        continue;
      }
      if (h.maybe || h.modeUnknown || h.inherited) continue;
      const wrong = (e.op.method === 'Unlock' && h.mode === 'read') || (e.op.method === 'RUnlock' && h.mode === 'write');
      if (!wrong) continue;
      const right = h.mode === 'read' ? 'RUnlock' : 'Unlock';
      const at = range();
      ctx.report({
        file: fn.file.path, range: at,
        message: `${e.op.method} of ${e.op.ref.display}, which is ${h.mode === 'read' ? 'read-locked (RLock)' : 'write-locked (Lock)'} here (${whereHeld(fn, h)}); use ${right}`,
        related: [heldLocation(fn, h)],
        fixes: [{ id: 'fix-unlock-mode', title: `Change to ${right}()`, preferred: true, edits: [{ file: fn.file.path, range: at, newText: right }] }],
        locks: lockNodes(ctx.analysis.pkg.dir, [e.op.ref]),
      });
    }
  },
};

/**
 * `mu.Lock(); defer mu.Unlock()`, the defer registered right after its Lock in the same block, in a function that
 * unlocks that lock nowhere else and calls nothing that releases a lock: wherever the defer was registered, the lock
 * is still held when it runs (grpc-go's `if !hasLock { mu.Lock(); defer mu.Unlock(); hasLock = true }` in a loop,
 * where the flow no longer pairs the flag with the lock after an inner loop's return).
 */
function pairedWithItsLock(flow: FunctionFlow, e: LockEvent, releases: (callee: FuncDecl) => boolean): boolean {
  const stmt = e.node.type === 'defer_statement' ? e.node : e.node.parent?.type === 'defer_statement' ? e.node.parent : undefined;
  const list = stmt?.parent;
  if (!stmt || !list) return false;
  const siblings = list.children.filter((c) => c.type !== 'comment');
  const before = siblings[siblings.indexOf(stmt) - 1];
  const key = e.op.ref.key;
  const paired = !!before && flow.lockEvents.some((l) => !l.deferred && (l.op.method === 'Lock' || l.op.method === 'RLock') && l.op.ref.key === key && l.node.start >= before.start && l.node.end <= before.end);
  if (!paired) return false;
  const unlockedElsewhere = flow.lockEvents.some((x) => x !== e && x.op.ref.key === key && x.op.method.endsWith('nlock'));
  return !unlockedElsewhere && !flow.calls.some((site) => site.callee && releases(site.callee));
}

/** An Unlock inside a goroutine (or stored literal) of a lock that its starter held: a hand-off. */
function handedOff(flow: FunctionFlow, e: LockEvent): boolean {
  if (e.unit === 'function' || e.unit === 'inline' || e.unit === 'deferred' || e.unit === 'callback') return false;
  for (let p: SyntaxNode | null = e.node.parent; p; p = p.parent) {
    const info = p.type === 'func_literal' ? flow.literals.get(p) : undefined;
    if (info && info.startHeld.get(e.op.ref.key)) return true;
  }
  return false;
}

/** The innermost loop around `node` whose clause declares `name` (`for _, name := range`, `for name := 0; ...`). */
function loopDeclaring(node: SyntaxNode, name: string, text: string): SyntaxNode | undefined {
  for (let p: SyntaxNode | null = node.parent; p && p.type !== 'function_declaration' && p.type !== 'method_declaration'; p = p.parent) {
    if (p.type !== 'for_statement') continue;
    const clause = p.children.find((c) => c.type === 'range_clause') ?? p.children.find((c) => c.type === 'for_clause')?.children.find((c) => c.field === 'initializer');
    const left = clause?.children.find((c) => c.field === 'left')?.children ?? [];
    if (left.some((id) => id.type === 'identifier' && text.slice(id.start, id.end) === name)) return p;
    // `for i := ...; { d := ds[i]; ... }`: declared in the loop's body, a new variable each round too.
    if (declaresInBody(p, name, text)) return p;
  }
  return undefined;
}

/** Whether a statement of the loop's own body (not a nested block) declares `name` with `:=` or `var`. */
function declaresInBody(loop: SyntaxNode, name: string, text: string): boolean {
  const list = loop.children.find((c) => c.field === 'body')?.children.find((c) => c.type === 'statement_list');
  for (const s of list?.children ?? []) {
    const names = s.type === 'short_var_declaration' ? s.children.find((c) => c.field === 'left')?.children ?? []
      : s.type === 'var_declaration' ? s.children.flatMap((spec) => spec.children.filter((c) => c.field === 'name')) : [];
    if (names.some((id) => id.type === 'identifier' && text.slice(id.start, id.end) === name)) return true;
  }
  return false;
}
