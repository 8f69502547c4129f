/**
 * Code lenses and the Lock Explorer's inventory for TypeScript and JavaScript, from the same facts as
 * the checks. Plain data out (offsets and paths); the language server turns them into LSP.
 */
import { rankIn } from '../analysis/hierarchy';
import type { Finding } from '../base/finding';
import type { Place } from '../base/place';
import type { LockInfoOf } from '../core/views';
import { finishLockInventory, orderText } from '../core/inventory-view';
import type { TsAnalysis } from './analysis';
import { lockLens } from '../core/lens';
import { checkedCalls, missingLocksAt } from './missing-locks';
import type { LockState, TsFileFacts, TsFunction } from './model';

export interface TsPlace { file: string; start: number; end: number }
export interface TsLens { fn: TsFunction; title: string; targets: TsPlace[] }

const SHOWN = 3;

/** At most SHOWN names, then an ellipsis. */
function list(names: string[]): string[] {
  return names.length > SHOWN ? [...names.slice(0, SHOWN), '…'] : names;
}

/**
 * `🔒 requires this.mu · takes Store.mu · 2 callers without the lock`: above each function that needs or takes a
 * lock (core/lens.ts, as Go's); the callers counted are those the missing-lock check reports.
 */
export function tsLenses(analysis: TsAnalysis, facts: TsFileFacts): TsLens[] {
  const out: TsLens[] = [];
  let callers: Map<string, TsPlace[]> | undefined;
  for (const fn of facts.functions) {
    if (fn.local) continue;
    const requires = [...new Set(analysis.requires(fn).map((r) => r.ref.display))];
    const own = analysis.acquisitions(fn).filter((a) => a.chain.length === 0);
    const lens = lockLens<TsPlace>({
      requires: list(requires),
      takes: list([...new Set(own.map((a) => a.ref.cls ?? a.ref.display))]),
      callersWithoutLock: requires.length ? (callers ??= callsWithoutLock(analysis)).get(fn.id) ?? [] : [],
      acquisitions: own.map((a) => ({ file: a.lockFn.file, start: a.lockStart, end: a.lockEnd })),
    });
    if (lens) out.push({ fn, ...lens });
  }
  return out;
}

/** Per callee, its calls that miss a lock it requires, in every function the missing-lock check reads: one pass for all the lenses. */
function callsWithoutLock(analysis: TsAnalysis): Map<string, TsPlace[]> {
  const out = new Map<string, TsPlace[]>();
  for (const g of analysis.functions.values()) {
    if (g.local) continue;
    for (const c of checkedCalls(analysis, g)) {
      const callee = analysis.fn(c.calleeId);
      if (!callee || !missingLocksAt(analysis, g, c, callee).length) continue;
      const list = out.get(callee.id) ?? [];
      list.push({ file: g.file, start: c.nameStart, end: c.nameEnd });
      out.set(callee.id, list);
    }
  }
  return out;
}

/** Every lock class taken in the TypeScript and JavaScript files, with its sites, order, cycle and problems. */
export function tsLockInventory(analysis: TsAnalysis, findings: Finding[], loc: (file: string, start: number, end: number) => Place): LockInfoOf[] {
  const byNode = new Map<string, LockInfoOf>();
  for (const fn of analysis.functions.values()) {
    for (const op of fn.ops) {
      if (op.op !== 'acquire' && op.op !== 'runExclusive') continue;
      const cls = op.ref.cls ?? op.ref.display;
      const node = op.ref.node ?? `${fn.file}|${cls}`;
      let info = byNode.get(node);
      if (!info) byNode.set(node, (info = { cls, pkg: op.ref.pkg ?? 'typescript', kind: op.ref.kind, acquisitions: [], guards: [], inCycle: false, problems: [] }));
      info.acquisitions.push({ loc: loc(fn.file, op.start, op.end), fn: fn.name, mode: 'write' });
    }
  }
  const orders = analysis.orders();
  return finishLockInventory(byNode, {
    inCycle: new Set(analysis.cycles().flatMap((c) => c.flatMap((e) => [e.from, e.to]))),
    orderOf: (_node, info) => orderText(orders, (k) => rankIn(orders[k], info.cls, info.pkg)),
    findings,
  });
}

export interface TsHint { offset: number; label: string; tooltip: string }

function heldLabel(state: LockState): string {
  const locks = state.all().filter((h) => !h.inherited);
  return locks.length ? `⟨${locks.map((h) => h.ref.display + (h.maybe ? '?' : '')).join(', ')}⟩` : '⟨no locks⟩';
}

/**
 * Inlay hints, as for Go: after an acquisition (`await this.mu.acquire()`, `this.mu.runExclusive(`), the
 * held set from there on; at a call of a function with a contract, the held set at the call.
 */
export function tsHints(analysis: TsAnalysis, facts: TsFileFacts, start: number, end: number): TsHint[] {
  const out: TsHint[] = [];
  for (const fn of facts.functions) {
    if (fn.end < start || fn.start > end) continue;
    for (const op of fn.ops) {
      if (op.op !== 'acquire' && op.op !== 'runExclusive') continue;
      const after = op.held.with({ ref: op.ref, site: op.start, siteEnd: op.end });
      // A runExclusive holds the lock inside its callback: the hint goes after the call's name.
      const at = op.op === 'runExclusive' ? op.calleeEnd : op.end;
      out.push({ offset: at, label: heldLabel(after), tooltip: after.toString() });
    }
    for (const call of fn.calls) {
      const callee = analysis.fn(call.calleeId);
      if (!callee || analysis.requires(callee).length === 0) continue;
      out.push({ offset: call.end, label: heldLabel(call.held), tooltip: `held at this call of ${call.calleeName}: ${call.held.toString()}` });
    }
  }
  return out.filter((h) => h.offset >= start && h.offset <= end).sort((a, b) => a.offset - b.offset);
}

/**
 * Find All References on a lock operation (`this.mu.acquire()`, `release()`, `runExclusive`): every
 * operation on the same lock class, in every analysed file.
 */
export function tsLockReferences(analysis: TsAnalysis, facts: TsFileFacts, offset: number): TsPlace[] {
  const classOf = (ref: { node?: string; cls?: string; display: string }, file: string) => ref.node ?? `${file}|${ref.cls ?? ref.display}`;
  let target: string | undefined;
  for (const fn of facts.functions) {
    for (const op of fn.ops) if (op.start <= offset && offset <= op.end) target = classOf(op.ref, fn.file);
  }
  if (!target) return [];
  const out: TsPlace[] = [];
  for (const fn of analysis.functions.values()) {
    for (const op of fn.ops) if (classOf(op.ref, fn.file) === target) out.push({ file: fn.file, start: op.start, end: op.end });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.start - b.start);
}
