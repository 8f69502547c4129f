import type { FuncDecl } from '../model/file';
import type { ContractLock } from './contract-types';
import { unresolvedLock } from './contracts';
import type { PackageAnalysisView } from './package-analysis-types';
import { requirementsAt } from './requirements';

/**
 * "Lock should be held" names no lock: it was read as the receiver's lock (its only one, or the one called mu).
 * When every call in the package holds some other lock and none holds that one (nats' Server method
 * jsClusteredStreamUpdateRequestLocked, called under js.mu, never under s.mu), the callers say which lock the
 * comment means, and it is not the guess: the guess is dropped (shown in the hover as not understood).
 * Returns the functions whose contract changed, to be walked again.
 */
export function dropContradictedGenericLocks(analysis: PackageAnalysisView): FuncDecl[] {
  const guesses = new Map<FuncDecl, ContractLock[]>();
  for (const fn of analysis.flows.keys()) {
    const g = analysis.contractOf(fn).requires.filter((r) => r.resolved && r.source.kind === 'doc' && r.written === 'the lock');
    if (g.length) guesses.set(fn, g);
  }
  if (guesses.size === 0) return [];
  const sitesOf = analysis.callSitesOf(new Set(guesses.keys()));
  const changed: FuncDecl[] = [];
  for (const [fn, locks] of guesses) {
    const sites = sitesOf.get(fn) ?? [];
    if (sites.length === 0 || sites.some(({ caller, site }) => caller === fn || site.viaGo || site.unit === 'goroutine' || site.unit === 'detached')) continue;
    const contract = analysis.contractOf(fn);
    for (const lock of locks) {
      const others = new Set<string>();
      const contradicted = sites.every(({ caller, site }) => {
        const req = requirementsAt(analysis, caller, site).find((r) => r.lock === lock);
        const held = site.held.definite();
        if (req?.held !== 'missing' || held.length === 0) return false;
        for (const h of held) others.add(h.ref.display);
        return true;
      });
      if (!contradicted) continue;
      const why = `was read as ${lock.ref.display}, but every call of ${fn.name} holds ${[...others].slice(0, 3).join(', ')} instead`;
      contract.requires = contract.requires.map((r) => (r === lock ? { ...unresolvedLock(r.written, r.mode, r.source), unresolvedWhy: why } : r));
      analysis.contracts.set(fn, contract);
      changed.push(fn);
    }
  }
  return changed;
}
