import type { ContractLock } from '../analysis/contract-types';
import type { ExitPoint } from '../analysis/flow-types';
import type { HeldLock } from '../analysis/held';
import type { FuncDecl } from '../model/file';
import { paramsOf } from '../model/file';
import { annotatingComments } from '../analysis/annotations';
import { child, walk } from '../syntax/node';
import type { Check } from './check';
import { exitRange, heldLocation, lockNodes, related } from './util';

export const contractNotKept: Check = {
  id: 'contract-not-kept',
  title: 'A +checklocksacquire or +checklocksrelease function does not do so on every path',
  doc: `A +checklocksacquire or +checklocksrelease function does not do so on every path.

A function annotated \`+checklocksacquire:mu\` (or \`+checklocksacquireread\`) returns without holding mu on
some path, or one annotated \`+checklocksrelease:mu\` (or \`+checklocksreleaseread\`) returns with mu still held.

Its callers trust the annotation: after the call they take the lock for held (or released), so a path that breaks
it leaves a caller touching guarded state without the lock, or unlocking a lock it does not hold. As in
checklocks, a lock held on only some paths to a return is not held. The diagnostic sits on the return (or the
closing brace) and the annotation is related information. A result may be the subject: \`+checklocksacquire:tc.mu\`
on \`func dial() (tc *conn, err error)\` is checked against \`tc\` (or the variable a return statement gives for it).
Functions marked \`+checklocksignore\` and annotations that name no lock in scope are not checked.`,
  example: 'func (c *C) lock() error { if c.closed { return errClosed }; c.mu.Lock(); return nil } // +checklocksacquire:c.mu',
  defaultSeverity: 'warning',
  runFunction(ctx, fn, flow) {
    const c = ctx.analysis.contractOf(fn);
    if (c.ignore) return;
    const { pkg } = ctx.analysis;
    // An annotation that names no lock (a typo, a field that is gone) is not understood: nothing rests on it.
    const isLock = (l: ContractLock) => !!l.ref.type && (!!pkg.lockKind(l.ref.type) || !!pkg.promotedLock(l.ref.type, 'Lock'));
    const declared = (l: ContractLock) => l.resolved && l.source.kind === 'annotation' && isLock(l);
    const acquires = c.acquires.filter(declared);
    const releases = c.releases.filter(declared);
    if (!acquires.length && !releases.length) return;
    const annotation = (l: ContractLock) => related(fn.file, l.source.offset, l.source.offset, `${fn.name}'s ${l.source.describe}`);
    for (const exit of flow.exits) {
      if (exit.kind === 'panic' || forced(fn, exit)) continue;
      const { start, end } = exitRange(exit);
      for (const a of acquires) {
        const key = keyAtExit(fn, exit, a);
        if (key === undefined) continue;
        const h = exit.held.get(key);
        if (h && !h.maybe && (h.mode === 'write' || a.mode === 'read')) continue;
        if (h?.maybe && nilChecked(fn, a)) continue;
        const problem = !h ? 'without holding' : h.maybe ? 'holding, on some paths only,' : 'holding only a read lock of';
        ctx.report({
          file: fn.file.path,
          range: fn.file.lines.range(start, end),
          message: `${fn.name} ${exit.kind === 'end' ? 'ends' : 'returns'} ${problem} ${a.ref.display}, which its annotation +checklocksacquire${a.mode === 'read' ? 'read' : ''}:${a.written} promises its callers`,
          related: [annotation(a), ...h ? [heldLocation(fn, h)] : []],
          fixes: [],
          locks: lockNodes(ctx.analysis.pkg.dir, [a.ref]),
        });
      }
      for (const r of releases) {
        const h: HeldLock | undefined = exit.held.get(r.ref.key);
        if (!h || (h.maybe && nilChecked(fn, r))) continue;
        ctx.report({
          file: fn.file.path,
          range: fn.file.lines.range(start, end),
          message: `${fn.name} ${exit.kind === 'end' ? 'ends' : 'returns'} with ${r.ref.display} still held${h.maybe ? ' on some paths' : ''}, though its annotation +checklocksrelease${r.mode === 'read' ? 'read' : ''}:${r.written} says it releases it`,
          related: [annotation(r), heldLocation(fn, h)],
          fixes: [],
          locks: lockNodes(ctx.analysis.pkg.dir, [r.ref]),
        });
      }
    }
  },
};

/** `return nil // +checklocksforce: to may not be acquired.`: the writer asserts the exit is right. */
function forced(fn: FuncDecl, exit: ExitPoint): boolean {
  return exit.kind === 'return' && annotatingComments(fn.file, exit.node).some((c) => fn.file.text(c).includes('+checklocksforce'));
}

/**
 * `if to != nil { to.mu.Lock() }`: where the owner is nil there is no lock to hold, so a lock held on the paths
 * where it is not nil keeps the annotation (as checklocks has it).
 */
function nilChecked(fn: FuncDecl, lock: ContractLock): boolean {
  const root = lock.ref.root;
  let found = false;
  walk(fn.node, (n) => {
    if (found) return false;
    if (n.type === 'binary_expression' && (n.op === '!=' || n.op === '==')) {
      const [l, r] = [child(n, 'left'), child(n, 'right')].map((x) => fn.file.text(x));
      if ((l === root && r === 'nil') || (r === root && l === 'nil')) found = true;
    }
    return !found;
  });
  return found;
}

/**
 * The key under which an acquired lock is held at an exit: the lock's own, or for a lock of a named result that a
 * `return x, nil` gives, x's (undefined when the returned value is no plain variable: nothing to check it against).
 */
function keyAtExit(fn: FuncDecl, exit: ExitPoint, lock: ContractLock): string | undefined {
  if (lock.ref.rootKind !== 'local') return lock.ref.key;
  const results = paramsOf(child(fn.node, 'result'), fn.file.parsed.text).map((p) => p.name);
  const i = results.indexOf(lock.ref.root);
  if (i < 0) return undefined;
  const list = exit.kind === 'return' ? exit.node.children.find((n) => n.type === 'expression_list') : undefined;
  const values = list?.children ?? [];
  if (!values.length) return lock.ref.key;
  const value = values.length === results.length ? values[i] : undefined;
  if (value?.type !== 'identifier') return undefined;
  return [fn.file.text(value), ...lock.ref.path].join('.');
}
