import { isGuess } from '../core/contract-sources';
import { callerHeldLocks } from './caller-locks';
import type { FuncDecl } from '../model/file';
import type { GoPackage } from '../model/package';
import { typeToString, UNKNOWN, type GoType } from '../model/types';
import { ExprResolver, type Ref } from '../model/refs';
import { emptyContract, type Contract, type ContractLock, type ContractSource } from './contract-types';
import { computeParamCalls } from './callbacks';
import { ContractReader } from './contracts';
import { directlyCalledParams, FlowAnalyzer, NO_ENTRIES } from './flow';
import type { CallSite, FunctionFlow, LockEvent } from './flow-types';
import { HeldSet } from './held';
import { dropDescendants } from '../syntax/node';
import { analysisStats, computeAcquisitions, computeMayBlock } from './summaries';
import type { Acquisition, BlockWitness, PackageAnalysisView, ParamCall } from './package-analysis-types';
import { mapToCallee } from './calls';
import { inferFromCallers } from './callers-rule';
import { releaserAcquires, resultRooted } from './releasers';
import { dropContradictedGenericLocks } from './generic-lock';

export { analysisStats } from './summaries';

/**
 * The lock analysis of one package: every function's contract and held-set flow.
 * Explicit contracts come first; the twin rule then reads the exported twins' flows.
 */
export class PackageAnalysis implements PackageAnalysisView {
  readonly contracts = new Map<FuncDecl, Contract>();
  /**
   * The explicit contracts that are not empty, as read (before inference adds to them), with where the function
   * started then: what the next analysis of the same model takes over for the functions an edit left alone.
   */
  private readonly declared = new Map<FuncDecl, { contract: Contract; at: number }>();
  /** Per function key, its declared contract as text, read when asked (see declaredSigOf). */
  private readonly declaredSigs = new Map<string, string>();

  /** A function's declared contract as text (see contractsSignature), kept by its key for the next analysis. */
  declaredSigOf(fn: FuncDecl): string {
    let sig = this.declaredSigs.get(fn.key);
    if (sig === undefined) {
      sig = contractsSignature(new Map([[fn, this.declared.get(fn)?.contract ?? emptyContract()]]));
      this.declaredSigs.set(fn.key, sig);
    }
    return sig;
  }
  readonly flows = new Map<FuncDecl, FunctionFlow>();
  private readonly resolvers = new Map<string, ExprResolver>();
  /** Functions whose analysis threw: they give no results rather than breaking the package. */
  readonly failures: { fn: FuncDecl; error: unknown }[] = [];

  /**
   * `deps` holds the analyses of the workspace packages this one imports, directly or not, by
   * directory: contracts, acquisitions and blocking summaries follow calls into them.
   */
  constructor(readonly pkg: GoPackage, readonly deps: ReadonlyMap<string, PackageAnalysis> = new Map(), previous?: PreviousAnalysis, oneShot = false) {
    // Twins are found by name: with functions added or removed (a new object is a new declaration, or one
    // whose header changed), they are looked up again.
    const redeclared = !!previous && (previous.removed.length > 0 || [...previous.declared].some((fn) => !previous.analysis.contracts.has(fn)));
    this.twins = previous && !redeclared ? previous.analysis.twins : new Map();
    this.declarationsStamp = pkg.declarationsStamp;
    const reader = new ContractReader(pkg);
    // With the same model (see PreviousAnalysis), an unchanged function declares what it declared before. After
    // types or variables changed, a contract's lock names may read otherwise: every contract is read again.
    const valuesChanged = !!previous?.valuesChanged;
    for (const fn of pkg.funcs.values()) {
      // Its contract's sources are offsets in its doc comment and header: they move with the function.
      const kept = previous && !valuesChanged && !previous.changed.has(fn) ? previous.analysis.declared.get(fn) : undefined;
      const c = kept === NOTHING_DECLARED ? emptyContract() : kept ? movedContract(kept.contract, fn.node.start - kept.at) : safe(() => reader.explicit(fn), emptyContract());
      // The inference below adds to the contract objects: the declared ones are kept apart.
      // A kept declaration is never written (the inference writes `c`, its copy): it is kept as it is, with its own start.
      if (!oneShot) this.declared.set(fn, kept ?? (isEmptyContract(c) ? NOTHING_DECLARED : { contract: movedContract(c, 0), at: fn.node.start }));
      this.contracts.set(fn, c);
    }
    // A one-shot analysis (see Workspace.compact) is never re-used: it has no signatures to compare.
    // Only the edited functions can declare something new: when theirs read as before, so does the package's.
    // Compared by the function's key: an edited function's declaration may be a new object. The other functions'
    // texts carry over (their contracts were taken over above).
    const earlier = previous?.analysis;
    if (earlier && !oneShot && !valuesChanged) {
      const changedKeys = new Set([...previous.changed, ...previous.removed].map((fn) => fn.key));
      for (const [k, v] of earlier.declaredSigs) if (!changedKeys.has(k)) this.declaredSigs.set(k, v);
    }
    const declaredAsBefore = !!earlier && earlier.explicitSignature !== undefined && !redeclared && !valuesChanged
      && [...previous.changed].every((fn) => earlier.declaredSigs.get(fn.key) === this.declaredSigOf(fn));
    this.explicitSignature = oneShot ? undefined : declaredAsBefore ? earlier.explicitSignature : contractsSignature(this.contracts);
    // A flow depends on its body, the package model and the contracts it sees: with the same model (see
    // PreviousAnalysis) and the same explicit contracts, an unchanged function's first flow is the same.
    const changed = previous?.changed;
    // A caller's flow also reads whether a callee calls a parameter itself (a callback run in place): the
    // changed functions must still do as before.
    for (const fn of pkg.funcs.values()) {
      const kept = previous && !changed!.has(fn) ? previous.analysis.directParamCalls.get(fn) : undefined;
      this.directParamCalls.set(fn, kept ?? directlyCalledParams(fn));
    }
    const sameDirectCalls = !!previous && [...changed!].every((fn) => previous.analysis.directParamCalls.get(fn) === this.directParamCalls.get(fn));
    // After functions were declared, removed or re-declared, the flows that name none of them are the same
    // (see namesAny); otherwise every flow is, while the explicit contracts and the direct calls are.
    const named = previous && !oneShot && (redeclared || valuesChanged || !sameDirectCalls || this.explicitSignature !== previous.analysis.explicitSignature)
      ? namingAny(pkg, affectedNames(previous, this)) : undefined;
    const prior = previous && (named || (sameDirectCalls && this.explicitSignature !== undefined && previous.analysis.explicitSignature === this.explicitSignature)) ? previous.analysis : undefined;
    for (const fn of pkg.funcs.values()) {
      const flow = prior && !changed!.has(fn) && !named?.has(fn) ? reusable(prior.firstFlowOf(fn)) : undefined;
      if (flow) { this.flows.set(fn, flow); analysisStats.reusedFlows++; } else this.analyze(fn);
    }
    const contradicted = dropContradictedGenericLocks(this);
    const twins = this.applyTwinRule();
    const fromCallers = inferFromCallers(this);
    // Lock helpers change what their callers hold: their callers (and the functions above) are walked again once.
    const helpers = this.inferLockHelpers();
    // Helpers of helpers (etcd's `LockOutsideApply() { validate(); t.lock() }` over `lock() { t.Mutex.Lock() }`):
    // their callers are walked with the helpers known, and helpers inferred again, a few rounds. The first
    // flows stay the ones kept for the next analysis (see firstFlows).
    for (let round = 0, fresh = helpers; round < 3 && fresh.size > 0; round++) {
      const callers = [...this.flows].filter(([fn, flow]) => !fresh.has(fn) && flow.calls.some((c) => c.callee && fresh.has(c.callee))).map(([fn]) => fn);
      for (const fn of callers) {
        if (!this.firstFlows.has(fn)) this.firstFlows.set(fn, this.flows.get(fn)!);
        this.analyze(fn);
      }
      fresh = this.inferLockHelpers();
      for (const h of fresh) helpers.add(h);
    }
    const again = new Set([...contradicted, ...twins, ...fromCallers]);
    for (const [fn, flow] of this.flows) if (flow.calls.some((c) => c.callee && helpers.has(c.callee))) again.add(fn);
    for (const fn of helpers) if (this.contractOf(fn).releases.length) again.add(fn);
    // The second walk sees the final contracts: the same ones as before give the same second flows. (It
    // changes no contract, so the signature taken here is the final one.)
    const finalSignature = oneShot && !prior ? undefined : this.contractsAndCalls();
    const finalPrior = prior && finalSignature === prior.finalSignature ? prior : undefined;
    for (const fn of again) {
      const first = this.flows.get(fn);
      if (first && !this.firstFlows.has(fn)) this.firstFlows.set(fn, first);
      const flow = finalPrior && !changed!.has(fn) && !named?.has(fn) && finalPrior.firstFlows.has(fn) ? reusable(finalPrior.flows.get(fn)) : undefined;
      if (flow) { this.flows.set(fn, flow); analysisStats.reusedFlows++; } else this.analyze(fn);
    }
    this.finalSignature = oneShot ? undefined : finalSignature;
    const before = previous?.analysis;
    this.contractsIdentity = before && this.finalSignature !== undefined && before.finalSignature === this.finalSignature ? before.contractsIdentity : {};
    // The acquisitions of the functions that the edit left alone, and whose callees it left alone, are taken over
    // when the imported analyses are the very same (an import analysed again may take other locks now).
    const sameImports = !!before && !before.compacted && before.deps.size === this.deps.size && [...this.deps].every(([dir, d]) => before.deps.get(dir) === d);
    this.acquisitions = computeAcquisitions(this, sameImports ? before : undefined);
    this.mayBlock = computeMayBlock(this);
    this.paramCalls = computeParamCalls(this);
  }

  /** The package's declarations it was made against (see GoPackage.declarationsStamp). */
  readonly declarationsStamp: object;

  /** The explicit contracts and the final ones (with the inferred parts), as text without positions; undefined in a one-shot analysis. */
  readonly explicitSignature: string | undefined;
  readonly finalSignature: string | undefined;
  /**
   * Stands for the final contracts (with the imported packages'): the previous analysis's object when they are
   * the same, a new one otherwise, so that whoever keeps results per contracts compares one pointer.
   */
  readonly contractsIdentity: object;
  /** Per function, the parameters it calls itself (see directlyCalledParams). */
  readonly directParamCalls = new Map<FuncDecl, string>();
  /** The first flows of the functions walked twice (see the constructor); the others' first flow is their flow. */
  private readonly firstFlows = new Map<FuncDecl, FunctionFlow>();

  /** The contracts and the parameters each function calls itself: what other functions' flows read of it. */
  private contractsAndCalls(): string {
    const calls: string[] = [];
    for (const [fn, params] of this.directParamCalls) if (params) calls.push(`${fn.key}\u0001${params}`);
    return `${contractsSignature(this.contracts)}\u0004${calls.join('\u0003')}`;
  }

  private firstFlowOf(fn: FuncDecl): FunctionFlow | undefined {
    return this.firstFlows.get(fn) ?? this.flows.get(fn);
  }

  /** Per function, where it calls a func-typed parameter under its own locks (callbacks). */
  paramCalls: Map<FuncDecl, ParamCall[]>;

  paramCallsOf(fn: FuncDecl): ParamCall[] | undefined {
    return this.paramCalls.get(fn) ?? this.foreign(fn)?.paramCalls.get(fn);
  }

  /** The functions that may block, with a witness each. */
  mayBlock: Map<FuncDecl, BlockWitness>;

  /** Per function, the locks it takes (transitively), with call chains. */
  acquisitions: Map<FuncDecl, Acquisition[]>;

  /**
   * Functions that return holding a lock they never unlock (`func (s *S) lock() { s.mu.Lock() }`)
   * acquire it for their caller; ones that unlock a lock they never take release it.
   */
  /** The package's methods of a type (by its name), for a guard's releasing methods. */
  private methodsOf(type: string): FuncDecl[] {
    return [...this.pkg.funcs.values()].filter((f) => f.recvType === type);
  }

  private inferLockHelpers(): Set<FuncDecl> {
    const helpers = new Set<FuncDecl>();
    for (const [fn, flow] of this.flows) {
      // Neither held at an exit nor unlocked in the body: nothing to infer.
      if (flow.lockEvents.length === 0 && flow.exits.every((x) => x.held.size === 0)) continue;
      const c = this.contractOf(fn);
      if (c.acquires.length || c.releases.length) continue;
      let changed = false;
      const source = (describe: string): ContractSource => ({ kind: 'body', describe, file: fn.file.path, offset: fn.nameNode.start });
      const own = ownLockKeys(flow);
      // `return c, c.mu.Unlock`: the lock and its releaser are handed back together.
      for (const a of releaserAcquires(fn, flow, source('the body returns it locked, with its Unlock'), (type) => this.methodsOf(type))) {
        c.acquires.push({ ...a, source: source(`the body returns ${a.heldAs?.[0] ?? a.ref.display} locked, with its ${a.mode === 'read' ? 'RUnlock' : 'Unlock'}`) });
        changed = true;
      }
      const first = flow.exits.find((x) => x.kind !== 'panic');
      if (first && first.held.size) {
        for (const h of first.held.definite()) {
          if (h.fromContract || own.unlocked.has(h.ref.key) || !isNameable(h.ref) || c.acquires.some((a) => a.ref.key === h.ref.key)) continue;
          if (!flow.exits.every((x) => x.kind === 'panic' || x.held.holds(h.ref, h.mode))) continue;
          c.acquires.push({ ref: h.ref, mode: h.mode, written: h.ref.display, resolved: true, source: source(`the body returns with ${h.ref.display} held`) });
          changed = true;
        }
      }
      // `t.mu.Lock(); return &t`: a constructor that hands its new value back locked; its caller holds the result's lock.
      for (const h of first?.held.definite() ?? []) {
        if (h.ref.rootKind !== 'local' || !h.ref.exact || h.fromContract || h.ref.path.length === 0 || own.unlocked.has(h.ref.key)) continue;
        const i = returnedAt(fn, flow, h.ref.root);
        if (i < 0 || !flow.exits.every((x) => x.kind === 'panic' || x.held.holds(h.ref, h.mode))) continue;
        const ref = resultRooted(h.ref, i);
        if (c.acquires.some((a) => a.ref.key === ref.key)) continue;
        c.acquires.push({ ref, mode: h.mode, written: ref.display, resolved: true, source: source(`the body returns ${h.ref.root} with ${h.ref.display} held`) });
        changed = true;
      }
      for (const e of flow.lockEvents) {
        if (!isOwn(e) || !isUnlock(e) || own.locked.has(e.op.ref.key) || !isNameable(e.op.ref)) continue;
        if (e.held.get(e.op.ref.key) || c.releases.some((r) => r.ref.key === e.op.ref.key)) continue;
        c.releases.push({ ref: e.op.ref, mode: e.op.method === 'RUnlock' ? 'read' : 'write', written: e.op.ref.display, resolved: true, source: source(`the body unlocks ${e.op.ref.display} without locking it`) });
        changed = true;
      }
      // A caller's lock that the body unlocks first and has released at every return (`defer s.mu.Unlock()` in
      // pebble's tryGrantLockedAndUnlock, which relocks in between): the call releases it.
      for (const key of callerHeldLocks(flow)) {
        const e = flow.lockEvents.find((x) => x.op.ref.key === key && isUnlock(x));
        if (!e || !isNameable(e.op.ref) || c.releases.some((r) => r.ref.key === key)) continue;
        const returns = flow.exits.filter((x) => x.kind !== 'panic');
        if (returns.length === 0 || returns.some((x) => x.held.get(key))) continue;
        c.releases.push({ ref: e.op.ref, mode: e.op.method === 'RUnlock' ? 'read' : 'write', written: e.op.ref.display, resolved: true, source: source(`the body returns with ${e.op.ref.display}, which its caller holds, unlocked`) });
        changed = true;
      }
      if (changed) { this.contracts.set(fn, c); helpers.add(fn); }
    }
    return helpers;
  }

  resolver(fn: FuncDecl): ExprResolver {
    let r = this.resolvers.get(fn.file.path);
    if (!r) this.resolvers.set(fn.file.path, (r = new ExprResolver(this.pkg, fn.file)));
    return r;
  }

  /** The type of a package-level variable, declared or inferred from its initializer. */
  globalType(name: string): GoType {
    const v = this.pkg.vars.get(name);
    if (!v) return UNKNOWN;
    return v.type ?? new ExprResolver(this.pkg, v.file).globalType(name);
  }

  contractOf(fn: FuncDecl): Contract {
    return this.contracts.get(fn) ?? this.foreign(fn)?.contracts.get(fn) ?? emptyContract();
  }

  /** The analysis of an imported package that declares `fn`; undefined for this package's own functions. */
  foreign(fn: FuncDecl): PackageAnalysis | undefined {
    return this.pkg.owns(fn) ? undefined : this.deps.get(fn.file.dir);
  }

  /** The locks a function takes, for this package's functions and imported ones. */
  acquisitionsOf(fn: FuncDecl): Acquisition[] | undefined {
    return this.acquisitions.get(fn) ?? this.foreign(fn)?.acquisitions.get(fn);
  }

  mayBlockOf(fn: FuncDecl): BlockWitness | undefined {
    return this.mayBlock.get(fn) ?? this.foreign(fn)?.mayBlock.get(fn);
  }

  flowOf(fn: FuncDecl): FunctionFlow | undefined {
    return this.flows.get(fn) ?? this.foreign(fn)?.flows.get(fn);
  }

  private analyze(fn: FuncDecl): void {
    analysisStats.computedFlows++;
    try {
      let initial = HeldSet.EMPTY;
      // A function that releases a lock (+checklocksrelease) is entered holding it, like one that requires it.
      // So is one whose body unlocks a lock it never takes (minimega's `Launch() { defer vm.lock.Unlock(); return
      // vm.launch() }`): on its second walk, the calls before the Unlock see the lock held.
      // Only when the body takes no lock at all: an Unlock of another mutex than the one taken is a bug of its own.
      const pureReleaser = this.flows.get(fn)?.lockEvents.every(isUnlock) ?? false;
      const releases = this.contractOf(fn).releases.filter((x) => x.source.kind === 'annotation' || pureReleaser);
      for (const r of [...this.contractOf(fn).requires, ...releases]) {
        if (!r.resolved) continue;
        const declared = !isGuess(r.source.kind);
        initial = initial.with({
          ref: r.ref, mode: r.exactMode ? r.mode : 'write', maybe: false, site: fn.nameNode, fromContract: true, modeUnknown: !r.exactMode,
          guessedFrom: declared ? undefined : r.source.describe,
        });
      }
      const paramCalls = (callee: FuncDecl) => this.directParamCalls.get(callee) ?? this.foreign(callee)?.directParamCalls.get(callee);
      const flow = new FlowAnalyzer(fn, (callee) => this.contractOf(callee), this.resolver(fn), paramCalls).run(initial);
      this.flows.set(fn, flow);
    } catch (error) {
      this.failures.push({ fn, error });
      this.flows.delete(fn);
    }
  }

  /**
   * The twin rule: an unexported `f` whose exported twin `F` holds X whenever it calls `f` requires X
   * (minimega's FindVM/findVM convention), and so does `fLocked` when `f` holds X whenever it calls it.
   */
  private applyTwinRule(): FuncDecl[] {
    const changed: FuncDecl[] = [];
    for (const holder of this.pkg.funcs.values()) {
      const flow = this.flows.get(holder);
      if (!flow) continue;
      const twins = flow.calls.length > 0 ? this.twinsOf(holder) : NO_TWINS;
      for (const { twin, kind } of twins) {
        const sites: CallSite[] = [];
        for (const c of flow.calls) if (c.callee === twin && !c.viaGo && c.unit !== 'goroutine' && c.unit !== 'detached') sites.push(c);
        if (sites.length === 0) continue;
        const contract = this.contractOf(twin);
        const locks = this.twinLocksOf(holder, twin, kind, sites, contract);
        if (locks.length === 0) continue;
        // What the code does beats what a …Locked name guessed: sendAlert holds c.out around sendAlertLocked,
        // while the guess picked the receiver's only mutex field.
        contract.requires = [...contract.requires.filter((r) => r.source.kind !== 'name'), ...locks];
        this.contracts.set(twin, contract);
        changed.push(twin);
      }
    }
    return changed;
  }

  /** The locks that `holder` holds at every call of `twin` (sites), which the twin rule makes the twin require. */
  private twinLocksOf(holder: FuncDecl, twin: FuncDecl, kind: Twin['kind'], sites: CallSite[], contract: Contract): ContractLock[] {
    const locks: ContractLock[] = [];
    for (const held of sites[0].held.definite()) {
      if (held.fromContract) continue;
      if (!sites.every((s) => s.held.holds(held.ref, held.mode))) continue;
      const ref = mapToCallee(held.ref, sites[0], twin);
      if (!ref || contract.requires.some((r) => r.ref.key === ref.key && r.source.kind !== 'name')) continue;
      // A lock the twin excludes (+checklocksexclude) is not held on its entry.
      if (contract.excludes.some((x) => x.ref.key === ref.key)) continue;
      locks.push({
        ref, mode: 'read', written: ref.display, resolved: true,
        source: {
          kind: 'twin', describe: `${kind === 'exported' ? 'exported twin ' : ''}${holder.name} holds ${held.ref.display} when it calls ${twin.name}`,
          file: holder.file.path, offset: sites[0].nameNode.start,
        },
      });
    }
    return locks;
  }

  /**
   * The functions whose contract a function's calls teach: its internal twin (FindVM → findVM) and its …Locked
   * form (sendAlert → sendAlertLocked, ConnectionState → connectionStateLocked), with the same receiver type.
   */
  private twinsOf(fn: FuncDecl): readonly Twin[] {
    let known = this.twins.get(fn);
    if (!known) this.twins.set(fn, (known = this.findTwins(fn)));
    return known;
  }

  /**
   * Each function's twins, by name: shared with the previous analysis, whose package has the same declarations
   * (see PreviousAnalysis), so that an edit in a body does not look up 40,000 names again.
   */
  private readonly twins: Map<FuncDecl, readonly Twin[]>;

  private findTwins(fn: FuncDecl): readonly Twin[] {
    const prefix = fn.recvType ? `${fn.recvType}.` : '';
    const lower = fn.name[0].toLowerCase() + fn.name.slice(1);
    const exported = /^[A-Z]/.test(fn.name) ? this.pkg.funcs.get(prefix + lower) : undefined;
    const locked = fn.name.endsWith('Locked') ? undefined : this.pkg.funcs.get(`${prefix}${fn.name}Locked`) ?? this.pkg.funcs.get(`${prefix}${lower}Locked`);
    if (!exported && !locked) return NO_TWINS;
    const out: Twin[] = [];
    if (exported && exported !== fn) out.push({ twin: exported, kind: 'exported' });
    if (locked && locked !== fn) out.push({ twin: locked, kind: 'locked' });
    return out;
  }

  /** Set by `compact`: the flows keep only their lock events, and the function declarations' syntax is gone. */
  compacted = false;

  /**
   * For a one-shot run (the CLI), once this package's own checks have run and the lock graph has taken its
   * facts (see Workspace.compact): drops what only those and the editor's features read, the flows' details,
   * the first flows and the resolvers, and the syntax trees of its function declarations (their signatures are
   * read into FuncDecls; types, variables and comments stay whole). What importers read
   * stays: contracts, acquisitions, blocking and callback summaries, the flows' lock events (see releasedAt),
   * and the nodes all of these point at. Such an analysis is not re-used after an edit.
   */
  compact(): void {
    for (const [fn, flow] of this.flows) this.flows.set(fn, lockEventsOnly(flow));
    this.ownCalls = undefined;
    this.firstFlows.clear();
    this.resolvers.clear();
    for (const file of this.pkg.files) {
      for (const fn of file.funcs) dropDescendants(fn.node);
      file.compacted = true;
    }
    this.compacted = true;
  }

  /**
   * Every call in the package made of one of its own functions, by callee: built once, on the first ask after the
   * analysis is done (the checks' path searches, the lock graph's gate locks), and dropped by compact.
   */
  callIndex(): Map<FuncDecl, { caller: FuncDecl; site: CallSite }[]> {
    // While the constructor still walks functions again, the flows change: nothing is kept then.
    if (!this.paramCalls) return this.callSitesOf(new Set(this.flows.keys()));
    return (this.ownCalls ??= this.callSitesOf(new Set(this.flows.keys())));
  }

  private ownCalls?: Map<FuncDecl, { caller: FuncDecl; site: CallSite }[]>;

  /** Calls in the package whose callee is `fn`. */
  callersOf(fn: FuncDecl): { caller: FuncDecl; site: CallSite }[] {
    // The index holds the calls of this package's own functions; an imported one's are gathered when asked.
    if (!this.pkg.owns(fn)) return this.callSitesOf(new Set([fn])).get(fn) ?? [];
    return this.callIndex().get(fn) ?? [];
  }

  /** The calls in the package of each of `callees`, in one pass over the flows. */
  callSitesOf(callees: ReadonlySet<FuncDecl>): Map<FuncDecl, { caller: FuncDecl; site: CallSite }[]> {
    const out = new Map<FuncDecl, { caller: FuncDecl; site: CallSite }[]>();
    for (const [caller, flow] of this.flows) {
      for (const site of flow.calls) {
        if (!site.callee || !callees.has(site.callee)) continue;
        const list = out.get(site.callee);
        if (list) list.push({ caller, site }); else out.set(site.callee, [{ caller, site }]);
      }
    }
    return out;
  }
}

/**
 * The analysis of the same package before an edit that changed only the bodies of `changed` (see
 * GoFile.bodyOnlyChange): the same GoPackage, with the same declarations, and the same imported analyses.
 * Its flows of the other functions are taken over where their inputs are shown to be the same.
 */
export interface PreviousAnalysis {
  analysis: PackageAnalysis;
  /** The functions whose bodies, headers or doc comments changed, and the new ones (see GoFile.declsChange). */
  changed: ReadonlySet<FuncDecl>;
  /** Of those, the new or re-declared ones (header or doc comment changed); and the previous functions now gone. */
  declared: ReadonlySet<FuncDecl>;
  removed: readonly FuncDecl[];
  /**
   * Whether types, variables or imports were declared anew or removed (see GoFile.declsChange); then `words` are
   * the names a flow may read them by: the types, their members that changed, the variables, the import names.
   */
  valuesChanged: boolean;
  words: ReadonlySet<string>;
  /** The embedded fields among `words` that came or went: their types' members are promoted, or no longer. */
  embeds: ReadonlySet<string>;
  /** Of the changed types, those declared, removed, or neither structs nor interfaces: whatever holds their values changes. */
  retyped: ReadonlySet<string>;
}

/**
 * The names whose declarations an edit changed: of the functions declared, re-declared or removed, and of the
 * edited ones whose declared contract or direct parameter calls differ from before. A flow reads another
 * function only through a call, a method value or a goroutine that names it.
 */
function affectedNames(previous: PreviousAnalysis, now: PackageAnalysis): Set<string> {
  const names = new Set<string>();
  const before = previous.analysis;
  for (const fn of previous.removed) names.add(fn.name);
  for (const fn of previous.changed) {
    // A new declaration (a new object), one whose declared contract reads otherwise, or whose direct calls of
    // its parameters changed.
    if (!before.contracts.has(fn) || before.declaredSigOf(fn) !== now.declaredSigOf(fn) || before.directParamCalls.get(fn) !== now.directParamCalls.get(fn)) names.add(fn.name);
  }
  if (previous.valuesChanged) {
    // The changed types' and variables' names and members (the words of their declarations, before and after),
    // the types they embed or name; then whatever is declared with one of those types, whose values reach a flow
    // under its own name: a field, a variable, a function's results or parameters (by the function's name).
    for (const w of previous.words) names.add(w);
    for (const e of previous.embeds) {
      const t = now.pkg.types.get(e);
      if (t?.type.kind === 'struct') for (const f of t.type.fields) names.add(f.name);
      if (t?.type.kind === 'interface') for (const m of t.type.methods) names.add(m);
      for (const m of now.pkg.methods(e).keys()) names.add(m);
      // A type of another package (sync.Mutex): its methods.
      if (!t) for (const m of ['Lock', 'Unlock', 'RLock', 'RUnlock', 'TryLock', 'TryRLock', 'RLocker']) names.add(m);
    }
    if (previous.retyped.size) {
      const mentions = wordTest(previous.retyped);
      for (const t of now.pkg.types.values()) {
        if (t.type.kind === 'struct') for (const f of t.type.fields) if (mentions(t.file.text(f.node))) names.add(f.name);
      }
      for (const v of now.pkg.vars.values()) if (mentions(v.file.text(v.node))) names.add(v.name);
      // A function's parameters and results (its receiver's type names its own methods, which no caller reads).
      for (const fn of now.pkg.funcs.values()) if (mentions(fn.file.text_.slice(fn.nameNode.end, fn.body?.start ?? fn.node.end))) names.add(fn.name);
    }
    // A contract read again may name its locks otherwise now.
    for (const fn of now.pkg.funcs.values()) if (before.declaredSigOf(fn) !== now.declaredSigOf(fn)) names.add(fn.name);
  }
  // A variable without a type takes its initializer's (`var cache = newCache()`): a flow that names the
  // variable reads the function's results through it.
  const vars = [...now.pkg.vars.values()].filter((v) => !v.type && v.value);
  for (let grew = names.size > 0; grew;) {
    grew = false;
    const mentions = wordTest(names);
    for (const v of vars) {
      if (!names.has(v.name) && mentions(v.file.parsed.text.slice(v.value!.start, v.value!.end))) { names.add(v.name); grew = true; }
    }
  }
  return names;
}

/** Whether a text names any of `names` (not empty) as a whole Go word. */
function wordTest(names: ReadonlySet<string>): (text: string) => boolean {
  const words = wordsOf(names);
  return (text) => { words.lastIndex = 0; return words.test(text); };
}

/** A global regular expression that finds any of `names` as a whole Go word. */
function wordsOf(names: ReadonlySet<string>): RegExp {
  // A name the parser could not read is empty (a removed `func (c *C) (`): it names nothing, and as an alternative
  // it would match the empty string everywhere (namingAny would then never advance).
  const words = [...names].filter((n) => n.length > 0).map(escapeRegExp);
  return words.length ? new RegExp(`(?<![\\w$])(?:${words.join('|')})(?![\\w$])`, 'g') : /(?!)/g;
}

/**
 * The functions of the package whose text names any of `names` as a word (a call, a method value, a selector):
 * one scan of each file's text, not of each function's.
 */
function namingAny(pkg: GoPackage, names: ReadonlySet<string>): Set<FuncDecl> {
  const out = new Set<FuncDecl>();
  if (names.size === 0) return out;
  const words = wordsOf(names);
  for (const file of pkg.files) {
    const text = file.parsed.text;
    const funcs = file.funcs;
    words.lastIndex = 0;
    for (let m = words.exec(text); m; m = words.exec(text)) {
      // Never stay on an empty match (see wordsOf).
      if (m[0].length === 0) { words.lastIndex++; continue; }
      const at = m.index;
      // The function whose node holds the word: funcs are in the order of the text.
      let lo = 0, hi = funcs.length - 1, hit: FuncDecl | undefined;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1, f = funcs[mid];
        // From the doc comment on: a contract there names locks too.
        if (f.node.end <= at) lo = mid + 1; else if ((f.doc.comments[0]?.start ?? f.node.start) > at) hi = mid - 1; else { hit = f; break; }
      }
      if (hit) out.add(hit);
    }
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A function whose doc comment and header declare no contract: nothing to read again after an edit elsewhere. */
const NOTHING_DECLARED = { contract: emptyContract(), at: 0 };

/**
 * A previous flow, unless it read other functions' bodies: a sync.Cond.Wait finds its Cond's lock in the
 * `sync.NewCond(&x.mu)` of any file of the package (see blocking.ts), so such a flow is computed again.
 */
function reusable(flow: FunctionFlow | undefined): FunctionFlow | undefined {
  return flow && !flow.blocking.some((b) => b.ownLock !== undefined) ? flow : undefined;
}

/** Every contract of a package as text, without positions (which move with edits elsewhere). */
function contractsSignature(contracts: ReadonlyMap<FuncDecl, Contract>): string {
  const parts: string[] = [];
  // Most functions have no contract: only the others are written (with their key), which says the same.
  for (const [fn, c] of contracts) {
    if (isEmptyContract(c)) continue;
    parts.push(fn.key, String(c.ignore), ...[c.requires, c.acquires, c.releases, c.excludes].map((ls) => ls.map(lockSignature).join('\u0002')),
      (c.aliases ?? []).map((x) => `${lockSignature(x.a)}=${lockSignature(x.b)}`).join('\u0002'));
  }
  return parts.join('\u0003');
}

/** A contract's lock as text, kept per lock object (a lock is never changed once made: a moved one is a copy). */
const lockSignatures = new WeakMap<ContractLock, string>();

function lockSignature(l: ContractLock): string {
  let known = lockSignatures.get(l);
  if (known === undefined) {
    known = [refSignature(l.ref), l.mode, l.written, l.resolved, l.exactMode, l.readEnough, l.source.kind, l.source.describe, l.source.file].join('\u0001');
    lockSignatures.set(l, known);
  }
  return known;
}


/** A contract's lock as text (kept per Ref: contracts taken over after an edit share their refs, see movedContract). */
const refSignatures = new WeakMap<Ref, string>();

function refSignature(r: Ref): string {
  let known = refSignatures.get(r);
  if (known === undefined) {
    known = [r.key, r.display, r.rootKind, r.exact, r.clsBase, r.clsPath.join('.'), r.clsHome?.dir, r.promotedFrom, typeToString(r.type)].join('\u0001');
    refSignatures.set(r, known);
  }
  return known;
}

interface Twin { twin: FuncDecl; kind: 'exported' | 'locked' }
const NO_TWINS: readonly Twin[] = [];

/** Locks rooted at a receiver, a parameter or a global can be named in a contract. */
function isNameable(ref: Ref): boolean {
  return ref.exact && (ref.rootKind === 'receiver' || ref.rootKind === 'param' || ref.rootKind === 'global');
}

function safe<T>(f: () => T, fallback: T): T {
  try { return f(); } catch { return fallback; }
}

/** Shared by every compacted flow: nothing writes a flow after its analysis. */
const NONE: never[] = [];

function lockEventsOnly(flow: FunctionFlow): FunctionFlow {
  return {
    decl: flow.decl, lockEvents: flow.lockEvents, calls: NONE, exits: NONE, stmtHeld: NO_ENTRIES, literals: NO_ENTRIES,
    continues: NONE, blocking: NONE, accesses: NONE, goStmts: NONE,
  };
}

/** A lock event of the function's own body (not of a goroutine or callback it starts). */
function isOwn(e: LockEvent): boolean {
  return e.unit === 'function' || e.unit === 'inline';
}

function isUnlock(e: LockEvent): boolean {
  return e.op.method.endsWith('nlock');
}

/**
 * The keys of the locks that the function's own body locks and unlocks, read once per function: a half-typed
 * file can put tens of thousands of lock events in one body.
 */
function ownLockKeys(flow: FunctionFlow): { locked: Set<string>; unlocked: Set<string> } {
  const locked = new Set<string>(), unlocked = new Set<string>();
  for (const e of flow.lockEvents) if (isOwn(e)) (isUnlock(e) ? unlocked : locked).add(e.op.ref.key);
  return { locked, unlocked };
}

/** A copy of a contract (its lists can be added to), with its sources moved by `delta`. */
function movedContract(c: Contract, delta: number): Contract {
  const move = (l: ContractLock): ContractLock => (delta ? { ...l, source: { ...l.source, offset: l.source.offset + delta } } : l);
  const aliases = c.aliases?.map((x) => ({ a: move(x.a), b: move(x.b) }));
  return { requires: c.requires.map(move), acquires: c.acquires.map(move), releases: c.releases.map(move), excludes: c.excludes.map(move), ignore: c.ignore, ...(aliases ? { aliases } : {}) };
}

function isEmptyContract(c: Contract): boolean {
  return !c.ignore && !c.requires.length && !c.acquires.length && !c.releases.length && !c.excludes.length && !c.aliases?.length;
}

/** The result index at which every return of the function hands back the local `name` (as `name` or `&name`); -1 if not. */
function returnedAt(fn: FuncDecl, flow: FunctionFlow, name: string): number {
  const text = fn.file.parsed.text;
  let at = -1;
  for (const exit of flow.exits) {
    if (exit.kind === 'panic') continue;
    if (exit.kind !== 'return') return -1;
    const values = exit.node.children.find((n) => n.type === 'expression_list')?.children.filter((n) => n.type !== ',' && n.type !== 'comment') ?? [];
    if (values.length !== fn.results.length) return -1;
    const i = values.findIndex((v) => { const t = text.slice(v.start, v.end); return t === name || t === `&${name}`; });
    if (i < 0 || (at >= 0 && at !== i)) return -1;
    at = i;
  }
  return at;
}
