import type { FuncDecl } from '../model/file';
import type { Ref } from '../model/refs';
import { mapToCallee, mapToCaller } from './calls';
import { isUnshared } from './fresh';
import type { ContractLock } from './contract-types';
import type { CallSite } from './flow-types';
import type { PackageAnalysisView } from './package-analysis-types';
import { requirementsAt } from './requirements';
import { appendAll } from '../util/arrays';

/**
 * The callers rule: an unexported function that every call in its package makes under the same lock, and that
 * needs that lock itself, requires it. "Needs" is what the function's own code shows: a call in its body asks
 * for the lock and does not hold it (crypto/tls's retryReadRecord, called only from readRecordOrCCS, which holds
 * c.in), or its …Locked name guessed another lock of its receiver (writeRecordLocked, whose callers all hold
 * c.out, while the guess was the only mutex field), or a call of another function without a contract that needs it
 * so (a wrapper's callers hold the lock that the helper it calls needs: both require it, over as many rounds as
 * the chain is long). A lock its callers merely happen to hold is not taken for a contract. Exported functions have callers elsewhere, and a function passed as a value has calls not seen here.
 * Read from the first flows, in rounds until nothing changes (a contract inferred in one round holds at the calls
 * of the next): returns the functions whose contract it changed, to be walked again.
 */
export function inferFromCallers(analysis: PackageAnalysisView): FuncDecl[] {
  const changed: FuncDecl[] = [];
  for (let round = 0; round < 8; round++) {
    const needs = neededLocks(analysis);
    const sitesOf = candidateSites(analysis, needs);
    const more = sitesOf.size > 0 ? oneRound(analysis, sitesOf, needs) : [];
    if (more.length === 0) break;
    appendAll(changed, more);
  }
  return changed;
}

/**
 * The calls of each function that could gain a contract. Most cannot: only an unexported function that needs a
 * lock (see neededLocks), or with a …Locked guess, is looked at, and only its calls gathered.
 */
function candidateSites(analysis: PackageAnalysisView, needs: Needs): Map<FuncDecl, Site[]> {
  const candidates = new Set<FuncDecl>(needs.keys());
  for (const fn of analysis.flows.keys()) {
    if (isOpen(analysis, fn) && analysis.contractOf(fn).requires.length > 0) candidates.add(fn);
  }
  const sitesOf = new Map<FuncDecl, Site[]>();
  if (candidates.size === 0) return sitesOf;
  for (const [caller, flow] of analysis.flows) {
    for (const site of flow.calls) {
      // A function passed as a value has calls that are not seen here.
      for (const v of site.argFuncs ?? []) if (v?.fn) candidates.delete(v.fn);
      if (!site.callee || !candidates.has(site.callee)) continue;
      const list = sitesOf.get(site.callee);
      if (list) list.push({ caller, site }); else sitesOf.set(site.callee, [{ caller, site }]);
    }
  }
  for (const fn of [...sitesOf.keys()]) {
    if (!candidates.has(fn) || sitesOf.get(fn)!.some((s) => s.caller === fn)) sitesOf.delete(fn);
  }
  return sitesOf;
}

type Site = { caller: FuncDecl; site: CallSite };

/** An unexported function with no contract but a …Locked guess: the callers rule may give it one. */
function isOpen(analysis: PackageAnalysisView, fn: FuncDecl): boolean {
  if (/^[A-Z]/.test(fn.name)) return false;
  const contract = analysis.contractOf(fn);
  return !contract.ignore && contract.requires.every((r) => r.source.kind === 'name');
}

/** The longest field path of a lock that a need is followed with up the calls (`a.b.c.mu` has four). */
const MAX_NEED_PATH = 4;
/** How many needs are mapped through call sites, at most, in one search (see neededLocks). */
const MAX_STEPS = 200_000;

/** Per function, the locks (by key, in its names) that its body needs and does not hold; `write` when a call needs the write lock. */
type Needs = Map<FuncDecl, Map<string, { ref: Ref; write: boolean }>>;

/**
 * The locks each open function without a contract needs: a call in its body (not in a goroutine) asks for the
 * lock and does not hold it, either by a contract or because the callee, open too, needs it so. Read to a
 * fixed point up the calls, so a wrapper of a helper needs what the helper needs.
 */
function neededLocks(analysis: PackageAnalysisView): Needs {
  const needs: Needs = new Map();
  const open = new Set<FuncDecl>();
  for (const fn of analysis.flows.keys()) if (isOpen(analysis, fn) && analysis.contractOf(fn).requires.length === 0) open.add(fn);
  const callersOf = new Map<FuncDecl, { caller: FuncDecl; site: CallSite }[]>();
  const work: FuncDecl[] = [];
  const add = (fn: FuncDecl, ref: Ref, write: boolean) => {
    let mine = needs.get(fn);
    const had = mine?.get(ref.key);
    if (had && (had.write || !write)) return;
    if (!mine) needs.set(fn, mine = new Map());
    mine.set(ref.key, { ref, write });
    work.push(fn);
  };
  for (const fn of open) {
    for (const site of analysis.flows.get(fn)!.calls) {
      if ((site.unit !== 'function' && site.unit !== 'inline') || !site.callee) continue;
      if (open.has(site.callee)) {
        const list = callersOf.get(site.callee);
        if (list) list.push({ caller: fn, site }); else callersOf.set(site.callee, [{ caller: fn, site }]);
      }
      for (const r of requirementsAt(analysis, fn, site)) {
        if (r.held === 'missing' && r.lock.resolved) add(fn, r.ref, !!r.lock.exactMode && r.lock.mode === 'write');
      }
    }
  }
  // Recursion through a field (`n.next.walk()` in walk) names a longer path each time around (`n.next.mu`,
  // `n.next.next.mu`, ...): such paths are not followed past MAX_NEED_PATH, and the whole search stops after
  // a budget of mappings, so that it always ends (fewer needs found, never a hang).
  let budget = MAX_STEPS;
  while (work.length > 0 && budget > 0) {
    const callee = work.pop()!;
    for (const { caller, site } of callersOf.get(callee) ?? []) {
      const res = analysis.resolver(caller);
      for (const need of needs.get(callee)!.values()) {
        if (--budget < 0) break;
        const ref = mapToCaller(need.ref, site, res);
        if (!ref || ref.path.length > MAX_NEED_PATH || site.held.holds(ref, need.write ? 'write' : 'read') || site.held.maybeHolds(ref)) continue;
        if (isUnshared(caller, ref, site.nameNode.start)) continue;
        add(caller, ref, need.write);
      }
    }
  }
  return needs;
}

function oneRound(analysis: PackageAnalysisView, sitesOf: Map<FuncDecl, Site[]>, needs: Needs): FuncDecl[] {
  const changed: FuncDecl[] = [];
  for (const [fn, sites] of sitesOf) {
    const contract = analysis.contractOf(fn);
    const guessed = contract.requires.length > 0 && contract.requires.every((r) => r.source.kind === 'name');
    if (contract.ignore || (contract.requires.length > 0 && !guessed)) continue;
    const common = heldAtEverySite(analysis, fn, sites);
    if (common.length === 0) continue;
    // A lock the function excludes (+checklocksexclude) is not held on entry, whatever its callers hold.
    const wanted = (guessed ? receiverLocks(fn, common, contract.requires) : neededInBody(fn, common, needs))
      .filter(({ lock }) => !contract.excludes.some((x) => x.ref.key === lock.key));
    if (wanted.length === 0) continue;
    contract.requires = wanted.map(({ lock, from }) => ({
      ref: lock, mode: 'read', written: lock.display, resolved: true,
      source: {
        kind: 'callers', describe: `every call of ${fn.name} in the package holds ${lock.display}${sites.length > 1 ? '' : ` (${from.caller.name})`}`,
        file: from.caller.file.path, offset: from.site.nameNode.start,
      },
    }));
    analysis.contracts.set(fn, contract);
    changed.push(fn);
  }
  return changed;
}

/** A lock held at every call; `write` when every call holds it for writing. */
interface Common { lock: ContractLock['ref']; from: Site; write: boolean }

/**
 * The locks definitely held at every call, in the callee's names. A lock of the caller's contract counts, the
 * ones inferred after its flow was walked too (sendAlert → sendAlertLocked → writeRecordLocked), unless the
 * caller unlocks it somewhere.
 */
function heldAtEverySite(analysis: PackageAnalysisView, fn: FuncDecl, sites: Site[]): Common[] {
  let common: Common[] | undefined;
  for (const s of sites) {
    if (s.site.viaGo || s.site.unit === 'goroutine' || s.site.unit === 'detached') return [];
    const here: Common[] = [];
    const add = (ref: ContractLock['ref'], write: boolean) => {
      const lock = mapToCallee(ref, s.site, fn);
      const had = lock && here.find((x) => x.lock.key === lock.key);
      if (had) had.write ||= write;
      else if (lock && lock.exact) here.push({ lock, from: s, write });
    };
    for (const h of s.site.held.definite()) add(h.ref, h.mode === 'write');
    if (s.site.unit === 'function' || s.site.unit === 'inline') {
      const events = analysis.flows.get(s.caller)?.lockEvents ?? [];
      for (const r of analysis.contractOf(s.caller).requires) {
        // A contract that does not say the mode is held for writing at entry (see PackageAnalysis.analyze).
        if (r.resolved && !events.some((e) => e.op.ref.key === r.ref.key && e.op.method.endsWith('nlock'))) add(r.ref, !r.exactMode || r.mode === 'write');
      }
    }
    common = common
      ? common.flatMap((c) => { const x = here.find((h) => h.lock.key === c.lock.key); return x ? [{ ...c, write: c.write && x.write }] : []; })
      : here;
    if (common.length === 0) return [];
  }
  return common ?? [];
}

/** For a …Locked name's guess that the callers contradict: the common locks of the receiver, unless they agree. */
function receiverLocks(fn: FuncDecl, common: Common[], guess: ContractLock[]): Common[] {
  if (guess.some((g) => common.some((c) => c.lock.key === g.ref.key))) return [];
  return common.filter((c) => c.lock.rootKind === 'receiver' && c.lock.root === fn.recvName);
}

/** The common locks that the function needs (see neededLocks), held for writing at every call where it needs the write lock. */
function neededInBody(fn: FuncDecl, common: Common[], needs: Needs): Common[] {
  const mine = needs.get(fn);
  return common.filter((c) => {
    const need = mine?.get(c.lock.key);
    return need && (!need.write || c.write);
  });
}
