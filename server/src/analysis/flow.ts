import type { FuncDecl } from '../model/file';
import { paramsOf } from '../model/file';
import { ExprResolver, type LockOp, type Ref } from '../model/refs';
import { typeAliasPartners } from './type-aliases';
import { foreignTarget } from './flow-types';
import { resultIndex } from './releasers';
import { Scope } from '../model/scope';
import { deref, typeFromSyntax, UNKNOWN, type GoType } from '../model/types';
import { child, childrenOf, walk, type SyntaxNode } from '../syntax/node';
import type { Contract } from './contract-types';
import { bodyScope } from './scope-of';
import type { AccessEvent, BlockingEvent, CallSite, ExitPoint, FunctionFlow, LiteralInfo, LockEvent, LoopContinue, UnitKind } from './flow-types';
import { mapToCaller, resolveCall } from './calls';
import { blockingCall, OS_THREAD_KEY, osThreadRef, returnsToken, sendHasRoom, threadStateChange } from './blocking';
import { HeldSet, type LockMode } from './held';
import { appendAll } from '../util/arrays';
import { ConditionFlags } from './condition-flags';
import { boolLiteral, guardJoined, impliedFlags, joinFlags, neverAssigned, sameFlags, trackableFlags, withFlag, type Flags } from './flags';

/**
 * `when`: what the path knew of the flags where the defer was registered. A join keeps the defers of its longest
 * path, so a defer registered under `if canCache { mu.Lock(); defer mu.Unlock() }` is still listed where canCache
 * is known false (client-go's TLS cache returns there): an exit whose flags contradict it never registered it.
 */
/** Whether a path that knows `b` cannot be one that knew `a`: some flag has the opposite value. */
function contradicts(a: Flags, b: Flags): boolean {
  if (!a || !b) return false;
  for (const [name, v] of a) if (b.get(name) === !v) return true;
  return false;
}

type Defer = (
  | { kind: 'unlock'; op: LockOp; node: SyntaxNode }
  | { kind: 'lock'; op: LockOp; node: SyntaxNode }
  | { kind: 'literal'; lit: SyntaxNode; node: SyntaxNode; args?: SyntaxNode[] }
  | { kind: 'call'; call: SyntaxNode; node: SyntaxNode }
) & { when?: Flags };

/** `flags`: what the path knows of the function's boolean variables (see flags.ts). */
interface State { held: HeldSet; defers: Defer[]; dead: boolean; flags: Flags }

interface LoopCtx { label?: string; breaks: State[]; continues: State[]; isLoop: boolean; entry?: HeldSet }

/** One body being walked: the function itself, or a func literal. */
interface Frame {
  unit: UnitKind;
  scope: Scope;
  exits: State[];
  loops: LoopCtx[];
  gotos: Map<string, State[]>;
}

/** How many rounds a loop may take before its head state is taken as final. */
const MAX_LOOP_ROUNDS = 4;
const NO_RETURN_CALLS = new Set(['os.Exit', 'log.Fatal', 'log.Fatalf', 'log.Fatalln', 'log.Panic', 'log.Panicf', 'log.Panicln']);

export type ContractLookup = (fn: FuncDecl) => Contract;

/**
 * Computes, flow-sensitively, the locks held before every statement and call of one function.
 * Branches fork the held set and join at their end; a lock held on only some paths is "maybe held".
 */
export class FlowAnalyzer {
  private readonly calls = new Map<SyntaxNode, CallSite>();
  // The kinds of event that most functions have none of get their map on the first one.
  private lockEvents?: Map<SyntaxNode, LockEvent>;
  private readonly exits: ExitPoint[] = [];
  private readonly exitAt = new Map<SyntaxNode, ExitPoint>();
  private readonly stmtHeld = new Map<SyntaxNode, HeldSet>();
  private literals?: Map<SyntaxNode, LiteralInfo>;
  private continues?: Map<SyntaxNode, LoopContinue>;
  private blocking?: Map<SyntaxNode, BlockingEvent>;
  private readonly accesses = new Map<SyntaxNode, AccessEvent>();
  private goStmts?: Map<SyntaxNode, HeldSet>;
  /** Set while the left side of an assignment is evaluated. */
  private writing = false;
  /** The communication of the select case being evaluated: the select itself is the blocking event. */
  private quietComm?: SyntaxNode;
  private readonly res: ExprResolver;
  private budget: number;
  /** The boolean variables whose values the flow follows (see trackableFlags), found on first need. */
  private tracked?: Map<string, number>;
  /** `+checklocksalias` of the function: per lock key, the other paths that name the same lock. */
  private aliases?: Map<string, Ref[]>;
  /** Local variables that hold a func literal or a lock's method value and are only ever called (see funcBinding). */
  private funcVars?: Map<string, SyntaxNode>;
  /** Local variables that hold a releaser a call handed back (`c, unlock := p.getLocked(h)`): the Unlock each runs. */
  private releasers?: Map<string, LockOp[]>;
  /** Guards bound by a call of a lock helper that hands one back: their releasing methods and what they release. */
  private guards?: Map<string, { methods: readonly string[]; ops: LockOp[] }>;
  /** Tests of a condition that the flow tracks as flags besides boolean variables (see condition-flags.ts). */
  private conditionFlags?: ConditionFlags;

  /**
   * `paramCalls`: a function's directlyCalledParams as its analysis keeps them (they outlive its compacted body),
   * or undefined to read them from its body.
   */
  constructor(
    private readonly decl: FuncDecl, private readonly contracts: ContractLookup, resolver: ExprResolver,
    private readonly paramCalls: (fn: FuncDecl) => string | undefined = () => undefined,
  ) {
    this.res = resolver;
    for (const { a, b } of contracts(decl).aliases ?? []) {
      (this.aliases ??= new Map()).set(a.ref.key, [...(this.aliases.get(a.ref.key) ?? []), b.ref]);
      this.aliases.set(b.ref.key, [...(this.aliases.get(b.ref.key) ?? []), a.ref]);
    }
    // A bound on the statements visited keeps pathological bodies from taking unbounded time.
    this.budget = 200_000;
  }

  run(initial: HeldSet): FunctionFlow {
    const d = this.decl;
    for (const h of initial.all()) initial = this.mirror(initial, h.ref);
    const scope = bodyScope(d);
    if (d.body) {
      const frame = this.newFrame('function', scope);
      const end = this.walkBlock(d.body, { held: initial, defers: [], dead: false, flags: undefined }, frame);
      if (!end.dead) this.exit(end, frame, d.body, 'end');
    }
    return {
      decl: d, calls: [...this.calls.values()], lockEvents: valuesOf(this.lockEvents), exits: this.exits,
      stmtHeld: this.stmtHeld, literals: this.literals ?? NO_ENTRIES, continues: valuesOf(this.continues),
      blocking: valuesOf(this.blocking), accesses: [...this.accesses.values()],
      goStmts: this.goStmts ? [...this.goStmts].map(([node, held]) => ({ node, held })) : [],
    };
  }

  /**
   * The held set with the aliases of `key` (see aliases) held as it is, or not held when it is not: any
   * operation on either name applies to both.
   */
  private mirror(held: HeldSet, ref: Ref): HeldSet {
    const key = ref.key;
    const partners = [...this.aliases?.get(key) ?? [], ...typeAliasPartners(this.res, ref)];
    if (!partners.length) return held;
    const h = held.get(key);
    for (const p of partners) held = h ? held.with({ ...h, ref: p, aliasOf: key }) : held.without(p.key);
    return held;
  }

  private newFrame(unit: UnitKind, scope: Scope): Frame {
    return { unit, scope, exits: [], loops: [], gotos: new Map() };
  }

  private text(n: SyntaxNode | undefined): string { return this.decl.file.text(n); }

  /** Whether the flow follows `name`: at the use `at`, or (without one) everywhere in the function. */
  private isTracked(name: string, at?: SyntaxNode): boolean {
    const until = (this.tracked ??= trackableFlags(this.decl.node, this.decl.file.parsed.text)).get(name);
    return until !== undefined && (at ? at.start < until : until === Infinity);
  }

  /**
   * After `name = value` (value undefined when not a constant): what the path knows of name, and its guards
   * dropped. Past a shadowing declaration (see trackableFlags) the write may be either variable's: the path
   * forgets the name.
   */
  private setFlag(st: State, name: string, value: boolean | undefined, at?: SyntaxNode): State {
    if (!(this.tracked ??= trackableFlags(this.decl.node, this.decl.file.parsed.text)).has(name)) return st;
    if (!this.isTracked(name, at)) value = undefined;
    let held = st.held.unguarded(name), flags = withFlag(st.flags, name, value);
    // A comparison of this local with another says nothing after it is assigned.
    for (const flag of this.conditionFlags?.mentioning(name) ?? []) {
      held = held.unguarded(flag);
      flags = withFlag(flags, flag, undefined);
    }
    return { held, defers: st.defers, dead: st.dead, flags };
  }

  // ---- statements -------------------------------------------------------------------------

  private walkBlock(block: SyntaxNode, st: State, f: Frame): State {
    const list = block.type === 'statement_list' ? block : block.children.find((c) => c.type === 'statement_list');
    for (const s of list?.children ?? (block.type === 'block' ? [] : [block])) {
      st = this.walkStmt(s, st, f);
    }
    return st;
  }

  private walkStmt(s: SyntaxNode, st: State, f: Frame): State {
    if (--this.budget < 0) return dead(st);
    if (s.type === 'comment') return st;
    if (st.dead && s.type !== 'labeled_statement') return st;
    if (!st.dead) this.recordStmt(s, st.held);
    switch (s.type) {
      case 'expression_statement': {
        const e = s.children[0];
        st = this.evalExpr(e, st, f);
        if (e?.type === 'call_expression' && this.isNoReturn(e)) {
          if (this.text(child(e, 'function')) === 'panic') this.exit(st, f, s, 'panic');
          return dead(st);
        }
        return st;
      }
      case 'return_statement':
        for (const c of s.children) st = this.evalExpr(c, st, f);
        this.exit(st, f, s, 'return');
        return dead(st);
      case 'short_var_declaration':
        return this.assign(s, st, f, true);
      case 'assignment_statement':
        return this.assign(s, st, f, false);
      case 'var_declaration':
      case 'const_declaration':
        return this.localVars(s, st, f);
      case 'go_statement':
        return this.goStmt(s, st, f);
      case 'defer_statement':
        return this.registeredUnder(st.defers.length, this.deferStmt(s, st, f));
      case 'if_statement':
        return this.ifStmt(s, st, f);
      case 'for_statement':
        return this.forStmt(s, st, f);
      case 'expression_switch_statement':
      case 'type_switch_statement':
        return this.switchStmt(s, st, f);
      case 'select_statement':
        return this.selectStmt(s, st, f);
      case 'labeled_statement':
        return this.labeled(s, st, f);
      case 'goto_statement': {
        const label = this.text(s.children[0]);
        const list = f.gotos.get(label) ?? [];
        list.push(fork(st));
        f.gotos.set(label, list);
        return dead(st);
      }
      case 'break_statement':
      case 'continue_statement': {
        const label = s.children[0] ? this.text(s.children[0]) : undefined;
        const isBreak = s.type === 'break_statement';
        const ctx = this.findLoop(f, label, !isBreak);
        if (ctx) (isBreak ? ctx.breaks : ctx.continues).push(fork(st));
        if (ctx?.entry && !isBreak) this.recordContinue(s, st.held, ctx.entry);
        return dead(st);
      }
      case 'block':
        return this.walkBlock(s, st, f);
      case 'send_statement':
        for (const c of s.children) st = this.evalExpr(c, st, f);
        if (!sendHasRoom(s, this.res, f.scope) && !returnsToken(s, this.decl, this.res)) this.recordBlocking(s, 'channel send', st.held, f.unit);
        return st;
      case 'inc_statement':
      case 'dec_statement':
        return this.evalWrite(s.children[0], st, f);
      case 'fallthrough_statement':
      case 'empty_statement':
        return st;
      default:
        for (const c of s.children) st = this.evalExpr(c, st, f);
        return st;
    }
  }

  private recordBlocking(node: SyntaxNode, what: string, held: HeldSet, unit: UnitKind, ownLock?: string): void {
    if (this.quietComm && node.start >= this.quietComm.start && node.end <= this.quietComm.end) return;
    const prev = this.blocking?.get(node);
    if (prev) prev.held = prev.held.join(held);
    else (this.blocking ??= new Map()).set(node, { node, what, held, unit, ownLock });
  }

  private recordAccess(node: SyntaxNode, a: Omit<AccessEvent, 'node' | 'held' | 'unit'>, held: HeldSet, unit: UnitKind): void {
    const prev = this.accesses.get(node);
    if (prev) prev.held = prev.held.join(held);
    else this.accesses.set(node, { node, base: a.base, target: a.target, field: a.field, write: a.write, mapWrite: a.mapWrite, held, unit });
  }

  private recordContinue(node: SyntaxNode, held: HeldSet, entry: HeldSet): void {
    const prev = this.continues?.get(node);
    (this.continues ??= new Map()).set(node, { node, held: prev ? prev.held.join(held) : held, entry });
  }

  private recordStmt(s: SyntaxNode, held: HeldSet): void {
    const prev = this.stmtHeld.get(s);
    this.stmtHeld.set(s, prev ? prev.join(held) : held);
  }

  private findLoop(f: Frame, label: string | undefined, loopOnly: boolean): LoopCtx | undefined {
    for (let i = f.loops.length - 1; i >= 0; i--) {
      const l = f.loops[i];
      if (label ? l.label === label : !loopOnly || l.isLoop) return l;
    }
    return undefined;
  }

  private assign(s: SyntaxNode, st: State, f: Frame, declare: boolean): State {
    const left = child(s, 'left')?.children ?? [];
    const right = child(s, 'right')?.children ?? [];
    if (declare && this.funcBinding(left, right)) return st;
    for (const r of right) st = this.evalExpr(r, st, f);
    const value = (i: number) => (right.length === left.length && (declare || s.op === '=') ? boolLiteral(right[i], this.decl.file.parsed.text) : undefined);
    if (!declare) {
      for (const l of left) st = this.evalWrite(l, st, f);
      left.forEach((l, i) => {
        if (l.type !== 'identifier') return;
        // A closure's own `acc` is another variable than the enclosing function's acc, whose lock stays held.
        const held = f.scope.literalOwns(this.text(l)) ? st : withHeld(st, st.held.reassigned(this.text(l)));
        st = this.setFlag(held, this.text(l), value(i), l);
      });
      return this.acquiredResults(left, right, st, f);
    }
    left.forEach((l, i) => {
      if (l.type !== 'identifier') return;
      const type = right.length === left.length ? this.res.typeOf(right[i], f.scope) : this.res.typeOf(right[0], f.scope, i);
      f.scope.declare(this.text(l), type, 'local', right.length === left.length ? this.pathAlias(l, right[i], type, f) : undefined);
      st = this.setFlag(st, this.text(l), value(i), l);
    });
    return this.acquiredResults(left, right, st, f);
  }

  /**
   * `snd := rc.snd`: a pointer copied from a path of the receiver or a parameter (neither assigned in the function),
   * declared once and never assigned again, names the same object, so its locks are that path's (`snd.ep.mu` is `rc.snd.ep.mu`).
   */
  private pathAlias(name: SyntaxNode, value: SyntaxNode, type: GoType, f: Frame): Ref | undefined {
    // `h := o.cache.Acquire()`, where Acquire locks and hands back its receiver (or a handle that embeds it): h is
    // o.cache, so that `h.Release()` releases the lock the call took.
    const handed = value.type === 'call_expression' ? this.handedBackReceiver(value) : undefined;
    if (type.kind !== 'pointer' || (value.type !== 'selector_expression' && value.type !== 'identifier' && !handed)) return undefined;
    const text = this.decl.file.parsed.text;
    const id = this.text(name);
    if (!this.isTracked(id) || !neverAssigned(this.decl.node, id, text)) return undefined;
    const ref = this.res.refOf(handed ?? value, f.scope);
    // The path's root must stay too (`oa := acc` in a loop that sets acc names the old account).
    if (!ref?.exact || !(ref.rootKind === 'receiver' || ref.rootKind === 'param') || !neverAssigned(this.decl.node, ref.root, text)) return undefined;
    return ref;
  }

  /**
   * The receiver expression of a call of a lock helper that returns its own receiver, or a handle that embeds it
   * (`return c`, `return &Handle{c}`), on every return: the value the call hands back is that receiver's object.
   */
  private handedBackReceiver(call: SyntaxNode): SyntaxNode | undefined {
    const callee = this.calls.get(call)?.callee;
    const fn = child(call, 'function');
    if (!callee?.recvName || !callee.body || fn?.type !== 'selector_expression' || callee.results.length !== 1) return undefined;
    if (!this.contracts(callee).acquires.some((a) => a.resolved && a.ref.rootKind === 'receiver')) return undefined;
    return returnsReceiver(callee.body, callee.recvName, callee.file.parsed.text) ? child(fn, 'operand') : undefined;
  }

  /**
   * `tc, err := dial()` where dial is annotated `+checklocksacquire:tc.mu` (tc its named result), or
   * `c, unlock := p.getLocked(h)` where getLocked returns `c, c.mu.Unlock` with c.mu held: c's lock is held here,
   * and a call of `unlock` releases it (as `unlock := s.lock()` does for a lock of the receiver).
   */
  private acquiredResults(left: SyntaxNode[], right: SyntaxNode[], st: State, f: Frame): State {
    const call = right.length === 1 && right[0].type === 'call_expression' ? right[0] : undefined;
    const site = call ? this.calls.get(call) : undefined;
    const callee = site?.callee;
    if (!call || !site || !callee) return st;
    const acquires = this.contracts(callee).acquires.filter((a) => a.resolved && (a.ref.rootKind === 'local' || a.releasedBy !== undefined));
    if (!acquires.length || left.length !== callee.results.length) return st;
    const names = paramsOf(child(callee.node, 'result'), callee.file.parsed.text).map((p) => p.name);
    let held = st.held;
    const bound = new Map<string, LockOp[]>();
    for (const a of acquires) {
      let ref: Ref | undefined;
      if (a.ref.rootKind === 'local') {
        const target = left[resultIndex(a.ref.root, names)];
        if (target?.type !== 'identifier' || this.text(target) === '_') continue;
        ref = this.res.refOf(target, f.scope);
        for (const p of ref ? a.ref.path : []) ref = this.res.appendField(ref!, p);
        // Held as the callee hands it back; a path where the result is nil holds nothing, which the flow cannot
        // tell: no missing Unlock is reported for it (viaResult).
        if (ref) held = held.with({ ref, mode: a.mode, maybe: false, site: call, viaResult: true });
      } else ref = mapToCaller(a.ref, site, this.res);
      const releaser = a.releasedBy !== undefined ? left[a.releasedBy] : undefined;
      // A guard (`g := s.m.Lock("r")`): a call of one of its releasing methods releases the lock.
      if (ref && a.releasedByMethods && releaser?.type === 'identifier' && this.isTracked(this.text(releaser))
        && onlyMethodsCalled(this.decl.node, this.text(releaser), releaser, a.releasedByMethods, this.decl.file.parsed.text)) {
        const name = this.text(releaser);
        const prev = this.guards?.get(name);
        (this.guards ??= new Map()).set(name, { methods: a.releasedByMethods, ops: [...(prev?.ops ?? []), { ref, method: a.mode === 'read' ? 'RUnlock' : 'Unlock', kind: 'unknown' }] });
        continue;
      }
      if (ref && !a.releasedByMethods && releaser?.type === 'identifier' && this.isTracked(this.text(releaser)) && onlyCalled(this.decl.node, this.text(releaser), releaser, this.decl.file.parsed.text)) {
        // One func may release several locks (`x, y, unlock := lockPair()`).
        const name = this.text(releaser);
        bound.set(name, [...(bound.get(name) ?? []), { ref, method: a.mode === 'read' ? 'RUnlock' : 'Unlock', kind: 'unknown' }]);
      }
    }
    for (const [name, ops] of bound) (this.releasers ??= new Map()).set(name, ops);
    return withHeld(st, held);
  }

  /** The locks that the func value returned by a call (`s.lock()`, whose only result is the Unlock) releases. */
  private releasedByResult(call: SyntaxNode): LockOp[] {
    const site = this.calls.get(call);
    const callee = site?.callee;
    if (!site || !callee || callee.results.length !== 1) return [];
    const out: LockOp[] = [];
    for (const a of this.contracts(callee).acquires) {
      if (!a.resolved || a.releasedBy !== 0 || a.releasedByMethods || a.ref.rootKind === 'local') continue;
      const ref = mapToCaller(a.ref, site, this.res);
      if (ref) out.push({ ref, method: a.mode === 'read' ? 'RUnlock' : 'Unlock', kind: 'unknown' });
    }
    return out;
  }

  /**
   * `unlock := func() { mu.Unlock() }` or `unlock := mu.Unlock`, where every later use of the variable calls it
   * (`unlock()`, `defer unlock()`, `go unlock()`): each call runs the function value in place (see evalCall).
   */
  private funcBinding(left: SyntaxNode[], right: SyntaxNode[]): boolean {
    const value = right[0];
    if (left.length !== 1 || right.length !== 1 || left[0].type !== 'identifier') return false;
    if (value.type !== 'func_literal' && !(value.type === 'selector_expression' && /^R?(Lock|Unlock)$/.test(this.text(child(value, 'field'))))) return false;
    const name = this.text(left[0]);
    if (!this.isTracked(name) || !onlyCalled(this.decl.node, name, left[0], this.decl.file.parsed.text)) return false;
    (this.funcVars ??= new Map()).set(name, value);
    return true;
  }

  /** The func literal or the lock operation that a call of a bound local variable runs. */
  private boundFunc(fn: SyntaxNode | undefined, f: Frame): { lit?: SyntaxNode; op?: LockOp; more?: LockOp[] } | undefined {
    const released = fn?.type === 'identifier' ? this.releasers?.get(this.text(fn)) : undefined;
    if (released) return { op: released[0], more: released.slice(1) };
    // `g.Unlock()` on a guard that a lock helper handed back (see acquiredResults).
    const operand = fn?.type === 'selector_expression' ? child(fn, 'operand') : undefined;
    const guard = operand?.type === 'identifier' ? this.guards?.get(this.text(operand)) : undefined;
    if (fn && guard && guard.methods.includes(this.text(child(fn, 'field')))) return { op: guard.ops[0], more: guard.ops.slice(1) };
    const value = fn?.type === 'identifier' ? this.funcVars?.get(this.text(fn)) : undefined;
    if (!value) return undefined;
    if (value.type === 'func_literal') return { lit: value };
    const op = this.res.lockMethodValue(value, f.scope);
    return op ? { op } : undefined;
  }

  /** Evaluates an expression that is written to (an assignment's left side, x++). */
  private evalWrite(e: SyntaxNode | undefined, st: State, f: Frame): State {
    const prev = this.writing;
    this.writing = true;
    try { return this.evalExpr(e, st, f); } finally { this.writing = prev; }
  }

  private localVars(s: SyntaxNode, st: State, f: Frame): State {
    const specs: SyntaxNode[] = [];
    for (const c of s.children) {
      if (c.type === 'var_spec' || c.type === 'const_spec') specs.push(c);
      else if (c.type.endsWith('_spec_list')) appendAll(specs, c.children.filter((x) => x.type.endsWith('_spec')));
    }
    for (const spec of specs) {
      const values = child(spec, 'value')?.children ?? [];
      for (const v of values) st = this.evalExpr(v, st, f);
      const typeNode = child(spec, 'type');
      const declared = typeNode ? typeFromSyntax(typeNode, this.decl.file.parsed.text) : undefined;
      const names = childrenOf(spec, 'name');
      names.forEach((n, i) => {
        f.scope.declare(this.text(n), declared ?? this.res.typeOf(values.length === 1 && i > 0 ? values[0] : values[i], f.scope, values.length === 1 ? i : 0), 'local');
        // `var done bool` starts false.
        const zero = values.length === 0 && this.text(typeNode) === 'bool' ? false : undefined;
        st = this.setFlag(st, this.text(n), values.length === names.length ? boolLiteral(values[i], this.decl.file.parsed.text) : zero, n);
      });
    }
    return st;
  }

  private goStmt(s: SyntaxNode, st: State, f: Frame): State {
    const call = s.children[0];
    if (call?.type !== 'call_expression') {
      for (const c of s.children) st = this.evalExpr(c, st, f);
      return st;
    }
    const fn = child(call, 'function');
    for (const a of child(call, 'arguments')?.children ?? []) st = this.evalExpr(a, st, f);
    const prevGo = this.goStmts?.get(s);
    (this.goStmts ??= new Map()).set(s, prevGo ? prevGo.join(st.held) : st.held);
    const lit = fn?.type === 'func_literal' ? fn : this.boundFunc(fn, f)?.lit;
    if (lit) {
      // `go func() { defer b.lock.Unlock(); ... }()` with b.lock held: the goroutine takes the lock over, so what
      // it calls that needs the lock has it. Held as inherited: for contracts only, as the work it was started to
      // do under the lock is by design (minimega's RunCommands sends its results holding cmdLock).
      this.detached(lit, f, 'goroutine', this.handedToGoroutine(lit, st.held, f), st.held);
      return st;
    }
    if (fn?.type === 'selector_expression') st = this.evalExpr(child(fn, 'operand'), st, f);
    // A goroutine never inherits the caller's locks, except one handed over: see handOver.
    const site = this.recordCall(call, HeldSet.EMPTY, f, true);
    return site ? this.handOver(site, st) : st;
  }

  /**
   * What a goroutine running `lit` starts with: the locks held here (for sure) that the literal's own body unlocks
   * (or defers the Unlock of) before it locks them, if it ever does. Its goroutine owns them (sarama's Broker.Open),
   * held as inherited (see goStmt).
   */
  private handedToGoroutine(lit: SyntaxNode, held: HeldSet, f: Frame): HeldSet {
    let start = HeldSet.EMPTY;
    const body = child(lit, 'body');
    if (!body || held.size === 0) return start;
    const locked = new Set<string>();
    walk(body, (n) => {
      if (n.type === 'func_literal') return false;
      if (n.type !== 'call_expression') return true;
      const op = this.res.lockOp(n, f.scope);
      if (!op) return true;
      const key = op.ref.key;
      if (!op.method.endsWith('nlock')) locked.add(key);
      else if (!locked.has(key) && !start.get(key)) {
        const h = held.get(key);
        if (h && !h.maybe && !h.inherited) start = start.with({ ...h, inherited: true });
      }
      return true;
    });
    return start;
  }

  /**
   * `go c.resetAndUnlock()` with c.mu held, where the function releases c.mu (+checklocksrelease, or prose such as
   * "this function will guarantee it is released"): the goroutine takes the lock over (a sync.Mutex may be
   * unlocked by another goroutine than the one that locked it). It holds the lock from its start, and the
   * caller no longer does.
   */
  private handOver(site: CallSite, st: State): State {
    if (!site.callee) return st;
    let held = st.held, inGoroutine = site.held;
    for (const r of this.contracts(site.callee).releases) {
      const ref = mapToCaller(r.ref, site, this.res);
      const h = ref && st.held.get(ref.key);
      if (!ref || !h || h.maybe) continue;
      held = held.without(ref.key);
      inGoroutine = inGoroutine.with({ ...h, inherited: false });
    }
    if (held === st.held) return st;
    site.held = inGoroutine;
    return withHeld(st, held);
  }

  /**
   * Marks the defers registered from index `from` on with what the path knows of its flags: only of flags that
   * nothing assigns after their declaration (an exit's value of a reassigned one says nothing of the earlier one).
   */
  private registeredUnder(from: number, st: State): State {
    if (!st.flags || from === st.defers.length) return st;
    let when: Map<string, boolean> | undefined;
    for (const [name, v] of st.flags) if (this.fixedFlag(name)) (when ??= new Map()).set(name, v);
    if (when) for (let i = from; i < st.defers.length; i++) st.defers[i] = { ...st.defers[i], when };
    return st;
  }

  /** A flag whose value never changes once set: an optional lock's nil test, or a variable nothing assigns. */
  private fixedFlag(name: string): boolean {
    const fixed = this.conditionFlags?.isFixed(name);
    return fixed ?? neverAssigned(this.decl.node, name, this.decl.file.parsed.text);
  }

  private deferStmt(s: SyntaxNode, st: State, f: Frame): State {
    const call = s.children[0];
    if (call?.type !== 'call_expression') return st;
    const fn = child(call, 'function');
    for (const a of child(call, 'arguments')?.children ?? []) st = this.evalExpr(a, st, f);
    const bound = this.boundFunc(fn, f);
    if (fn?.type === 'func_literal' || bound?.lit) {
      st.defers.push({ kind: 'literal', lit: bound?.lit ?? fn!, node: s, args: child(call, 'arguments')?.children });
      return st;
    }
    const op = bound?.op ?? this.res.lockOp(call, f.scope);
    for (const more of bound?.more ?? []) st.defers.push({ kind: 'unlock', op: more, node: s });
    if (op && (op.method === 'Unlock' || op.method === 'RUnlock')) st.defers.push({ kind: 'unlock', op, node: s });
    else if (op && (op.method === 'Lock' || op.method === 'RLock')) st.defers.push({ kind: 'lock', op, node: s });
    else {
      if (fn?.type === 'selector_expression') st = this.evalExpr(child(fn, 'operand'), st, f);
      // `defer s.lock()()`: the function value is computed now, so s.lock() takes its lock here, and the deferred
      // call of the Unlock it returns releases it at the return (minio's `defer l.getMutex()()`).
      else if (fn?.type === 'call_expression') {
        st = this.evalExpr(fn, st, f);
        const released = this.releasedByResult(fn);
        if (released.length) {
          for (const op of released) st.defers.push({ kind: 'unlock', op, node: s });
          return st;
        }
      }
      st.defers.push({ kind: 'call', call, node: s });
    }
    return st;
  }

  private ifStmt(s: SyntaxNode, st: State, f: Frame): State {
    const init = child(s, 'initializer');
    if (init) st = this.walkStmt(init, st, f);
    const [t, e] = this.evalCond(child(s, 'condition'), st, f);
    const consequence = child(s, 'consequence');
    const thenEnd = consequence ? this.walkBlock(consequence, t, f) : t;
    const alt = child(s, 'alternative');
    const elseEnd = alt ? (alt.type === 'if_statement' ? this.walkStmt(alt, e, f) : this.walkBlock(alt, e, f)) : e;
    return joinStates([thenEnd, elseEnd]);
  }

  private forStmt(s: SyntaxNode, st: State, f: Frame, label?: string): State {
    const clause = s.children.find((c) => c.type === 'for_clause');
    const range = s.children.find((c) => c.type === 'range_clause');
    const body = child(s, 'body');
    let cond: SyntaxNode | undefined;
    let update: SyntaxNode | undefined;
    if (clause) {
      const init = child(clause, 'initializer');
      if (init) st = this.walkStmt(init, st, f);
      cond = child(clause, 'condition');
      update = child(clause, 'update');
    } else if (range) {
      st = this.evalExpr(child(range, 'right'), st, f);
      this.declareRange(range, f);
      const over = this.res.pkg.underlying(deref(this.res.typeOf(child(range, 'right'), f.scope)));
      if (over.kind === 'chan') this.recordBlocking(range, 'range over a channel', st.held, f.unit);
    } else {
      cond = s.children.find((c) => c !== body && c.field !== 'body');
    }
    const infinite = !range && !cond;
    let loopLocals: Set<string> | undefined;
    let head = st;
    let exit: State | undefined;
    const ctx: LoopCtx = { label, breaks: [], continues: [], isLoop: true, entry: st.held };
    f.loops.push(ctx);
    for (let round = 0; round < MAX_LOOP_ROUNDS; round++) {
      ctx.breaks.length = 0;
      ctx.continues.length = 0;
      const [t, e] = cond ? this.evalCond(cond, head, f) : [fork(head), fork(head)];
      exit = infinite ? undefined : e;
      let end = body ? this.walkBlock(body, t, f) : t;
      end = joinStates([end, ...ctx.continues]);
      if (update && !end.dead) end = this.walkStmt(update, end, f);
      end = withHeld(end, dropLoopLocals(end.held, loopLocals ??= declaredIn(s, this.decl.file.parsed.text), st.held));
      const next = joinStates([st, end]);
      if (next.held.equals(head.held) && sameFlags(next.flags, head.flags)) break;
      head = next;
    }
    f.loops.pop();
    return joinStates([...(exit ? [exit] : []), ...ctx.breaks]);
  }

  private declareRange(range: SyntaxNode, f: Frame): void {
    const left = child(range, 'left')?.children ?? [];
    const over = this.res.pkg.underlying(deref(this.res.typeOf(child(range, 'right'), f.scope)));
    let key: GoType = UNKNOWN, value: GoType = UNKNOWN;
    if (over.kind === 'map') { key = over.key; value = over.value; }
    else if (over.kind === 'slice') { key = { kind: 'named', name: 'int' }; value = over.elem; }
    else if (over.kind === 'chan') key = over.elem;
    if (left[0]?.type === 'identifier') f.scope.declare(this.text(left[0]), key, 'local');
    if (left[1]?.type === 'identifier') f.scope.declare(this.text(left[1]), value, 'local');
  }

  private switchStmt(s: SyntaxNode, st: State, f: Frame, label?: string): State {
    const init = child(s, 'initializer');
    if (init) st = this.walkStmt(init, st, f);
    st = this.evalExpr(child(s, 'value'), st, f);
    const ctx: LoopCtx = { label, breaks: [], continues: [], isLoop: false };
    f.loops.push(ctx);
    const ends: State[] = [];
    let hasDefault = false;
    for (const c of s.children) {
      if (c.type !== 'expression_case' && c.type !== 'type_case' && c.type !== 'default_case') continue;
      if (c.type === 'default_case') hasDefault = true;
      let cs = fork(st);
      if (c.type === 'expression_case') cs = this.evalExpr(child(c, 'value'), cs, f);
      if (c.type === 'type_case' && s.type === 'type_switch_statement') this.declareTypeSwitchAlias(s, c, f);
      const body = c.children.find((x) => x.type === 'statement_list');
      ends.push(body ? this.walkBlock(body, cs, f) : cs);
    }
    f.loops.pop();
    if (!hasDefault) ends.push(st);
    return joinStates([...ends, ...ctx.breaks]);
  }

  private declareTypeSwitchAlias(s: SyntaxNode, c: SyntaxNode, f: Frame): void {
    const alias = child(s, 'alias')?.children[0];
    const types = childrenOf(c, 'type');
    if (alias && types.length === 1) f.scope.declare(this.text(alias), typeFromSyntax(types[0], this.decl.file.parsed.text), 'local');
  }

  private selectStmt(s: SyntaxNode, st: State, f: Frame, label?: string): State {
    const ctx: LoopCtx = { label, breaks: [], continues: [], isLoop: false };
    f.loops.push(ctx);
    const ends: State[] = [];
    if (!s.children.some((c) => c.type === 'default_case')) this.recordBlocking(s, 'select without default', st.held, f.unit);
    for (const c of s.children) {
      if (c.type !== 'communication_case' && c.type !== 'default_case') continue;
      let cs = fork(st);
      const comm = child(c, 'communication');
      if (comm) {
        this.quietComm = comm;
        cs = comm.type === 'receive_statement' ? this.receive(comm, cs, f) : this.walkStmt(comm, cs, f);
        this.quietComm = undefined;
      }
      const body = c.children.find((x) => x.type === 'statement_list');
      ends.push(body ? this.walkBlock(body, cs, f) : cs);
    }
    f.loops.pop();
    // `select {}` blocks forever.
    return joinStates([...ends, ...ctx.breaks]);
  }

  private receive(comm: SyntaxNode, st: State, f: Frame): State {
    const right = child(comm, 'right');
    st = this.evalExpr(right, st, f);
    const left = child(comm, 'left')?.children ?? [];
    if (left[0]?.type === 'identifier') f.scope.declare(this.text(left[0]), this.res.typeOf(right, f.scope), 'local');
    return st;
  }

  private labeled(s: SyntaxNode, st: State, f: Frame): State {
    const label = this.text(child(s, 'label'));
    const pending = f.gotos.get(label);
    if (pending) { st = joinStates([st, ...pending]); f.gotos.delete(label); }
    // A comment between the label and its statement is a child too: `L:\n// c\nx()`.
    const inner = s.children.find((c) => c.field !== 'label' && c.type !== 'comment');
    if (!inner || st.dead) return st;
    this.recordStmt(inner, st.held);
    if (inner.type === 'for_statement') return this.forStmt(inner, st, f, label);
    if (inner.type === 'expression_switch_statement' || inner.type === 'type_switch_statement') return this.switchStmt(inner, st, f, label);
    if (inner.type === 'select_statement') return this.selectStmt(inner, st, f, label);
    return this.walkStmt(inner, st, f);
  }

  // ---- exits and defers -------------------------------------------------------------------

  private exit(st: State, f: Frame, node: SyntaxNode, kind: ExitPoint['kind']): void {
    let held = st.held;
    // A panic (or os.Exit, log.Fatal) leaves with what it holds: its deferred calls are not followed, so a deferred
    // relock on the panic path orders nothing (gVisor's pgalloc takes amflsMu then mu everywhere but there).
    const defers = kind === 'panic' ? [] : st.defers;
    for (let i = defers.length - 1; i >= 0; i--) {
      const d = defers[i];
      if (d.when && contradicts(d.when, st.flags)) continue;
      if (d.kind === 'unlock') {
        this.recordLockEvent(d.node, d.op, held, true, f.unit);
        if (!held.get(d.op.ref.key)) this.lockEvents!.get(d.node)!.absentAtExit = true;
        held = this.mirror(held.without(d.op.ref.key), d.op.ref);
      } else if (d.kind === 'lock') {
        this.recordLockEvent(d.node, d.op, held, true, f.unit);
        held = this.mirror(held.with({ ref: d.op.ref, mode: d.op.method === 'RLock' ? 'read' : 'write', maybe: false, site: d.node }), d.op.ref);
      } else if (d.kind === 'literal') {
        held = this.inlineLiteral(d.lit, { held, defers: [], dead: false, flags: st.flags }, f, 'deferred', d.args).held;
      } else {
        const name = this.text(child(d.call, 'function')).replace(/\s+/g, '');
        if (name === 'runtime.UnlockOSThread') held = held.without(OS_THREAD_KEY);
        held = this.applyCall(d.call, held, f, false);
      }
    }
    // A panic in a literal that runs in place does not come back to the code after the call either.
    if (f.unit !== 'function') { if (kind !== 'panic') f.exits.push({ held, defers: [], dead: false, flags: st.flags }); }
    else {
      // A return in a loop is reached once per round the loop takes: one exit, joined over the rounds.
      const prev = this.exitAt.get(node);
      if (prev) prev.held = prev.held.join(held);
      else { const x: ExitPoint = { node, held, kind }; this.exits.push(x); this.exitAt.set(node, x); }
    }
  }

  // ---- expressions ------------------------------------------------------------------------

  /** Evaluates an expression for its lock effects, in Go's evaluation order (operands first). */
  private evalExpr(e: SyntaxNode | undefined, st: State, f: Frame): State {
    if (!e || st.dead) return st;
    if (--this.budget < 0) return st;
    switch (e.type) {
      case 'func_literal': {
        // A literal passed to a function that calls it in place runs with the caller's locks. Passed to a
        // function that may keep it for later (time.AfterFunc), it may run with or without them. Stored or
        // returned, it starts with nothing held.
        // A callee that locks around the call (withLock(dc, func() {...})) adds its locks, in the caller's names.
        const call = e.parent?.type === 'argument_list' ? e.parent.parent : null;
        // `go serve(l, func() {...})`: the callee, and whatever it calls, runs in the new goroutine.
        if (call?.parent?.type === 'go_statement') { this.detached(e, f, 'goroutine', this.handedToGoroutine(e, st.held, f), st.held); return st; }
        const inPlace = call ? this.lockedAroundArg(call, e, f, st.held) : undefined;
        if (inPlace) this.detached(e, f, withinUnit(f.unit, 'callback'), inPlace, inPlace);
        else if (call && this.startedByCallee(call, e, f)) this.detached(e, f, 'goroutine', HeldSet.EMPTY, st.held);
        else if (call) this.detached(e, f, 'later', inheritLoosely(st.held), st.held);
        else this.detached(e, f, 'detached', HeldSet.EMPTY, st.held);
        return st;
      }
      case 'call_expression':
        return this.evalCall(e, st, f);
      case 'identifier': {
        const name = this.text(e);
        if (!f.scope.lookup(name) && this.res.pkg.vars.has(name)) {
          this.recordAccess(e, { target: name, field: name, write: this.writing, mapWrite: false }, st.held, f.unit);
        }
        return st;
      }
      case 'selector_expression': {
        const operand = child(e, 'operand');
        const wasWriting = this.writing;
        this.writing = false;
        st = this.evalExpr(operand, st, f);
        this.writing = wasWriting;
        this.fieldAccess(e, operand, st.held, f, wasWriting, false);
        return st;
      }
      case 'index_expression': {
        // `m[k] = v` writes into m: the map (or slice) is the thing written.
        const operand = child(e, 'operand');
        const wasWriting = this.writing;
        this.writing = false;
        st = this.evalExpr(child(e, 'index'), st, f);
        if (wasWriting && this.isMap(operand, f)) st = this.evalMapWrite(operand, st, f);
        else st = this.evalExpr(operand, st, f);
        this.writing = wasWriting;
        return st;
      }
      case 'unary_expression':
        st = this.evalExpr(child(e, 'operand'), st, f);
        if (e.op === '<-') this.recordBlocking(e, 'channel receive', st.held, f.unit);
        return st;
      case 'field_identifier':
      case 'int_literal':
      case 'interpreted_string_literal':
      case 'raw_string_literal':
      case 'type_identifier':
        return st;
      default:
        for (const c of e.children) st = this.evalExpr(c, st, f);
        return st;
    }
  }

  private evalCall(call: SyntaxNode, st: State, f: Frame): State {
    const fn = child(call, 'function');
    const args = child(call, 'arguments')?.children ?? [];
    const bound = this.boundFunc(fn, f);
    if (fn?.type === 'func_literal' || bound?.lit) {
      for (const a of args) st = this.evalExpr(a, st, f);
      return this.inlineLiteral(bound?.lit ?? fn!, st, f, 'inline', args);
    }
    if (bound?.op) {
      let held = this.applyLockOp(call, bound.op, st.held, false, f.unit, st.flags);
      for (const more of bound.more ?? []) held = this.applyLockOp(call, more, held, false, f.unit, st.flags);
      return withHeld(st, held);
    }
    if (fn?.type === 'selector_expression') {
      st = this.evalExpr(child(fn, 'operand'), st, f);
      // sync.Once.Do(f) runs f inline.
      if (this.text(child(fn, 'field')) === 'Do' && args.length === 1 && args[0].type === 'func_literal' && this.isOnce(child(fn, 'operand'), f)) {
        return this.inlineLiteral(args[0], st, f, 'inline');
      }
    } else if (fn && fn.type !== 'identifier') {
      st = this.evalExpr(fn, st, f);
    }
    const fnName = this.text(fn).replace(/\s+/g, '');
    if ((fnName === 'delete' || fnName === 'clear') && args[0] && !f.scope.lookup(fnName)) {
      st = this.evalMapWrite(args[0], st, f);
      for (const a of args.slice(1)) st = this.evalExpr(a, st, f);
    } else for (const a of args) st = this.evalExpr(a, st, f);
    const op = this.res.lockOp(call, f.scope);
    if (op) return withHeld(st, this.applyLockOp(call, op, st.held, false, f.unit, st.flags));
    const downgraded = this.downgrade(call, st.held, f);
    if (downgraded) return withHeld(st, downgraded);
    if (fnName === 'runtime.LockOSThread') return withHeld(st, st.held.with({ ref: osThreadRef(), mode: 'write', maybe: false, site: call }));
    if (fnName === 'runtime.UnlockOSThread') return withHeld(st, st.held.without(OS_THREAD_KEY));
    const blocking = blockingCall(call, fnName, this.res, f.scope);
    if (blocking) this.recordBlocking(call, blocking.what, st.held, f.unit, blocking.ownLock);
    if (threadStateChange(fnName) && st.held.get(OS_THREAD_KEY)) {
      const t = st.held.get(OS_THREAD_KEY)!;
      st = withHeld(st, st.held.with({ ...t, stateChangeName: fnName, stateChangeSite: call }));
    }
    return withHeld(st, this.applyCall(call, st.held, f, false, st.flags));
  }

  /**
   * When the call runs its func-literal argument before returning (sort.Slice, or a function of the workspace
   * that calls the parameter), the locks held while it runs: the caller's, and those the callee holds around
   * the call (see locksAroundParamCalls) in the caller's names. Undefined when it may run later.
   */
  private lockedAroundArg(call: SyntaxNode, arg: SyntaxNode, f: Frame, held: HeldSet): HeldSet | undefined {
    const fn = child(call, 'function');
    const name = this.text(fn).replace(/\s+/g, '');
    if (SYNC_CALLBACK_FUNCS.has(name) || /\.(Range|Do|Walk|WalkDir)$/.test(name)) return held;
    const site = resolveCall(call, this.res, f.scope, HeldSet.EMPTY, false, f.unit);
    const callee = site?.callee;
    if (!site || !callee?.body) return undefined;
    const index = (child(call, 'arguments')?.children ?? []).indexOf(arg);
    const param = callee.params[index]?.name;
    if (!param) return undefined;
    const locks = parseParamCalls(this.paramCalls(callee) ?? directlyCalledParams(callee)).get(param);
    if (!locks) return undefined;
    let out = held;
    for (const l of locks) {
      const [root, ...path] = l.path;
      const at = callee.params.findIndex((p) => p.name === root);
      const rootKind = root === callee.recvName ? 'receiver' : at >= 0 ? 'param' : undefined;
      if (!rootKind) continue;
      // `withLock(rs.closemu.RLocker(), ...)`: the Locker that RLocker returns read-locks rs.closemu.
      const readLocker = rootKind === 'param' && path.length === 0 ? this.rLockerOperand(call, at) : undefined;
      const own: Ref = { key: l.path.join('.'), display: l.path.join('.'), rootKind, root, path, exact: true, type: UNKNOWN, clsPath: [] };
      const ref = readLocker ? this.res.refOf(readLocker, f.scope) : mapToCaller(own, site, this.res);
      if (ref && !out.get(ref.key)) out = out.with({ ref, mode: readLocker ? 'read' : l.mode, maybe: false, site: call });
    }
    return out;
  }

  /** Whether the call passes `arg` to a parameter that the callee (of this workspace) only starts as a goroutine: `go f()`. */
  private startedByCallee(call: SyntaxNode, arg: SyntaxNode, f: Frame): boolean {
    const callee = resolveCall(call, this.res, f.scope, HeldSet.EMPTY, false, f.unit)?.callee;
    const param = callee?.params[(child(call, 'arguments')?.children ?? []).indexOf(arg)]?.name;
    if (!callee || !param) return false;
    const written = this.paramCalls(callee) ?? directlyCalledParams(callee);
    const started = written.split('|go:')[1];
    return !!started && started.split(',').includes(param);
  }

  /** `x.RLocker()` as the call's argument at `index`: x. */
  private rLockerOperand(call: SyntaxNode, index: number): SyntaxNode | undefined {
    const arg = (child(call, 'arguments')?.children ?? [])[index];
    const fn = arg?.type === 'call_expression' ? child(arg, 'function') : undefined;
    if (fn?.type !== 'selector_expression' || this.text(child(fn, 'field')) !== 'RLocker') return undefined;
    return child(fn, 'operand');
  }

  private isMap(n: SyntaxNode | undefined, f: Frame): boolean {
    return this.res.pkg.underlying(deref(this.res.typeOf(n, f.scope))).kind === 'map';
  }

  /** A write into the map that `target` denotes (a global or a field). */
  private evalMapWrite(target: SyntaxNode | undefined, st: State, f: Frame): State {
    if (!target) return st;
    if (target.type === 'identifier') {
      const name = this.text(target);
      if (!f.scope.lookup(name) && this.res.pkg.vars.has(name)) this.recordAccess(target, { target: name, field: name, write: true, mapWrite: true }, st.held, f.unit);
      return st;
    }
    if (target.type === 'selector_expression') {
      const operand = child(target, 'operand');
      st = this.evalExpr(operand, st, f);
      this.fieldAccess(target, operand, st.held, f, true, true);
      return st;
    }
    return this.evalExpr(target, st, f);
  }

  /** Records `x.f` when f is a field of a struct type of this package. */
  private fieldAccess(e: SyntaxNode, operand: SyntaxNode | undefined, held: HeldSet, f: Frame, write: boolean, mapWrite: boolean): void {
    const field = this.text(child(e, 'field'));
    if (!operand || !field) return;
    if (operand.type === 'identifier' && this.res.isPackageName(this.text(operand), f.scope)) {
      // Another workspace package's variable (`store.Count`): its guard is declared there (see foreignTarget).
      const g = this.res.refOf(e, f.scope);
      if (g?.rootKind === 'global' && g.clsHome) this.recordAccess(e, { target: foreignTarget(g.clsHome.dir, g.clsHome.pkg, field), field: this.text(e), write, mapWrite }, held, f.unit);
      return;
    }
    const base = this.res.refOf(operand, f.scope);
    if (!base) return;
    const steps = this.res.pkg.findField(base.type, field);
    const last = steps?.[steps.length - 1];
    const owner = last && deref(last.owner);
    // A field of an anonymous struct is named by where the struct is declared: `Server.stats.n`, or `counters.n`
    // for `var counters struct{ ... }`.
    const ownerName = owner?.kind === 'named' ? owner.name : owner?.kind === 'struct' && steps!.length === 1 ? this.anonymousOwner(operand, f) : undefined;
    if (!last || !ownerName) return;
    // For a promoted field (s.balance through an embedded Account), the base is s.Account, where its guard lives.
    const declaring = steps!.slice(0, -1).reduce((r, s) => this.res.appendField(r, s.name), base);
    const home = owner?.kind === 'named' ? this.res.pkg.declaring(owner) : undefined;
    const target = home && home !== this.res.pkg ? foreignTarget(home.dir, home.name, `${ownerName}.${field}`) : `${ownerName}.${field}`;
    this.recordAccess(e, { base: declaring, target, field, write, mapWrite }, held, f.unit);
  }

  /**
   * The name of the anonymous struct that `e` denotes, by its declaration: a package-level variable (`counters`),
   * or a field of a named struct or of another such struct (`Server.stats`); undefined for any other value.
   */
  private anonymousOwner(e: SyntaxNode | undefined, f: Frame): string | undefined {
    if (!e) return undefined;
    if (e.type === 'parenthesized_expression') return this.anonymousOwner(e.children[0], f);
    if (e.type === 'unary_expression' && e.op === '*') return this.anonymousOwner(child(e, 'operand'), f);
    if (e.type === 'identifier') {
      const name = this.text(e);
      return !f.scope.lookup(name) && this.res.pkg.vars.has(name) ? name : undefined;
    }
    if (e.type !== 'selector_expression') return undefined;
    const operand = child(e, 'operand');
    const field = this.text(child(e, 'field'));
    const t = deref(this.res.typeOf(operand, f.scope));
    if (!operand || !field || this.res.pkg.findField(t, field)?.length !== 1) return undefined;
    if (t.kind === 'named') return `${t.name}.${field}`;
    const outer = t.kind === 'struct' ? this.anonymousOwner(operand, f) : undefined;
    return outer && `${outer}.${field}`;
  }

  private isOnce(operand: SyntaxNode | undefined, f: Frame): boolean {
    const t = deref(this.res.typeOf(operand, f.scope));
    return t.kind === 'unknown' || (t.kind === 'named' && t.pkg === 'sync' && t.name === 'Once');
  }

  private applyLockOp(node: SyntaxNode, op: LockOp, held: HeldSet, deferred: boolean, unit: UnitKind, flags?: Flags): HeldSet {
    this.recordLockEvent(node, op, held, deferred, unit, flags);
    return this.mirror(this.afterLockOp(node, op, held), op.ref);
  }

  private afterLockOp(node: SyntaxNode, op: LockOp, held: HeldSet): HeldSet {
    switch (op.method) {
      case 'Lock': return held.with({ ref: op.ref, mode: 'write', maybe: false, site: node });
      case 'RLock': return held.with({ ref: op.ref, mode: 'read', maybe: false, site: node });
      case 'Unlock':
      case 'RUnlock': return held.without(op.ref.key);
      default:
        // A TryLock whose result is not tested: the lock may or may not be held afterwards.
        return held.get(op.ref.key) ? held : held.with({ ref: op.ref, mode: op.method === 'TryRLock' ? 'read' : 'write', maybe: true, site: node });
    }
  }

  /** Records a call and applies the callee's acquire/release contract. */
  private applyCall(call: SyntaxNode, held: HeldSet, f: Frame, viaGo: boolean, flags?: Flags): HeldSet {
    const site = this.recordCall(call, held, f, viaGo, flags);
    if (!site?.callee) return held;
    const c = this.contracts(site.callee);
    for (const r of c.releases) {
      const ref = mapToCaller(r.ref, site, this.res);
      if (ref) held = this.mirror(held.without(ref.key), ref);
    }
    for (const a of c.acquires) {
      const ref = mapToCaller(a.ref, site, this.res);
      if (ref) held = this.mirror(held.with({ ref, mode: a.mode, maybe: false, site: call }), ref);
    }
    return held;
  }

  private recordCall(call: SyntaxNode, held: HeldSet, f: Frame, viaGo: boolean, flags?: Flags): CallSite | undefined {
    const prev = this.calls.get(call);
    if (prev) { prev.held = prev.held.join(held); if (prev.flags) prev.flags = joinFlags([prev.flags, flags]); return prev; }
    const site = resolveCall(call, this.res, f.scope, held, viaGo, f.unit);
    if (site) this.calls.set(call, flags ? Object.assign(site, { flags }) : site);
    return site;
  }

  private recordLockEvent(node: SyntaxNode, op: LockOp, held: HeldSet, deferred: boolean, unit: UnitKind, flags?: Flags): void {
    const prev = this.lockEvents?.get(node);
    if (prev) { prev.held = prev.held.join(held); if (prev.flags) prev.flags = joinFlags([prev.flags, flags]); }
    else (this.lockEvents ??= new Map()).set(node, { node, op, held, deferred, unit, ...(flags ? { flags } : {}) });
  }

  private isNoReturn(call: SyntaxNode): boolean {
    const name = this.text(child(call, 'function'));
    return name === 'panic' || NO_RETURN_CALLS.has(name);
  }

  // ---- conditions -------------------------------------------------------------------------

  /** Evaluates a condition into the states where it is true and where it is false (for TryLock). */
  private evalCond(e: SyntaxNode | undefined, st: State, f: Frame): [State, State] {
    if (!e) return [st, fork(st)];
    if (e.type === 'parenthesized_expression') return this.evalCond(e.children[0], st, f);
    if (e.type === 'unary_expression' && e.op === '!') {
      const [t, fl] = this.evalCond(child(e, 'operand'), st, f);
      return [fl, t];
    }
    if (e.type === 'binary_expression' && (e.op === '&&' || e.op === '||')) {
      const [t1, f1] = this.evalCond(child(e, 'left'), st, f);
      if (e.op === '&&') {
        const [t2, f2] = this.evalCond(child(e, 'right'), t1, f);
        return [t2, joinStates([f1, f2])];
      }
      const [t2, f2] = this.evalCond(child(e, 'right'), f1, f);
      return [joinStates([t1, t2]), f2];
    }
    if (e.type === 'identifier' && this.isTracked(this.text(e), e)) {
      const name = this.text(e);
      const known = st.flags?.get(name);
      // A value this path knows decides the branch; otherwise each side learns it, and its guarded locks follow.
      if (known !== undefined) {
        const live = withHeld(st, st.held.assuming(name, known));
        return known ? [live, dead(fork(st))] : [dead(fork(st)), live];
      }
      const side = (v: boolean): State => {
        let out: State = { held: st.held.assuming(name, v), defers: [...st.defers], dead: st.dead, flags: withFlag(st.flags, name, v) };
        // `direct := ok && lock`: where direct is true, so is lock (see impliedFlags).
        for (const [p, pv] of impliedFlags(this.decl, name, v)) {
          if (!this.isTracked(p)) continue;
          if (out.flags?.get(p) === !pv) return dead(out);
          out = { ...out, held: out.held.assuming(p, pv), flags: withFlag(out.flags, p, pv) };
        }
        return out;
      };
      return [side(true), side(false)];
    }
    const optional = (this.conditionFlags ??= new ConditionFlags(this.decl, (name, at) => this.isTracked(name, at))).flagOf(e);
    if (optional) {
      const known = st.flags?.get(optional.name);
      if (known !== undefined) {
        const live = withHeld(st, st.held.assuming(optional.name, known));
        return known === optional.whenTrue ? [live, dead(fork(st))] : [dead(fork(st)), live];
      }
      const side = (v: boolean): State => ({ held: st.held.assuming(optional.name, v), defers: [...st.defers], dead: st.dead, flags: withFlag(st.flags, optional.name, v) });
      return [side(optional.whenTrue), side(!optional.whenTrue)];
    }
    if (e.type === 'binary_expression' && (e.op === '!=' || e.op === '==')) {
      // `if err := l.Lock(); err != nil { return err }`: a Lock that returns an error took nothing where it failed.
      const failed = this.failedLock(e, f);
      if (failed) {
        const after = this.evalExpr(e, st, f);
        const without = withHeld(fork(after), after.held.without(failed.key));
        return e.op === '!=' ? [without, fork(after)] : [fork(after), without];
      }
    }
    if (e.type === 'call_expression') {
      const op = this.res.lockOp(e, f.scope);
      if (op && (op.method === 'TryLock' || op.method === 'TryRLock')) {
        this.recordLockEvent(e, op, st.held, false, f.unit, st.flags);
        const mode: LockMode = op.method === 'TryRLock' ? 'read' : 'write';
        return [withHeld(fork(st), this.mirror(st.held.with({ ref: op.ref, mode, maybe: false, site: e }), op.ref)), fork(st)];
      }
    }
    const after = this.evalExpr(e, st, f);
    return [after, fork(this.unlessTried(e, st, after))];
  }

  /**
   * The lock whose Lock call's error result the comparison tests against nil: `l.Lock() != nil`, or `err != nil`
   * in an if whose initializer is `err := l.Lock()` (tailscale's policy store lock, `Lock() error`). sync's Lock
   * returns nothing: a Lock with a result is another kind of lock, held only where it succeeded.
   */
  private failedLock(e: SyntaxNode, f: Frame): Ref | undefined {
    const [l, r] = [child(e, 'left'), child(e, 'right')];
    const other = l && this.text(l) === 'nil' ? r : r && this.text(r) === 'nil' ? l : undefined;
    const lockOf = (call: SyntaxNode | undefined) => {
      const op = call?.type === 'call_expression' ? this.res.lockOp(call, f.scope) : undefined;
      return op && (op.method === 'Lock' || op.method === 'RLock') ? op.ref : undefined;
    };
    if (other?.type === 'call_expression') return lockOf(other);
    if (other?.type !== 'identifier' || e.parent?.type !== 'if_statement' || e.field !== 'condition') return undefined;
    const init = child(e.parent, 'initializer');
    if (init?.type !== 'short_var_declaration' && init?.type !== 'assignment_statement') return undefined;
    const left = child(init, 'left')?.children.filter((c) => c.type === 'identifier') ?? [];
    const right = child(init, 'right')?.children.filter((c) => c.type !== ',' && c.type !== 'comment') ?? [];
    const i = left.findIndex((id) => this.text(id) === this.text(other));
    return i >= 0 ? lockOf(right.length === left.length ? right[i] : right[0]) : undefined;
  }

  /**
   * `m.mu.DowngradeLock()` (gVisor's sync.RWMutex and its generated mutexes): the write lock held becomes a read
   * lock, which the matching RUnlock releases. Undefined when the call is no such downgrade of a held lock.
   */
  private downgrade(call: SyntaxNode, held: HeldSet, f: Frame): HeldSet | undefined {
    const fn = child(call, 'function');
    if (fn?.type !== 'selector_expression' || this.text(child(fn, 'field')) !== 'DowngradeLock' || (child(call, 'arguments')?.children.length ?? 0) > 0) return undefined;
    const ref = this.res.lockMethodValue(fn, f.scope, 'Unlock')?.ref;
    const h = ref && held.get(ref.key);
    return h && h.mode === 'write' ? this.mirror(held.with({ ...h, mode: 'read' }), h.ref) : undefined;
  }

  /**
   * A call of a function that returns only a bool and acquires locks (`if !ep.TryLock() { return }`, with
   * `TryLock() bool` annotated +checklocksacquire:e.mu): like TryLock, where it returns false it took nothing.
   * Only for a name that says so (Try…): `lockAndCheck() bool` may hold the lock either way.
   * The state where the condition is false: the acquired locks as they were before the call.
   */
  private unlessTried(e: SyntaxNode, before: State, after: State): State {
    const site = e.type === 'call_expression' ? this.calls.get(e) : undefined;
    const callee = site?.callee;
    if (!site || !callee || !/^try/i.test(callee.name) || callee.results.length !== 1 || callee.results[0].kind !== 'named' || callee.results[0].name !== 'bool') return after;
    let held = after.held;
    for (const a of this.contracts(callee).acquires) {
      const ref = mapToCaller(a.ref, site, this.res);
      const was = ref && before.held.get(ref.key);
      if (ref) held = was ? held.with(was) : held.without(ref.key);
    }
    return held === after.held ? after : withHeld(after, held);
  }

  // ---- func literals ----------------------------------------------------------------------

  private literalScope(lit: SyntaxNode, outer: Scope): Scope {
    const scope = new Scope(outer);
    for (const p of paramsOf(child(lit, 'parameters'), this.decl.file.parsed.text)) scope.declare(p.name, p.type, 'param');
    return scope;
  }

  /** A literal that runs right here, in the caller's held set; returns the state after it. */
  /** `args`: the call's arguments, whose constant booleans the literal's parameters start with (`sendCmd(cmd, false)`). */
  private inlineLiteral(lit: SyntaxNode, st: State, outer: Frame, unit: UnitKind, args?: SyntaxNode[]): State {
    const f = this.newFrame(withinUnit(outer.unit, unit), this.literalScope(lit, outer.scope));
    const body = child(lit, 'body');
    let flags = st.flags;
    const params = paramsOf(child(lit, 'parameters'), this.decl.file.parsed.text);
    params.forEach((p, i) => {
      if (this.isTracked(p.name)) flags = withFlag(flags, p.name, boolLiteral(args?.[i], this.decl.file.parsed.text));
    });
    const end = body ? this.walkBlock(body, { held: st.held, defers: [], dead: false, flags }, f) : st;
    if (!end.dead) this.exit(end, f, lit, 'end');
    let after = joinStates(f.exits);
    // A lock guarded by the literal's own parameter is only maybe held once the literal returns.
    for (const p of params) after = withHeld(after, after.held.unguarded(p.name));
    // No literal assigns a tracked variable of its function (see trackableFlags): the caller's values still hold.
    return { held: after.dead ? st.held : after.held, defers: st.defers, dead: st.dead, flags: st.flags };
  }

  /** A literal that runs elsewhere (goroutine, stored, callback): walked on its own. */
  private detached(lit: SyntaxNode, outer: Frame, unit: UnitKind, held: HeldSet, outerHeld: HeldSet): void {
    const prev = this.literals?.get(lit);
    (this.literals ??= new Map()).set(lit, { unit, startHeld: prev ? prev.startHeld.join(outerHeld) : outerHeld });
    const f = this.newFrame(unit, this.literalScope(lit, outer.scope));
    const body = child(lit, 'body');
    if (!body) return;
    const end = this.walkBlock(body, { held, defers: [], dead: false, flags: undefined }, f);
    if (!end.dead) this.exit(end, f, lit, 'end');
  }
}

/**
 * The unit of a literal that runs in place (inline, deferred, callback) inside `outer`: inside a body that runs
 * elsewhere (a goroutine's), it runs there too, not as part of the function.
 */
function withinUnit(outer: UnitKind, unit: UnitKind): UnitKind {
  return outer === 'goroutine' || outer === 'detached' || outer === 'later' ? outer : unit;
}

/** Standard-library functions that call their func argument before they return. */
const SYNC_CALLBACK_FUNCS = new Set(['sort.Slice', 'sort.SliceStable', 'sort.Search', 'sort.Find', 'slices.SortFunc', 'slices.SortStableFunc', 'slices.IndexFunc',
  'slices.ContainsFunc', 'slices.DeleteFunc', 'slices.BinarySearchFunc', 'strings.Map', 'strings.FieldsFunc', 'strings.IndexFunc', 'strings.TrimFunc',
  'bytes.Map', 'filepath.Walk', 'filepath.WalkDir', 'fs.WalkDir']);

/**
 * The parameters that a function calls itself, in its own body (not in a goroutine or a func literal), each with
 * the locks its body holds around that call (see locksAroundParamCalls): what a caller's flow reads of it, to
 * tell a callback run in place from one run later, and what the callback runs under; then, after `|go:`, the
 * parameters that it only ever starts as goroutines (see startsOnlyAsGoroutine). Written as text
 * (`fn[lk;s.mu/r],g|go:h`), the form in which it is kept and compared (see PackageAnalysis): a caller reads
 * it even where the callee's body is no longer kept.
 */
export function directlyCalledParams(fn: FuncDecl): string {
  if (!fn.body || fn.params.length === 0) return '';
  const text = fn.file.parsed.text;
  const called = directCallees(fn.body, text);
  const names = fn.params.filter((p) => p.name !== '_' && called.has(p.name)).map((p) => p.name);
  const started = goroutineParams(fn.body, new Set(fn.params.map((p) => p.name).filter((n) => n !== '_')), text);
  const goPart = started.length ? `|go:${started.join(',')}` : '';
  if (names.length === 0) return goPart;
  const locks = locksAroundParamCalls(fn.body, text, new Set(names));
  return names.map((n) => (locks.get(n)?.length ? `${n}[${locks.get(n)!.join(';')}]` : n)).join(',') + goPart;
}

/** A directlyCalledParams text read back: each parameter called in place, with the locks held around the call. */
export function parseParamCalls(written: string): Map<string, { path: string[]; mode: LockMode }[]> {
  const out = new Map<string, { path: string[]; mode: LockMode }[]>();
  for (const m of written.split('|')[0].matchAll(/(\w+)(?:\[([^\]]*)\])?/g)) {
    const locks = (m[2] ?? '').split(';').filter(Boolean).map((l) => {
      const [name, mode] = l.split('/');
      return { path: name.split('.'), mode: mode === 'r' ? 'read' as const : 'write' as const };
    });
    out.set(m[1], locks);
  }
  return out;
}

const CALL_STMTS = new Set(['expression_statement', 'assignment_statement', 'short_var_declaration', 'return_statement']);
const LOCK_STMT = /^([A-Za-z_][\w.]*)\.(R?Lock|R?Unlock)\(\)$/;

/**
 * The locks a body holds at its first plain call of each of `params`, read from its top-level statements in
 * order, as a withLock helper writes them: `lk.Lock()`, `defer lk.Unlock()`, `fn()`. A lock that a nested
 * statement before the call unlocks anywhere, or that is unlocked before it, is not counted.
 */
function locksAroundParamCalls(body: SyntaxNode, text: string, params: Set<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const list = body.children.find((c) => c.type === 'statement_list');
  let held: string[] = [];
  for (const stmt of list?.children ?? []) {
    if (out.size === params.size) break;
    const written = text.slice(stmt.start, stmt.end).replace(/\s+/g, '');
    const lock = stmt.type === 'expression_statement' ? LOCK_STMT.exec(written) : null;
    if (lock) {
      const name = `${lock[1]}${lock[2] === 'RLock' || lock[2] === 'RUnlock' ? '/r' : ''}`;
      held = held.filter((h) => h !== name);
      if (!lock[2].endsWith('Unlock')) held.push(name);
      continue;
    }
    // `fn()`, `err = fn()`, `v := fn(x)`, `return fn()`.
    const call = CALL_STMTS.has(stmt.type) ? /^(?:return|[\w,]+:?=)?(\w+)\(/.exec(written) : null;
    if (call && params.has(call[1]) && !out.has(call[1])) { out.set(call[1], held.slice()); continue; }
    if (stmt.type === 'defer_statement' || stmt.type === 'comment') continue;
    // Anything else may unlock on some path: keep only the locks it never unlocks.
    held = held.filter((h) => !written.includes(`${h.replace('/r', '')}.${h.endsWith('/r') ? 'R' : ''}Unlock(`));
  }
  return out;
}

/** The plain names that a body calls itself (`f(x)`), outside goroutines and func literals. */
function directCallees(body: SyntaxNode, text: string): Set<string> {
  const out = new Set<string>();
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'go_statement' || n.type === 'func_literal') continue;
    if (n.type === 'call_expression') {
      const fn = n.children.find((c) => c.field === 'function');
      if (fn?.type === 'identifier') out.add(text.slice(fn.start, fn.end));
    }
    appendAll(stack, n.children);
  }
  return out;
}

/** The parameters that `body` uses, and only as `go param(...)` or as a call inside `go func() { ... }()`. */
function goroutineParams(body: SyntaxNode, params: Set<string>, text: string): string[] {
  const started = new Set<string>(), other = new Set<string>();
  let anyGo = false;
  const stack = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'go_statement') anyGo = true;
    else if (n.type === 'identifier' && params.has(text.slice(n.start, n.end))) {
      const call = n.field === 'function' ? n.parent : null;
      (call?.type === 'call_expression' && inGoroutine(call) ? started : other).add(text.slice(n.start, n.end));
    }
    appendAll(stack, n.children);
  }
  return anyGo ? [...started].filter((p) => !other.has(p)) : [];
}

function inGoroutine(call: SyntaxNode): boolean {
  if (call.parent?.type === 'go_statement') return true;
  let lit: SyntaxNode | null = call.parent;
  while (lit && lit.type !== 'func_literal') lit = lit.parent;
  const started = lit?.field === 'function' ? lit.parent : null;
  return started?.type === 'call_expression' && started.parent?.type === 'go_statement';
}

/** Whether every use of `name` in `root` but its declaration `decl` is the callee of a call. */
function onlyCalled(root: SyntaxNode, name: string, decl: SyntaxNode, text: string): boolean {
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier' && n !== decl && text.slice(n.start, n.end) === name) {
      const call = n.field === 'function' ? n.parent : null;
      if (call?.type !== 'call_expression') return false;
    }
    appendAll(stack, n.children);
  }
  return true;
}

/** Whether every use of `name` but its declaration calls one of `methods` on it (`g.Unlock()`, `defer g.RUnlock()`). */
function onlyMethodsCalled(root: SyntaxNode, name: string, decl: SyntaxNode, methods: readonly string[], text: string): boolean {
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier' && n !== decl && text.slice(n.start, n.end) === name) {
      const sel = n.field === 'operand' ? n.parent : null;
      const field = sel?.type === 'selector_expression' ? sel.children.find((c) => c.field === 'field') : undefined;
      if (!field || !methods.includes(text.slice(field.start, field.end)) || sel!.field !== 'function' || sel!.parent?.type !== 'call_expression') return false;
    }
    appendAll(stack, n.children);
  }
  return true;
}

/** Names declared inside a loop (range variables, := and var in its body): a new variable each round. */
function declaredIn(loop: SyntaxNode, text: string): Set<string> {
  const out = new Set<string>();
  const stack = [...loop.children];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'func_literal') continue;
    if (n.type === 'short_var_declaration' || n.type === 'range_clause') {
      for (const id of child(n, 'left')?.children ?? []) if (id.type === 'identifier') out.add(text.slice(id.start, id.end));
    }
    if (n.type === 'var_spec') for (const id of childrenOf(n, 'name')) out.add(text.slice(id.start, id.end));
    appendAll(stack, n.children);
  }
  return out;
}

/** A lock on a variable of this round (`it.mu` for `range items`) is not the next round's lock. */
function dropLoopLocals(held: HeldSet, locals: Set<string>, entry: HeldSet): HeldSet {
  let out = held;
  // A lock held before the loop began is of a variable from outside it that a loop variable of the same name
  // hides (`var acc` in a closure's loop, called while the caller's acc.mu is held).
  for (const h of held.all()) if (h.ref.rootKind === 'local' && locals.has(h.ref.root) && !entry.get(h.ref.key)) out = out.without(h.ref.key);
  return out;
}

/** The caller's locks as seen by a callback that may run later: maybe held, and marked as inherited. */
function inheritLoosely(held: HeldSet): HeldSet {
  let out = HeldSet.EMPTY;
  for (const h of held.all()) out = out.with({ ...h, maybe: true, inherited: true });
  return out;
}

/** The map of the many flows that have no entries of a kind: one map, which nothing writes after a flow is made. */
export const NO_ENTRIES = new Map<never, never>();

function valuesOf<K, V>(m: Map<K, V> | undefined): V[] {
  return m ? [...m.values()] : [];
}

/** The state with another held set. (A literal, not a spread: states are made for every call, and a spread copy is slow and of another shape.) */
function withHeld(st: State, held: HeldSet): State {
  return { held, defers: st.defers, dead: st.dead, flags: st.flags };
}

function fork(st: State): State {
  return { held: st.held, defers: [...st.defers], dead: st.dead, flags: st.flags };
}

function dead(st: State): State {
  return { held: st.held, defers: st.defers, dead: true, flags: st.flags };
}

function joinStates(states: State[]): State {
  const live = states.filter((s) => !s.dead);
  if (live.length === 0) return { held: states[0]?.held ?? HeldSet.EMPTY, defers: states[0]?.defers ?? [], dead: true, flags: states[0]?.flags };
  let held = live[0].held;
  let defers = live[0].defers;
  for (const s of live.slice(1)) {
    held = held.join(s.held);
    if (s.defers.length > defers.length) defers = s.defers;
  }
  if (live.length > 1 && live.some((s) => s.flags)) held = guardJoined(held, live);
  return { held, defers: [...defers], dead: false, flags: joinFlags(live.map((s) => s.flags)) };
}

/**
 * Whether every return of a body (outside func literals) hands back the receiver `recv` itself, or a composite
 * literal whose only element is it (`&Handle{c}`, a handle that embeds the receiver's type), and there is one.
 */
function returnsReceiver(body: SyntaxNode, recv: string, text: string): boolean {
  let returns = 0, other = false;
  const visit = (n: SyntaxNode): void => {
    if (other || n.type === 'func_literal') return;
    if (n.type === 'return_statement') {
      returns++;
      const values = n.children.find((c) => c.type === 'expression_list')?.children.filter((c) => c.type !== 'comment' && c.type !== ',') ?? [];
      if (values.length !== 1 || !isReceiverOrHandle(values[0], recv, text)) other = true;
      return;
    }
    for (const c of n.children) visit(c);
  };
  visit(body);
  return returns > 0 && !other;
}

function isReceiverOrHandle(e: SyntaxNode, recv: string, text: string): boolean {
  if (e.type === 'identifier') return text.slice(e.start, e.end) === recv;
  const lit = e.type === 'unary_expression' && text[e.start] === '&' ? e.children.find((c) => c.field === 'operand') : e;
  if (lit?.type !== 'composite_literal') return false;
  const elements = lit.children.find((c) => c.field === 'body')?.children.filter((c) => c.type === 'literal_element' || c.type === 'keyed_element') ?? [];
  return elements.length === 1 && elements[0].type === 'literal_element' && text.slice(elements[0].start, elements[0].end).trim() === recv;
}
