/**
 * The walk of one function body in evaluation order: the held set before every statement and lock
 * operation, with branches forked and merged, loops to a fixpoint, try/catch/finally (a return, break
 * or continue runs the finally blocks it leaves; an exception goes to the innermost catch, or through
 * the finally blocks out of the function), and callbacks walked where they run:
 *
 * - `await m.runExclusive(cb)`: cb holds m and everything held around the call (the caller is suspended);
 *   without await, cb holds m only.
 * - `setTimeout`, `setInterval`, `setImmediate`, `queueMicrotask`, `process.nextTick`, event handlers
 *   (`on`, `once`, `addEventListener`, ...) and the callbacks of a promise nobody awaits start with
 *   nothing held.
 * - `forEach`, `map` and the like, `new Promise(executor)` and an immediately called function run inline.
 * - A callback given to anything else inherits the held set, for contracts only (it may run later).
 *
 * Code after an `await` inside a held region still holds the lock: an await suspends the function, it
 * does not release anything.
 */
import { ts } from 'ts-morph';
import type { DiscoveredFunction } from './functions';
import { isFunctionLike } from './functions';
import {
  type CallFact, type Held, type LockOp, type LockRef, LockState, type PathRef, type TsFunction, type UnitKind, join,
} from './model';
import type { LockHelpers } from './lock-helpers';
import { type LockResolver, oneLine, type Scope, unwrap } from './resolve';

/** Callback-taking functions whose callbacks run later, with nothing held. */
const DEFERRING_FUNCTIONS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'nextTick', 'requestAnimationFrame', 'requestIdleCallback']);
const EVENT_METHODS = new Set(['on', 'once', 'addListener', 'addEventListener', 'prependListener', 'prependOnceListener', 'subscribe']);
/** Array methods that run their callback before they return. */
const INLINE_METHODS = new Set(['forEach', 'map', 'filter', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'reduce', 'reduceRight', 'flatMap', 'sort', 'toSorted']);
const PROMISE_COMBINATORS = new Set(['all', 'allSettled', 'race', 'any']);
const LOCK_METHODS = new Set(['acquire', 'runExclusive', 'waitForUnlock', 'release', 'isLocked', 'cancel', 'getValue', 'setValue']);
/**
 * Calls assumed not to throw (so that a log line inside a critical section does not ask for a finally): the
 * console, a logger's levels (`logger.error(...)`, `this.log.info(...)`, `this.logger.warn(...)`), Math, Date.now.
 */
export const NO_THROW = /^console\.|^Math\.|^Date\.now$|^Number\.|^String\(|^Boolean\(|(^|\.)(_?log|_?logger|\w+Logger)\.(trace|debug|info|warn|warning|error|fatal|log|verbose|silly)$/i;

export interface Env {
  resolver: LockResolver;
  /** Functions that return the releaser of a lock they take: their callers acquire it. */
  helpers: LockHelpers;
  checker: ts.TypeChecker;
  /** The function id that a callee's declaration node belongs to. */
  functionOf(decl: ts.Node): string | undefined;
  /** Whether a function-like node is a discovered function of its own (walked separately). */
  isDiscovered(fn: ts.Node): boolean;
  /** The `// LOCK:` comments annotating the statement that starts at `stmt`. */
  annotations(stmt: ts.Node): number[];
}

interface Flags { awaited?: boolean; returned?: boolean }

interface Frame {
  kind: 'loop' | 'switch' | 'label' | 'try';
  label?: string;
  breaks: LockState[];
  continues: LockState[];
  entry?: LockState;
  finallyBlock?: ts.Block;
  catches?: boolean;
  throws: LockState[];
}

interface Releaser { ref: LockRef; name: string; called: boolean; escaped: boolean }

/** What the walkers of one function share: its facts, releaser variables, and the statement states. */
class FunctionContext {
  readonly releasers = new Map<string, Releaser>();
  readonly statements = new Map<number, [number, number, LockState]>();
  private nextUnit = 0;
  constructor(readonly env: Env, readonly fact: TsFunction, readonly scope: Scope, readonly text: string) {}
  unitId(): number { return this.nextUnit++; }
}

export function walkFunction(d: DiscoveredFunction, fact: TsFunction, env: Env): void {
  const sf = d.fn.getSourceFile();
  const ctx = new FunctionContext(env, fact, { owner: ts.isSourceFile(d.fn) ? undefined : d.fn, sourceFile: sf }, sf.text);
  let entry = LockState.EMPTY;
  for (const r of fact.declared) entry = entry.with({ ref: r.ref, site: fact.nameStart, siteEnd: fact.nameEnd, fromContract: true });
  const w = new Walker(ctx, 'function', entry, isAsync(d.fn));
  if (ts.isSourceFile(d.fn)) {
    const end = w.statements(d.fn.statements.filter((s) => !ts.isFunctionDeclaration(s) && !ts.isClassDeclaration(s) && !ts.isInterfaceDeclaration(s) && !ts.isTypeAliasDeclaration(s)), entry);
    if (end) fact.exits.push({ kind: 'end', start: d.fn.end, end: d.fn.end, held: end, unit: 'function', unitId: w.id });
  } else w.body(d.fn);
  for (const [key, r] of ctx.releasers) {
    if (r.escaped) fact.handedOff.add(r.ref.key);
    else if (!r.called) fact.unusedReleasers.set(r.ref.key, r.name || key);
  }
  fact.statements = [...ctx.statements.values()];
}

function isAsync(fn: ts.Node): boolean {
  return !ts.isSourceFile(fn) && (ts.getCombinedModifierFlags(fn as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
}

class Walker {
  private readonly frames: Frame[] = [];
  readonly id: number;
  /** Memo of finally blocks run for exceptions: node start + state signature → the state after. */
  private readonly finallyMemo = new Map<string, LockState | null>();

  constructor(private readonly ctx: FunctionContext, private readonly unit: UnitKind, private readonly entry: LockState, private readonly async: boolean, id?: number) {
    this.id = id ?? ctx.unitId();
  }

  private get fact(): TsFunction { return this.ctx.fact; }
  private get env(): Env { return this.ctx.env; }

  body(fn: ts.FunctionLikeDeclaration): void {
    const b = fn.body;
    if (!b) return;
    if (ts.isBlock(b)) {
      const end = this.statements(b.statements, this.entry);
      if (end) this.fact.exits.push({ kind: 'end', start: Math.max(b.end - 1, b.pos), end: b.end, held: end, unit: this.unit, unitId: this.id });
    } else {
      this.record(b, this.entry);
      const s = this.expr(b, this.entry, { awaited: this.async, returned: true });
      this.fact.exits.push({ kind: 'end', start: b.getStart(), end: b.end, held: s, unit: this.unit, unitId: this.id });
    }
  }

  statements(list: readonly ts.Statement[], s: LockState | null): LockState | null {
    for (const st of list) {
      if (!s) return null;
      s = this.statement(st, s);
    }
    return s;
  }

  private record(st: ts.Node, s: LockState): void {
    const start = st.getStart();
    const prev = this.ctx.statements.get(start);
    this.ctx.statements.set(start, [start, st.end, prev ? join(prev[2], s)! : s]);
  }

  private statement(st: ts.Statement, s: LockState): LockState | null {
    this.record(st, s);
    switch (st.kind) {
      case ts.SyntaxKind.Block: return this.statements((st as ts.Block).statements, s);
      case ts.SyntaxKind.VariableStatement: {
        for (const d of (st as ts.VariableStatement).declarationList.declarations) {
          if (!d.initializer) continue;
          s = this.expr(d.initializer, s, {});
          this.bind(d.name, d.initializer);
        }
        return s;
      }
      case ts.SyntaxKind.ExpressionStatement: return this.expr((st as ts.ExpressionStatement).expression, s, {});
      case ts.SyntaxKind.IfStatement: {
        const n = st as ts.IfStatement;
        const c = this.expr(n.expression, s, {});
        const t = this.statement(n.thenStatement, c);
        const e = n.elseStatement ? this.statement(n.elseStatement, c) : c;
        return join(t, e);
      }
      case ts.SyntaxKind.ReturnStatement: {
        const n = st as ts.ReturnStatement;
        let r = s;
        if (n.expression) {
          // A returned promise is awaited by the caller; inside a try/finally the finally runs first.
          const inFinally = this.frames.some((f) => f.kind === 'try' && f.finallyBlock);
          if (inFinally) this.earlyReturn(n.expression, s);
          r = this.expr(n.expression, s, { awaited: !inFinally, returned: true });
          r = this.escapes(n.expression, r);
        }
        this.exit('return', n, r);
        return null;
      }
      case ts.SyntaxKind.ThrowStatement: {
        const n = st as ts.ThrowStatement;
        const r = this.expr(n.expression, s, {});
        this.throwFrom(n, r, true);
        return null;
      }
      case ts.SyntaxKind.TryStatement: return this.tryStatement(st as ts.TryStatement, s);
      case ts.SyntaxKind.ForStatement: case ts.SyntaxKind.ForOfStatement: case ts.SyntaxKind.ForInStatement:
      case ts.SyntaxKind.WhileStatement: case ts.SyntaxKind.DoStatement:
        return this.loop(st as ts.IterationStatement, s, undefined);
      case ts.SyntaxKind.LabeledStatement: {
        const n = st as ts.LabeledStatement;
        if (ts.isIterationStatement(n.statement, false)) return this.loop(n.statement, s, n.label.text);
        const frame: Frame = { kind: 'label', label: n.label.text, breaks: [], continues: [], throws: [] };
        this.frames.push(frame);
        const r = this.statement(n.statement, s);
        this.frames.pop();
        return join(r, ...frame.breaks);
      }
      case ts.SyntaxKind.SwitchStatement: return this.switchStatement(st as ts.SwitchStatement, s);
      case ts.SyntaxKind.BreakStatement: case ts.SyntaxKind.ContinueStatement: {
        this.jump(st as ts.BreakOrContinueStatement, s);
        return null;
      }
      case ts.SyntaxKind.FunctionDeclaration: case ts.SyntaxKind.ClassDeclaration: case ts.SyntaxKind.InterfaceDeclaration:
      case ts.SyntaxKind.TypeAliasDeclaration: case ts.SyntaxKind.EnumDeclaration: case ts.SyntaxKind.ImportDeclaration:
      case ts.SyntaxKind.EmptyStatement: case ts.SyntaxKind.DebuggerStatement:
        return s;
      default: {
        let r = s;
        st.forEachChild((c) => { r = this.node(c, r); });
        return r;
      }
    }
  }

  /** A child of unknown kind: an expression is walked, a statement too, a type is skipped. */
  private node(c: ts.Node, s: LockState): LockState {
    if (ts.isTypeNode(c) || ts.isToken(c) || ts.isIdentifier(c)) return s;
    if (isFunctionLike(c)) { this.functionValue(c, s); return s; }
    if (isStatementNode(c)) return this.statement(c as ts.Statement, s) ?? s;
    if (ts.isVariableDeclarationList(c)) {
      for (const d of c.declarations) if (d.initializer) { s = this.expr(d.initializer, s, {}); this.bind(d.name, d.initializer); }
      return s;
    }
    return this.expr(c as ts.Expression, s, {});
  }

  // ---- control flow ------------------------------------------------------------------------

  private tryStatement(n: ts.TryStatement, s: LockState): LockState | null {
    const fin = n.finallyBlock;
    const frame: Frame = { kind: 'try', catches: !!n.catchClause, finallyBlock: fin, breaks: [], continues: [], throws: [] };
    this.frames.push(frame);
    const afterTry = this.statements(n.tryBlock.statements, s);
    this.frames.pop();
    let afterCatch: LockState | null = null;
    if (n.catchClause) {
      const entry = join(s, ...frame.throws)!;
      const cframe: Frame = { kind: 'try', catches: false, finallyBlock: fin, breaks: [], continues: [], throws: [] };
      this.frames.push(cframe);
      this.record(n.catchClause.block, entry);
      afterCatch = this.statements(n.catchClause.block.statements, entry);
      this.frames.pop();
    }
    const normal = join(afterTry, afterCatch);
    if (!fin) return normal;
    return normal ? this.statements(fin.statements, normal) : null;
  }

  private loop(n: ts.IterationStatement, s: LockState, label: string | undefined): LockState | null {
    let entry = s;
    if (ts.isForStatement(n) && n.initializer) entry = this.node(n.initializer, entry);
    if (ts.isForOfStatement(n) || ts.isForInStatement(n)) entry = this.expr(n.expression, entry, {});
    const cond = ts.isForStatement(n) ? n.condition : ts.isWhileStatement(n) || ts.isDoStatement(n) ? n.expression : undefined;
    const forever = (ts.isForStatement(n) && !n.condition) || (!!cond && cond.kind === ts.SyntaxKind.TrueKeyword);
    let after: LockState | null = null;
    for (let round = 0; round < 4; round++) {
      const frame: Frame = { kind: 'loop', label, breaks: [], continues: [], entry, throws: [] };
      this.frames.push(frame);
      let bodyEntry: LockState = entry;
      let exitState: LockState | null = null;
      if (ts.isDoStatement(n)) {
        const b = this.statement(n.statement, entry);
        const c = join(b, ...frame.continues);
        exitState = c && cond ? this.expr(cond, c, {}) : c;
        bodyEntry = exitState ?? entry;
      } else {
        if (cond) bodyEntry = this.expr(cond, entry, {});
        exitState = forever ? null : bodyEntry;
        const b = this.statement(n.statement, bodyEntry);
        let back = join(b, ...frame.continues);
        if (back && ts.isForStatement(n) && n.incrementor) back = this.expr(n.incrementor, back, {});
        bodyEntry = back ?? entry;
      }
      this.frames.pop();
      after = join(forever ? null : exitState, ...frame.breaks);
      const next = join(entry, bodyEntry)!;
      if (next.equals(entry)) break;
      entry = next;
    }
    return after;
  }

  private switchStatement(n: ts.SwitchStatement, s: LockState): LockState | null {
    const d = this.expr(n.expression, s, {});
    const frame: Frame = { kind: 'switch', breaks: [], continues: [], throws: [] };
    this.frames.push(frame);
    let fall: LockState | null = null;
    let hasDefault = false;
    for (const clause of n.caseBlock.clauses) {
      if (ts.isDefaultClause(clause)) hasDefault = true;
      let entry = join(d, fall)!;
      if (ts.isCaseClause(clause)) entry = this.expr(clause.expression, entry, {});
      fall = this.statements(clause.statements, entry);
    }
    this.frames.pop();
    return join(fall, ...frame.breaks, hasDefault ? null : d);
  }

  /** Runs the finally blocks between here and frame index `until` (exclusive), innermost first. */
  private unwind(s: LockState, until: number): LockState | null {
    let cur: LockState | null = s;
    for (let i = this.frames.length - 1; i >= until && cur; i--) {
      const f = this.frames[i];
      if (f.kind !== 'try' || !f.finallyBlock) continue;
      // The finally runs outside its own try: hide the frames from i on while walking it.
      const saved = this.frames.splice(i);
      cur = this.statements(f.finallyBlock.statements, cur);
      this.frames.push(...saved);
    }
    return cur;
  }

  private exit(kind: 'return', n: ts.Node, s: LockState): void {
    const after = this.unwind(s, 0);
    if (after) this.fact.exits.push({ kind, start: n.getStart(), end: n.getStart() + 'return'.length, held: after, unit: this.unit, unitId: this.id });
  }

  private jump(n: ts.BreakOrContinueStatement, s: LockState): void {
    const isBreak = n.kind === ts.SyntaxKind.BreakStatement;
    let target = -1;
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i];
      if (n.label ? f.label === n.label.text && (isBreak || f.kind === 'loop') : f.kind === 'loop' || (isBreak && f.kind === 'switch')) { target = i; break; }
    }
    if (target < 0) return;
    const after = this.unwind(s, target + 1);
    if (!after) return;
    const f = this.frames[target];
    if (isBreak) f.breaks.push(after);
    else {
      f.continues.push(after);
      this.fact.continues.push({ start: n.getStart(), end: n.end, held: after, entry: f.entry ?? LockState.EMPTY, unitId: this.id });
    }
  }

  /** An exception (a throw statement, or a call or await that may throw) at `n`. */
  private throwFrom(n: ts.Node, s: LockState, explicit: boolean): void {
    // Cheap exit: nothing that this unit acquired is held, and nothing can catch it.
    if (!explicit && !s.all().some((h) => this.mine(h)) && !this.frames.some((f) => f.kind === 'try')) return;
    let cur: LockState | null = s;
    for (let i = this.frames.length - 1; i >= 0 && cur; i--) {
      const f = this.frames[i];
      if (f.kind !== 'try') continue;
      if (f.catches) { f.throws.push(cur); return; }
      if (f.finallyBlock) {
        const key: string = `${f.finallyBlock.pos}:${signature(cur)}`;
        if (this.finallyMemo.has(key)) cur = this.finallyMemo.get(key)!;
        else {
          const saved = this.frames.splice(i);
          const r = this.statements(f.finallyBlock.statements, cur);
          this.frames.push(...saved);
          this.finallyMemo.set(key, r);
          cur = r;
        }
      }
    }
    if (!cur) return;
    if (explicit) this.fact.exits.push({ kind: 'throw', start: n.getStart(), end: n.getStart() + 'throw'.length, held: cur, unit: this.unit, unitId: this.id });
    else if (cur.all().some((h) => this.mine(h) && !h.maybe)) {
      this.fact.throwPoints.push({ start: n.getStart(), end: n.end, text: shortText(n), held: cur, unitId: this.id });
    }
  }

  /**
   * `return cb()` inside a try with a finally, where cb() gives a promise and nothing awaits it: the finally runs
   * as the promise is returned, so a release there frees the lock before the callback's work is done.
   */
  private earlyReturn(e: ts.Expression, s: LockState): void {
    const call = skipParens(e);
    if (!ts.isCallExpression(call) || !s.all().some((h) => this.mine(h) && !h.maybe)) return;
    const t = this.env.checker.getTypeAtLocation(call);
    if (!isPromiseLike(t)) return;
    const fin = tryWithFinallyAround(call);
    if (!fin) return;
    this.fact.earlyReturns.push({ start: call.getStart(), end: call.end, text: shortText(call), held: s, unitId: this.id, ...fin });
  }

  /** A lock that this unit took with acquire() and must release itself. */
  private mine(h: Held): boolean {
    return !h.fromContract && !h.inherited && !h.scoped && h.unitId === this.id;
  }

  // ---- expressions ---------------------------------------------------------------------------

  expr(e: ts.Expression, s: LockState, f: Flags): LockState {
    switch (e.kind) {
      case ts.SyntaxKind.ParenthesizedExpression: case ts.SyntaxKind.NonNullExpression: case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.TypeAssertionExpression: case ts.SyntaxKind.SatisfiesExpression:
        return this.expr((e as ts.ParenthesizedExpression).expression, s, f);
      case ts.SyntaxKind.CallExpression: return this.call(e as ts.CallExpression, s, f);
      case ts.SyntaxKind.AwaitExpression: {
        const operand = (e as ts.AwaitExpression).expression;
        const r = this.expr(operand, s, { awaited: true });
        const inner = unwrap(operand);
        if (!this.isAcquire(inner) && !(ts.isCallExpression(inner) && this.env.helpers.acquiredByCall(inner, this.ctx.scope))) this.throwFrom(e, r, false);
        return r;
      }
      case ts.SyntaxKind.ArrowFunction: case ts.SyntaxKind.FunctionExpression:
        this.functionValue(e as ts.FunctionLikeDeclaration, s);
        return s;
      case ts.SyntaxKind.ConditionalExpression: {
        const n = e as ts.ConditionalExpression;
        const c = this.expr(n.condition, s, {});
        return join(this.expr(n.whenTrue, c, f), this.expr(n.whenFalse, c, f))!;
      }
      case ts.SyntaxKind.BinaryExpression: {
        const n = e as ts.BinaryExpression;
        const op = n.operatorToken.kind;
        if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
          const l = this.expr(n.left, s, {});
          return join(l, this.expr(n.right, l, f))!;
        }
        if (op === ts.SyntaxKind.EqualsToken) {
          const r = this.expr(n.right, s, {});
          if (ts.isIdentifier(n.left)) this.bind(n.left, n.right);
          else {
            // A releaser stored in a field, or a lock acquired into one: someone else releases it.
            const acquired = this.acquiredBy(n.right);
            if (acquired) this.fact.handedOff.add(acquired.key);
            return this.expr(n.left, this.escapes(n.right, r), {});
          }
          return r;
        }
        return this.expr(n.right, this.expr(n.left, s, {}), {});
      }
      case ts.SyntaxKind.Identifier: {
        // A releaser used as a value (passed on, returned, stored) is handed off.
        return this.escapes(e, s);
      }
      case ts.SyntaxKind.NewExpression: {
        const n = e as ts.NewExpression;
        const isPromise = ts.isIdentifier(n.expression) && n.expression.text === 'Promise';
        for (const a of n.arguments ?? []) {
          if (isFunctionLike(a)) this.callback(a, isPromise ? s : s.inherit(), isPromise ? 'inline' : 'callback');
          else s = this.expr(a, s, {});
        }
        return s;
      }
      default: {
        let r = s;
        e.forEachChild((c) => { r = this.node(c, r); });
        return r;
      }
    }
  }

  /** A function value that is not called here: a discovered function is walked on its own, anything else starts empty. */
  private functionValue(fn: ts.FunctionLikeDeclaration, _s: LockState): void {
    if (this.env.isDiscovered(fn)) return;
    this.callback(fn, LockState.EMPTY, 'detached');
  }

  /** Walks a callback where it runs; its unit id, or undefined for a function walked on its own. */
  private callback(fn: ts.FunctionLikeDeclaration, entry: LockState, unit: UnitKind): number | undefined {
    if (this.env.isDiscovered(fn)) return undefined;
    const w = new Walker(this.ctx, unit, entry, isAsync(fn));
    w.body(fn);
    return w.id;
  }

  /** The held set when a callback that runs inline returns (null if it always throws). */
  private callbackEnd(fn: ts.FunctionLikeDeclaration, entry: LockState): LockState | null {
    const id = this.callback(fn, entry, 'inline');
    if (id === undefined) return entry;
    return join(...this.fact.exits.filter((x) => x.unitId === id && x.kind !== 'throw').map((x) => x.held));
  }

  private call(e: ts.CallExpression, s: LockState, f: Flags): LockState {
    const callee = unwrap(e.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const m = callee.name.text;
      if (LOCK_METHODS.has(m)) {
        const ref = this.env.resolver.lockOf(callee.expression, this.ctx.scope);
        if (ref) return this.lockOp(e, m, ref, s, f);
      }
      if (m === 'then' || m === 'catch' || m === 'finally') return this.thenCall(e, callee, s, f);
    }
    if (ts.isIdentifier(callee)) {
      const r = this.releaserOf(callee);
      if (r) {
        r.called = true;
        return this.release(e, r.ref, s, 'releaser', this.releaserKey(callee));
      }
    }
    const helped = (f.awaited || f.returned) && !isFunctionLike(callee) ? this.env.helpers.acquiredByCall(e, this.ctx.scope) : undefined;
    if (helped) return this.helperAcquire(e, helped, s, f);
    // An immediately called function runs here.
    if (isFunctionLike(callee)) {
      for (const a of e.arguments) s = this.expr(a, s, {});
      const sync = !isAsync(callee);
      this.callback(callee, sync || f.awaited ? s : s.inherit(), sync || f.awaited ? 'inline' : 'callback');
      return s;
    }
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (ts.isPropertyAccessExpression(callee)) s = this.expr(callee.expression, s, {});
    else if (!ts.isIdentifier(callee)) s = this.expr(callee, s, {});
    const deferred = DEFERRING_FUNCTIONS.has(name) || (ts.isPropertyAccessExpression(callee) && EVENT_METHODS.has(name));
    const inline = ts.isPropertyAccessExpression(callee) && INLINE_METHODS.has(name);
    const combinator = ts.isPropertyAccessExpression(callee) && PROMISE_COMBINATORS.has(name) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Promise';
    const units: (number | undefined)[] = [];
    for (const a of e.arguments) {
      if (isFunctionLike(a)) {
        if (deferred) units.push(this.callback(a, LockState.EMPTY, 'detached'));
        else if (inline) units.push(this.callback(a, isAsync(a) ? s.inherit() : s, isAsync(a) ? 'callback' : 'inline'));
        else units.push(this.callback(a, s.inherit(), 'callback'));
        continue;
      }
      units.push(undefined);
      if (combinator && ts.isArrayLiteralExpression(unwrap(a))) {
        for (const el of (unwrap(a) as ts.ArrayLiteralExpression).elements) s = this.expr(el, s, { awaited: f.awaited });
      } else {
        // A reference to a function passed as a callback (`setTimeout(this.flush)`) is not a call here.
        s = this.expr(a, s, {});
      }
    }
    const call = this.recordCall(e, callee, s, f);
    if (units.some((u) => u !== undefined)) call.callbackUnits = units;
    if (!deferred && !inline) this.passedFunctions(e, call);
    // A call of the workspace's code, or of something unknown, may throw; the standard library's
    // container methods and async-mutex's do not (as far as a critical section is concerned).
    // An async function does not throw at its call: it rejects, which only an await (or the caller) sees.
    if ((call.calleeId || call.unresolved) && !NO_THROW.test(call.calleeName) && !(call.calleeId && !f.awaited && this.calleeIsAsync(callee))) this.throwFrom(e, s, false);
    return s;
  }

  private recordCall(e: ts.CallExpression, callee: ts.Expression, s: LockState, f: Flags): CallFact {
    const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
    const sym = this.env.resolver.symbolAt(nameNode);
    const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
    const calleeId = decl ? this.env.functionOf(decl) : undefined;
    const anyType = !sym && ts.isPropertyAccessExpression(callee) && (this.env.checker.getTypeAtLocation(callee.expression).flags & ts.TypeFlags.Any) !== 0;
    const unresolved = !sym && (ts.isIdentifier(callee) || anyType);
    const scope = this.ctx.scope;
    const receiver = ts.isPropertyAccessExpression(callee) ? this.env.resolver.pathOf(callee.expression, scope) : undefined;
    const args: (PathRef | undefined)[] = e.arguments.map((a) => (isFunctionLike(a) ? undefined : this.env.resolver.pathOf(a, scope)));
    const argTexts = e.arguments.map(oneLine);
    const stmt = enclosingStatement(e);
    const call: CallFact = {
      calleeId, unresolved, calleeName: shortText(callee), nameStart: nameNode.getStart(), nameEnd: nameNode.end, start: e.getStart(), end: e.end,
      receiver, args, argTexts, held: s, awaited: !!f.awaited, unit: this.unit, stmtStart: stmt?.getStart(), annotations: stmt ? this.env.annotations(stmt) : [],
      unitId: this.id, guarded: guardedByParam(e, this.fact.params),
    };
    if (ts.isIdentifier(callee)) {
      const p = this.env.resolver.pathOf(callee, scope);
      if (p?.root === 'param' && p.path.length === 0 && p.paramIndex !== undefined && p.paramIndex >= 0) {
        call.calleeParam = p.paramIndex;
        if (finallyAround(e) || inCatchClause(e)) call.onThrowToo = true;
      }
    }
    e.arguments.forEach((a, index) => {
      const x = unwrap(a);
      const r = ts.isIdentifier(x) ? this.releaserOf(x) : undefined;
      if (r) (call.releasers ??= []).push({ index, ref: r.ref, name: x.getText() });
    });
    this.fact.calls.push(call);
    return call;
  }

  private calleeIsAsync(callee: ts.Expression): boolean {
    const sym = this.env.resolver.symbolAt(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
    const decl = sym?.valueDeclaration;
    const fn = decl && (isFunctionLike(decl) ? decl : (ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl)) && decl.initializer && isFunctionLike(decl.initializer) ? decl.initializer : undefined);
    return !!fn && isAsync(fn);
  }

  /** `wrap(this.flush)`, `wrap(this.flush.bind(this))`, `wrap(flush)`: functions of the workspace passed to a call. */
  private passedFunctions(e: ts.CallExpression, call: CallFact): void {
    e.arguments.forEach((a, index) => {
      let target = unwrap(a);
      if (ts.isCallExpression(target) && ts.isPropertyAccessExpression(target.expression) && target.expression.name.text === 'bind') target = unwrap(target.expression.expression);
      if (!ts.isIdentifier(target) && !ts.isPropertyAccessExpression(target)) return;
      const nameNode = ts.isPropertyAccessExpression(target) ? target.name : target;
      const sym = this.env.resolver.symbolAt(nameNode);
      const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
      const calleeId = decl ? this.env.functionOf(decl) : undefined;
      if (!calleeId) return;
      this.fact.passed.push({
        calleeId, unresolved: false, calleeName: shortText(target), nameStart: nameNode.getStart(), nameEnd: nameNode.end, start: target.getStart(), end: target.end,
        receiver: ts.isPropertyAccessExpression(target) ? this.env.resolver.pathOf(target.expression, this.ctx.scope) : undefined,
        args: [], held: call.held.inherit(), awaited: false, unit: 'callback', stmtStart: call.stmtStart, annotations: call.annotations, unitId: this.id,
        passedTo: { call, index },
      });
    });
  }

  private lockOp(e: ts.CallExpression, m: string, ref: LockRef, s: LockState, f: Flags): LockState {
    const text = shortText(e);
    const op = (kind: LockOp['op'], awaited: boolean, extra: Partial<LockOp> = {}) => this.fact.ops.push({ op: kind, ref, start: e.getStart(), end: e.end, calleeEnd: e.expression.end, held: s, awaited, unit: this.unit, unitId: this.id, guarded: guardedByParam(e, this.fact.params), text, ...extra });
    switch (m) {
      case 'acquire': {
        for (const a of e.arguments) s = this.expr(a, s, {});
        if (f.awaited) {
          op('acquire', true);
          const h: Held = { ref, site: e.getStart(), siteEnd: e.end, unitId: this.id };
          return s.with(h);
        }
        op('acquire', false);
        // `return m.acquire()` hands the releaser to the caller: a lock helper.
        if (f.returned) this.fact.handedOff.add(ref.key);
        return s;
      }
      case 'runExclusive': {
        const awaited = !!f.awaited;
        op('runExclusive', awaited);
        const [cb, ...rest] = e.arguments;
        for (const a of rest) s = this.expr(a, s, {});
        const held: Held = { ref, site: e.getStart(), siteEnd: e.end, scoped: true };
        const entry = (awaited ? s : LockState.EMPTY).with(held);
        if (cb && isFunctionLike(cb)) this.callback(cb, entry, awaited ? 'exclusive' : 'detached');
        else if (cb) {
          // `m.runExclusive(this.flush)`: the function runs holding m.
          const target = unwrap(cb);
          const param = ts.isIdentifier(target) ? this.env.resolver.pathOf(target, this.ctx.scope) : undefined;
          if (param?.root === 'param' && param.path.length === 0 && param.paramIndex !== undefined && param.paramIndex >= 0) {
            // `mutex.runExclusive(code)` with a parameter: a lock wrapper that runs its callback holding mutex.
            const stmt = enclosingStatement(e);
            this.fact.calls.push({
              calleeId: undefined, unresolved: false, calleeName: target.getText(), nameStart: target.getStart(), nameEnd: target.end, start: target.getStart(), end: target.end,
              args: [], held: entry, awaited, unit: awaited ? 'exclusive' : 'detached', stmtStart: stmt?.getStart(), annotations: stmt ? this.env.annotations(stmt) : [],
              unitId: this.id, calleeParam: param.paramIndex,
            });
          } else if (ts.isIdentifier(target) || ts.isPropertyAccessExpression(target)) {
            const fake = target as unknown as ts.Expression;
            const sym = this.env.resolver.symbolAt(ts.isPropertyAccessExpression(target) ? target.name : target);
            const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
            const calleeId = decl ? this.env.functionOf(decl) : undefined;
            if (calleeId) {
              const stmt = enclosingStatement(e);
              const nameNode = ts.isPropertyAccessExpression(target) ? target.name : target;
              this.fact.calls.push({
                calleeId, unresolved: false, calleeName: shortText(fake), nameStart: nameNode.getStart(), nameEnd: nameNode.end, start: target.getStart(), end: target.end,
                receiver: ts.isPropertyAccessExpression(target) ? this.env.resolver.pathOf(target.expression, this.ctx.scope) : undefined,
                args: [], held: entry, awaited, unit: awaited ? 'exclusive' : 'detached', stmtStart: stmt?.getStart(), annotations: stmt ? this.env.annotations(stmt) : [],
              });
            }
          }
        }
        if (awaited) this.throwFrom(e, s, false);
        return s;
      }
      case 'waitForUnlock':
        op('waitForUnlock', !!f.awaited);
        return s;
      case 'release':
        return this.release(e, ref, s, 'method');
      default:
        return s;
    }
  }

  /** `await this.takeMutex(addr)`: a lock helper's call acquires its lock; `return helper()` hands it on. */
  private helperAcquire(e: ts.CallExpression, ref: LockRef, s: LockState, f: Flags): LockState {
    for (const a of e.arguments) s = this.expr(a, s, {});
    this.fact.ops.push({
      op: 'acquire', ref, start: e.getStart(), end: e.end, calleeEnd: e.expression.end, held: s, awaited: !!f.awaited, unit: this.unit, unitId: this.id,
      guarded: guardedByParam(e, this.fact.params), text: shortText(e),
    });
    if (!f.awaited) {
      if (f.returned) this.fact.handedOff.add(ref.key);
      return s;
    }
    return s.with({ ref, site: e.getStart(), siteEnd: e.end, unitId: this.id });
  }

  private release(e: ts.CallExpression, ref: LockRef, s: LockState, via: 'releaser' | 'method', releaserKey?: string): LockState {
    this.fact.ops.push({ op: 'release', ref, start: e.getStart(), end: e.end, calleeEnd: e.expression.end, held: s, awaited: false, via, releaserKey, unit: this.unit, unitId: this.id, text: shortText(e), inFinally: finallyAround(e) });
    // A release in a callback that runs later releases a lock this function handed over.
    if (this.unit === 'detached' || this.unit === 'callback') this.fact.handedOff.add(ref.key);
    return s.without(ref.key, via === 'releaser' ? `releaser:${releaserKey}` : 'method', e.getStart());
  }

  /** `p.then(cb)`: cb runs inline when the chain is awaited, later (with nothing held) when not. */
  private thenCall(e: ts.CallExpression, callee: ts.PropertyAccessExpression, s: LockState, f: Flags): LockState {
    const base = unwrap(callee.expression);
    // `m.acquire().then((release) => { ... })`: the callback holds m and gets the releaser.
    if (callee.name.text === 'then' && this.isAcquire(base)) {
      const ref = this.env.resolver.lockOf((unwrap((base as ts.CallExpression).expression) as ts.PropertyAccessExpression).expression, this.ctx.scope)!;
      this.fact.ops.push({ op: 'acquire', ref, start: base.getStart(), end: base.end, calleeEnd: (base as ts.CallExpression).expression.end, held: s, awaited: !!f.awaited, unit: this.unit, unitId: this.id, guarded: guardedByParam(base, this.fact.params), text: shortText(base) });
      const cb = e.arguments[0];
      if (cb && isFunctionLike(cb)) {
        const p = cb.parameters[0];
        if (p && ts.isIdentifier(p.name)) this.ctx.releasers.set(`${p.pos}`, { ref, name: p.name.text, called: false, escaped: false });
        const id = this.ctx.unitId();
        const h: Held = { ref, site: base.getStart(), siteEnd: base.end, unitId: id };
        new Walker(this.ctx, f.awaited ? 'exclusive' : 'detached', (f.awaited ? s : LockState.EMPTY).with(h), isAsync(cb), id).body(cb);
      }
      return s;
    }
    const settle = f.awaited ? settleCallbacks(callee.name.text, e.arguments) : undefined;
    // With settle callbacks, a rejection of the base goes through them: only a synchronous throw escapes.
    s = this.expr(callee.expression, s, { awaited: f.awaited && !settle });
    if (settle) {
      // `.finally(cb)` and `.then(ok, err)` run on every path before the awaiting caller resumes:
      // a release in them (or a releaser passed as one) releases the lock when the promise settles.
      let after: LockState | null = null;
      for (const a of settle) after = join(after, isFunctionLike(a) ? this.callbackEnd(a, s) : this.expr(a, s, {}));
      return after ?? s;
    }
    for (const a of e.arguments) {
      if (isFunctionLike(a)) this.callback(a, f.awaited ? s : LockState.EMPTY, f.awaited ? 'inline' : 'detached');
      else s = this.expr(a, s, {});
    }
    return s;
  }

  private isAcquire(e: ts.Expression): boolean {
    if (!ts.isCallExpression(e)) return false;
    const c = unwrap(e.expression);
    return ts.isPropertyAccessExpression(c) && c.name.text === 'acquire' && !!this.env.resolver.lockOf(c.expression, this.ctx.scope);
  }

  /** The lock acquired (and awaited) by an initializer such as `await this.mu.acquire()` or `await this.lock()`. */
  private acquiredBy(init: ts.Expression): LockRef | undefined {
    const x = unwrap(init);
    if (!ts.isAwaitExpression(x)) return undefined;
    const c = unwrap(x.expression);
    if (!ts.isCallExpression(c)) return undefined;
    if (this.isAcquire(c)) return this.env.resolver.lockOf((unwrap(c.expression) as ts.PropertyAccessExpression).expression, this.ctx.scope);
    return this.env.helpers.acquiredByCall(c, this.ctx.scope);
  }

  /** `const release = await m.acquire()`, `const [, release] = await sem.acquire()`, `release = await ...`. */
  private bind(name: ts.BindingName | ts.Identifier, init: ts.Expression): void {
    const ref = this.acquiredBy(init);
    if (!ref) {
      // `const r2 = release` hands the releaser on.
      if (ts.isIdentifier(unwrap(init))) this.escapes(unwrap(init), LockState.EMPTY);
      return;
    }
    let id: ts.Identifier | undefined;
    if (ts.isIdentifier(name)) id = name;
    else if (ts.isArrayBindingPattern(name)) {
      const el = name.elements[1];
      if (el && ts.isBindingElement(el) && ts.isIdentifier(el.name)) id = el.name;
    }
    if (!id) { this.fact.handedOff.add(ref.key); return; }
    const key = this.releaserKey(id);
    if (!key) return;
    const prev = this.ctx.releasers.get(key);
    this.ctx.releasers.set(key, { ref, name: id.text, called: prev?.called ?? false, escaped: prev?.escaped ?? false });
  }

  /** The key of the variable an identifier refers to (its declaration), for releaser tracking. */
  private releaserKey(id: ts.Identifier): string | undefined {
    const shorthand = ts.isShorthandPropertyAssignment(id.parent) && id.parent.name === id;
    const sym = shorthand ? this.env.checker.getShorthandAssignmentValueSymbol(id.parent) : this.env.checker.getSymbolAtLocation(id);
    const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
    return decl ? `${decl.pos}` : undefined;
  }

  private releaserOf(id: ts.Identifier): Releaser | undefined {
    if (this.ctx.releasers.size === 0) return undefined;
    const key = this.releaserKey(id);
    return key ? this.ctx.releasers.get(key) : undefined;
  }

  /**
   * A releaser variable used as a value (returned, alone or in an object or array; passed to a
   * timer or another function; stored): whoever gets it releases the lock, so it is no longer held here.
   */
  private escapes(e: ts.Expression, s: LockState): LockState {
    const x = unwrap(e);
    if (ts.isObjectLiteralExpression(x)) {
      for (const p of x.properties) {
        if (ts.isShorthandPropertyAssignment(p)) s = this.escapes(p.name, s);
        else if (ts.isPropertyAssignment(p)) s = this.escapes(p.initializer, s);
      }
      return s;
    }
    if (ts.isArrayLiteralExpression(x)) {
      for (const el of x.elements) s = this.escapes(el, s);
      return s;
    }
    if (!ts.isIdentifier(x)) return s;
    const r = this.releaserOf(x);
    if (!r) return s;
    r.escaped = true;
    return s.handOff(r.ref.key);
  }
}

/** The callbacks of a promise method that together run on every settlement: finally's, or both of then's. */
function settleCallbacks(method: string, args: readonly ts.Expression[]): readonly ts.Expression[] | undefined {
  if (method === 'finally' && args.length === 1) return args;
  if (method === 'then' && args.length === 2) return args;
  return undefined;
}

/** For a release inside a finally block: where its try statement and the block start. */
/**
 * Whether `n` runs in a branch that one of the function's parameters decides: the then or else of an `if`, a side
 * of `c ? a : b`, or the right of `&&`, `||`, `??`, whose condition reads the parameter
 * (`return options?.skipLock ? await verify() : await this.#withLock(verify)`). The caller may choose the branch
 * that takes no lock: MetaMask's `verifyVaultPassword(p, { skipLock: true })` under the same lock.
 */
function guardedByParam(n: ts.Node, params: string[]): boolean {
  if (params.length === 0) return false;
  const reads = (cond: ts.Node): boolean => {
    let hit = false;
    const visit = (x: ts.Node): void => {
      if (hit) return;
      if (ts.isIdentifier(x) && params.includes(x.text)) { hit = true; return; }
      ts.forEachChild(x, visit);
    };
    visit(cond);
    return hit;
  };
  for (let c: ts.Node = n; c.parent; c = c.parent) {
    const p = c.parent;
    if (ts.isMethodDeclaration(p) || ts.isFunctionDeclaration(p) || ts.isConstructorDeclaration(p) || ts.isClassLike(p)) return false;
    if (ts.isIfStatement(p) && c !== p.expression && reads(p.expression)) return true;
    if (ts.isConditionalExpression(p) && c !== p.condition && reads(p.condition)) return true;
    if (ts.isBinaryExpression(p) && c === p.right && LOGICAL.has(p.operatorToken.kind) && reads(p.left)) return true;
  }
  return false;
}

const LOGICAL = new Set([ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken]);

function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** A Promise, or any thenable: what `await` would wait for. */
function isPromiseLike(t: ts.Type): boolean {
  if (t.isUnion()) return t.types.some(isPromiseLike);
  return t.getSymbol()?.getName() === 'Promise' || t.getProperty('then') !== undefined;
}

/** The innermost try around `n` (in its try block or a catch) that has a finally, up to the function. */
function tryWithFinallyAround(n: ts.Node): { tryStart: number; finallyStart: number } | undefined {
  for (let p: ts.Node = n; p.parent; p = p.parent) {
    if (isFunctionLike(p)) return undefined;
    const t = p.parent;
    if (ts.isTryStatement(t) && t.finallyBlock && p !== t.finallyBlock) return { tryStart: t.getStart(), finallyStart: t.finallyBlock.getStart() };
  }
  return undefined;
}

/** Whether `n` runs in a catch clause of its function. */
function inCatchClause(n: ts.Node): boolean {
  for (let p: ts.Node = n; p.parent; p = p.parent) {
    if (isFunctionLike(p)) return false;
    if (ts.isCatchClause(p)) return true;
  }
  return false;
}

function finallyAround(n: ts.Node): { tryStart: number; blockStart: number } | undefined {
  for (let p: ts.Node = n; p.parent; p = p.parent) {
    if (isFunctionLike(p)) return undefined;
    if (ts.isTryStatement(p.parent) && p.parent.finallyBlock === p) return { tryStart: p.parent.getStart(), blockStart: p.getStart() };
  }
  return undefined;
}

function signature(s: LockState): string {
  return s.all().map((h) => `${h.ref.key}${h.maybe ? '?' : ''}`).sort().join(',');
}

function isStatementNode(n: ts.Node): boolean {
  return ts.isBlock(n) || ts.isExpressionStatement(n) || ts.isIfStatement(n) || ts.isReturnStatement(n) || ts.isVariableStatement(n)
    || ts.isThrowStatement(n) || ts.isTryStatement(n) || ts.isIterationStatement(n, false) || ts.isSwitchStatement(n)
    || ts.isLabeledStatement(n) || ts.isBreakOrContinueStatement(n) || ts.isEmptyStatement(n) || ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n);
}

/** The statement a node is in, through arrow functions with an expression body, not out of a block-bodied function. */
export function enclosingStatement(n: ts.Node): ts.Statement | undefined {
  for (let p: ts.Node | undefined = n; p; p = p.parent) {
    if (ts.isBlock(p) || ts.isSourceFile(p)) return undefined;
    if (isStatementNode(p)) return p as ts.Statement;
    if (isFunctionLike(p) && p.body && ts.isBlock(p.body)) return undefined;
  }
  return undefined;
}

/** The source text of a node on one line, shortened for messages. */
export function shortText(n: ts.Node): string {
  const t = n.getText().replace(/\s+/g, ' ');
  if (ts.isCallExpression(n)) {
    const callee = n.expression.getText().replace(/\s+/g, ' ');
    return callee.length > 60 ? `${callee.slice(0, 57)}...()` : `${callee}(${n.arguments.length ? '...' : ''})`;
  }
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}
