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

  constructor(readonly dir: string, readonly name: string, readonly files: GoFile[]) {
    for (const f of files) {
      for (const t of f.types) if (!this.types.has(t.name)) this.types.set(t.name, t);
      for (const v of f.vars) if (!this.vars.has(v.name)) this.vars.set(v.name, v);
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

  methods(typeName: string): Map<string, FuncDecl> {
    return this.methodsByType.get(typeName) ?? new Map();
  }

  /** The underlying type of a type declared in this package, following named types a few steps. */
  underlying(t: GoType): GoType {
    let cur = t;
    for (let i = 0; i < 8 && cur.kind === 'named' && !cur.pkg; i++) {
      const decl = this.types.get(cur.name);
      if (!decl) return cur;
      cur = decl.type;
    }
    return cur;
  }

  /** Whether values of this type are locks: sync's, or a package type with Lock and Unlock methods. */
  lockKind(t: GoType): LockKind | undefined {
    const sync = syncLockKind(t);
    if (sync) return sync;
    const b = deref(t);
    if (b.kind !== 'named' || b.pkg) return undefined;
    const cached = this.lockKindCache.get(b.name);
    if (cached !== undefined) return cached ?? undefined;
    const m = this.methods(b.name);
    let kind: LockKind | undefined = m.has('Lock') && m.has('Unlock') ? 'custom' : undefined;
    if (!kind) {
      const u = this.underlying(b);
      if (u !== b && u.kind === 'named') kind = syncLockKind(u);
      else if (u.kind === 'interface' && u.methods.includes('Lock') && u.methods.includes('Unlock')) kind = 'locker';
    }
    this.lockKindCache.set(b.name, kind ?? null);
    return kind;
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

  /** The method set lookup, through embedded fields, for `T.name`. */
  findMethod(t: GoType, name: string): FuncDecl | undefined {
    const b = deref(t);
    if (b.kind === 'named' && !b.pkg) {
      const m = this.methods(b.name).get(name);
      if (m) return m;
    }
    for (const f of this.structFields(t) ?? []) {
      if (!f.embedded) continue;
      const fb = deref(f.type);
      if (fb.kind === 'named' && !fb.pkg) {
        const m = this.methods(fb.name).get(name);
        if (m) return m;
      }
    }
    return undefined;
  }

  /** The result type of a package-level function, for `x := f()`. */
  funcResult(name: string, index = 0): GoType {
    return this.funcs.get(name)?.results[index] ?? UNKNOWN;
  }
}
