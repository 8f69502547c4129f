import type { FuncDecl, GoFile, TypeDecl, VarDecl } from './file';
import { deref, syncLockKind, UNKNOWN, type FieldInfo, type GoType, type LockKind } from './types';

export interface FieldStep { name: string; type: GoType; embedded: boolean; field: FieldInfo; owner: GoType }

/** One Go package: every file of a directory that shares a package name. */
export class GoPackage {
  readonly types = new Map<string, TypeDecl>();
  readonly funcs = new Map<string, FuncDecl>();
  readonly vars = new Map<string, VarDecl>();
  private readonly methodsByType = new Map<string, Map<string, FuncDecl>>();
  private readonly lockKindCache = new Map<string, LockKind | null>();
  private fileSet: ReadonlySet<GoFile>;

  private readonly universalTypes = new Map<string, GoType>();
  private readonly aliasCache = new Map<string, GoPackage | null>();
  private universalResults = new WeakMap<FuncDecl, GoType[]>();

  /**
   * `imports` maps the import paths of this package's files to the workspace packages they resolve to
   * (see ModuleMap); paths outside the workspace are absent and stay opaque.
   */
  constructor(readonly dir: string, readonly name: string, public files: GoFile[], readonly imports: ReadonlyMap<string, GoPackage> = new Map()) {
    this.fileSet = new Set(files);
    this.readValues();
    this.readFuncs();
  }

  /** The types and package-level variables by name, the first declaration of a name winning. */
  private readValues(): void {
    this.types.clear();
    this.vars.clear();
    for (const f of this.files) {
      for (const t of f.types) if (!this.types.has(t.name)) this.types.set(t.name, t);
      for (const v of f.vars) if (!this.vars.has(v.name)) this.vars.set(v.name, v);
    }
  }

  /** The functions by key and the methods by type, the first declaration of a name winning (as Go reports the others). */
  private readFuncs(): void {
    this.funcs.clear();
    this.methodsByType.clear();
    for (const f of this.files) {
      for (const fn of f.funcs) {
        if (!this.funcs.has(fn.key)) this.funcs.set(fn.key, fn);
        if (fn.recvType) {
          let m = this.methodsByType.get(fn.recvType);
          if (!m) this.methodsByType.set(fn.recvType, (m = new Map()));
          if (!m.has(fn.name)) m.set(fn.name, fn);
        }
      }
    }
  }

  /**
   * Which declarations its analyses were made against: a new object after an edit that declared, removed or
   * re-declared functions, types or variables (an importer's flows that use them must be walked again, and
   * what is kept per package model is read again).
   */
  declarationsStamp: object = {};

  /**
   * Takes the new versions of its files after an edit that changed only function bodies (see
   * GoFile.bodyOnlyChange): they declare the same objects, so the maps and caches stay right. With
   * `functionsChanged` or `valuesChanged` (see GoFile.declsChange) other functions, types, variables or imports: their
   * maps are read again, and what was worked out from them is forgotten.
   */
  replaceFiles(files: GoFile[], functionsChanged = false, valuesChanged = false): this {
    this.files = files;
    this.fileSet = new Set(files);
    if (functionsChanged || valuesChanged) {
      if (valuesChanged) {
        this.readValues();
        this.universalTypes.clear();
        this.universalResults = new WeakMap();
        // Which workspace package an import name stands for (an import may have come, gone or changed).
        this.aliasCache.clear();
      }
      this.readFuncs();
      // A type with Lock and Unlock methods is a lock: those may have come or gone.
      this.lockKindCache.clear();
      this.declarationsStamp = {};
    }
    return this;
  }

  /** Whether a function is declared in this package (and not in an imported one). */
  owns(fn: FuncDecl): boolean {
    return this.fileSet.has(fn.file);
  }

  methods(typeName: string): Map<string, FuncDecl> {
    return this.methodsByType.get(typeName) ?? new Map();
  }

  /** The workspace package that a file of this package imports as `alias`, if any. */
  imported(alias: string): GoPackage | undefined {
    // Asked for every qualified type (sync.Mutex included), so the answer per alias is cached.
    const cached = this.aliasCache.get(alias);
    if (cached !== undefined) return cached ?? undefined;
    let found: GoPackage | undefined;
    if (this.imports.size) {
      for (const f of this.files) {
        const path = f.imports.get(alias);
        if (path !== undefined) { found = this.imports.get(path); break; }
      }
    }
    this.aliasCache.set(alias, found ?? null);
    return found;
  }

  /** The package that declares a named type seen from this package; undefined when it is not in the workspace. */
  declaring(t: GoType & { kind: 'named' }): GoPackage | undefined {
    if (t.home instanceof GoPackage) return t.home;
    return t.pkg ? this.imported(t.pkg) : this;
  }

  /**
   * A type written in this package's terms, rewritten so that it means the same in any package: names
   * declared here, and names of imported workspace packages, get their declaring package as `home`.
   */
  universal(t: GoType): GoType {
    switch (t.kind) {
      case 'named': {
        if (t.home) return t;
        if (t.pkg) { const home = this.imported(t.pkg); return home ? { ...t, home } : t; }
        return this.types.has(t.name) ? { kind: 'named', name: t.name, pkg: this.name, home: this } : t;
      }
      case 'pointer': case 'slice': case 'chan': return { ...t, elem: this.universal(t.elem) };
      case 'map': return { kind: 'map', key: this.universal(t.key), value: this.universal(t.value) };
      case 'struct': return { kind: 'struct', fields: t.fields.map((f) => ({ ...f, type: this.universal(f.type) })) };
      case 'func': return { kind: 'func', results: t.results.map((r) => this.universal(r)) };
      default: return t;
    }
  }

  /** A type declared in this package, in universal terms (cached: other packages ask for it often). */
  universalDecl(name: string): GoType | undefined {
    let t = this.universalTypes.get(name);
    if (!t) {
      const decl = this.types.get(name);
      if (!decl) return undefined;
      this.universalTypes.set(name, (t = this.universal(decl.type)));
    }
    return t;
  }

  /** The result types of a function that `owner` declares, in terms that are valid in this package. */
  resultsOf(fn: FuncDecl, owner: GoPackage | undefined): GoType[] {
    if (!owner || owner === this) return fn.results;
    let r = owner.universalResults.get(fn);
    if (!r) owner.universalResults.set(fn, (r = fn.results.map((t) => owner.universal(t))));
    return r;
  }

  /** The underlying type, following named types a few steps, into other workspace packages too. */
  underlying(t: GoType): GoType {
    let cur = t;
    for (let i = 0; i < 8 && cur.kind === 'named'; i++) {
      const owner = this.declaring(cur);
      const decl = owner?.types.get(cur.name);
      if (!owner || !decl) return cur;
      cur = owner === this ? decl.type : owner.universalDecl(cur.name)!;
    }
    return cur;
  }

  /** Whether values of this type are locks: sync's, or a package type with Lock and Unlock methods. */
  lockKind(t: GoType): LockKind | undefined {
    const sync = syncLockKind(t);
    if (sync) return sync;
    const b = deref(t);
    if (b.kind !== 'named') return undefined;
    const owner = this.declaring(b);
    if (!owner) return undefined;
    if (owner !== this) return owner.lockKind({ kind: 'named', name: b.name });
    const cached = this.lockKindCache.get(b.name);
    if (cached !== undefined) return cached ?? undefined;
    const m = this.methods(b.name);
    let kind: LockKind | undefined = m.has('Lock') && m.has('Unlock') ? 'custom' : undefined;
    // A type of this package declared nowhere in its sources, named like a mutex: generated at build time
    // (gVisor's Bazel declare_mutex and declare_rwmutex make `fooMutex` and `fooRWMutex` types with Lock and Unlock).
    if (!kind && !b.pkg && !b.home && !this.types.has(b.name) && /Mutex$/.test(b.name)) kind = /RWMutex$/.test(b.name) ? 'rwmutex' : 'mutex';
    if (!kind) {
      const u = this.underlying(b);
      if (u !== b && u.kind === 'named') kind = syncLockKind(u);
      else if (u.kind === 'interface' && u.methods.includes('Lock') && u.methods.includes('Unlock')) kind = 'locker';
    }
    this.lockKindCache.set(b.name, kind ?? null);
    return kind;
  }

  /**
   * Whether values of this type are certainly no lock and hold none to name: a predeclared type, a map, a slice,
   * a func, an interface without Lock (that embeds nothing), a sync/atomic value, a workspace type declared as
   * one of these, or another package's type (declared outside the workspace) whose name does not say lock. A
   * struct and a channel (a semaphore, to some) are not certain.
   */
  isNeverLock(t: GoType, depth = 0): boolean {
    const b = deref(t);
    switch (b.kind) {
      case 'map': case 'slice': case 'func': return true;
      case 'interface': return !b.embeds && !b.methods.includes('Lock');
      case 'named': {
        if (!b.pkg && !b.home && PREDECLARED_TYPES.has(b.name) && !this.types.has(b.name)) return true;
        if (depth > 4 || this.lockKind(b)) return false;
        // sync/atomic's values are no locks, though a runtime's spin lock may be one ("l.lock must be held" of an
        // atomic.Uint32 that tryLock sets): lockset cannot follow such a lock.
        if ((b.home?.name ?? b.pkg) === 'atomic') return true;
        // The same named type back: its declaration is not in the workspace. Another package's type is taken for
        // a lock only when its name says so (`deadlock.Mutex`, `lockfile.Locker`), not a `driver.Conn`.
        const u = this.underlying(b);
        if (u === b) return (b.pkg !== undefined || b.home !== undefined) && !/lock|mutex|mtx|sem/i.test(b.name);
        return u.kind !== 'struct' && this.isNeverLock(u, depth + 1);
      }
      default: return false;
    }
  }

  /** The struct fields of a type (through pointers and named types), or undefined. */
  structFields(t: GoType): FieldInfo[] | undefined {
    const u = this.underlying(deref(t));
    const s = u.kind === 'pointer' ? this.underlying(u.elem) : u;
    return s.kind === 'struct' ? s.fields : undefined;
  }

  /**
   * Finds a field by Go's promotion rules: the shallowest depth wins. Returns the steps taken,
   * embedded hops included, or undefined when there is no such field or it is ambiguous.
   */
  findField(t: GoType, name: string): FieldStep[] | undefined {
    // Most lookups name a field of the type itself: answered without the search's allocations.
    const own = this.structFields(t);
    if (!own) return undefined;
    let hit: FieldInfo | undefined, hits = 0, embedded = false;
    for (const f of own) {
      if (f.name === name) { hit = f; hits++; } else if (f.embedded) embedded = true;
    }
    if (hits > 1) return undefined;
    if (hit) return [{ name: hit.name, type: hit.type, embedded: hit.embedded, field: hit, owner: t }];
    if (!embedded) return undefined;
    let frontier: { type: GoType; path: FieldStep[] }[] = [{ type: t, path: [] }];
    const seen = new Set<string>();
    for (let depth = 0; depth < 6 && frontier.length; depth++) {
      const hits: FieldStep[][] = [];
      const next: typeof frontier = [];
      for (const { type, path } of frontier) {
        const fields = this.structFields(type);
        if (!fields) continue;
        for (const f of fields) {
          const step: FieldStep = { name: f.name, type: f.type, embedded: f.embedded, field: f, owner: type };
          if (f.name === name) hits.push([...path, step]);
          else if (f.embedded) {
            const key = `${depth}:${f.name}`;
            if (!seen.has(key)) { seen.add(key); next.push({ type: f.type, path: [...path, step] }); }
          }
        }
      }
      if (hits.length === 1) return hits[0];
      if (hits.length > 1) return undefined;
      frontier = next;
    }
    return undefined;
  }

  /**
   * For `x.Lock()` on a value that is not itself a lock: the embedded fields leading to the
   * lock whose method Go promotes (shallowest wins), or undefined.
   */
  promotedLock(t: GoType, method: string): FieldStep[] | undefined {
    let frontier: { type: GoType; path: FieldStep[] }[] = [{ type: t, path: [] }];
    for (let depth = 0; depth < 6 && frontier.length; depth++) {
      const hits: FieldStep[][] = [];
      const next: typeof frontier = [];
      for (const { type, path } of frontier) {
        for (const f of this.structFields(type) ?? []) {
          if (!f.embedded) continue;
          const step: FieldStep = { name: f.name, type: f.type, embedded: true, field: f, owner: type };
          const kind = this.lockKind(f.type);
          if (kind && (method === 'Lock' || method === 'Unlock' || kind === 'rwmutex' || kind === 'custom')) hits.push([...path, step]);
          else next.push({ type: f.type, path: [...path, step] });
        }
      }
      if (hits.length === 1) return hits[0];
      if (hits.length > 1) return undefined;
      frontier = next;
    }
    return undefined;
  }

  /**
   * Whether `field` of a value of type t is the embedded mutex whose Lock Go promotes to t (t not a lock itself,
   * Lock and RLock promoted from the same field): `c.Mutex` and `c` then name one lock, the one `c.Lock()` takes.
   */
  promotesLockVia(t: GoType, field: string): boolean {
    if (this.lockKind(t)) return false;
    const lock = this.promotedLock(t, 'Lock');
    if (lock?.length !== 1 || lock[0].name !== field) return false;
    const rlock = this.promotedLock(t, 'RLock');
    return !rlock || (rlock.length === 1 && rlock[0].name === field);
  }

  /** The method set lookup, through embedded fields, for `T.name`. */
  findMethod(t: GoType, name: string): FuncDecl | undefined {
    return this.findMethodIn(t, name)?.fn;
  }

  /** Like findMethod, with the package that declares the method. */
  findMethodIn(t: GoType, name: string): { fn: FuncDecl; owner: GoPackage } | undefined {
    const own = (named: GoType) => {
      if (named.kind !== 'named') return undefined;
      const owner = this.declaring(named);
      const fn = owner?.methods(named.name).get(name);
      return fn && owner ? { fn, owner } : undefined;
    };
    const direct = own(deref(t));
    if (direct) return direct;
    for (const f of this.structFields(t) ?? []) {
      if (!f.embedded) continue;
      const m = own(deref(f.type));
      if (m) return m;
    }
    return undefined;
  }

  /** The result type of a package-level function, for `x := f()`. */
  funcResult(name: string, index = 0): GoType {
    return this.funcs.get(name)?.results[index] ?? UNKNOWN;
  }
}

/** Go's predeclared type names (a package may declare its own of the same name: see isNeverLock). */
const PREDECLARED_TYPES = new Set([
  'any', 'bool', 'byte', 'comparable', 'complex64', 'complex128', 'error', 'float32', 'float64', 'int', 'int8', 'int16', 'int32', 'int64',
  'rune', 'string', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr',
]);
