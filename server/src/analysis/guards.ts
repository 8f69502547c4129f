import type { FuncDecl, GoFile } from '../model/file';
import type { GoPackage } from '../model/package';
import { child, type SyntaxNode } from '../syntax/node';
import { syncLockKind, deref, type GoType } from '../model/types';
import { isPseudoLock } from './blocking';
import { foreignTarget, type AccessEvent, type FunctionFlow } from './flow-types';
import type { HeldLock } from './held';
import type { PackageAnalysis } from './package-analysis';
import { RUNS_IN_PLACE } from './summaries';
import { isFreshAccess } from './fresh';
import { atomicField, type AtomicField } from './atomic';
import { fieldGuardName } from './lock-names';
import { ExprResolver } from '../model/refs';

/** What guards a field (`Type.field`) or a package-level variable. */
export interface Guard {
  /** The lock, relative to the struct (`mu`) for a field, or a global's name. */
  lock: string;
  /** The lock as lock operations name it: '' for the struct's embedded mutex (`Mutex`, see lockPath). */
  heldAs?: string;
  /** Whether the guard is a field of the same struct (else a global). */
  relative: boolean;
  source: 'annotation' | 'inferred';
  /** For inferred guards: how many accesses hold it, out of how many. */
  held?: number;
  total?: number;
  readOnlyOk?: boolean;
  /** Further +checklocks lines on the same field or variable: each of them must be held too. */
  also?: Guard[];
}

/** A guard and the further ones written on the same field or variable. */
export function allGuards(g: Guard): Guard[] {
  return g.also ? [g, ...g.also] : [g];
}

export interface GuardFacts {
  guards: Map<string, Guard>;
  /** `+checklocksignore` on a field or variable. */
  ignored: Set<string>;
  /** `+checkatomic` fields (`Type.field`). */
  atomic: ReadonlyMap<string, AtomicField>;
  /** Functions that run in a goroutine: started with go, or called from one. */
  goroutineFuncs: Map<FuncDecl, string>;
}

const ANNOTATION = /\+checklocks(read)?:(\S+)/g;
const ANY_GUARD = /\+checklocks(read)?:\S/;
const MIN_ACCESSES = 3;
const MIN_SHARE = 0.75;
/** Constructors and init run before the value is shared; their accesses teach nothing about guards. */
const SETUP_NAME = /^(init|[Nn]ew[A-Z_]?\w*|new)$/;

export function isSetupFunc(fn: FuncDecl): boolean {
  return !fn.recvType && SETUP_NAME.test(fn.name);
}

const cache = new WeakMap<PackageAnalysis, GuardFacts>();

export function guardFacts(analysis: PackageAnalysis): GuardFacts {
  let g = cache.get(analysis);
  if (!g) cache.set(analysis, (g = compute(analysis)));
  return g;
}

function compute(analysis: PackageAnalysis): GuardFacts {
  const declared = withImported(analysis.pkg, annotatedGuards(analysis.pkg));
  const guards = new Map(declared.guards);
  inferGuards(analysis, declared, guards);
  return { guards, ignored: declared.ignored, atomic: declared.atomic, goroutineFuncs: goroutineFuncs(analysis) };
}

/**
 * The package's declared guards with those of the workspace packages it imports, under their foreign targets
 * (`<dir>#Store.items`): a field guarded there is guarded here. A guard that names one of that package's
 * globals (`+checklocks:GlobalMu`) is the lock `store.GlobalMu`, as this package names it.
 */
function withImported(pkg: GoPackage, own: DeclaredGuards): DeclaredGuards {
  const imported = new Set(pkg.imports.values());
  imported.delete(pkg);
  if (imported.size === 0) return own;
  const guards = new Map(own.guards), ignored = new Set(own.ignored), atomic = new Map(own.atomic);
  for (const imp of imported) {
    const d = annotatedGuards(imp);
    const qualify = (g: Guard): Guard => ({ ...g, lock: `${imp.name}.${g.lock}`, also: g.also?.map(qualify) });
    for (const [k, g] of d.guards) guards.set(foreignTarget(imp.dir, imp.name, k), g.relative ? g : qualify(g));
    for (const k of d.ignored) ignored.add(foreignTarget(imp.dir, imp.name, k));
    for (const [k, a] of d.atomic) atomic.set(foreignTarget(imp.dir, imp.name, k), a);
  }
  return { guards, ignored, atomic };
}

/** The guards that +checklocks annotations declare in a package, what +checklocksignore opts out, and the +checkatomic fields. */
interface DeclaredGuards { guards: ReadonlyMap<string, Guard>; ignored: Set<string>; atomic: ReadonlyMap<string, AtomicField> }

/** By the package's declarations (see GoPackage.declarationsStamp): kept while its types are the same objects. */
const declaredByPackage = new WeakMap<object, DeclaredGuards>();

/**
 * Read from the comments of type and variable declarations, so kept with the package model, which an edit
 * inside function bodies keeps (see Workspace.previousAnalysis). Not kept when a comment read on a
 * declaration's line lies in a function (a struct and a function written on one line), which such an edit
 * can change.
 */
function annotatedGuards(pkg: GoPackage): DeclaredGuards {
  const known = declaredByPackage.get(pkg.declarationsStamp);
  if (known) return known;
  const guards = new Map<string, Guard>();
  const ignored = new Set<string>();
  const atomic = new Map<string, AtomicField>();
  let keep = true;
  const globalType = (name: string) => {
    const v = pkg.vars.get(name);
    return v && (v.type ?? new ExprResolver(pkg, v.file).globalType(name));
  };
  // A guard that names no lock guards nothing lockset can check (invalid-annotation says why): dropped, and a
  // declaration whose every guard is such is neither checked nor inferred.
  const resolved = (owner: GoType | undefined, lock: string, readOnlyOk: boolean): Guard | undefined => {
    const name = fieldGuardName(pkg, owner, lock, globalType);
    if (name.kind === 'missing' || name.kind === 'not-a-lock') return undefined;
    return owner && name.relative ? { lock, heldAs: lockPath(pkg, owner, lock), relative: true, source: 'annotation', readOnlyOk } : { lock, relative: false, source: 'annotation', readOnlyOk };
  };
  const trailing = (file: GoFile, decl: SyntaxNode, at: SyntaxNode) => {
    const comments = file.commentsOnLine(file.lines.lineOf(at.start), at.start);
    for (const c of comments) if (c.parent !== file.parsed.root && (c.start < decl.start || c.end > decl.end)) keep = false;
    return comments;
  };
  const annotationText = (file: GoFile, decl: SyntaxNode, at: SyntaxNode, doc: string) => [doc, ...trailing(file, decl, at).map((c) => file.text(c))].join('\n');
  // A struct's fields, and those of the anonymous structs among them (`Server.stats.n`), keyed under `owner`.
  const structGuards = (owner: string, type: GoType, file: GoFile, decl: SyntaxNode, depth = 0): void => {
    if (type.kind !== 'struct' || depth > 4) return;
    for (const f of type.fields) {
      const doc = file.docFor(f.node);
      const comments = [...doc.comments, ...trailing(file, decl, f.node)];
      const text = [doc.text, ...comments.slice(doc.comments.length).map((c) => file.text(c))].join('\n');
      const key = `${owner}.${f.name}`;
      const atomicFacts = atomicField(pkg, file, f.type, child(f.node, 'type'), comments);
      if (atomicFacts) atomic.set(key, atomicFacts);
      const inner = deref(f.type);
      if (!f.embedded && inner.kind === 'struct') structGuards(key, inner, file, decl, depth + 1);
      if (/\+checklocksignore/.test(text)) { ignored.add(key); continue; }
      const g = declaredGuard(text, (lock, readOnlyOk) => resolved(type, lock, readOnlyOk));
      if (g) guards.set(key, g);
      else if (ANY_GUARD.test(text)) ignored.add(key);
    }
  };
  for (const t of pkg.types.values()) structGuards(t.name, t.type, t.file, t.node);
  for (const v of pkg.vars.values()) {
    // `var counters struct { mu sync.Mutex; n int }`: its fields' guards, relative to the struct.
    if (v.type) structGuards(v.name, deref(v.type), v.file, v.node);
    const text = annotationText(v.file, v.node, v.nameNode, v.doc.text);
    if (/\+checklocksignore/.test(text)) { ignored.add(v.name); continue; }
    const g = declaredGuard(text, (lock, readOnlyOk) => resolved(undefined, lock, readOnlyOk));
    if (g) guards.set(v.name, g);
    else if (ANY_GUARD.test(text)) ignored.add(v.name);
  }
  const declared = { guards, ignored, atomic };
  if (keep) declaredByPackage.set(pkg.declarationsStamp, declared);
  return declared;
}

/** The guards that the +checklocks lines of one declaration's comments name: all must be held (in no order). */
function declaredGuard(text: string, make: (lock: string, readOnlyOk: boolean) => Guard | undefined): Guard | undefined {
  const out: Guard[] = [];
  for (const m of text.matchAll(ANNOTATION)) {
    const g = out.some((x) => x.lock === m[2]) ? undefined : make(m[2], !!m[1]);
    if (g) out.push(g);
  }
  if (out.length <= 1) return out[0];
  return { ...out[0], also: out.slice(1) };
}

/**
 * A guard's path as lock operations name it: `Mutex` for the mutex the struct embeds is the struct itself (''), and
 * `mu.Mutex` is `mu` when mu's type embeds it (c.Lock() and s.mu.Lock() take them).
 */
function lockPath(pkg: GoPackage, owner: GoType, written: string): string {
  const out: string[] = [];
  let t: GoType | undefined = owner;
  for (const p of written.split('.')) {
    if (t && pkg.promotesLockVia(t, p)) continue;
    out.push(p);
    t = t && pkg.findField(t, p)?.at(-1)?.type;
  }
  return out.join('.');
}

/** The key of the lock that a guard names at an access (`s.mu` for `s.count` guarded by mu), if it can be named. */
export function guardKey(a: AccessEvent, guard: Guard): string | undefined {
  // A relative guard '' is the struct's embedded mutex: the lock that a.base.Lock() takes.
  const path = guard.heldAs ?? guard.lock;
  return guard.relative ? (a.base ? (path ? `${a.base.key}.${path}` : a.base.key) : undefined) : guard.lock;
}

/** The locks held at an access, as guard names: relative to the accessed struct, or global. */
export function guardNamesAt(a: AccessEvent): { name: string; relative: boolean; lock: HeldLock }[] {
  const out: { name: string; relative: boolean; lock: HeldLock }[] = [];
  for (const h of a.held.definite()) {
    if (isPseudoLock(h.ref.key) || h.inherited) continue;
    if (a.base && h.ref.key.startsWith(`${a.base.key}.`)) out.push({ name: h.ref.key.slice(a.base.key.length + 1), relative: true, lock: h });
    else if (h.ref.rootKind === 'global') out.push({ name: h.ref.key, relative: false, lock: h });
  }
  return out;
}

/**
 * A function's accesses to one target: how many, whether one writes, and how many hold each guard name (in
 * the order the names were first held). Arrays, not maps: an editor keeps one list per function.
 */
interface TargetCounts { target: string; n: number; write: boolean; names: { name: string; n: number; relative: boolean }[] }

const NO_COUNTS: TargetCounts[] = [];

/**
 * Each flow's accesses counted per target, for the declared guards they were counted against: an edit
 * re-uses the flows of the functions it did not touch (see PackageAnalysis), and their counts with them.
 */
const countsByFlow = new WeakMap<FunctionFlow, { declared: DeclaredGuards; counts: TargetCounts[] }>();

/**
 * Eraser-style inference: when most accesses to a field or global (at least 3, at least 75%) hold the
 * same lock, that lock guards it. The counts are summed over the package's functions in their order, so
 * that ties go to the name held first, as over one list of the accesses.
 */
function inferGuards(analysis: PackageAnalysis, declared: DeclaredGuards, guards: Map<string, Guard>): void {
  // Per target, the functions' counts in order; their names are summed only for targets with enough accesses.
  const byTarget = new Map<string, { n: number; write: boolean; parts: TargetCounts[] }>();
  for (const [fn, flow] of analysis.flows) {
    if (isSetupFunc(fn)) continue;
    for (const c of flowCounts(analysis, declared, flow)) {
      const sum = byTarget.get(c.target);
      if (!sum) byTarget.set(c.target, { n: c.n, write: c.write, parts: [c] });
      else { sum.n += c.n; sum.write ||= c.write; sum.parts.push(c); }
    }
  }
  for (const [target, sum] of byTarget) {
    if (sum.n < MIN_ACCESSES || !sum.write) continue;
    const names = new Map<string, { n: number; relative: boolean }>();
    for (const part of sum.parts) {
      for (const k of part.names) {
        const x = names.get(k.name);
        if (x) x.n += k.n; else names.set(k.name, { n: k.n, relative: k.relative });
      }
    }
    const best = [...names].sort((x, y) => y[1].n - x[1].n)[0];
    if (best && best[1].n / sum.n >= MIN_SHARE) {
      guards.set(target, { lock: best[0], relative: best[1].relative, source: 'inferred', held: best[1].n, total: sum.n });
    }
  }
}

function flowCounts(analysis: PackageAnalysis, declared: DeclaredGuards, flow: FunctionFlow): TargetCounts[] {
  if (flow.accesses.length === 0) return NO_COUNTS;
  const known = countsByFlow.get(flow);
  if (known && known.declared === declared) return known.counts;
  const counts: TargetCounts[] = [];
  const byTarget = new Map<string, TargetCounts>();
  for (const a of flow.accesses) {
    if (declared.guards.has(a.target) || declared.ignored.has(a.target) || declared.atomic.has(a.target) || !isDataAccess(analysis, a) || isFreshAccess(flow.decl, a)) continue;
    let c = byTarget.get(a.target);
    if (!c) { c = { target: a.target, n: 0, write: false, names: [] }; byTarget.set(a.target, c); counts.push(c); }
    c.n++;
    if (a.write) c.write = true;
    const names = guardNamesAt(a);
    names.forEach((g, i) => {
      // A name held twice at one access counts once, in the first one's place, as the last one says.
      for (let j = 0; j < i; j++) if (names[j].name === g.name) return;
      let last = g;
      for (let j = i + 1; j < names.length; j++) if (names[j].name === g.name) last = names[j];
      const x = c!.names.find((k) => k.name === g.name);
      if (x) x.n++; else c!.names.push({ name: g.name, n: 1, relative: last.relative });
    });
  }
  countsByFlow.set(flow, { declared, counts: counts.length ? counts : NO_COUNTS });
  return counts;
}

/** Whether the accesses to each target are to data, per analysis (see isDataAccess). */
const dataTargets = new WeakMap<PackageAnalysis, Map<string, boolean>>();

/**
 * Accesses to data: not to locks, channels, funcs, atomics or other sync values, which guard themselves.
 * Answered once per target (`Type.field` or a global's name), the key guards are inferred and reported by.
 */
export function isDataAccess(analysis: PackageAnalysis, a: AccessEvent): boolean {
  let known = dataTargets.get(analysis);
  if (!known) dataTargets.set(analysis, (known = new Map()));
  let data = known.get(a.target);
  if (data === undefined) known.set(a.target, (data = accessesData(analysis, a)));
  return data;
}

function accessesData(analysis: PackageAnalysis, a: AccessEvent): boolean {
  const { pkg } = analysis;
  let type;
  if (a.base) type = pkg.findField(a.base.type, a.field)?.at(-1)?.type;
  else type = analysis.globalType(a.target);
  if (!type) return true;
  const b = deref(type);
  if (pkg.lockKind(type) || syncLockKind(type)) return false;
  if (b.kind === 'named' && (b.pkg === 'sync' || b.pkg === 'atomic')) return false;
  const u = pkg.underlying(b);
  return u.kind !== 'chan' && u.kind !== 'func';
}

/** Functions started with `go` in the package, and everything they call; the value says how it starts. */
function goroutineFuncs(analysis: PackageAnalysis): Map<FuncDecl, string> {
  const out = new Map<FuncDecl, string>();
  const queue: FuncDecl[] = [];
  for (const [fn, flow] of analysis.flows) {
    for (const site of flow.calls) {
      if (!site.callee || out.has(site.callee)) continue;
      if (site.viaGo) out.set(site.callee, `${site.callee.name} is started with go in ${fn.name}`);
      else if (site.unit === 'goroutine') out.set(site.callee, `${site.callee.name} is called from a goroutine started in ${fn.name}`);
      else continue;
      queue.push(site.callee);
    }
  }
  while (queue.length) {
    const fn = queue.shift()!;
    for (const site of analysis.flows.get(fn)?.calls ?? []) {
      if (!site.callee || out.has(site.callee) || !RUNS_IN_PLACE.has(site.unit)) continue;
      out.set(site.callee, `${site.callee.name} is reached from a goroutine (${out.get(fn)})`);
      queue.push(site.callee);
    }
  }
  return out;
}
