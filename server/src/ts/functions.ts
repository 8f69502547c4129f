/**
 * The functions of a TypeScript or JavaScript file: declarations, methods, accessors, constructors,
 * arrow functions and function expressions bound to a name (a variable, a class property, an object
 * literal property), plus one pseudo-function per file for its top-level code. Anonymous callbacks
 * are not functions of their own: they are walked inside the function that contains them.
 */
import { ts } from 'ts-morph';

export interface DiscoveredFunction {
  id: string;
  name: string;
  shortName: string;
  className?: string;
  /** The function-like node (or the source file for `<module>`). */
  fn: ts.FunctionLikeDeclaration | ts.SourceFile;
  /** The node a callee symbol resolves to: the declaration, variable, property or assignment. */
  decl: ts.Node;
  /** The node whose leading comments are the doc comment. */
  docNode: ts.Node;
  nameNode: ts.Node;
  /** Declared inside another function: its callers are local and its context unknown. */
  local: boolean;
  /** The class that declares it, for `this` and the Locked suffix. */
  classNode?: ts.ClassLikeDeclaration;
  /** A `#private` or `private` member: every caller is in the class, so in the workspace. */
  isPrivate?: boolean;
}

function privateMember(n: ts.MethodDeclaration | ts.PropertyDeclaration | ts.GetAccessorDeclaration | ts.SetAccessorDeclaration): boolean {
  return ts.isPrivateIdentifier(n.name) || (ts.getCombinedModifierFlags(n) & ts.ModifierFlags.Private) !== 0;
}

export function isFunctionLike(n: ts.Node): n is ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration | ts.MethodDeclaration | ts.ConstructorDeclaration | ts.GetAccessorDeclaration | ts.SetAccessorDeclaration {
  return ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)
    || ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n);
}

function isFunctionValue(e: ts.Expression | undefined): e is ts.ArrowFunction | ts.FunctionExpression {
  return !!e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e));
}

function propName(n: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!n) return undefined;
  if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n)) return n.text;
  return undefined;
}

export function discoverFunctions(sf: ts.SourceFile): DiscoveredFunction[] {
  const out: DiscoveredFunction[] = [];
  const ids = new Map<string, number>();
  const add = (d: Omit<DiscoveredFunction, 'id'>) => {
    const base = `${sf.fileName}#${d.name}`;
    const n = (ids.get(base) ?? 0) + 1;
    ids.set(base, n);
    out.push({ ...d, id: n === 1 ? base : `${base}#${n}` });
  };
  add({ name: '<module>', shortName: '<module>', fn: sf, decl: sf, docNode: sf, nameNode: sf, local: false });

  const visit = (n: ts.Node, cls: ts.ClassLikeDeclaration | undefined, inFunction: boolean, objName: string | undefined): void => {
    let named: Omit<DiscoveredFunction, 'id'> | undefined;
    const className = cls ? cls.name?.text ?? classVarName(cls) ?? '<class>' : undefined;
    if (ts.isFunctionDeclaration(n) && n.body) {
      const name = n.name?.text ?? 'default';
      named = { name, shortName: name, fn: n, decl: n, docNode: n, nameNode: n.name ?? n, local: inFunction };
    } else if ((ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n)) && n.body) {
      const short = propName(n.name) ?? '<computed>';
      const owner = ts.isObjectLiteralExpression(n.parent) ? objName ?? '<object>' : className;
      named = { name: owner ? `${owner}.${short}` : short, shortName: short, className: ts.isClassLike(n.parent) ? className : undefined, fn: n, decl: n, docNode: n, nameNode: n.name, local: inFunction, classNode: ts.isClassLike(n.parent) ? n.parent : undefined, isPrivate: ts.isClassLike(n.parent) && privateMember(n) };
    } else if (ts.isConstructorDeclaration(n) && n.body && cls) {
      named = { name: `${className}.constructor`, shortName: 'constructor', className, fn: n, decl: n, docNode: n, nameNode: n.getFirstToken() ?? n, local: inFunction, classNode: cls };
    } else if (ts.isPropertyDeclaration(n) && isFunctionValue(n.initializer) && cls) {
      const short = propName(n.name) ?? '<computed>';
      named = { name: `${className}.${short}`, shortName: short, className, fn: n.initializer, decl: n, docNode: n, nameNode: n.name, local: inFunction, classNode: cls, isPrivate: privateMember(n) };
    } else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && isFunctionValue(n.initializer)) {
      const stmt = n.parent?.parent;
      named = { name: n.name.text, shortName: n.name.text, fn: n.initializer, decl: n, docNode: stmt && ts.isVariableStatement(stmt) ? stmt : n, nameNode: n.name, local: inFunction };
    } else if (ts.isPropertyAssignment(n) && isFunctionValue(n.initializer) && ts.isObjectLiteralExpression(n.parent)) {
      const short = propName(n.name) ?? '<computed>';
      named = { name: `${objName ?? '<object>'}.${short}`, shortName: short, fn: n.initializer, decl: n, docNode: n, nameNode: n.name, local: inFunction };
    }
    if (named) add(named);
    const nextCls = ts.isClassLike(n) ? n : cls;
    const nextIn = inFunction || isFunctionLike(n);
    const nextObj = ts.isObjectLiteralExpression(n) && ts.isVariableDeclaration(n.parent) && ts.isIdentifier(n.parent.name) ? n.parent.name.text
      : ts.isObjectLiteralExpression(n) ? undefined : objName;
    n.forEachChild((c) => visit(c, nextCls, nextIn, nextObj));
  };
  sf.forEachChild((c) => visit(c, undefined, false, undefined));
  return out;
}

function classVarName(cls: ts.ClassLikeDeclaration): string | undefined {
  const p = cls.parent;
  return p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) ? p.name.text : undefined;
}
