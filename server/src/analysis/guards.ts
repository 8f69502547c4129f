import type { FuncDecl, GoFile } from '../model/file';
import type { GoPackage } from '../model/package';
import type { SyntaxNode } from '../syntax/node';
import { syncLockKind, deref, type GoType } from '../model/types';
import { isPseudoLock } from './blocking';
import type { AccessEvent, FunctionFlow } from './flow-types';
import type { HeldLock } from './held';
import type { PackageAnalysis } from './package-analysis';
import { RUNS_IN_PLACE } from './summaries';
import { isFreshAccess } from './fresh';
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
}

export interface GuardFacts {
  guards: Map<string, Guard>;
  /** `+checklocksignore` on a field or variable. */
  ignored: Set<string>;
  /** Functions that run in a goroutine: started with go, or called from one. */
  goroutineFuncs: Map<FuncDecl, string>;
}

const ANNOTATION = /\+checklocks(read)?:(\S+)/;
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
  const declared = annotatedGuards(analysis.pkg);
  const guards = new Map(declared.guards);
  inferGuards(analysis, declared, guards);
  return { guards, ignored: declared.ignored, goroutineFuncs: goroutineFuncs(analysis) };
}

/** The guards that +checklocks annotations declare in a package, and what +checklocksignore opts out. */
interface DeclaredGuards { guards: ReadonlyMap<string, Guard>; ignored: Set<string> }

const declaredByPackage = new WeakMap<GoPackage, DeclaredGuards>();

/**
 * Read from the comments of type and variable declarations, so kept with the package model, which an edit
 * inside function bodies keeps (see Workspace.previousAnalysis). Not kept when a comment read on a
 * declaration's line lies in a function (a struct and a function written on one line), which such an edit
 * can change.
 */
function annotatedGuards(pkg: GoPackage): DeclaredGuards {
  const known = declaredByPackage.get(pkg);
  if (known) return known;
  const guards = new Map<string, Guard>();
  const ignored = new Set<string>();
  let keep = true;
  const globalType = (name: string) => {
    const v = pkg.vars.get(name);
    return v && (v.type ?? new ExprResolver(pkg, v.file).globalType(name));
  };
  const annotationText = (file: GoFile, decl: SyntaxNode, at: SyntaxNode, doc: string) => {
    const comments = file.commentsOnLine(file.lines.lineOf(at.start), at.start);
    for (const c of comments) if (c.parent !== file.parsed.root && (c.start < decl.start || c.end > decl.end)) keep = false;
    return [doc, ...comments.map((c) => file.text(c))].join('\n');
  };
  for (const t of pkg.types.values()) {
    if (t.type.kind !== 'struct') continue;
    for (const f of t.type.fields) {
      const text = annotationText(t.file, t.node, f.node, t.file.docFor(f.node).text);
      const key = `${t.name}.${f.name}`;
      if (/\+checklocksignore/.test(text)) { ignored.add(key); continue; }
      const m = ANNOTATION.exec(text);
      if (!m) continue;
      // A guard that names no lock guards nothing lockset can check: neither reported nor inferred (invalid-annotation says why).
      const name = fieldGuardName(pkg, t.type, m[2], globalType);
      if (name.kind === 'missing' || name.kind === 'not-a-lock') ignored.add(key);
      else if (name.relative) guards.set(key, { lock: m[2], heldAs: lockPath(pkg, t.type, m[2]), relative: true, source: 'annotation', readOnlyOk: !!m[1] });
      else guards.set(key, { lock: m[2], relative: false, source: 'annotation', readOnlyOk: !!m[1] });
    }
  }
  for (const v of pkg.vars.values()) {
    const text = annotationText(v.file, v.node, v.nameNode, v.doc.text);
    if (/\+checklocksignore/.test(text)) { ignored.add(v.name); continue; }
    const m = ANNOTATION.exec(text);
    if (!m) continue;
    const name = fieldGuardName(pkg, undefined, m[2], globalType);
    if (name.kind === 'missing' || name.kind === 'not-a-lock') ignored.add(v.name);
    else guards.set(v.name, { lock: m[2], relative: false, source: 'annotation', readOnlyOk: !!m[1] });
  }
  const declared = { guards, ignored };
  if (keep) declaredByPackage.set(pkg, declared);
  return declared;
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
    if (declared.guards.has(a.target) || declared.ignored.has(a.target) || !isDataAccess(analysis, a) || isFreshAccess(flow.decl, a)) continue;
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
