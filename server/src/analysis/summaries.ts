import type { FuncDecl, GoFile } from '../model/file';
import { classNodeOf, classPackageOf, lockClass, typedClass, type Ref } from '../model/refs';
import { mapToCaller } from './calls';
import { isUnshared } from './fresh';
import { isFreshAt } from './fresh-value';
import { neverAssigned, trackableFlags } from './flags';
import { argumentCondition } from './argument-conditions';
import { paramTestsAround, ruledOutAt, type ParamTest } from './param-conditions';
import type { BlockingEvent, CallSite, FunctionFlow, LockEvent, UnitKind } from './flow-types';
import type { Acquisition, BlockWitness, ChainStep, PackageAnalysisView } from './package-analysis-types';
import { sendHasRoom } from './reply-channels';
import { handedToReadyLoop } from './ready-receivers';
import type { SyntaxNode } from '../syntax/node';

/** Bodies that run while their function runs, so their acquisitions count as the function's. */
export const RUNS_IN_PLACE: ReadonlySet<UnitKind> = new Set(['function', 'inline', 'callback', 'deferred']);
const MAX_CHAIN = 8;
const MAX_ACQUISITIONS = 256;

/**
 * Work counts, for tests and profiling (no test measures time): flows taken over from a previous analysis and
 * computed, and functions whose acquisitions were summarised (the others' were taken over).
 */
export const analysisStats = { reusedFlows: 0, computedFlows: 0, summarized: 0 };

/** What a package's previous analysis computed, for the functions an edit left alone. */
export interface PreviousSummaries {
  flows: ReadonlyMap<FuncDecl, FunctionFlow>;
  acquisitions: ReadonlyMap<FuncDecl, Acquisition[]>;
}

/**
 * The locks each function acquires, transitively, with the call chain to each acquisition. The package's
 * functions are taken a strongly connected component of the call graph at a time, callees first, so that
 * every callee outside the component is complete when its callers map it; inside a component (recursion)
 * the acquisitions are carried round to a fixpoint, bounded by MAX_CHAIN rounds. Each (function, lock,
 * first call) is recorded once, with the first chain found.
 *
 * With `previous` (the same package before an edit of some bodies, with the same imported analyses), a
 * function whose flow is the same object and whose callees, transitively, all are, keeps its list: computed
 * again it would be the same, since the order above does not depend on the other functions. So an edit
 * costs the edited functions and their callers, not the package.
 */
export function computeAcquisitions(analysis: PackageAnalysisView, previous?: PreviousSummaries): Map<FuncDecl, Acquisition[]> {
  const out = new Map<FuncDecl, Acquisition[]>();
  // Each function's callees in the package, worked out once: the callers' map, the components and the test below read them.
  const calleeLists = new Map<FuncDecl, FuncDecl[]>();
  const calleesOf = (fn: FuncDecl) => {
    let list = calleeLists.get(fn);
    if (!list) calleeLists.set(fn, (list = analysis.flows.get(fn)!.calls.filter((c) => c.callee && !c.viaGo && RUNS_IN_PLACE.has(c.unit) && analysis.flows.has(c.callee)).map((c) => c.callee!)));
    return list;
  };
  const dirty = new Set<FuncDecl>();
  // The functions whose own flow is new: the others are summarised again only if a callee's list changed.
  const walked = new Set<FuncDecl>();
  if (!previous) for (const fn of analysis.flows.keys()) dirty.add(fn);
  else {
    const callers = new Map<FuncDecl, FuncDecl[]>();
    for (const [fn, flow] of analysis.flows) {
      for (const callee of calleesOf(fn)) {
        const list = callers.get(callee);
        if (list) list.push(fn); else callers.set(callee, [fn]);
      }
      if (previous.flows.get(fn) !== flow || !previous.acquisitions.has(fn)) { dirty.add(fn); walked.add(fn); }
    }
    for (const fn of dirty) for (const c of callers.get(fn) ?? []) dirty.add(c);
    for (const fn of analysis.flows.keys()) if (!dirty.has(fn)) out.set(fn, previous.acquisitions.get(fn)!);
  }
  // Of the functions above the edited ones, those whose lists came out as before (see sameAcquisitions) keep the
  // previous list, and their callers need not be summarised again for them.
  const listChanged = new Set<FuncDecl>();
  // Per function, once per summary: where it first hands a caller's lock back through a releasing helper.
  const releases = new Map<FuncDecl, Map<string, number>>();
  const releasesOf = (fn: FuncDecl) => {
    let m = releases.get(fn);
    if (!m) releases.set(fn, (m = callReleases(analysis, fn)));
    return m;
  };
  for (const component of componentsCalleesFirst(dirty, calleesOf)) {
    if (previous && !component.some((fn) => walked.has(fn) || calleesOf(fn).some((c) => listChanged.has(c)))) {
      for (const fn of component) out.set(fn, previous.acquisitions.get(fn)!);
      continue;
    }
    analysisStats.summarized += component.length;
    const sites: { fn: FuncDecl; list: Acquisition[]; site: CallSite; dropped: Ref[] | undefined; seen: number }[] = [];
    for (const fn of component) {
      const flow = analysis.flows.get(fn)!;
      const list = ownAcquisitions(analysis, fn, flow);
      out.set(fn, list);
      for (const site of flow.calls) {
        if (!site.callee || site.viaGo || !RUNS_IN_PLACE.has(site.unit)) continue;
        sites.push({ fn, list, site, dropped: droppedCallerLocks(flow, site.node), seen: 0 });
      }
    }
    // Lists only grow, and mapping an acquisition through a call gives the same answer every round: each call
    // site maps only the callee's acquisitions that it has not seen yet (a cursor into the callee's list).
    for (let round = 0; round < MAX_CHAIN; round++) {
      let changed = false;
      for (const s of sites) {
        const callee = s.site.callee!;
        const from = out.get(callee) ?? analysis.foreign(callee)?.acquisitions.get(callee) ?? [];
        for (; s.seen < from.length; s.seen++) {
          const a = from[s.seen];
          if (a.chain.length >= MAX_CHAIN - 1 || s.list.length >= MAX_ACQUISITIONS) continue;
          const mapped = mapAcquisition(analysis, a, s.fn, s.site, s.dropped);
          if (mapped && !mapped.reacquire && (releasesOf(s.fn).get(mapped.ref.key) ?? Infinity) < s.site.node.start) mapped.reacquire = true;
          if (mapped && add(s.list, mapped)) changed = true;
        }
      }
      if (!changed) break;
    }
    for (const fn of component) {
      const before = previous?.acquisitions.get(fn);
      if (before && sameAcquisitions(before, out.get(fn)!)) out.set(fn, before);
      else listChanged.add(fn);
    }
  }
  // In the package's order, whatever was taken over: what reads the map whole sees the same as from scratch.
  return new Map([...analysis.flows.keys()].map((fn) => [fn, out.get(fn)!]));
}

/**
 * Whether two lists of acquisitions say the same: the same locks, modes and conditions, taken at the same nodes
 * through calls at the same nodes (nodes keep their identity across an edit only where their text is the
 * same, see adoptUnchanged): a caller maps either list to the same acquisitions of its own.
 */
function sameAcquisitions(a: readonly Acquisition[], b: readonly Acquisition[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x.ref.key !== y.ref.key || x.ref.display !== y.ref.display || x.ref.exact !== y.ref.exact || x.cls !== y.cls || x.node !== y.node || x.pkg !== y.pkg
      || x.mode !== y.mode || x.lockFn !== y.lockFn || x.lockNode !== y.lockNode || !!x.reacquire !== !!y.reacquire || !!x.unshared !== !!y.unshared
      || !!x.tried !== !!y.tried || x.ownCondition !== y.ownCondition || x.belowCondition !== y.belowCondition
      || JSON.stringify(x.when ?? null) !== JSON.stringify(y.when ?? null)
      || (x.released ?? []).map((r) => r.key).join('\u0000') !== (y.released ?? []).map((r) => r.key).join('\u0000')
      || x.chain.length !== y.chain.length) return false;
    for (let k = 0; k < x.chain.length; k++) {
      const s = x.chain[k], t = y.chain[k];
      if (s.fn !== t.fn || s.site.node !== t.site.node || s.site.nameNode !== t.site.nameNode || s.site.callee !== t.site.callee || s.site.calleeName !== t.site.calleeName) return false;
    }
  }
  return true;
}

/** The Lock calls in a function's own body (and the bodies that run in place). */
function ownAcquisitions(analysis: PackageAnalysisView, fn: FuncDecl, flow: FunctionFlow): Acquisition[] {
  const list: Acquisition[] = [];
  const released = releasedCallerLocks(flow);
  for (const e of flow.lockEvents) {
    if (e.deferred || !RUNS_IN_PLACE.has(e.unit) || !(e.op.method === 'Lock' || e.op.method === 'RLock' || e.op.method.startsWith('Try'))) continue;
    const reacquire = (released.get(e.op.ref.key) ?? Infinity) < e.node.start;
    const unshared = isUnshared(fn, e.op.ref, e.node.start) || isFreshAt(analysis, fn, flow, e.op.ref, e.node, e.node.start);
    const dropped = droppedCallerLocks(flow, e.node);
    add(list, { ref: e.op.ref, cls: lockClass(e.op.ref), node: classNodeOf(e.op.ref, analysis.pkg.dir), pkg: classPackageOf(e.op.ref, analysis.pkg.name), mode: e.op.method.includes('R') ? 'read' : 'write', lockFn: fn, lockNode: e.node, chain: [], reacquire, unshared, released: dropped, when: paramConditions(fn, e.flags), ownCondition: argumentCondition(fn, e.node), tried: e.op.method.startsWith('Try') || undefined });
  }
  return list;
}

/**
 * The strongly connected components of the graph of `nodes` (edges to other nodes only), callees before their
 * callers, in a stable order. Iterative (Tarjan's algorithm with an explicit stack): call chains can be long.
 */
export function componentsCalleesFirst<T>(nodes: ReadonlySet<T>, edges: (n: T) => readonly T[]): T[][] {
  const index = new Map<T, number>(), low = new Map<T, number>(), onStack = new Set<T>();
  const stack: T[] = [], out: T[][] = [];
  let next = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { n: T; out: readonly T[]; i: number }[] = [];
    const enter = (n: T) => {
      index.set(n, next); low.set(n, next); next++;
      stack.push(n); onStack.add(n);
      work.push({ n, out: edges(n).filter((m) => nodes.has(m)), i: 0 });
    };
    enter(root);
    while (work.length) {
      const top = work[work.length - 1];
      if (top.i < top.out.length) {
        const m = top.out[top.i++];
        if (!index.has(m)) enter(m);
        else if (onStack.has(m)) low.set(top.n, Math.min(low.get(top.n)!, index.get(m)!));
        continue;
      }
      work.pop();
      if (work.length) { const parent = work[work.length - 1].n; low.set(parent, Math.min(low.get(parent)!, low.get(top.n)!)); }
      if (low.get(top.n) === index.get(top.n)) {
        const component: T[] = [];
        let m: T;
        do { m = stack.pop()!; onStack.delete(m); component.push(m); } while (m !== top.n);
        out.push(component.reverse());
      }
    }
  }
  return out;
}

/**
 * Locks that a function unlocks while it holds them only through its caller (or not at all), keyed
 * to the offset of the first such Unlock: `s.mu.Unlock(); wait(); s.mu.Lock()` hands the lock back.
 */
export function releasedCallerLocks(flow: FunctionFlow): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of flow.lockEvents) {
    if (!releasesCallerLock(flow, e)) continue;
    const prev = out.get(e.op.ref.key);
    if (prev === undefined || e.node.start < prev) out.set(e.op.ref.key, e.node.start);
  }
  return out;
}

/**
 * The caller's locks (see releasedCallerLocks) that the function has dropped and not yet taken back at `at`:
 * an Unlock before it, in a statement list that contains it (not one on an early return's branch), with no
 * Lock of the same lock in between (a deferred Lock takes it back only at the exit).
 */
function droppedCallerLocks(flow: FunctionFlow, at: SyntaxNode): Ref[] | undefined {
  let out: Ref[] | undefined;
  for (const u of callerReleases(flow)) {
    if (u.node.start >= at.start || !inListOf(u.node, at)) continue;
    const retaken = flow.lockEvents.some((l) => !l.deferred && !l.op.method.endsWith('nlock') && l.op.ref.key === u.op.ref.key
      && l.node.start > u.node.start && l.node.start < at.start && inListOf(l.node, at));
    if (!retaken && !out?.some((r) => r.key === u.op.ref.key)) (out ??= []).push(u.op.ref);
  }
  return out;
}

/**
 * An Unlock of a lock that the function holds only through its caller: not held, held per the contract, held by
 * a Lock further down that a loop brings round again (`for { s.mu.Unlock(); ...; s.mu.Lock() }`), or held by an
 * earlier retake of it (`s.mu.Unlock(); a(); s.mu.Lock(); ...; s.mu.Unlock(); b(); s.mu.Lock()`).
 */
function releasesCallerLock(flow: FunctionFlow, e: LockEvent): boolean {
  return callerReleases(flow).has(e);
}

const callerReleaseCache = new WeakMap<FunctionFlow, ReadonlySet<LockEvent>>();

function callerReleases(flow: FunctionFlow): ReadonlySet<LockEvent> {
  let out = callerReleaseCache.get(flow);
  if (out) return out;
  const releases = new Set<LockEvent>();
  const released = new Set<string>(), retakes = new Set<number>();
  const events = flow.lockEvents.filter((e) => !e.deferred && RUNS_IN_PLACE.has(e.unit)).sort((a, b) => a.node.start - b.node.start);
  for (const e of events) {
    const key = e.op.ref.key;
    if (e.op.method.endsWith('nlock')) {
      const h = e.held.get(key);
      if (h && !h.fromContract && h.site.start < e.node.start && !retakes.has(h.site.start)) continue;
      releases.add(e);
      released.add(key);
    } else if (released.has(key)) retakes.add(e.node.start);
  }
  callerReleaseCache.set(flow, (out = releases));
  return out;
}

/** Whether the statement list in which `n` stands also contains `at`. */
function inListOf(n: SyntaxNode, at: SyntaxNode): boolean {
  let p = n.parent;
  while (p && p.type !== 'statement_list') p = p.parent;
  return !!p && p.start <= at.start && at.start < p.end;
}

/** The caller's locks (in the caller's names) that a call releases for a while: see releasedCallerLocks. */
export function releasedAt(analysis: PackageAnalysisView, fn: FuncDecl, site: CallSite): Set<string> {
  const calleeFlow = site.callee && analysis.flowOf(site.callee);
  const out = new Set<string>();
  if (!calleeFlow) return out;
  for (const key of releasedCallerLocks(calleeFlow).keys()) {
    const ev = calleeFlow.lockEvents.find((e) => e.op.ref.key === key);
    const mapped = ev && mapToCaller(ev.op.ref, site, analysis.resolver(fn));
    if (mapped) out.add(mapped.key);
  }
  return out;
}

/**
 * Per call site, what acquisitionsAt made of the callee's list. A site belongs to one flow, which an edit of the
 * package's declarations replaces, and the mapping reads only the site, its function, the package's model and
 * the callee's list: the same list object (taken over by the next analysis, see computeAcquisitions) maps the same.
 */
const mappedAtSite = new WeakMap<CallSite, { from: readonly Acquisition[]; out: Acquisition[] }>();

/** What a call takes, in the caller's names: the callee's acquisitions mapped through this call. */
export function acquisitionsAt(analysis: PackageAnalysisView, fn: FuncDecl, site: CallSite): Acquisition[] {
  if (!site.callee || site.viaGo) return [];
  const from = analysis.acquisitionsOf(site.callee) ?? [];
  const known = mappedAtSite.get(site);
  if (known && known.from === from) return known.out;
  const out: Acquisition[] = [];
  for (const a of from) {
    const mapped = a.chain.length < MAX_CHAIN - 1 ? mapAcquisition(analysis, a, fn, site) : undefined;
    if (mapped) out.push(mapped);
  }
  mappedAtSite.set(site, { from, out });
  return out;
}

/** The parameters whose values decide a lock event, by index. */
function paramConditions(fn: FuncDecl, flags: ReadonlyMap<string, boolean> | undefined): Acquisition['when'] {
  let out: Acquisition['when'];
  for (const [name, value] of flags ?? []) {
    const index = fn.params.findIndex((p) => p.name === name);
    // The value a path knows of a parameter that the function assigns need not be the caller's.
    if (index >= 0 && neverAssigned(fn.node, name, fn.file.parsed.text)) (out ??= []).push({ index, value });
  }
  return out;
}

/**
 * The callee's conditions on an acquisition seen from a call: undefined when an argument rules it out (`get(k, false)`
 * for `if lock { mu.Lock() }`, or a flag the call site knows to be false), else the conditions on the caller's own
 * parameters: those the caller passes on (`put(k, lock)`, `put(k, !held)`) and those the call stands under
 * (`if !stop { begin() }`). A condition on any other argument is dropped: the acquisition may happen.
 */
function conditionsAt(a: Acquisition, fn: FuncDecl, site: CallSite): { when: Acquisition['when'] } | undefined {
  const text = fn.file.parsed.text;
  const args = site.node.children.find((c) => c.field === 'arguments')?.children ?? [];
  let when = paramConditions(fn, site.flags);
  for (const { index, value } of a.when ?? []) {
    const arg = flagArgument(args[index], text);
    if (!arg) continue;
    const need = arg.negated ? !value : value;
    const known = arg.literal ?? site.flags?.get(arg.name!);
    if (known !== undefined) {
      if (known !== need) return undefined;
      continue;
    }
    // A name declared more than once in the caller may not be its parameter here.
    const own = trackedIn(fn).has(arg.name!) ? paramConditions(fn, new Map([[arg.name!, need]]))?.[0] : undefined;
    if (!own) continue;
    if (when?.some((w) => w.index === own.index && w.value !== own.value)) return undefined;
    if (!when?.some((w) => w.index === own.index)) when = [...when ?? [], own];
  }
  return { when };
}

const trackedCache = new WeakMap<FuncDecl, Set<string>>();

function trackedIn(fn: FuncDecl): Set<string> {
  let out = trackedCache.get(fn);
  if (!out) {
    out = new Set();
    for (const [name, until] of trackableFlags(fn.node, fn.file.parsed.text)) if (until === Infinity) out.add(name);
    trackedCache.set(fn, out);
  }
  return out;
}

/** An argument that is a boolean constant, or a variable, possibly negated (`!held`). */
function flagArgument(arg: SyntaxNode | undefined, text: string): { literal?: boolean; name?: string; negated: boolean } | undefined {
  let negated = false;
  while (arg && (arg.type === 'parenthesized_expression' || arg.type === 'unary_expression' && arg.op === '!')) {
    if (arg.type === 'unary_expression') { negated = !negated; arg = arg.children.find((c) => c.field === 'operand'); } else arg = arg.children[0];
  }
  if (arg?.type === 'true' || arg?.type === 'false') return { literal: (arg.type === 'true') !== negated, negated: false };
  return arg?.type === 'identifier' ? { name: text.slice(arg.start, arg.end), negated } : undefined;
}

/**
 * A callee's acquisition seen from a call: the lock in the caller's names (inexact when it cannot be
 * named there), its class qualified by package when the callee is another package's.
 */
function mapAcquisition(analysis: PackageAnalysisView, a: Acquisition, fn: FuncDecl, site: CallSite, dropped?: Ref[]): Acquisition | undefined {
  const conditions = conditionsAt(a, fn, site);
  if (!conditions) return undefined;
  const res = analysis.resolver(fn);
  const mapped = mapToCaller(a.ref, site, res);
  const foreign = site.callee ? analysis.foreign(site.callee) : undefined;
  const typed = mapped && typedClass(mapped);
  let cls = a.cls, node = a.node, pkg = a.pkg;
  if (typed && !node) { cls = typed; node = classNodeOf(mapped, analysis.pkg.dir); pkg = classPackageOf(mapped, analysis.pkg.name); }
  else if (foreign) cls = typed ?? (cls.startsWith(`${foreign.pkg.name}.`) ? cls : `${foreign.pkg.name}.${cls}`);
  const ref: Ref = mapped ?? { ...a.ref, key: `(${cls})`, exact: false, rootKind: 'expr' };
  const unshared = a.unshared || isUnshared(fn, ref, site.nameNode.start);
  let released = dropped;
  for (const r of a.released ?? []) {
    const m = mapToCaller(r, site, res);
    if (m && !released?.some((x) => x.key === m.key)) released = [...released ?? [], m];
  }
  const ownCondition = siteCondition(fn, site), belowCondition = a.belowCondition ?? a.ownCondition;
  return { ...a, ref, cls, node, pkg, chain: [{ fn, site }, ...a.chain], unshared, released, when: conditions.when, ownCondition, belowCondition };
}

const siteConditions = new WeakMap<CallSite, string | null>();

/** argumentCondition of a call, once per call (its callee's acquisitions are mapped through it together). */
function siteCondition(fn: FuncDecl, site: CallSite): string | undefined {
  let c = siteConditions.get(site);
  if (c === undefined) siteConditions.set(site, (c = argumentCondition(fn, site.node) ?? null));
  return c ?? undefined;
}

/**
 * Where a function first hands its caller's lock back through a call whose contract releases it, per lock key
 * (`e.UnlockUser()`, +checklocksrelease:e.mu, then `defer e.LockUser()`): what it takes of that lock after is a retake.
 */
function callReleases(analysis: PackageAnalysisView, fn: FuncDecl): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of analysis.flows.get(fn)?.calls ?? []) {
    if (!c.callee || c.viaGo) continue;
    const releases = analysis.contractOf(c.callee).releases;
    for (const r of releases.length ? releases : []) {
      const key = mapToCaller(r.ref, c, analysis.resolver(fn))?.key;
      if (key && c.held.get(key)?.fromContract && c.node.start < (out.get(key) ?? Infinity)) out.set(key, c.node.start);
    }
  }
  return out;
}

function add(list: Acquisition[], a: Acquisition): boolean {
  const dropped = releasedKeys(a);
  if (list.some((x) => x.ref.key === a.ref.key && x.cls === a.cls && x.mode === a.mode && x.chain[0]?.site === a.chain[0]?.site && releasedKeys(x) === dropped)) return false;
  list.push(a);
  return true;
}

function releasedKeys(a: Acquisition): string {
  return a.released?.map((r) => r.key).sort().join('\u0000') ?? '';
}

/** Whether the chain to this acquisition had dropped `key` (a caller's lock) when it took the lock. */
export function takenWhileDropped(a: Acquisition, key: string): boolean {
  return !!a.released?.some((r) => r.key === key);
}

/** "FindVM → findVM → vmLock.Lock()": the chain as people read it. */
export function describeChain(a: Acquisition): string {
  const names = a.chain.map(stepName);
  return [...names, `${a.ref.display}.${a.mode === 'read' ? 'RLock' : 'Lock'}()`].join(' → ');
}

/** A call in a chain; a call into another package names that package (and the method's type): `vm.VM.Tags`. */
export function stepName(step: ChainStep): string {
  const { site, fn } = step;
  const callee = site.callee;
  if (!callee || callee.file.packageName === fn.file.packageName || site.calleeName.includes('.')) return site.calleeName;
  return [callee.file.packageName, callee.recvType, callee.name].filter(Boolean).join('.');
}

const DOCUMENTED_BLOCKING = /\+blocking\b|\b(?:may|might|can|will) block\b/i;

/**
 * A blocking operation that cannot wait after all: a send into a reply channel's room (see reply-channels.ts), or a
 * send (alone or as a case of a select) to a loop that is always ready for it (see ready-receivers.ts).
 */
export function neverWaits(analysis: PackageAnalysisView, file: GoFile, b: BlockingEvent): boolean {
  if (b.what === 'channel send' && sendHasRoom(analysis.pkg, file, b.node)) return true;
  return (b.what === 'channel send' || b.what === 'select without default') && handedToReadyLoop(analysis, file, b.node);
}

/** Whether a call of a function that may block does: not when it rules out every way there (see BlockWitness.onlyWhen). */
export function blocksAt(w: BlockWitness, site: CallSite): boolean {
  return !w.onlyWhen || !w.onlyWhen.every((tests) => ruledOutAt(tests, site));
}

/**
 * The functions that may block, transitively (a channel operation, a sleep, a wait or I/O in their own
 * body, or a call of a function that may block), each with one witness. A `+blocking` or "may block"
 * doc phrase marks a function too.
 */
export function computeMayBlock(analysis: PackageAnalysisView): Map<FuncDecl, BlockWitness> {
  const out = new Map<FuncDecl, BlockWitness>();
  for (const [fn, flow] of analysis.flows) {
    if (DOCUMENTED_BLOCKING.test(fn.doc.text) || /^\w+ blocks\b/.test(fn.doc.text) && fn.doc.text.startsWith(`${fn.name} blocks`)) { out.set(fn, { what: 'documented as blocking', fn, at: fn.nameNode, chain: [] }); continue; }
    // A send that cannot wait does not block (see neverWaits).
    const ops = flow.blocking.filter((b) => RUNS_IN_PLACE.has(b.unit) && !neverWaits(analysis, fn.file, b));
    if (!ops.length) continue;
    // One that blocks whatever the arguments, else the first, with the conditions on the parameters under which
    // each gets there: a call that rules them all out does not block (see param-conditions.ts).
    const tests = ops.map((b) => paramTestsAround(fn, b.node));
    const i = tests.findIndex((t) => t === undefined);
    const e = ops[Math.max(i, 0)];
    out.set(fn, { what: e.what, fn, at: e.node, chain: [], ownLock: e.ownLock, ...(i < 0 ? { onlyWhen: tests as ParamTest[][] } : {}) });
  }
  // Only a function that calls one known to block can change in a round: the others are skipped (the same
  // rounds in the same order as over every function, so the same witnesses, at a fraction of the reads).
  const callers = new Map<FuncDecl, FuncDecl[]>();
  const candidates = new Set<FuncDecl>();
  for (const [fn, flow] of analysis.flows) {
    if (out.has(fn)) continue;
    for (const site of flow.calls) {
      if (!site.callee || site.viaGo || !RUNS_IN_PLACE.has(site.unit)) continue;
      const list = callers.get(site.callee);
      if (list) list.push(fn); else callers.set(site.callee, [fn]);
      const w = out.get(site.callee) ?? analysis.foreign(site.callee)?.mayBlock.get(site.callee);
      if (w && !blocksAt(w, site)) continue;
      if (w) candidates.add(fn);
    }
  }
  for (let round = 0; round < MAX_CHAIN && candidates.size > 0; round++) {
    let changed = false;
    for (const [fn, flow] of analysis.flows) {
      if (!candidates.has(fn) || out.has(fn)) continue;
      for (const site of flow.calls) {
        if (!site.callee || site.viaGo || !RUNS_IN_PLACE.has(site.unit)) continue;
        const w = out.get(site.callee) ?? analysis.foreign(site.callee)?.mayBlock.get(site.callee);
        if (!w || !blocksAt(w, site)) continue;
        // The conditions are the callee's own: the caller gets there through this call, whatever its parameters.
        out.set(fn, { ...w, chain: [{ fn, site }, ...w.chain], onlyWhen: undefined });
        candidates.delete(fn);
        for (const c of callers.get(fn) ?? []) if (!out.has(c)) candidates.add(c);
        changed = true;
        break;
      }
    }
    if (!changed) break;
  }
  return out;
}
