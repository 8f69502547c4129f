import { isExportedApi, type FuncDecl } from '../model/file';
import { child, childrenOf, walk, type SyntaxNode } from '../syntax/node';
import type { Ref } from '../model/refs';
import { lockAnnotations } from './annotations';
import { innerFunction } from './blocking';
import { mapToCaller } from './calls';
import type { CallSite, FunctionFlow } from './flow-types';
import { isNamed, isUnshared } from './fresh';
import { isBackPointerAlias } from './requirements';
import type { PackageAnalysis } from './package-analysis';

/** Functions of other packages that take a func value to look at it, not to call it (`abi.FuncPCABIInternal(f)`). */
const TAKES_NOT_CALLS = /^(FuncPC\w*|funcPC|ValueOf|TypeOf|Pointer|Sizeof|Name|FuncForPC)$/;

/** How many calls up the evidence is looked for: far enough for a helper of a helper of an entry point. */
const MAX_DEPTH = 4;

/**
 * Why lockset believes that a call which needs `ref` is reached, on some real path, without it; undefined when
 * it cannot show one. "Not held in this function" is not enough on real code: the lock is most often held
 * further up, by a caller that knows the helper's contract without repeating it. The evidence is one of:
 * - the call runs in a goroutine, which inherits no locks;
 * - the calling function takes or releases that lock itself, so it knows the lock and is not called with it;
 * - the lock is of an object the calling function looked up by a key itself (`vm := vms.FindVM(id)`);
 * - the calling function is an entry point: exported (callers in other packages cannot hold an unexported
 *   lock, and a method of an unexported type is not), main or init, handed with no lock held to another
 *   package's function (`mux.HandleFunc("/vms/", handleVM)`), or (the calling function itself, not one further
 *   up) a function the package never mentions;
 * - one of its own calls in the package is reached without the lock (mapped into that caller's names), a few
 *   calls up. A function used as a value has calls that are not seen here, so that is no evidence.
 */
/** Per flow, the names it passes to other packages' functions with no lock held (see passedOutside). */
const passedByFlow = new WeakMap<FunctionFlow, readonly [string, CallSite][]>();

function namesPassedOutside(caller: FuncDecl, flow: FunctionFlow): readonly [string, CallSite][] {
  const known = passedByFlow.get(flow);
  if (known) return known;
  const out: [string, CallSite][] = [];
  for (const site of flow.calls) {
    if (site.callee || site.held.all().length > 0 || TAKES_NOT_CALLS.test(site.calleeName)) continue;
    for (const arg of child(site.node, 'arguments')?.children ?? []) {
      const name = arg.type === 'identifier' ? caller.file.text(arg)
        : arg.type === 'selector_expression' ? caller.file.text(child(arg, 'field')) : undefined;
      if (name) out.push([name, site]);
    }
  }
  // A compacted function's syntax is gone: what was read before stays right, nothing new is kept.
  if (!caller.file.compacted) passedByFlow.set(flow, out);
  return out;
}

export class UnheldPaths {
  private mentions = new Map<FuncDecl, boolean>();
  private passed?: Map<string, { caller: FuncDecl; site: CallSite }[]>;
  /** One per check run. */
  constructor(private readonly analysis: PackageAnalysis) {}

  evidenceFor(caller: FuncDecl, ref: Ref, site: CallSite): string | undefined {
    return this.evidence(caller, ref, site, 0, new Set());
  }

  private callersOf(fn: FuncDecl): { caller: FuncDecl; site: CallSite }[] {
    return this.analysis.callIndex().get(fn) ?? [];
  }

  private evidence(fn: FuncDecl, ref: Ref, site: CallSite, depth: number, seen: Set<string>): string | undefined {
    if (site.viaGo || site.unit === 'goroutine') return `${fn.name} runs it in a goroutine`;
    const flow = this.analysis.flows.get(fn);
    // In the same function literal as the call: a closure's parameter `n` is not the enclosing function's `n`.
    const scope = innerFunction(site.node);
    if (flow?.lockEvents.some((e) => e.op.ref.key === ref.key && innerFunction(e.node) === scope)) return `${fn.name} takes and releases ${ref.display} itself`;
    // A func literal stored for later (`nl.shutdownLocked = func(...) { nl.flushRecordLocked() }`) runs when
    // whoever holds it calls it, maybe under the lock: the enclosing function's callers say nothing about that.
    if (site.unit === 'detached' || site.unit === 'later') return undefined;
    if (ref.rootKind === 'local' && ref.path.length > 0 && assignedFromCall(fn, ref.root)) {
      return `${fn.name} looked ${ref.root} up itself, so its callers cannot have locked it`;
    }
    const entry = this.entryPoint(fn, ref, depth);
    if (entry) return entry;
    if (depth >= MAX_DEPTH || /^[A-Z]/.test(fn.name)) return undefined;
    const visit = `${fn.key}\u0000${ref.key}`;
    if (seen.has(visit)) return undefined;
    seen.add(visit);
    for (const up of this.callersOf(fn)) {
      if (up.site.unit !== 'function' && up.site.unit !== 'inline' && up.site.unit !== 'goroutine') continue;
      const own = this.analysis.contractOf(up.caller);
      if (own.ignore || own.requires.some((r) => !r.resolved)) continue;
      const mapped = mapToCaller(ref, up.site, this.analysis.resolver(up.caller));
      if (!mapped || !mapped.exact) continue;
      if (up.site.held.holds(mapped, 'read') || up.site.held.maybeHolds(mapped) || isBackPointerAlias(up.site, mapped)) continue;
      if (containerLockHeld(up.site, mapped)) continue;
      if (isUnshared(up.caller, mapped, up.site.nameNode.start)) continue;
      if (lockAnnotations(up.caller.file, up.site.node).length > 0) continue;
      const why = this.evidence(up.caller, mapped, up.site, depth + 1, seen);
      if (why) return `${up.caller.name} calls ${fn.name} without ${mapped.display}: ${why}`;
    }
    return undefined;
  }

  /** Why `fn` is called from outside what lockset sees, without `ref` (see unheldPath). */
  private entryPoint(fn: FuncDecl, ref: Ref, depth: number): string | undefined {
    const pkgName = fn.file.packageName;
    if (!fn.recvType && (fn.name === 'main' || fn.name === 'init')) return `${fn.name} is where the program starts`;
    // An exported method of an unexported type is most often called through an unexported interface, by
    // code of the package that lockset does not follow there (pebble's compaction.Execute under d.mu).
    if (isExportedApi(fn) && pkgName !== 'main' && !reachableOutside(ref)) return `${fn.name} is exported, and other packages cannot hold ${ref.display}`;
    const handed = this.passedOutside(fn)[0];
    if (handed) return `${handed.caller.name} passes ${fn.name} to ${handed.site.calleeName}, which calls it without ${ref.display}`;
    // Code not called yet is most often code being written: its own calls count. Further up, a function that
    // nothing calls is dead code, or called in ways lockset does not see, and shows no path.
    if (depth === 0 && /^[a-z_]/.test(fn.name) && this.callersOf(fn).length === 0 && !this.mentioned(fn)) {
      return `nothing in the package calls ${fn.name}`;
    }
    return undefined;
  }

  /**
   * The calls of another package's functions, made with no lock held, that take `fn` as an argument
   * (`mux.HandleFunc("/vms/", handleVM)`, `time.AfterFunc(d, s.expire)`): that code calls it with none of
   * this package's locks. A function of this package that takes it is followed as a call instead (or not at all).
   */
  private passedOutside(fn: FuncDecl): { caller: FuncDecl; site: CallSite }[] {
    if (!this.passed) {
      this.passed = new Map();
      for (const [caller, flow] of this.analysis.flows) {
        for (const [name, site] of namesPassedOutside(caller, flow)) {
          const list = this.passed.get(name);
          if (list) list.push({ caller, site }); else this.passed.set(name, [{ caller, site }]);
        }
      }
    }
    return this.passed.get(fn.name) ?? [];
  }

  /**
   * The function's name appears in the package other than at its declaration and in comments: a method value,
   * a callback, or a call that no function body makes (in a package-level table of func literals).
   */
  private mentioned(fn: FuncDecl): boolean {
    let used = this.mentions.get(fn);
    if (used !== undefined) return used;
    used = false;
    const word = new RegExp(`\\b${fn.name}\\b`, 'g');
    for (const file of this.analysis.pkg.files) {
      const text = file.text_;
      if (!text.includes(fn.name)) continue;
      for (const m of text.matchAll(word)) {
        const at = m.index!;
        if (file === fn.file && at === fn.nameNode.start) continue;
        const lineStart = text.lastIndexOf('\n', at) + 1;
        if (text.slice(lineStart, at).includes('//')) continue;
        used = true;
        break;
      }
      if (used) break;
    }
    this.mentions.set(fn, used);
    return used;
  }
}

/** A lock that code in another package could hold: an exported global, or one reached through an exported field or embedding. */
function reachableOutside(ref: Ref): boolean {
  if (ref.rootKind === 'global') return /^[A-Z]/.test(ref.root);
  return ref.path.length === 0 || ref.path.some((p) => /^[A-Z]/.test(p));
}


/**
 * A lock held at the call that belongs to an object the needed lock is reached through: `mb.mu` held where
 * `mb.fs.mu` is needed. Code that keeps a lock per part (a store's blocks) often has the part's lock guard what
 * the whole's lock is documented to (the store's writers take every block's lock), so the call is not known
 * to be unguarded. Returns the held lock's name.
 */
export function containerLockHeld(site: CallSite, ref: Ref): string | undefined {
  if (!ref.exact) return undefined;
  const parts = ref.key.split('.');
  // The object that holds the needed lock: `mb.fs` for `mb.fs.mu` (a struct that embeds its mutex is its own).
  const object = parts.slice(0, ref.path.length > 0 && ref.clsPath.length > 0 ? -1 : undefined);
  for (const h of site.held.definite()) {
    if (h.ref.key === ref.key || !h.ref.exact) continue;
    const hp = h.ref.key.split('.');
    const owner = hp.slice(0, h.ref.path.length > 0 && h.ref.clsPath.length > 0 ? -1 : undefined);
    if (owner.length < object.length && owner.every((p, i) => p === object[i])) return h.ref.display;
  }
  return undefined;
}

/**
 * Whether every assignment of the local in the body is a lookup by key (`vm := vms.FindVM(id)`): an object the
 * function looked up itself, not one its caller handed it or an alias of a field its caller may have locked.
 * A getter without a key (`js := s.getJetStream()`) may return the singleton its callers hold, and a
 * constructor (`mb := fs.initMsgBlock(i)`) an object nobody else has yet: neither is evidence.
 */
function isLookup(fn: FuncDecl, value: SyntaxNode): boolean {
  if (value.type !== 'call_expression' || (child(value, 'arguments')?.children.filter(isNamed).length ?? 0) === 0) return false;
  const callee = child(value, 'function');
  const name = callee?.type === 'selector_expression' ? fn.file.text(child(callee, 'field')) : fn.file.text(callee);
  return /^(find|get|lookup|load)/i.test(name);
}

function assignedFromCall(fn: FuncDecl, name: string): boolean {
  if (!fn.body) return false;
  let calls = 0, other = 0;
  walk(fn.body, (n) => {
    if (n.type !== 'short_var_declaration' && n.type !== 'assignment_statement' && n.type !== 'var_spec') return;
    const left = (n.type === 'var_spec' ? childrenOf(n, 'name') : child(n, 'left')?.children ?? []).filter((c) => c.type === 'identifier');
    const right = (n.type === 'var_spec' ? child(n, 'value')?.children : child(n, 'right')?.children ?? [])?.filter(isNamed) ?? [];
    left.forEach((l, i) => {
      if (fn.file.text(l) !== name) return;
      const value = right.length === left.length ? right[i] : right.length === 1 ? right[0] : undefined;
      if (value && isLookup(fn, value)) calls++; else other++;
    });
  });
  return calls > 0 && other === 0;
}
