/**
 * Lock identity through the type checker: which expressions are async-mutex locks, which instance
 * (an access path in the function's names) and which class (the declaring class and field, or the
 * module-level variable). Aliases, imports, `const m = this.mu`, `withTimeout(m, ms)` and
 * `tryAcquire(m)` all resolve to the lock they wrap.
 */
import { basename, dirname, join } from 'node:path';
import { ts } from 'ts-morph';
import { type LockRef, type PathRef, pathDisplay, pathKey } from './model';
import { STUB_FILE_NAME } from './stub';
import { readRegularFile } from '../util/files';

const LOCK_TYPES = new Set(['Mutex', 'MutexInterface', 'Semaphore', 'SemaphoreInterface']);

/** The function being analysed: its parameters are roots, so that calls can substitute arguments. */
export interface Scope {
  /** The named function that owns the code (its parameters are `param` roots). */
  owner: ts.Node | undefined;
  sourceFile: ts.SourceFile;
}

export function unwrap(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    else return e;
  }
}

function fromAsyncMutex(decl: ts.Node | undefined): boolean {
  if (!decl) return false;
  const f = decl.getSourceFile().fileName.replace(/\\/g, '/');
  return f.includes('/async-mutex/') || f.endsWith(STUB_FILE_NAME) || insideAsyncMutexPackage(f);
}

/** Per directory: whether the nearest package.json above it is async-mutex's own (its sources and tests, checked out). */
const packageOfDir = new Map<string, boolean>();

/** A file of async-mutex itself: its tests import `../src/Mutex`, whose classes are the lock types. */
export function insideAsyncMutexPackage(file: string): boolean {
  const seen: string[] = [];
  let answer = false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const known = packageOfDir.get(dir);
    if (known !== undefined) { answer = known; break; }
    seen.push(dir);
    const text = readRegularFile(join(dir, 'package.json'), 1 << 20)?.toString('utf8');
    if (text !== undefined) {
      try { answer = (JSON.parse(text) as { name?: unknown }).name === 'async-mutex'; } catch { answer = false; }
      break;
    }
    if (dirname(dir) === dir) break;
  }
  for (const d of seen) packageOfDir.set(d, answer);
  return answer;
}

export class LockResolver {
  private readonly cache = new Map<ts.Node, LockRef | null>();

  constructor(readonly checker: ts.TypeChecker) {}

  /** The name of the async-mutex type of `type`, if it is one. */
  lockTypeName(type: ts.Type): string | undefined {
    const t = this.checker.getNonNullableType(type);
    const candidates = t.isUnion() ? t.types : [t];
    for (const c of candidates) {
      const sym = c.getSymbol() ?? c.aliasSymbol;
      if (sym && LOCK_TYPES.has(sym.getName()) && (sym.declarations ?? []).some(fromAsyncMutex)) return sym.getName();
    }
    return undefined;
  }

  /** `withTimeout` or `tryAcquire` when `call` calls async-mutex's function of that name. */
  asyncMutexFunction(call: ts.CallExpression): 'withTimeout' | 'tryAcquire' | undefined {
    const callee = unwrap(call.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    if (name !== 'withTimeout' && name !== 'tryAcquire') return undefined;
    const sym = this.symbolAt(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
    if (!sym) return undefined;
    return (sym.declarations ?? []).some(fromAsyncMutex) ? name : undefined;
  }

  symbolAt(node: ts.Node): ts.Symbol | undefined {
    let sym = this.checker.getSymbolAtLocation(node);
    if (sym && sym.flags & ts.SymbolFlags.Alias) {
      try { sym = this.checker.getAliasedSymbol(sym); } catch { /* an unresolvable import */ }
    }
    return sym;
  }

  /** The access path of an expression in the scope's names, or undefined (a call result, a literal). */
  pathOf(expr: ts.Expression, scope: Scope, depth = 0): PathRef | undefined {
    const e = unwrap(expr);
    if (depth > 8) return undefined;
    if (e.kind === ts.SyntaxKind.ThisKeyword) return { root: 'this', rootKey: 'this', rootName: 'this', path: [] };
    if (ts.isIdentifier(e)) return this.identifierPath(e, scope, depth);
    if (ts.isPropertyAccessExpression(e) || (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression))) {
      const name = ts.isPropertyAccessExpression(e) ? e.name.text : (e.argumentExpression as ts.StringLiteralLike).text;
      const base = this.pathOf(e.expression, scope, depth + 1);
      if (!base) return undefined;
      // A field initialized with another lock of the same object (`tmu = withTimeout(this.mu, 50)`) is that lock.
      const sym = this.symbolAt(ts.isPropertyAccessExpression(e) ? e.name : e.argumentExpression);
      const init = sym?.valueDeclaration && ts.isPropertyDeclaration(sym.valueDeclaration) ? sym.valueDeclaration.initializer : undefined;
      const inner = init ? this.wrapped(init) : undefined;
      if (inner) {
        const rel = thisRelative(inner);
        if (rel) return { ...base, path: [...base.path, ...rel] };
        if (ts.isIdentifier(unwrap(inner))) return this.pathOf(inner, { owner: undefined, sourceFile: inner.getSourceFile() }, depth + 1);
      }
      return { ...base, path: [...base.path, name] };
    }
    if (ts.isCallExpression(e) && this.asyncMutexFunction(e) && e.arguments.length > 0) return this.pathOf(e.arguments[0], scope, depth + 1);
    if (ts.isCallExpression(e) || ts.isElementAccessExpression(e)) return this.keyedPath(e, scope, depth);
    return undefined;
  }

  /**
   * A lock looked up by key or made by a call: `this.locks.get(key)`, `this.lockMap[id]`, `this.lockFor(id)`,
   * `mutexFor(id)`. The call or the lookup, with its arguments' text, is a step of the path: the same text
   * in one function is the same mutex, another key another one. Only where the result is a lock, so that
   * other call results stay unknown.
   */
  private keyedPath(e: ts.CallExpression | ts.ElementAccessExpression, scope: Scope, depth: number): PathRef | undefined {
    if (!this.lockTypeName(this.checker.getTypeAtLocation(e))) return undefined;
    if (ts.isElementAccessExpression(e)) {
      const base = this.pathOf(e.expression, scope, depth + 1);
      return base && { ...base, path: [...base.path, `[${oneLine(e.argumentExpression)}]`] };
    }
    const callee = unwrap(e.expression);
    const step = `(${e.arguments.map(oneLine).join(', ')})`;
    if (ts.isPropertyAccessExpression(callee)) {
      const base = this.pathOf(callee.expression, scope, depth + 1);
      return base && { ...base, path: [...base.path, `${callee.name.text}${step}`] };
    }
    if (!ts.isIdentifier(callee)) return undefined;
    const decl = this.symbolAt(callee)?.valueDeclaration;
    const file = decl?.getSourceFile().fileName ?? callee.getSourceFile().fileName;
    return { root: 'global', rootKey: `global:${file}#${callee.text}${step}`, rootName: `${callee.text}${step}`, path: [] };
  }

  /**
   * The class of a keyed lock: one per place that holds or makes them (`Store.locks[]` for a map or record
   * field, `Store.lockFor()` for a method, `mutexFor()` for a function).
   */
  private keyedClass(t: ts.Expression): { cls?: string; node?: string; pkg?: string } {
    const x = unwrap(t);
    const named = (decl: ts.Node | undefined, name: string) => {
      if (!decl) return {};
      const owner = ownerName(decl);
      const cls = owner ? `${owner}.${name}` : name;
      const file = decl.getSourceFile().fileName;
      return { cls, node: `${file}|${cls}`, pkg: stem(file) };
    };
    let holder: ts.Expression | undefined;
    if (ts.isElementAccessExpression(x)) holder = unwrap(x.expression);
    else if (ts.isCallExpression(x)) {
      const callee = unwrap(x.expression);
      const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : ts.isIdentifier(callee) ? callee : undefined;
      if (!nameNode) return {};
      const decl = this.symbolAt(nameNode)?.valueDeclaration;
      // A container's own lookup (Map.get) names the container; a function of the workspace names itself.
      if (decl?.getSourceFile().isDeclarationFile && ts.isPropertyAccessExpression(callee)) holder = unwrap(callee.expression);
      else return named(decl, `${nameNode.text}()`);
    }
    if (!holder) return {};
    const nameNode = ts.isPropertyAccessExpression(holder) ? holder.name : ts.isIdentifier(holder) ? holder : undefined;
    if (!nameNode) return {};
    const decl = this.symbolAt(nameNode)?.valueDeclaration;
    return named(decl, `${nameNode.text}[]`);
  }

  /** `withTimeout(X, ms)` or `tryAcquire(X)` → X; a plain path expression → itself; else undefined. */
  private wrapped(init: ts.Expression): ts.Expression | undefined {
    let e = unwrap(init);
    // Get or make: `this.locks.get(key) ?? new Mutex()` is the key's lock.
    if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken)
      && ts.isNewExpression(unwrap(e.right))) e = unwrap(e.left);
    if (this.isKeyed(e)) return e;
    if (ts.isCallExpression(e) && this.asyncMutexFunction(e) && e.arguments.length > 0) {
      const a = unwrap(e.arguments[0]);
      return ts.isNewExpression(a) ? undefined : a;
    }
    if (ts.isPropertyAccessExpression(e) || ts.isIdentifier(e)) return e;
    return undefined;
  }

  private identifierPath(id: ts.Identifier, scope: Scope, depth: number): PathRef | undefined {
    const sym = this.symbolAt(id);
    const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
    if (!sym || !decl) {
      // An import that cannot be resolved: still one global per name and file.
      return { root: 'global', rootKey: `global:${id.getSourceFile().fileName}#${id.text}`, rootName: id.text, path: [] };
    }
    if (ts.isParameter(decl)) {
      const fn = decl.parent;
      if (scope.owner && fn === scope.owner && ts.isIdentifier(decl.name)) {
        return { root: 'param', rootKey: `param:${decl.name.text}`, rootName: decl.name.text, paramIndex: fn.parameters.indexOf(decl), path: [] };
      }
      return { root: 'local', rootKey: `local:${id.text}@${decl.pos}`, rootName: id.text, path: [] };
    }
    if (ts.isVariableDeclaration(decl)) {
      const isConst = !!(ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const);
      const init = decl.initializer;
      // `let m = this.locks.get(key); if (!m) { m = new Mutex(); this.locks.set(key, m) }`: the key's lock too.
      if (init && (isConst || this.isKeyed(unwrap(init)))) {
        // `const m = this.mu`, `const tm = withTimeout(mu, 100)`: the same lock under another name.
        const inner = this.wrapped(init);
        if (inner) {
          const p = this.pathOf(inner, scope, depth + 1);
          if (p) return p;
        }
      }
      if (isModuleLevel(decl)) {
        // Through an import alias (`import { vmLock as L }`) the lock keeps its declared name.
        const name = ts.isIdentifier(decl.name) ? decl.name.text : id.text;
        return { root: 'global', rootKey: `global:${decl.getSourceFile().fileName}#${name}`, rootName: name, path: [] };
      }
      // A factory's variable used by a method of the object it returns is that object's state: `this`'s.
      if (capturedBy(decl, scope)) return { root: 'this', rootKey: 'this', rootName: 'this', path: [id.text] };
      return { root: 'local', rootKey: `local:${id.text}@${decl.pos}`, rootName: id.text, path: [] };
    }
    if (ts.isBindingElement(decl) || ts.isPropertyDeclaration(decl)) {
      return { root: 'local', rootKey: `local:${id.text}@${decl.pos}`, rootName: id.text, path: [] };
    }
    return undefined;
  }

  /** The lock that `expr` denotes, if its type is an async-mutex lock (a Semaphore only with weight 1). */
  lockOf(expr: ts.Expression, scope: Scope): LockRef | undefined {
    const e = unwrap(expr);
    const cached = this.cache.get(e);
    if (cached !== undefined) return cached ?? undefined;
    let ref: LockRef | undefined;
    try { ref = this.computeLock(e, scope); } catch { ref = undefined; }
    this.cache.set(e, ref ?? null);
    return ref;
  }

  private computeLock(e: ts.Expression, scope: Scope): LockRef | undefined {
    let tryOnly = false;
    let target = e;
    if (ts.isCallExpression(e) && !this.isKeyed(e)) {
      const fn = this.asyncMutexFunction(e);
      if (!fn || e.arguments.length === 0) return undefined;
      tryOnly = fn === 'tryAcquire';
      target = unwrap(e.arguments[0]);
      if (ts.isCallExpression(target) && this.asyncMutexFunction(target) === 'tryAcquire') tryOnly = true;
    }
    const typeName = this.lockTypeName(this.checker.getTypeAtLocation(e));
    if (!typeName) return undefined;
    const path = this.pathOf(target, scope);
    if (!path) return undefined;
    const declaring = this.declaringNode(target);
    if (typeName.startsWith('Semaphore') && !this.weightOne(declaring)) return undefined;
    const keyedExpr = this.keyedOrigin(target);
    const factory = declaring && ts.isVariableDeclaration(declaring) ? capturedBy(declaring, scope) : undefined;
    const { cls, node, pkg } = keyedExpr ? this.keyedClass(keyedExpr) : factory ? factoryClass(factory, path) : this.classOf(path, declaring);
    const kind = typeName === 'Semaphore' || typeName === 'SemaphoreInterface' ? 'Semaphore(1)' : typeName;
    return { ...path, key: pathKey(path), display: pathDisplay(path), cls, node, pkg, kind: tryOnly ? `${kind} (tryAcquire)` : kind, tryOnly, exact: true };
  }

  /** A call or keyed lookup whose result is a lock. */
  private isKeyed(e: ts.Expression): boolean {
    return (ts.isCallExpression(e) && !this.asyncMutexFunction(e)) || (ts.isElementAccessExpression(e) && !ts.isStringLiteralLike(e.argumentExpression))
      ? !!this.lockTypeName(this.checker.getTypeAtLocation(e)) : false;
  }

  /** The keyed lookup a lock expression stands for: itself, or a local variable's initializer. */
  private keyedOrigin(target: ts.Expression): ts.Expression | undefined {
    const t = unwrap(target);
    if (this.isKeyed(t)) return t;
    if (!ts.isIdentifier(t)) return undefined;
    const decl = this.symbolAt(t)?.valueDeclaration;
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return undefined;
    const inner = this.wrapped(decl.initializer);
    return inner && this.isKeyed(unwrap(inner)) ? unwrap(inner) : undefined;
  }

  /** The declaration that initializes the lock: a variable, a field, or a `this.x = ...` assignment. */
  private declaringNode(target: ts.Expression): ts.Node | undefined {
    const t = unwrap(target);
    const sym = this.symbolAt(ts.isPropertyAccessExpression(t) ? t.name : t);
    return sym?.valueDeclaration ?? sym?.declarations?.[0];
  }

  /** Whether a Semaphore's declaration shows that it has one permit: `new Semaphore(1)`. */
  private weightOne(decl: ts.Node | undefined): boolean {
    if (!decl) return false;
    const inits: ts.Expression[] = [];
    if ((ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl)) && decl.initializer) inits.push(decl.initializer);
    if (ts.isBinaryExpression(decl)) inits.push(decl.right);
    if (ts.isPropertyAccessExpression(decl) && ts.isBinaryExpression(decl.parent)) inits.push(decl.parent.right);
    // A field assigned in the constructor.
    if (ts.isPropertyDeclaration(decl) && !decl.initializer) {
      const cls = decl.parent;
      const ctor = cls.members.find(ts.isConstructorDeclaration);
      const name = ts.isIdentifier(decl.name) ? decl.name.text : undefined;
      ctor?.body?.forEachChild(function visit(n): void {
        if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left)
          && n.left.expression.kind === ts.SyntaxKind.ThisKeyword && n.left.name.text === name) inits.push(n.right);
        n.forEachChild(visit);
      });
    }
    return inits.some((init) => {
      let x = unwrap(init);
      if (ts.isCallExpression(x) && x.arguments.length > 0) x = unwrap(x.arguments[0]);
      if (!ts.isNewExpression(x) || !x.arguments || x.arguments.length === 0) return false;
      const w = unwrap(x.arguments[0]);
      return ts.isNumericLiteral(w) && Number(w.text) === 1;
    });
  }

  /** The lock class: `Store.mu` for a field of class Store, `cmdLock` for a module-level variable. */
  classOf(path: PathRef, decl: ts.Node | undefined): { cls?: string; node?: string; pkg?: string } {
    if (path.path.length === 0) {
      if (path.root !== 'global') return {};
      const file = path.rootKey.slice('global:'.length).split('#')[0];
      return { cls: path.rootName, node: `${file}|${path.rootName}`, pkg: stem(file) };
    }
    const last = path.path[path.path.length - 1];
    const owner = decl ? ownerName(decl) : undefined;
    if (decl && owner) {
      const file = decl.getSourceFile().fileName;
      const cls = `${owner}.${last}`;
      return { cls, node: `${file}|${cls}`, pkg: stem(file) };
    }
    if (path.root === 'global') {
      const file = path.rootKey.slice('global:'.length).split('#')[0];
      const cls = pathDisplay(path);
      return { cls, node: `${file}|${cls}`, pkg: stem(file) };
    }
    return {};
  }

  /**
   * A lock named in a comment (`this.mu`, `mu`, `store.mu`), resolved in a function's scope: `this`,
   * a parameter, a module-level variable or import, or a field of the function's class.
   */
  lockOfName(text: string, fn: ts.Node, params: readonly ts.ParameterDeclaration[], classNode: ts.ClassLikeDeclaration | undefined): LockRef | undefined {
    try {
      return this.computeNamedLock(text, fn, params, classNode);
    } catch {
      return undefined;
    }
  }

  private computeNamedLock(text: string, fn: ts.Node, params: readonly ts.ParameterDeclaration[], classNode: ts.ClassLikeDeclaration | undefined): LockRef | undefined {
    let parts = text.replace(/\(\)$/, '').split('.').filter(Boolean);
    if (parts.length === 0) return undefined;
    const instanceType = () => {
      if (!classNode) return undefined;
      const sym = classNode.name ? this.checker.getSymbolAtLocation(classNode.name) : undefined;
      return sym ? this.checker.getDeclaredTypeOfSymbol(sym) : this.checker.getTypeAtLocation(classNode);
    };
    let root: PathRef | undefined;
    let type: ts.Type | undefined;
    let decl: ts.Node | undefined;
    const param = params.find((p) => ts.isIdentifier(p.name) && p.name.text === parts[0]);
    if (parts[0] === 'this') {
      type = instanceType();
      root = { root: 'this', rootKey: 'this', rootName: 'this', path: [] };
      parts = parts.slice(1);
    } else if (param && ts.isIdentifier(param.name)) {
      type = this.checker.getTypeAtLocation(param);
      root = { root: 'param', rootKey: `param:${param.name.text}`, rootName: param.name.text, paramIndex: params.indexOf(param), path: [] };
      decl = param;
      parts = parts.slice(1);
    } else {
      let sym = this.checker.getSymbolsInScope(fn, ts.SymbolFlags.Variable | ts.SymbolFlags.Alias).find((s) => s.getName() === parts[0]);
      if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
      // An exported variable is in scope as its local export symbol, which has no declaration of its own.
      if (sym && !sym.valueDeclaration) sym = this.checker.getExportSymbolOfSymbol(sym);
      const d = sym?.valueDeclaration;
      if (sym && d && ts.isVariableDeclaration(d) && isModuleLevel(d)) {
        if (d.initializer && ts.isIdentifier(d.name)) {
          const inner = this.wrapped(d.initializer);
          const p = inner && this.pathOf(inner, { owner: undefined, sourceFile: d.getSourceFile() });
          if (p && p.root === 'global' && parts.length === 1) return this.lockOf(d.name, { owner: undefined, sourceFile: d.getSourceFile() });
        }
        type = this.checker.getTypeOfSymbolAtLocation(sym, fn);
        root = { root: 'global', rootKey: `global:${d.getSourceFile().fileName}#${parts[0]}`, rootName: parts[0], path: [] };
        decl = d;
        parts = parts.slice(1);
      } else if (classNode) {
        type = instanceType();
        root = { root: 'this', rootKey: 'this', rootName: 'this', path: [] };
      }
    }
    if (!root || !type) return undefined;
    const path: string[] = [];
    for (const name of parts) {
      const prop = this.checker.getApparentType(this.checker.getNonNullableType(type)).getProperty(name);
      if (!prop) return undefined;
      type = this.checker.getTypeOfSymbolAtLocation(prop, fn);
      decl = prop.valueDeclaration ?? prop.declarations?.[0];
      path.push(name);
    }
    const typeName = this.lockTypeName(type);
    if (!typeName) return undefined;
    if (typeName.startsWith('Semaphore') && !this.weightOne(decl)) return undefined;
    const full: PathRef = { ...root, path };
    const { cls, node, pkg } = this.classOf(full, decl);
    const kind = typeName.startsWith('Semaphore') ? 'Semaphore(1)' : typeName;
    return { ...full, key: pathKey(full), display: pathDisplay(full), cls, node, pkg, kind, exact: true };
  }
}

/**
 * The factory whose local `decl` is, when the scope's function is a member of an object literal made in that
 * factory (`makeMutex() { const mutex = new Mutex(); return { run(cb) { return mutex.runExclusive(cb) } } }`).
 */
function capturedBy(decl: ts.VariableDeclaration, scope: Scope): ts.FunctionLikeDeclaration | undefined {
  const owner = scope.owner;
  if (!owner) return undefined;
  let factory: ts.Node | undefined = decl.parent;
  while (factory && !isFunctionLikeNode(factory)) factory = factory.parent;
  if (!factory || factory === owner) return undefined;
  const member = ts.isMethodDeclaration(owner) ? owner : owner.parent;
  if (!member || !(ts.isMethodDeclaration(member) || ts.isPropertyAssignment(member)) || !ts.isObjectLiteralExpression(member.parent)) return undefined;
  for (let p: ts.Node | undefined = member.parent; p; p = p.parent) {
    if (p === factory) return factory as ts.FunctionLikeDeclaration;
    if (isFunctionLikeNode(p)) return undefined;
  }
  return undefined;
}

function isFunctionLikeNode(n: ts.Node): boolean {
  return ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n);
}

/** The class of a factory-made lock: `makeMutex().mutex`. */
function factoryClass(factory: ts.FunctionLikeDeclaration, path: PathRef): { cls?: string; node?: string; pkg?: string } {
  const named = factory.name ?? (ts.isVariableDeclaration(factory.parent) ? factory.parent.name : undefined);
  const name = named && ts.isIdentifier(named) ? named.text : '<factory>';
  const file = factory.getSourceFile().fileName;
  const cls = `${name}().${path.path[path.path.length - 1]}`;
  return { cls, node: `${file}|${cls}`, pkg: stem(file) };
}

/** `this.a.b` → ['a', 'b']; anything else → undefined. */
function thisRelative(e: ts.Expression): string[] | undefined {
  const x = unwrap(e);
  if (x.kind === ts.SyntaxKind.ThisKeyword) return [];
  if (ts.isPropertyAccessExpression(x)) {
    const base = thisRelative(x.expression);
    return base ? [...base, x.name.text] : undefined;
  }
  return undefined;
}

export function isModuleLevel(decl: ts.VariableDeclaration): boolean {
  const stmt = decl.parent?.parent;
  return !!stmt && ts.isVariableStatement(stmt) && (ts.isSourceFile(stmt.parent) || ts.isModuleBlock(stmt.parent));
}

/** The class, interface or object variable that declares a member. */
function ownerName(decl: ts.Node): string | undefined {
  for (let p: ts.Node | undefined = decl.parent; p; p = p.parent) {
    if (ts.isClassLike(p) || ts.isInterfaceDeclaration(p)) return p.name?.text ?? classExpressionName(p);
    if (ts.isObjectLiteralExpression(p)) {
      const v = p.parent;
      return v && ts.isVariableDeclaration(v) && ts.isIdentifier(v.name) ? v.name.text : undefined;
    }
    if (ts.isSourceFile(p)) return undefined;
  }
  return undefined;
}

function classExpressionName(p: ts.Node): string | undefined {
  const v = p.parent;
  return v && ts.isVariableDeclaration(v) && ts.isIdentifier(v.name) ? v.name.text : undefined;
}

/** An expression's text on one line, shortened: a step of a keyed lock's path, an argument's key. */
export function oneLine(e: ts.Node): string {
  const t = e.getText().replace(/\s+/g, ' ');
  return t.length > 40 ? `${t.slice(0, 37)}...` : t;
}

export function stem(file: string): string {
  return basename(file).replace(/\.[^.]+$/, '');
}
