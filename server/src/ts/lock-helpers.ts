/**
 * Lock helpers: functions that take a lock and hand its releaser back to the caller
 * (`lock() { return this.mu.acquire(); }`, `const r = await mutex.acquire(); return r;`, a keyed-mutex class's
 * `acquire(key)`). Their callers acquire that lock: `const release = await this.takeMutex(addr)` holds it until
 * `release()`. The lock is found in the helper's names and mapped to the call's: `this` to the receiver, a
 * parameter to the argument (also inside a key: `lockMap[address]`).
 */
import { ts } from 'ts-morph';
import { isFunctionLike } from './functions';
import { type LockRef, type PathRef, pathDisplay, pathKey, rekeyStep } from './model';
import { type LockResolver, oneLine, type Scope, unwrap } from './resolve';

/** Helpers that return another helper's releaser, followed this deep. */
const MAX_DEPTH = 3;

export class LockHelpers {
  private readonly memo = new Map<ts.Node, LockRef | null>();

  constructor(private readonly resolver: LockResolver) {}

  /** The lock whose releaser the called function returns, in the caller's names. */
  acquiredByCall(call: ts.CallExpression, scope: Scope, depth = 0): LockRef | undefined {
    const fn = this.calledFunction(call);
    const inner = fn && this.lockOfHelper(fn, depth);
    return inner && fn ? this.mapToCall(inner, fn, call, scope) : undefined;
  }

  /** The lock whose releaser `fn` returns on every path that returns one, in its own names. */
  lockOfHelper(fn: ts.FunctionLikeDeclaration, depth = 0): LockRef | undefined {
    const known = this.memo.get(fn);
    if (known !== undefined) return known ?? undefined;
    if (depth > MAX_DEPTH) return undefined;
    this.memo.set(fn, null);
    let found: LockRef | undefined;
    try { found = this.compute(fn, depth); } catch { found = undefined; }
    this.memo.set(fn, found ?? null);
    return found;
  }

  private compute(fn: ts.FunctionLikeDeclaration, depth: number): LockRef | undefined {
    if (!fn.body) return undefined;
    const scope: Scope = { owner: fn, sourceFile: fn.getSourceFile() };
    const returned = ts.isBlock(fn.body) ? returnedExpressions(fn.body) : [fn.body];
    let lock: LockRef | undefined;
    for (const r of returned) {
      const ref = this.releaserOf(r, scope, depth);
      if (!ref) continue;
      if (lock && lock.key !== ref.key) return undefined;
      lock = ref;
    }
    return lock;
  }

  /** The lock of a returned releaser: `m.acquire()`, a variable bound to one, another helper's call. */
  private releaserOf(e: ts.Expression, scope: Scope, depth: number): LockRef | undefined {
    let x = unwrap(e);
    if (ts.isAwaitExpression(x)) x = unwrap(x.expression);
    if (ts.isIdentifier(x)) {
      const decl = this.resolver.symbolAt(x)?.valueDeclaration;
      if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer || !ts.isIdentifier(decl.name)) return undefined;
      if (enclosingFunction(decl) !== scope.owner) return undefined;
      x = unwrap(decl.initializer);
      if (ts.isAwaitExpression(x)) x = unwrap(x.expression);
    }
    if (!ts.isCallExpression(x)) return undefined;
    const callee = unwrap(x.expression);
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'acquire') {
      const ref = this.resolver.lockOf(callee.expression, scope);
      if (ref) return ref;
    }
    return this.acquiredByCall(x, scope, depth + 1);
  }

  /** The function a call reaches, when its declaration has a body here. */
  private calledFunction(call: ts.CallExpression): ts.FunctionLikeDeclaration | undefined {
    const callee = unwrap(call.expression);
    const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : ts.isIdentifier(callee) ? callee : undefined;
    if (!nameNode) return undefined;
    const decl = this.resolver.symbolAt(nameNode)?.valueDeclaration;
    if (!decl || decl.getSourceFile().isDeclarationFile) return undefined;
    if (isFunctionLike(decl)) return decl;
    if ((ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl)) && decl.initializer && isFunctionLike(unwrap(decl.initializer))) {
      return unwrap(decl.initializer) as ts.FunctionLikeDeclaration;
    }
    return undefined;
  }

  /** The helper's lock in the caller's names: `this` is the receiver, a parameter its argument. */
  private mapToCall(ref: LockRef, fn: ts.FunctionLikeDeclaration, call: ts.CallExpression, scope: Scope): LockRef | undefined {
    const params = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
    const argTexts = call.arguments.map(oneLine);
    const rekey = (step: string) => rekeyStep(step, params, argTexts);
    let base: PathRef | undefined;
    if (ref.root === 'this') {
      const callee = unwrap(call.expression);
      base = ts.isPropertyAccessExpression(callee) ? this.resolver.pathOf(callee.expression, scope) : undefined;
    } else if (ref.root === 'param' && ref.paramIndex !== undefined) {
      const arg = call.arguments[ref.paramIndex];
      base = arg ? this.resolver.pathOf(arg, scope) : undefined;
    } else if (ref.root === 'global') {
      const rootName = rekey(ref.rootName);
      base = { root: 'global', rootKey: ref.rootKey.slice(0, ref.rootKey.length - ref.rootName.length) + rootName, rootName, path: [] };
    }
    if (!base) return undefined;
    const path: PathRef = { ...base, path: [...base.path, ...ref.path.map(rekey)] };
    return { ...ref, ...path, key: pathKey(path), display: pathDisplay(path) };
  }
}

/** The expressions of a body's return statements, not those of functions inside it. */
function returnedExpressions(body: ts.Block): ts.Expression[] {
  const out: ts.Expression[] = [];
  const visit = (n: ts.Node): void => {
    if (isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isReturnStatement(n) && n.expression) out.push(n.expression);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
  return out;
}

function enclosingFunction(n: ts.Node): ts.Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (isFunctionLike(p)) return p;
  return undefined;
}
