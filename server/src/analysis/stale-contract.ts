import type { FuncDecl } from '../model/file';
import { deref, type GoType } from '../model/types';
import { child, type SyntaxNode } from '../syntax/node';
import { isPseudoLock } from './blocking';
import { isFreshAccess } from './fresh';
import type { AccessEvent, CallSite, FunctionFlow } from './flow-types';
import { isDataAccess, isSetupFunc } from './guards';
import type { PackageAnalysis } from './package-analysis';

/**
 * Whether a function documented as needing a lock touches nothing a lock could protect, so its contract
 * may be stale (nats-server's `// Lock should be held.` above `return o.leader.Load()`). Its body, and the
 * bodies of the package functions it calls, a few calls deep, only read atomics, fields that nothing writes
 * after construction, its own fresh objects, or data under a lock the body takes itself; and it hands no
 * shared object to code outside the package. Read at check time from every flow of the analysis (the
 * writes are the whole package's), never kept with a flow.
 */
export function touchesNothingShared(analysis: PackageAnalysis, fn: FuncDecl): boolean {
  let memo = memoByAnalysis.get(analysis);
  if (!memo) memoByAnalysis.set(analysis, (memo = new Map()));
  let known = memo.get(fn);
  if (known === undefined) memo.set(fn, (known = !touches(analysis, fn, MAX_DEPTH, new Set())));
  return known;
}

/** How many calls deep the callees' bodies are read; deeper than that counts as touching. */
const MAX_DEPTH = 3;
const memoByAnalysis = new WeakMap<PackageAnalysis, Map<FuncDecl, boolean>>();

/** Builtins and conversions that read their arguments and keep nothing. */
const PURE_BUILTINS = new Set(['len', 'cap', 'min', 'max', 'string', 'int', 'int32', 'int64', 'uint', 'uint32', 'uint64', 'float64', 'bool', 'byte', 'rune']);
const BASIC = /^(string|bool|byte|rune|u?int(8|16|32|64)?|uintptr|float(32|64)|complex(64|128))$/;

function touches(analysis: PackageAnalysis, fn: FuncDecl, depth: number, seen: Set<FuncDecl>): boolean {
  seen.add(fn);
  const flow = analysis.flows.get(fn);
  if (!flow || readsThroughReference(analysis, fn)) return true;
  const written = writtenTargets(analysis);
  for (const a of flow.accesses) {
    if (!isDataAccess(analysis, a) || inAtomicLoad(a.node, fn.file.parsed.text) || isFreshAccess(fn, a)) continue;
    // Data read under a lock the body takes itself is that lock's business, not the caller's.
    if (a.held.definite().some((h) => !h.inherited && !h.fromContract && !isPseudoLock(h.ref.key))) continue;
    if (a.write || written.has(a.target) || isExportedField(a)) return true;
  }
  for (const site of flow.calls) {
    if (site.callee) {
      if (seen.has(site.callee)) continue;
      if (depth === 0 || touches(analysis, site.callee, depth - 1, seen)) return true;
    } else if (!PURE_BUILTINS.has(site.calleeName) && handsOverShared(analysis, flow, site)) {
      return true;
    }
  }
  return false;
}

/**
 * A call outside the package on a field's value (`c.bw.Flush()`), or with a field's value that is more than a
 * plain value (`copy(c.buf, b)`, `sort.Sort(c.list)`) as an argument: code we cannot read may change what
 * the lock protects.
 */
function handsOverShared(analysis: PackageAnalysis, flow: FunctionFlow, site: CallSite): boolean {
  if (site.recv && (site.recv.path.length > 0 || site.recv.rootKind === 'receiver') && !isSyncValue(site.recv.type)) return true;
  const args = child(site.node, 'arguments');
  if (!args) return false;
  return flow.accesses.some((a) => a.node.start >= args.start && a.node.end <= args.end && isDataAccess(analysis, a) &&
    !isFreshAccess(flow.decl, a) && !isPlainValue(analysis, fieldType(analysis, a)));
}

/** sync/atomic values (`o.leader.Load()`) guard themselves. */
function isSyncValue(t: GoType): boolean {
  const b = deref(t);
  return b.kind === 'named' && (b.pkg === 'atomic' || b.pkg === 'sync');
}

/**
 * A receiver or parameter the body uses whose data the accesses do not follow: a map, a slice, a pointer
 * to another package's type (`func (v VMs) find(id int) *VM { return v[id] }`, the registry the lock guards).
 */
function readsThroughReference(analysis: PackageAnalysis, fn: FuncDecl): boolean {
  const holders = [...fn.params];
  if (fn.recvName && fn.recvType) holders.push({ name: fn.recvName, type: { kind: 'named', name: fn.recvType } });
  const untracked = holders.filter((h) => h.name && h.name !== '_' && !isPlainValue(analysis, h.type) && !isPackageStruct(analysis, h.type));
  if (untracked.length === 0 || !fn.body) return false;
  const names = new Set(untracked.map((h) => h.name));
  const text = fn.file.parsed.text;
  const stack = [fn.body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier' && names.has(text.slice(n.start, n.end))) return true;
    for (const c of n.children) stack.push(c);
  }
  return false;
}

function isPackageStruct(analysis: PackageAnalysis, t: GoType): boolean {
  const b = deref(t);
  return b.kind === 'named' && !b.pkg && analysis.pkg.underlying(b).kind === 'struct';
}

function isExportedField(a: AccessEvent): boolean {
  // Another package may write an exported field of a value it was handed.
  return /^[A-Z]/.test(a.field);
}

function fieldType(analysis: PackageAnalysis, a: AccessEvent): GoType | undefined {
  return a.base ? analysis.pkg.findField(a.base.type, a.field)?.at(-1)?.type : analysis.globalType(a.target);
}

function isPlainValue(analysis: PackageAnalysis, t: GoType | undefined): boolean {
  if (!t) return false;
  const u = analysis.pkg.underlying(t);
  return u.kind === 'named' && !u.pkg && BASIC.test(u.name);
}

/** `&x.f` as the argument of atomic.LoadX: an atomic read. */
function inAtomicLoad(n: SyntaxNode, text: string): boolean {
  // `mb.first` in `atomic.LoadUint64(&mb.first.seq)` is read for the atomic's address only.
  while (n.parent?.type === 'selector_expression' && n.field === 'operand') n = n.parent;
  const addr = n.parent;
  if (addr?.type !== 'unary_expression' || addr.op !== '&') return false;
  const call = addr.parent?.type === 'argument_list' ? addr.parent.parent : undefined;
  const fn = call?.type === 'call_expression' ? child(call, 'function') : undefined;
  return !!fn && /^atomic\.Load/.test(text.slice(fn.start, fn.end));
}

const writtenByAnalysis = new WeakMap<PackageAnalysis, Set<string>>();

/**
 * The fields (`Type.field`) and globals that the package writes after construction: anywhere but in the
 * straight-line code of a constructor or init (see isSetupFunc) and through the function's own fresh objects
 * (see freshLocals). A write into a field held by value (`c.opts.Nkey = k`, `c.opts.set()`, `&c.opts`) writes
 * the field too; one through a pointer field (`c.mqtt.r = r`) does not write the pointer.
 */
function writtenTargets(analysis: PackageAnalysis): Set<string> {
  let out = writtenByAnalysis.get(analysis);
  if (out) return out;
  out = new Set();
  for (const [fn, flow] of analysis.flows) for (const t of writtenIn(analysis, fn, flow)) out.add(t);
  writtenByAnalysis.set(analysis, out);
  return out;
}

/**
 * Per flow, what its function writes (kept with the flow: a flow is replaced when its body or the package's
 * declarations change, and an edit elsewhere leaves it, and this, as they were).
 */
const writtenByFlow = new WeakMap<FunctionFlow, readonly string[]>();

function writtenIn(analysis: PackageAnalysis, fn: FuncDecl, flow: FunctionFlow): readonly string[] {
  const known = writtenByFlow.get(flow);
  if (known) return known;
  const out = new Set<string>();
  const setup = isSetupFunc(fn);
  const byNode = new Map<SyntaxNode, AccessEvent>();
  for (const a of flow.accesses) byNode.set(a.node, a);
  const mark = (a: AccessEvent) => {
    if ((setup && (a.unit === 'function' || a.unit === 'inline')) || isFreshAccess(fn, a)) return;
    out.add(a.target);
  };
  /** Marks a written place and the fields it is part of by value: `c.opts` for `c.opts.Nkey`, not `c.mqtt` for `c.mqtt.cid`. */
  const markChain = (n: SyntaxNode | undefined) => {
    while (n) {
      if (n.type === 'parenthesized_expression') { n = n.children.find((c) => c.type !== '(' && c.type !== ')'); continue; }
      const a = byNode.get(n);
      if (!a) return;
      mark(a);
      n = n.type === 'selector_expression' ? heldByValue(analysis, byNode, child(n, 'operand')) : undefined;
    }
  };
  for (const a of flow.accesses) if (a.write) markChain(a.node);
  if (fn.body) {
    const stack: SyntaxNode[] = [fn.body];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'unary_expression' && n.op === '&') {
        const operand = child(n, 'operand');
        if (operand && !(byNode.get(operand) && inAtomicLoad(operand, fn.file.parsed.text))) markChain(operand);
      } else if (n.type === 'call_expression') {
        // A method of a field held by value may change it (a pointer receiver).
        const f = child(n, 'function');
        if (f?.type === 'selector_expression') markChain(heldByValue(analysis, byNode, child(f, 'operand')));
      }
      for (const c of n.children) stack.push(c);
    }
  }
  const list = [...out];
  // A compacted analysis's functions have no syntax left: what was read before compaction stays right.
  if (!analysis.compacted) writtenByFlow.set(flow, list);
  return list;
}

/** The operand when it is a field access whose value holds the accessed part itself (not a pointer or a reference). */
function heldByValue(analysis: PackageAnalysis, byNode: Map<SyntaxNode, AccessEvent>, n: SyntaxNode | undefined): SyntaxNode | undefined {
  while (n?.type === 'parenthesized_expression') n = n.children.find((c) => c.type !== '(' && c.type !== ')');
  const a = n && byNode.get(n);
  if (!a) return undefined;
  const t = fieldType(analysis, a);
  if (!t || t.kind === 'pointer') return undefined;
  const u = analysis.pkg.underlying(t);
  return u.kind === 'struct' || (u.kind === 'named' && !BASIC.test(u.name)) || u.kind === 'unknown' ? n : undefined;
}
