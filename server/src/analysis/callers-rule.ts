import type { FuncDecl } from '../model/file';
import { mapToCallee } from './calls';
import type { ContractLock } from './contract-types';
import type { CallSite } from './flow-types';
import type { PackageAnalysis } from './package-analysis';
import { requirementsAt } from './requirements';
import { appendAll } from '../util/arrays';

/**
 * The callers rule: an unexported function that every call in its package makes under the same lock, and that
 * needs that lock itself, requires it. "Needs" is what the function's own code shows: a call in its body asks
 * for the lock and does not hold it (crypto/tls's retryReadRecord, called only from readRecordOrCCS, which holds
 * c.in), or its …Locked name guessed another lock of its receiver (writeRecordLocked, whose callers all hold
 * c.out, while the guess was the only mutex field). A lock its callers merely happen to hold is not taken for a
 * contract. Exported functions have callers elsewhere, and a function passed as a value has calls not seen here.
 * Read from the first flows, in rounds until nothing changes (a contract inferred in one round holds at the calls
 * of the next): returns the functions whose contract it changed, to be walked again.
 */
export function inferFromCallers(analysis: PackageAnalysis): FuncDecl[] {
  const changed: FuncDecl[] = [];
  for (let round = 0; round < 8; round++) {
    const sitesOf = candidateSites(analysis);
    const more = sitesOf.size > 0 ? oneRound(analysis, sitesOf) : [];
    if (more.length === 0) break;
    appendAll(changed, more);
  }
  return changed;
}

/**
 * The calls of each function that could gain a contract. Most cannot: only an unexported function with no
 * contract that calls something with one, or with a …Locked guess, is looked at, and only its calls gathered.
 */
function candidateSites(analysis: PackageAnalysis): Map<FuncDecl, Site[]> {
  const candidates = new Set<FuncDecl>();
  for (const [fn, flow] of analysis.flows) {
    if (/^[A-Z]/.test(fn.name)) continue;
    const contract = analysis.contractOf(fn);
    if (contract.ignore || !contract.requires.every((r) => r.source.kind === 'name')) continue;
    if (contract.requires.length > 0 || flow.calls.some((c) => c.callee && analysis.contractOf(c.callee).requires.length > 0)) candidates.add(fn);
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

function oneRound(analysis: PackageAnalysis, sitesOf: Map<FuncDecl, Site[]>): FuncDecl[] {
  const changed: FuncDecl[] = [];
  for (const [fn, sites] of sitesOf) {
    const contract = analysis.contractOf(fn);
    const guessed = contract.requires.length > 0 && contract.requires.every((r) => r.source.kind === 'name');
    if (contract.ignore || (contract.requires.length > 0 && !guessed)) continue;
    const common = heldAtEverySite(analysis, fn, sites);
    if (common.length === 0) continue;
    const wanted = guessed ? receiverLocks(fn, common, contract.requires) : neededInBody(analysis, fn, common);
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

interface Common { lock: ContractLock['ref']; from: Site }

/**
 * The locks definitely held at every call, in the callee's names. A lock of the caller's contract counts, the
 * ones inferred after its flow was walked too (sendAlert → sendAlertLocked → writeRecordLocked), unless the
 * caller unlocks it somewhere.
 */
function heldAtEverySite(analysis: PackageAnalysis, fn: FuncDecl, sites: Site[]): Common[] {
  let common: Common[] | undefined;
  for (const s of sites) {
    if (s.site.viaGo || s.site.unit === 'goroutine' || s.site.unit === 'detached') return [];
    const here: Common[] = [];
    const add = (ref: ContractLock['ref']) => {
      const lock = mapToCallee(ref, s.site, fn);
      if (lock && lock.exact && !here.some((x) => x.lock.key === lock.key)) here.push({ lock, from: s });
    };
    for (const h of s.site.held.definite()) add(h.ref);
    if (s.site.unit === 'function' || s.site.unit === 'inline') {
      const events = analysis.flows.get(s.caller)?.lockEvents ?? [];
      for (const r of analysis.contractOf(s.caller).requires) {
        if (r.resolved && !events.some((e) => e.op.ref.key === r.ref.key && e.op.method.endsWith('nlock'))) add(r.ref);
      }
    }
    common = common ? common.filter((c) => here.some((x) => x.lock.key === c.lock.key)) : here;
    if (common.length === 0) return [];
  }
  return common ?? [];
}

/** For a …Locked name's guess that the callers contradict: the common locks of the receiver, unless they agree. */
function receiverLocks(fn: FuncDecl, common: Common[], guess: ContractLock[]): Common[] {
  if (guess.some((g) => common.some((c) => c.lock.key === g.ref.key))) return [];
  return common.filter((c) => c.lock.rootKind === 'receiver' && c.lock.root === fn.recvName);
}

/** The common locks that a call in the function's own body asks for and does not hold. */
function neededInBody(analysis: PackageAnalysis, fn: FuncDecl, common: Common[]): Common[] {
  const flow = analysis.flows.get(fn);
  if (!flow) return [];
  const missing = new Set<string>();
  for (const site of flow.calls) {
    if (site.unit !== 'function' && site.unit !== 'inline') continue;
    for (const r of requirementsAt(analysis, fn, site)) if (r.held === 'missing' && r.lock.resolved) missing.add(r.ref.key);
  }
  return common.filter((c) => missing.has(c.lock.key));
}
