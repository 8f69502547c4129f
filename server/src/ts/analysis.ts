/**
 * Across files: contracts inferred from the twin convention, what each function may acquire (through
 * the calls it awaits), the lock graph ("B taken while A held", with witnesses), its cycles, and the
 * declared orders. Works on the plain facts of every file; no type checker.
 */
import { type DeclaredOrder, parseOrder } from '../analysis/hierarchy';
import { findCycles } from '../analysis/lock-graph';
import type { Config } from '../util/config';
import {
  type CallFact, type Held, type LockRef, type PathRef, type Requirement, type TsFileFacts, type TsFunction, type UnitKind,
  pathDisplay, pathKey, rekeyStep,
} from './model';

/** A lock a function may take, in its names, with the calls that lead there. */
export interface Acquisition {
  ref: LockRef;
  /** Taken only in a branch that a parameter decides, here or on the way (see CallFact.guarded): a caller may skip it. */
  conditional?: boolean;
  chain: { fn: TsFunction; call: CallFact }[];
  lockFn: TsFunction;
  lockStart: number;
  lockEnd: number;
}

export interface EdgeWitness { fn: TsFunction; held: Held; acq: Acquisition; start: number; end: number }

export interface TsEdge {
  from: string;
  to: string;
  fromCls: string;
  toCls: string;
  fromPkg?: string;
  toPkg?: string;
  witness: EdgeWitness;
  witnesses: EdgeWitness[];
}

export interface TsOrder extends DeclaredOrder { path?: string }

/** Units whose operations the function waits for (a detached callback's do not block it). */
const SYNCHRONOUS: ReadonlySet<UnitKind> = new Set(['function', 'exclusive', 'inline']);
const MAX_ACQUISITIONS = 64;
const MAX_WITNESSES = 20;

export class TsAnalysis {
  readonly functions = new Map<string, TsFunction>();
  private readonly inferred = new Map<string, Requirement[]>();
  /** `_save` → `save`: the function that takes the lock and calls it, for the quick fix. */
  private readonly twins = new Map<string, TsFunction>();
  private readonly acqMemo = new Map<string, Acquisition[]>();
  private edgeList?: TsEdge[];
  private cycleList?: TsEdge[][];
  private orderList?: TsOrder[];

  constructor(readonly files: ReadonlyMap<string, TsFileFacts>, private readonly config: Config) {
    for (const f of files.values()) for (const fn of f.functions) this.functions.set(fn.id, fn);
    this.inferTwins();
    this.inferFromCallers();
  }

  /**
   * A private method whose every caller holds a lock (itself, by its contract, or inside a lock
   * wrapper's callback) runs holding it: its contract says so, and so does what it calls.
   */
  private inferFromCallers(): void {
    const callers = new Map<string, { fn: TsFunction; call: CallFact }[]>();
    const unknown = new Set<string>();
    for (const fn of this.functions.values()) {
      for (const call of fn.calls) if (call.calleeId) callers.set(call.calleeId, [...(callers.get(call.calleeId) ?? []), { fn, call }]);
      for (const p of fn.passed) {
        // Passed to a lock wrapper: a call where the wrapper runs it; passed to anything else: run who knows when.
        const outer = this.fn(p.passedTo!.call.calleeId);
        if (outer && this.wrapperLocks(outer).has(p.passedTo!.index)) callers.set(p.calleeId!, [...(callers.get(p.calleeId!) ?? []), { fn, call: p }]);
        else unknown.add(p.calleeId!);
      }
    }
    for (let round = 0; round < 6; round++) {
      let changed = false;
      for (const fn of this.functions.values()) {
        const sites = callers.get(fn.id);
        if (!fn.isPrivate || !sites || unknown.has(fn.id)) continue;
        let common: Map<string, LockRef> | undefined;
        for (const { fn: caller, call } of sites) {
          const here = new Map<string, LockRef>();
          const refs = call.unit === 'detached' ? [] : [
            ...(call.passedTo ? [] : definiteHeld(call.held)), ...this.heldAround(caller, call),
            ...(caller === fn ? [] : this.requires(caller).map((r) => r.ref)),
          ];
          for (const r of refs) {
            const m = mapToCallee(r, call, fn);
            if (m) here.set(m.key, m);
          }
          common = common ? new Map([...common].filter(([k]) => here.has(k))) : here;
          if (common.size === 0) break;
        }
        for (const ref of common?.values() ?? []) {
          if (this.requires(fn).some((r) => r.ref.key === ref.key)) continue;
          const list = this.inferred.get(fn.id) ?? [];
          list.push({ ref, source: { kind: 'callers', describe: `every caller of ${fn.shortName} holds ${ref.display}`, file: fn.file, offset: fn.nameStart } });
          this.inferred.set(fn.id, list);
          changed = true;
        }
      }
      if (!changed) break;
    }
  }

  /** The function that takes a lock and then calls `fn` (its twin), if there is one. */
  twinOf(fn: TsFunction): TsFunction | undefined {
    return this.twins.get(fn.id);
  }

  fn(id: string | undefined): TsFunction | undefined {
    return id === undefined ? undefined : this.functions.get(id);
  }

  /** The function's contract: what it declares, then what its twin shows. */
  requires(fn: TsFunction): Requirement[] {
    return [...fn.declared, ...(this.inferred.get(fn.id) ?? [])];
  }

  /** `save()` holds this.mu when it calls `_save()` (or `saveLocked()`): `_save` requires this.mu. */
  private inferTwins(): void {
    for (const fn of this.functions.values()) {
      const twins = new Set([`_${fn.shortName}`, `#${fn.shortName}`, `${fn.shortName}Locked`, `#${fn.shortName}Locked`]);
      for (const call of fn.calls) {
        const callee = this.fn(call.calleeId);
        if (!callee || callee === fn || !twins.has(callee.shortName) || callee.className !== fn.className) continue;
        if (!this.twins.has(callee.id) && fn.ops.some((o) => o.op === 'acquire' || o.op === 'runExclusive')) this.twins.set(callee.id, fn);
        for (const h of call.held.all()) {
          if (h.maybe || h.inherited) continue;
          const ref = mapToCallee(h.ref, call, callee);
          if (!ref) continue;
          const list = this.inferred.get(callee.id) ?? [];
          if (list.some((r) => r.ref.key === ref.key) || callee.declared.some((r) => r.ref.key === ref.key)) continue;
          list.push({ ref, source: { kind: 'twin', describe: `${fn.name} holds ${h.ref.display} when it calls ${callee.shortName}`, file: fn.file, offset: call.nameStart } });
          this.inferred.set(callee.id, list);
        }
      }
    }
  }

  private readonly wrapperMemo = new Map<string, Map<number, LockRef[]>>();

  /**
   * A lock wrapper's callback parameters: parameter index → the locks held (in the wrapper's names)
   * whenever it calls that parameter, itself or through another wrapper (`withLock(this.mu, cb)`).
   */
  wrapperLocks(fn: TsFunction, depth = 0): Map<number, LockRef[]> {
    const memo = this.wrapperMemo.get(fn.id);
    if (memo) return memo;
    const out = new Map<number, LockRef[]>();
    this.wrapperMemo.set(fn.id, out); // a recursive wrapper adds nothing
    if (depth > 12) return out;
    const seen = new Map<number, LockRef[] | null>();
    const meet = (i: number, refs: LockRef[]) => {
      const prev = seen.get(i);
      // Every call of the parameter must hold the lock: keep what all of them hold.
      seen.set(i, prev === undefined ? refs : prev === null ? null : prev.filter((r) => refs.some((x) => x.key === r.key)));
    };
    for (const call of fn.calls) {
      const around = () => [...definiteHeld(call.held), ...this.wrapperHeld(fn, call.unitId, depth)];
      if (call.calleeParam !== undefined) meet(call.calleeParam, around());
      const callee = this.fn(call.calleeId);
      if (!callee) continue;
      const inner = this.wrapperLocks(callee, depth + 1);
      call.args.forEach((a, j) => {
        if (a?.root !== 'param' || a.path.length > 0 || a.paramIndex === undefined) return;
        const refs = inner.get(j);
        if (refs) meet(a.paramIndex, [...refs.map((r) => mapToCaller(r, call, callee.params)).filter((r) => r.exact), ...around()]);
        else seen.set(a.paramIndex, null); // passed to something that may call it without the lock
      });
    }
    for (const [i, refs] of seen) if (refs && refs.length > 0) out.set(i, refs);
    return out;
  }

  /** The locks that a lock wrapper holds around the callback walked as unit `unitId` of `fn` (in fn's names). */
  wrapperHeld(fn: TsFunction, unitId: number | undefined, depth = 0): LockRef[] {
    if (unitId === undefined || depth > 12) return [];
    const call = fn.calls.find((c) => c.callbackUnits?.includes(unitId));
    if (!call) return [];
    const callee = this.fn(call.calleeId);
    const refs = callee ? this.wrapperLocks(callee, depth + 1).get(call.callbackUnits!.indexOf(unitId)) : undefined;
    const own = (refs ?? []).map((r) => mapToCaller(r, call, callee?.params)).filter((r) => r.exact);
    return [...own, ...this.wrapperHeld(fn, call.unitId, depth + 1)];
  }

  /** The locks held at a call beyond its own held set: those of the lock wrappers it runs inside. */
  heldAround(fn: TsFunction, call: CallFact): LockRef[] {
    if (call.passedTo) {
      const outer = call.passedTo.call;
      const callee = this.fn(outer.calleeId);
      const refs = callee ? this.wrapperLocks(callee).get(call.passedTo.index) ?? [] : [];
      return [...refs.map((r) => mapToCaller(r, outer, callee?.params)).filter((r) => r.exact), ...definiteHeld(outer.held), ...this.wrapperHeld(fn, outer.unitId)];
    }
    return this.wrapperHeld(fn, call.unitId);
  }

  /** The locks `fn` may take and wait for, directly or through the calls it awaits, in its names. */
  acquisitions(fn: TsFunction, depth = 0): Acquisition[] {
    const memo = this.acqMemo.get(fn.id);
    if (memo) return memo;
    if (depth > 12) return [];
    this.acqMemo.set(fn.id, []); // a recursive call adds nothing new
    const out: Acquisition[] = [];
    const seen = new Set<string>();
    const add = (a: Acquisition) => {
      const k = `${a.ref.key}|${a.lockFn.id}|${a.lockStart}`;
      if (seen.has(k) || out.length >= MAX_ACQUISITIONS) return;
      seen.add(k);
      out.push(a);
    };
    for (const op of fn.ops) {
      if ((op.op === 'acquire' || op.op === 'runExclusive') && op.awaited && SYNCHRONOUS.has(op.unit) && !op.ref.tryOnly) {
        add({ ref: op.ref, chain: [], lockFn: fn, lockStart: op.start, lockEnd: op.end, conditional: op.guarded });
      }
    }
    for (const call of fn.calls) {
      const callee = this.fn(call.calleeId);
      if (!callee || !call.awaited || !SYNCHRONOUS.has(call.unit)) continue;
      for (const a of this.acquisitions(callee, depth + 1)) add({ ...a, ref: mapToCaller(a.ref, call, callee.params), chain: [{ fn, call }, ...a.chain], conditional: a.conditional || call.guarded });
    }
    this.acqMemo.set(fn.id, out);
    return out;
  }

  /** Edges "B taken while A held" between lock classes, over every function of the workspace. */
  edges(): TsEdge[] {
    if (this.edgeList) return this.edgeList;
    const byKey = new Map<string, TsEdge>();
    const add = (fn: TsFunction, held: Held, acq: Acquisition, start: number, end: number) => {
      const from = held.ref.node, to = acq.ref.node;
      if (!from || !to || from === to || held.inherited || acq.ref.tryOnly) return;
      const key = `${from}\u0000${to}`;
      const w: EdgeWitness = { fn, held, acq, start, end };
      const e = byKey.get(key);
      if (!e) byKey.set(key, { from, to, fromCls: held.ref.cls!, toCls: acq.ref.cls!, fromPkg: held.ref.pkg, toPkg: acq.ref.pkg, witness: w, witnesses: [w] });
      else if (e.witnesses.length < MAX_WITNESSES && !e.witnesses.some((x) => x.fn === fn && x.start === start)) e.witnesses.push(w);
    };
    for (const fn of this.functions.values()) {
      for (const op of fn.ops) {
        if ((op.op !== 'acquire' && op.op !== 'runExclusive') || !op.awaited) continue;
        for (const h of op.held.all()) add(fn, h, { ref: op.ref, chain: [], lockFn: fn, lockStart: op.start, lockEnd: op.end }, op.start, op.end);
      }
      for (const call of fn.calls) {
        const callee = this.fn(call.calleeId);
        if (!callee || !call.awaited || call.held.size === 0) continue;
        for (const a of this.acquisitions(callee)) {
          const acq = { ...a, ref: mapToCaller(a.ref, call, callee.params), chain: [{ fn, call }, ...a.chain] };
          for (const h of call.held.all()) add(fn, h, acq, call.nameStart, call.nameEnd);
        }
      }
    }
    this.edgeList = [...byKey.values()];
    return this.edgeList;
  }

  cycles(): TsEdge[][] {
    this.cycleList ??= findCycles(this.edges());
    return this.cycleList;
  }

  /** `// lockset:order a > b` in any file, and the lockset.lockOrder setting. */
  orders(): TsOrder[] {
    if (this.orderList) return this.orderList;
    const out: TsOrder[] = [];
    for (const f of this.files.values()) for (const o of f.orders) out.push({ ...o, path: f.path });
    for (const text of this.config.lockOrder) {
      const { names, invalid } = parseOrder(text);
      out.push({ names, invalid, text: names.join(' > ') });
    }
    this.orderList = out;
    return out;
  }

  /** Every lock class that some function takes. */
  classes(): Set<string> {
    const out = new Set<string>();
    for (const fn of this.functions.values()) for (const op of fn.ops) if (op.ref.cls) out.add(op.ref.cls);
    return out;
  }
}

/** A callee's lock (in its names) in the caller's names at a call: `this` is the receiver, a parameter its argument. */
export function mapToCaller(ref: LockRef, call: CallFact, params?: readonly string[]): LockRef {
  let base: PathRef | undefined;
  // A keyed lock's key names the callee's parameters (`lockFor(key)`): the caller passed its own.
  const rekey = (step: string) => (params && call.argTexts ? rekeyStep(step, params, call.argTexts) : step);
  if (ref.root === 'global') {
    const rootName = rekey(ref.rootName);
    if (rootName === ref.rootName) return ref;
    const g: PathRef = { ...ref, rootKey: ref.rootKey.slice(0, ref.rootKey.length - ref.rootName.length) + rootName, rootName };
    return { ...ref, ...g, key: pathKey(g), display: pathDisplay(g) };
  }
  if (ref.root === 'this') base = call.receiver;
  else if (ref.root === 'param' && ref.paramIndex !== undefined) base = call.args[ref.paramIndex];
  if (!base) return inexact(ref);
  const p: PathRef = { ...base, path: [...base.path, ...ref.path.map(rekey)] };
  return { ...ref, ...p, key: pathKey(p), display: pathDisplay(p), exact: true };
}

/** A caller's held lock in the callee's names, or undefined when the callee cannot name it. */
export function mapToCallee(ref: LockRef, call: CallFact, callee: TsFunction): LockRef | undefined {
  if (ref.root === 'global') return ref;
  const prefix = (p: PathRef | undefined) => p && p.rootKey === ref.rootKey && p.path.length <= ref.path.length && p.path.every((x, i) => ref.path[i] === x);
  let p: PathRef | undefined;
  if (prefix(call.receiver)) p = { root: 'this', rootKey: 'this', rootName: 'this', path: ref.path.slice(call.receiver!.path.length) };
  else {
    const i = call.args.findIndex(prefix);
    if (i >= 0 && callee.params[i]) p = { root: 'param', rootKey: `param:${callee.params[i]}`, rootName: callee.params[i], paramIndex: i, path: ref.path.slice(call.args[i]!.path.length) };
  }
  if (!p) return undefined;
  return { ...ref, ...p, key: pathKey(p), display: pathDisplay(p), exact: true };
}

function definiteHeld(s: { all(): Held[] }): LockRef[] {
  return s.all().filter((h) => !h.maybe).map((h) => h.ref);
}

function inexact(ref: LockRef): LockRef {
  const name = ref.cls ?? ref.display;
  return { ...ref, key: `?${name}`, display: name, exact: false };
}

/** `save → flush`, the calls from a function to the one that takes the lock. */
export function describeChain(a: Acquisition): string {
  return [...a.chain.map((s) => s.call.calleeName), `${a.ref.display} acquired in ${a.lockFn.name}`].join(' → ');
}
