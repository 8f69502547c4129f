import { isExportedApi, type FuncDecl } from '../model/file';
import { callerHeldLocks } from './caller-locks';
import type { CallSite } from './flow-types';
import type { HeldLock, HeldSet } from './held';
import type { LockEdge } from './lock-graph-types';
import { classNodeOf, type Ref } from '../model/refs';
import { deref } from '../model/types';
import type { PackageAnalysis } from './package-analysis';

/** How many calls up the locks that every caller holds are looked for. */
const MAX_DEPTH = 3;

/**
 * A lock held at every place where every edge of a cycle arises, there or by every caller (the witnesses'
 * gates): a gate lock that serialises the two orders, so that they cannot run at once (prometheus agent's GC,
 * which takes a series and a stripe in both orders, always under db.gcMut; etcd's defrag and commit, both under
 * the batch transaction's lock). Returns its key, or undefined. An edge with more places than are kept counts as
 * ungated, and so does a function that other packages may call (an exported one) or that nothing here calls.
 */
export function gateOf(cycle: readonly LockEdge[], maxWitnesses: number): string | undefined {
  let common: Set<string> | undefined;
  for (const e of cycle) {
    if (e.witnesses.length >= maxWitnesses) return undefined;
    for (const w of e.witnesses) {
      const here = new Set(w.gates);
      common = common ? new Set([...common].filter((g) => here.has(g))) : here;
      if (common.size === 0) return undefined;
    }
  }
  for (const e of cycle) { common?.delete(e.from); common?.delete(e.to); }
  return common && common.size > 0 ? [...common].sort()[0] : undefined;
}

/** The class nodes of the locks definitely held besides `held`: the candidates for a gate lock. */
export function gateNodes(all: HeldSet, held: HeldLock, dir: string): string[] {
  const out: string[] = [];
  for (const h of all.definite()) {
    if (h.ref.key === held.ref.key || !h.ref.exact) continue;
    const node = gateKey(h.ref, dir);
    if (node && !out.includes(node)) out.push(node);
  }
  return out;
}

/**
 * A held lock as a gate: its class node, or for a struct that embeds its mutex, its type, which names it the
 * same whether it is reached as a field (`b.batchTx`), as the receiver (`t` in a method of batchTx) or by the
 * embedded field itself (`b.batchTx.Mutex`).
 */
export function gateKey(ref: Ref, dir: string): string | undefined {
  const t = deref(ref.type);
  if (t.kind === 'named' && t.pkg !== 'sync') return `${t.home?.dir ?? dir}|${t.name}`;
  // `t.batchTx.Mutex`, the embedded mutex named outright, is the lock of `t.batchTx`: the same key.
  return classNodeOf(ref, dir)?.replace(/\.(RW)?Mutex$/, '');
}

/** The locks every caller of a function holds (see gateOf), read while the flows still have their calls. */
export class CallerGates {
  private readonly memo = new Map<FuncDecl, Set<string>>();
  constructor(private readonly analysis: PackageAnalysis) {}

  /** The lock classes held at every call of fn in the package (or by its callers' callers), a few calls up. */
  of(fn: FuncDecl, depth: number): Set<string> {
    const known = this.memo.get(fn);
    if (known) return known;
    const none = new Set<string>();
    this.memo.set(fn, none); // a recursive call adds nothing
    if (!this.analysis.pkg.owns(fn) || depth > MAX_DEPTH || isExportedApi(fn)) return none;
    const calls = this.analysis.callIndex().get(fn) ?? [];
    if (calls.length === 0) return none;
    let common: Set<string> | undefined;
    for (const { caller, site } of calls) {
      if (site.viaGo || site.unit === 'goroutine' || site.unit === 'detached' || site.unit === 'later') return none;
      const here = new Set(this.of(caller, depth + 1));
      for (const h of site.held.definite()) {
        const node = h.ref.exact ? gateKey(h.ref, this.analysis.pkg.dir) : undefined;
        if (node) here.add(node);
      }
      for (const node of this.handedIn(caller, site)) here.add(node);
      common = common ? new Set([...common].filter((g) => here.has(g))) : here;
      if (common.size === 0) break;
    }
    const out = common ?? none;
    this.memo.set(fn, out);
    return out;
  }

  /**
   * The locks that the caller's callers hold and it releases (its first operation on them is an Unlock: etcd's
   * batchTxBuffered.Unlock commits, then unlocks), still held at `site`, before that Unlock.
   */
  private handedIn(caller: FuncDecl, site: CallSite): string[] {
    const flow = this.analysis.flows.get(caller);
    if (!flow) return [];
    const out: string[] = [];
    for (const key of callerHeldLocks(flow)) {
      const first = flow.lockEvents.find((e) => e.op.ref.key === key && !e.deferred);
      if (!first || first.node.start < site.node.start || !first.op.ref.exact) continue;
      const node = gateKey(first.op.ref, this.analysis.pkg.dir);
      if (node) out.push(node);
    }
    return out;
  }
}
