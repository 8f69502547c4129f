import type { FuncDecl } from '../model/file';
import type { GoPackage } from '../model/package';
import { ExprResolver, type Ref } from '../model/refs';
import { Scope } from '../model/scope';
import { deref, type GoType } from '../model/types';
import { walk } from '../syntax/node';
import { emptyContract, type Contract, type ContractLock, type ContractSource } from './contract-types';
import { bodyScope, functionScope } from './scope-of';
import type { LockMode } from './held';
import { lockClaims } from './prose-grammar';

/** Every phrasing above has one of these words (held, locked, ... or a verb such as hold or lock). */
const PROSE_HINT = /held|locked|acquired|taken|owned|grabbed|hold|have|own|acquire|lock|take|without/i;

const STOP_WORDS = new Set(['it', 'this', 'that', 'a', 'an', 'any', 'all', 'its', 'they', 'them', 'one', 'both', 'these', 'those', 'which', 'caller', 'callers']);
// Longer kinds first: `acquire` must not take the `acquire` of `+checklocksacquireread:mu` and leave `read:mu` unread.
const ANNOTATION = /\+checklocks(acquireread|acquire|releaseread|release|excludewrite|exclude|read|ignore)?(?::(\S+))?/g;
// An initialism may come before the suffix: database/sql's putConnDBLocked. `RLocked` and `WLocked` name a state.
const LOCKED_SUFFIX = /^(.*[A-Za-z0-9])Locked$/;
const ALIAS = /\+checklocksalias:([^\s=]+)=(\S+)/g;
const NOT_A_LOCKED_CONTRACT = /^(is|was|are|assert|must|check|ensure|try|should|has|have|r|w)$/i;

export class ContractReader {
  constructor(private readonly pkg: GoPackage) {}

  /** The contract that a function declares (annotations, prose) or that its name implies. */
  explicit(fn: FuncDecl): Contract {
    const c = emptyContract();
    // Most functions have no annotation, no lock prose and no …Locked name: they need no resolver or scope.
    if (!fn.doc.text.includes('+checklocks') && !PROSE_HINT.test(fn.doc.text) && !LOCKED_SUFFIX.test(fn.name)) return c;
    const res = new ExprResolver(this.pkg, fn.file);
    const scope = functionScope(fn);
    const docStart = fn.doc.comments[0]?.start ?? fn.node.start;
    this.annotations(fn, res, scope, c, docStart);
    this.prose(fn, res, scope, c, docStart);
    if (c.requires.length === 0 && !c.ignore) this.lockedName(fn, res, scope, c);
    return c;
  }

  private annotations(fn: FuncDecl, res: ExprResolver, scope: Scope, c: Contract, offset: number): void {
    // An acquire (or release) may name a named result: `+checklocksacquire:tc.mu` on `func newConn() (tc *conn)`.
    let withResults: Scope | undefined;
    for (const m of fn.doc.text.matchAll(ANNOTATION)) {
      const kind = m[1] ?? '';
      if (kind === 'ignore') { c.ignore = true; continue; }
      if (!m[2]) continue;
      const source: ContractSource = { kind: 'annotation', describe: `annotation +checklocks${kind}:${m[2]}`, file: fn.file.path, offset };
      // For an exclusion, the least hold that the callee excludes: any (exclude) or a write hold (excludewrite).
      const mode: LockMode = kind === 'read' || kind === 'acquireread' || kind === 'releaseread' || kind === 'exclude' ? 'read' : 'write';
      const handsBack = kind.startsWith('acquire') || kind.startsWith('release');
      const names = handsBack ? (withResults ??= bodyScope(fn)) : scope;
      const lock = this.resolveName(m[2], fn, res, names, mode, source) ?? unresolvedLock(m[2], mode, source);
      lock.exactMode = true;
      if (kind === '' || kind === 'read') c.requires.push(lock);
      else if (kind === 'acquire' || kind === 'acquireread') c.acquires.push(lock);
      else if (kind === 'release' || kind === 'releaseread') c.releases.push(lock);
      else if (kind === 'exclude' || kind === 'excludewrite') c.excludes.push(lock);
    }
    for (const m of fn.doc.text.matchAll(ALIAS)) {
      const source: ContractSource = { kind: 'annotation', describe: `annotation +checklocksalias:${m[1]}=${m[2]}`, file: fn.file.path, offset };
      const a = this.resolveName(m[1], fn, res, scope, 'write', source);
      const b = this.resolveName(m[2], fn, res, scope, 'write', source);
      // Only two paths that both name a lock, and two different ones: a guess is worse than nothing.
      if (a?.resolved && b?.resolved && a.ref.key !== b.ref.key) (c.aliases ??= []).push({ a, b });
    }
  }

  private prose(fn: FuncDecl, res: ExprResolver, scope: Scope, c: Contract, offset: number): void {
    // Most doc comments say nothing about locks: a cheap test spares them the grammar.
    if (!PROSE_HINT.test(fn.doc.text)) return;
    const seen = new Set<string>(c.requires.map((r) => r.ref.key));
    for (const claim of lockClaims(fn.doc.text)) {
      const short = claim.sentence.length > 100 ? claim.sentence.slice(0, 97) + '...' : claim.sentence;
      const source: ContractSource = { kind: 'doc', describe: `doc comment "${short}"`, file: fn.file.path, offset };
      const mode: LockMode = claim.mode === 'write' ? 'write' : 'read';
      const add = (found: ContractLock | undefined): void => {
        // A doc comment that says the lock is held, on a body that takes it itself, is stale (or means another lock).
        const lock = found?.resolved && bodyLocks(fn, found.ref.display)
          ? { ...unresolvedLock(found.written, mode, source), unresolvedWhy: `the body takes ${found.ref.display} itself` } : found;
        if (!lock || seen.has(lock.ref.key)) return;
        if (claim.mode === 'write') lock.exactMode = true;
        if (claim.mode === 'read') lock.readEnough = true;
        seen.add(lock.ref.key);
        c.requires.push(lock);
      };
      if (claim.several) add(unresolvedLock('several locks, without saying which', mode, source));
      else if (claim.generic) add(this.ownLock(fn, res, scope, mode, source) ?? unresolvedLock(`the lock (${this.ownLocksDescription(fn, scope)})`, mode, source));
      claim.subjects.forEach((name, i) => {
        const lock = this.subjectLock(name, fn, res, scope, mode, source);
        // An English word that names nothing ("The caller holds dc" names dc; "… holds everything" nothing); a
        // variable in scope is code even when it names no lock (then the hover says the contract was not understood).
        if (lock && (lock.resolved || claim.codeLike[i] || scope.lookup(name))) add(lock);
      });
    }
  }

  /**
   * A lock or its owner named in prose: a path in scope ("mb.mu", "fs"), a receiver or parameter by its type or by
   * its name in another case ("Server", "the VM's lock"), or a description of one lock ("the stream lock" when
   * streamCtxLock is the only lock whose name says stream and the field `stream` is no lock).
   */
  private subjectLock(name: string, fn: FuncDecl, res: ExprResolver, scope: Scope, mode: LockMode, source: ContractSource): ContractLock | undefined {
    let lock = this.resolveName(name, fn, res, scope, mode, source);
    if (!lock || !lock.resolved) {
      const v = [fn.recvName, ...fn.params.map((p) => p.name)].find((n) => n && n !== '_' && n.toLowerCase() === name.toLowerCase());
      if (v) lock = this.resolveName(v, fn, res, scope, mode, source) ?? lock;
    }
    if (lock?.resolved && (this.pkg.lockKind(lock.ref.type) || this.pkg.promotedLock(lock.ref.type, 'Lock'))) return lock;
    // A variable's name ("Called with c locked", c a parameter whose type lives in a package not read) names that
    // variable's lock or none that lockset can follow, never a lock whose name merely contains it (the receiver's
    // configReload): not understood, then.
    if (scope.lookup(name.split('.')[0])) return lock ?? unresolvedLock(name, mode, source);
    const described = this.describedLock(name, fn, res, scope, mode, source);
    return described.resolved || !lock ? described : lock;
  }

  /** "The lock", "Lock": the receiver's lock, when it has one that is not ambiguous. */
  private ownLock(fn: FuncDecl, res: ExprResolver, scope: Scope, mode: LockMode, source: ContractSource): ContractLock | undefined {
    const recv = fn.recvName ? scope.lookup(fn.recvName) : undefined;
    if (!recv || !fn.recvName || fn.recvName === '_') return undefined;
    const root = varRef(fn.recvName, 'receiver', recv.type);
    const lock = this.lockOf(root, res);
    if (lock === root && !this.pkg.lockKind(root.type) && !this.pkg.promotedLock(root.type, 'Lock')) return undefined;
    return { ref: lock, mode, written: 'the lock', resolved: true, source };
  }

  private ownLocksDescription(fn: FuncDecl, scope: Scope): string {
    const recv = fn.recvName ? scope.lookup(fn.recvName) : undefined;
    if (!recv) return 'the function has no receiver';
    const locks = (this.pkg.structFields(recv.type) ?? []).filter((f) => !f.embedded && this.pkg.lockKind(f.type)).map((f) => f.name);
    return locks.length ? `the receiver has several: ${locks.join(', ')}` : 'the receiver has no lock field';
  }

  /**
   * "the signal mutex", "the TaskSet mutex": a description resolves only when it matches one lock unambiguously, a
   * lock field of the receiver or of a parameter, or a package-level lock, whose name contains it.
   */
  private describedLock(words: string, fn: FuncDecl, res: ExprResolver, scope: Scope, mode: LockMode, source: ContractSource): ContractLock {
    const key = words.replace(/\s+/g, '').toLowerCase();
    // A letter or two is part of too many names to describe one.
    if (key.length < 3) return unresolvedLock(words, mode, source);
    const hits: Ref[] = [];
    for (const name of [fn.recvName, ...fn.params.map((p) => p.name)]) {
      const v = name && name !== '_' ? scope.lookup(name) : undefined;
      if (!v || !name) continue;
      const root = varRef(name, v.kind, v.type);
      for (const f of this.pkg.structFields(v.type) ?? []) {
        if (!f.embedded && this.pkg.lockKind(f.type) && f.name.toLowerCase().includes(key)) hits.push(res.appendField(root, f.name));
      }
    }
    for (const [name, v] of this.pkg.vars) {
      if (v.type && this.pkg.lockKind(v.type) && name.toLowerCase().includes(key)) {
        hits.push(globalRef(this.pkg, name, v.type));
      }
    }
    return hits.length === 1 ? { ref: hits[0], mode, written: words, resolved: true, source } : unresolvedLock(words, mode, source);
  }

  /** `putLocked`, `tickRaftMuLocked`: the receiver's lock (the one named in the stem, when there are several). */
  private lockedName(fn: FuncDecl, res: ExprResolver, scope: Scope, c: Contract): void {
    const m = LOCKED_SUFFIX.exec(fn.name);
    if (!m || NOT_A_LOCKED_CONTRACT.test(m[1])) return;
    const stem = m[1].toLowerCase();
    const candidates: Ref[] = [];
    if (fn.recvName && fn.recvName !== '_') {
      const recvVar = scope.lookup(fn.recvName);
      if (recvVar) {
        const root = varRef(fn.recvName, 'receiver', recvVar.type);
        if (this.pkg.promotedLock(recvVar.type, 'Lock')) candidates.push(root);
        for (const f of this.pkg.structFields(recvVar.type) ?? []) {
          if (!f.embedded && this.pkg.lockKind(f.type)) candidates.push(res.appendField(root, f.name));
        }
      }
    } else {
      for (const [name, v] of this.pkg.vars) {
        if (v.type && this.pkg.lockKind(v.type) && stem.includes(name.toLowerCase())) {
          candidates.push(globalRef(this.pkg, name, v.type));
        }
      }
    }
    let pick: Ref | undefined;
    if (candidates.length === 1) pick = candidates[0];
    else {
      const named = candidates.filter((r) => r.path.length > 0 && stem.endsWith(r.path[r.path.length - 1].toLowerCase()))
        .sort((a, b) => b.path[b.path.length - 1].length - a.path[a.path.length - 1].length);
      pick = named[0];
    }
    if (!pick || bodyLocks(fn, pick.display)) return;
    c.requires.push({
      ref: pick, mode: 'read', written: pick.display, resolved: true,
      source: { kind: 'name', describe: `the name ${fn.name} ends in "Locked"`, file: fn.file.path, offset: fn.nameNode.start },
    });
  }

  /** Resolves a lock named in a contract into the function's own names. */
  resolveName(raw: string, fn: FuncDecl, res: ExprResolver, scope: Scope, mode: LockMode, source: ContractSource): ContractLock | undefined {
    const written = raw.replace(/\(\)$/, '').replace(/[.,;:]+$/, '');
    if (!written || STOP_WORDS.has(written.toLowerCase())) return undefined;
    const parts = written.split('.');
    const recv = fn.recvName ? scope.lookup(fn.recvName) : undefined;
    const rootRef = (name: string): Ref | undefined => {
      const v = scope.lookup(name);
      if (v) return varRef(name, v.kind, v.type);
      if (this.pkg.vars.has(name)) return globalRef(this.pkg, name, res.globalType(name));
      return undefined;
    };
    // `c.Mutex` for the mutex that c embeds is `c`, the lock that c.Lock() takes.
    // A field that a struct lockset can read does not have names nothing (`c.mux` for c.mu): undefined.
    const follow = (ref: Ref, rest: string[]): Ref | undefined => rest.reduce<Ref | undefined>((r, p) => !r ? r
      : this.pkg.promotesLockVia(r.type, p) ? r : this.pkg.structFields(r.type) && !this.pkg.findField(r.type, p) ? undefined : res.appendField(r, p), ref);
    // A name whose type is known to be no lock names none that can be tracked: database/sql's "ci must be locked"
    // (ci a driver.Conn) means the lock of the connection that holds it.
    const ok = (ref: Ref | undefined): ContractLock | undefined => {
      const lock = ref && this.lockOf(ref, res);
      if (!lock || this.pkg.isNeverLock(lock.type)) return undefined;
      // A struct with no lock of its own or several names no one lock: "contract not understood".
      const known = this.pkg.structFields(lock.type) && !this.pkg.lockKind(lock.type) && !this.pkg.promotedLock(lock.type, 'Lock');
      return known ? unresolvedLock(written, mode, source) : { ref: lock, mode, written, resolved: true, source };
    };

    // `s.mu`: a receiver or parameter path
    if (scope.lookup(parts[0])) return ok(follow(rootRef(parts[0])!, parts.slice(1)));
    // `mu` for the receiver's field (checklocks style), before a global of the same name
    if (fn.recvName && recv && this.pkg.findField(recv.type, parts[0])) return ok(follow(rootRef(fn.recvName)!, parts));
    // `cmdLock`, `vms.mu`: a global path
    const root = rootRef(parts[0]);
    if (root) return ok(follow(root, parts.slice(1)));
    // `VM.lock` or "the VM lock": a receiver or parameter of that type
    for (const [name, v] of [[fn.recvName, recv] as const, ...fn.params.map((p) => [p.name, scope.lookup(p.name)] as const)]) {
      const t = v && deref(v.type);
      if (name && t?.kind === 'named' && t.name.toLowerCase() === parts[0].toLowerCase()) return ok(follow(rootRef(name)!, parts.slice(1)));
    }
    // "the lock": the receiver's only lock
    // (Not `mu`: a field's name that the type does not have, as go-ethereum's stale "the `mu` mutex" on a
    // BlockChain whose lock is chainmu, names nothing; it is not the receiver's other, only lock.)
    if (recv && fn.recvName && /^(lock|mutex)$/i.test(written)) {
      const locks = (this.pkg.structFields(recv.type) ?? []).filter((f) => this.pkg.lockKind(f.type));
      if (locks.length === 1) return ok(res.appendField(rootRef(fn.recvName)!, locks[0].name));
      if (this.pkg.promotedLock(recv.type, 'Lock')) return ok(rootRef(fn.recvName));
    }
    return undefined;
  }

  /** A contract may name a struct that embeds its lock ("assumes vms is held"): that is the lock. */
  private lockOf(ref: Ref, res: ExprResolver): Ref {
    if (this.pkg.lockKind(ref.type) || this.pkg.promotedLock(ref.type, 'Lock')) return ref;
    const fields = this.pkg.structFields(ref.type) ?? [];
    let locks = fields.filter((f) => !f.embedded && this.pkg.lockKind(f.type));
    // None of its own: one of an embedded struct's (minimega's ContainerVM embeds BaseVM, which has the lock).
    if (!locks.length) locks = fields.filter((f) => f.embedded).flatMap((e) => (this.pkg.structFields(e.type) ?? []).filter((f) => !f.embedded && this.pkg.lockKind(f.type)));
    // Of several, the one conventionally called the lock: `mu`, `lock`, `mutex`.
    const pick = locks.length === 1 ? locks : locks.filter((f) => /^(mu|lock|mutex|mtx|l)$/i.test(f.name));
    return pick.length === 1 ? res.appendField(ref, pick[0].name) : ref;
  }
}

/** A variable of the function (receiver, parameter, local) as the root of a lock path. */
function varRef(name: string, kind: Ref['rootKind'], type: GoType): Ref {
  return { key: name, display: name, rootKind: kind, root: name, path: [], exact: true, type, clsPath: [] };
}

/** A package-level variable as the root of a lock path; its class is qualified by the package's name. */
function globalRef(pkg: GoPackage, name: string, type: GoType): Ref {
  return { key: name, display: name, rootKind: 'global', root: name, path: [], exact: true, type, clsBase: `${pkg.name}.${name}`, clsPath: [] };
}

/** A lock the contract names but that is no lock in scope: shown in hovers as not understood, never reported. */
export function unresolvedLock(written: string, mode: LockMode, source: ContractSource): ContractLock {
  const ref: Ref = { key: `?${written}`, display: written, rootKind: 'expr', root: written, path: [], exact: false, type: { kind: 'unknown' }, clsBase: written, clsPath: [] };
  return { ref, mode, written, resolved: false, source };
}

/** Whether the body itself calls `<display>.Lock()` or `.RLock()`: then it takes the lock rather than needing it. */
function bodyLocks(fn: FuncDecl, display: string): boolean {
  if (!fn.body) return false;
  let found = false, stop = false;
  const text = fn.file.parsed.text;
  // walk visits in source order: the first of Lock and Unlock on this lock decides.
  walk(fn.body, (n) => {
    if (found || stop) return false;
    // A goroutine takes the lock on its own, later: not the body itself (a local closure called here does).
    if (n.type === 'go_statement') return false;
    if (n.type === 'call_expression') {
      const t = text.slice(n.start, n.end).replace(/\s+/g, '');
      if (t === `${display}.Unlock()` || t === `${display}.RUnlock()`) { stop = true; return false; }
      if (t === `${display}.Lock()` || t === `${display}.RLock()`) found = true;
    }
    return undefined;
  });
  return found;
}
