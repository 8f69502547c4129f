import { atomicIgnored, atomicUse, type AtomicField } from '../analysis/atomic';
import { isFreshAccess, isUnshared } from '../analysis/fresh';
import { targetDisplay, type AccessEvent } from '../analysis/flow-types';
import { allGuards, guardFacts } from '../analysis/guards';
import type { FuncDecl } from '../model/file';
import { atomicFixes } from './atomic-fix';
import type { Check } from './check';
import { guardNodes, related } from './util';

export const nonAtomicAccess: Check = {
  id: 'non-atomic-access',
  title: 'A +checkatomic field accessed non-atomically',
  doc: `A +checkatomic field accessed non-atomically.

gVisor's +checkatomic on a struct field says that every access to it is atomic: its address handed to a
sync/atomic function as the first argument (atomic.LoadInt32(&x.f), atomic.AddUint64(&x.f, 1), through
(*T)(...) and unsafe.Pointer(...) conversions too, the import found by its path whatever its local name), or,
for a field of a sync/atomic type (atomic.Int32, atomic.Pointer[T], atomic.Value), a method call (x.f.Load(),
x.f.Store(v)). Any other read or write (x.f++, v := x.f, x.f = 1, &x.f handed elsewhere, a copy of an
atomic.Int32) is reported. Not reported: accesses to an object the function allocated itself (x := &T{...},
new(T), var x T) before it hands it on, a method call on a field of another type (its body decides), and
a statement marked +checkatomicignore (trailing, or on the line above).

With +checklocks:mu on the same field, a read needs mu held or an atomic read, and a write needs mu held and
an atomic write: this check reports the non-atomic writes (held lock or not), unguarded-access the accesses
without the lock (an atomic Load needs none; Store, Add, Swap, CompareAndSwap, And and Or do).

The quick fix, for a field declared int32, int64, uint32, uint64 or uintptr, makes the access atomic: a read
becomes atomic.LoadT(&x.f), x.f = v becomes atomic.StoreT(&x.f, v) (when v does not read the field), and
x.f++, x.f--, x.f += n become atomic.AddT(&x.f, ...), adding the sync/atomic import when the file has none.`,
  example: 'c.n++ // n is +checkatomic',
  defaultSeverity: 'warning',
  run(ctx) {
    const { analysis } = ctx;
    const facts = guardFacts(analysis);
    if (facts.atomic.size === 0) return;
    for (const [fn, flow] of analysis.flows) {
      if (analysis.contractOf(fn).ignore) continue;
      for (const a of flow.accesses) {
        const field = facts.atomic.get(a.target);
        if (!field || !a.base || atomicUse(fn.file, a.node, field).kind !== 'plain') continue;
        const guard = facts.guards.get(a.target);
        const lock = guard?.source === 'annotation' ? guard.lock : undefined;
        // With +checklocks too, a plain read under the lock is right, and one without it is unguarded-access's.
        if (lock !== undefined && !a.write) continue;
        if (isNewObject(fn, a) || atomicIgnored(fn.file, a.node)) continue;
        const annotation = lock !== undefined ? `+checkatomic and +checklocks:${lock}` : '+checkatomic';
        const rule = lock !== undefined ? 'a write needs the lock and sync/atomic' : 'every access must go through sync/atomic';
        ctx.report({
          file: fn.file.path,
          range: fn.file.lines.range(a.node.start, a.node.end),
          message: `${describe(a, field)}, which is ${annotation} (${targetDisplay(a.target)}): ${rule}`,
          related: [related(field.file, field.annotation.start, field.annotation.end, `${targetDisplay(a.target)} is annotated +checkatomic here`)],
          fixes: atomicFixes(analysis, fn, a, field),
          // With +checklocks, the write needs the guard as well.
          locks: lock !== undefined && guard ? guardNodes(analysis, fn, a, allGuards(guard)) : [],
        });
      }
    }
  },
};

/** An object the function allocated itself and has not handed on yet (see isFreshAccess, isUnshared). */
function isNewObject(fn: FuncDecl, a: AccessEvent): boolean {
  return isFreshAccess(fn, a) && isUnshared(fn, a.base!, a.node.start);
}

function describe(a: AccessEvent, field: AtomicField): string {
  const name = `${a.base!.display}.${a.field}`;
  if (a.write) return `non-atomic write to ${name}`;
  const p = a.node.parent;
  if (p?.type === 'unary_expression' && p.op === '&') return `address of ${name} handed on outside sync/atomic`;
  return field.wrapper ? `copy of ${name} (an atomic.${field.wrapper}: only its methods are atomic)` : `non-atomic read of ${name}`;
}
