/**
 * What a TypeScript function says it needs, in order of trust: a JSDoc `@requires this.mu`, prose in
 * its doc comment ("assumes this.mu is held", "caller must hold mu"), a guard at the top of its body
 * (`if (!this.mu.isLocked()) throw ...`), and the `…Locked` suffix in a class (or module) with one lock.
 * The twin convention (`save()` takes the lock and calls `_save()`) needs the flow, so it is inferred
 * later, in analysis.ts.
 */
import { ts } from 'ts-morph';
import type { DiscoveredFunction } from './functions';
import type { LockRef, Requirement } from './model';
import { type LockResolver, unwrap } from './resolve';
import { prosePhrasings } from '../analysis/prose';

/** Doc-comment phrasings of "the caller holds X", as in Go, with JavaScript's names (`this.mu`, `#mu`). */
const PROSE: RegExp[] = prosePhrasings({
  name: String.raw`[A-Za-z_$#][\w$.#]*(?:\(\))?`,
  lockWord: '(?:lock|mutex|semaphore)s?',
  held: 'held|locked|acquired|taken|owned',
});
const REQUIRES_TAG = /@requires\s+([^\n*@]+)/g;
const IGNORE = /lockset:ignore\s+([\w-]+)/g;
const STOP_WORDS = new Set(['it', 'this', 'that', 'a', 'an', 'any', 'all', 'its', 'they', 'them', 'one', 'both', 'these', 'those', 'which', 'caller', 'callers', 'lock', 'mutex']);
const LOCKED_SUFFIX = /^#?(.*[A-Za-z0-9])Locked$/;

export interface DeclaredContract {
  requires: Requirement[];
  ignores: string[];
}

/** The doc comment of a function: its leading comments (JSDoc and `//` lines). */
export function docComments(d: DiscoveredFunction): { start: number; end: number; text: string }[] {
  if (ts.isSourceFile(d.docNode)) return [];
  const text = d.docNode.getSourceFile().text;
  return (ts.getLeadingCommentRanges(text, d.docNode.pos) ?? []).map((r) => ({ start: r.pos, end: r.end, text: text.slice(r.pos, r.end) }));
}

export function declaredContract(d: DiscoveredFunction, resolver: LockResolver): DeclaredContract {
  const out: DeclaredContract = { requires: [], ignores: [] };
  if (ts.isSourceFile(d.fn)) return out;
  const fn = d.fn;
  const file = fn.getSourceFile().fileName;
  const params = fn.parameters ?? [];
  const add = (ref: LockRef | undefined, source: Requirement['source']) => {
    if (ref && !out.requires.some((r) => r.ref.key === ref.key)) out.requires.push({ ref, source });
  };
  const resolve = (name: string) => resolver.lockOfName(name, fn, params, d.classNode);
  for (const c of docComments(d)) {
    for (const m of c.text.matchAll(REQUIRES_TAG)) {
      for (const name of splitNames(m[1])) add(resolve(name), { kind: 'annotation', describe: `JSDoc "@requires ${m[1].trim()}"`, file, offset: c.start + m.index! });
    }
    const prose = c.text.replace(/^\s*(?:\/\/+|\/\*+|\*+\/?)/gm, ' ');
    for (const re of PROSE) {
      re.lastIndex = 0;
      for (const m of prose.matchAll(re)) {
        for (const name of splitNames(m[1])) {
          add(resolve(name), { kind: 'doc', describe: `doc comment "${sentenceAround(prose, m.index!, m[0].length)}"`, file, offset: c.start + Math.min(m.index!, c.text.length) });
        }
      }
    }
    for (const m of c.text.matchAll(IGNORE)) out.ignores.push(m[1]);
  }
  // A guard at the top of the body: `if (!this.mu.isLocked()) throw ...` or `assert(this.mu.isLocked())`.
  const body = fn.body && ts.isBlock(fn.body) ? fn.body.statements : [];
  for (const stmt of body.slice(0, 3)) {
    const guarded = isLockedGuard(stmt);
    if (!guarded) continue;
    const ref = resolver.lockOf(guarded, { owner: fn, sourceFile: fn.getSourceFile() });
    add(ref, { kind: 'body', describe: `guard "${stmt.getText().split('\n')[0].trim()}"`, file, offset: stmt.getStart() });
  }
  // A call of such a guard function at the top (`this.#assertLocked()`) is the same guard.
  for (const stmt of body.slice(0, 3)) {
    const found = guardCallOf(stmt, resolver);
    if (found) add(found, { kind: 'body', describe: `guard call "${stmt.getText().split('\n')[0].trim()}"`, file, offset: stmt.getStart() });
  }
  // `flushLocked` in a class with exactly one lock field (or a module with one module-level lock).
  const suffix = LOCKED_SUFFIX.exec(d.shortName);
  if (suffix && out.requires.length === 0) {
    const only = onlyLock(d, resolver);
    if (only) add(only, { kind: 'name', describe: `the name ${d.shortName} (…Locked, and ${only.display} is the only lock ${d.classNode ? 'of its class' : 'of its module'})`, file, offset: d.nameNode.getStart() });
  }
  return out;
}

/** The sentence of a comment that holds a match, on one line: `findVM assumes vmLock is held`. */
function sentenceAround(text: string, index: number, length: number): string {
  const before = text.slice(0, index);
  const start = Math.max(before.lastIndexOf('. '), before.lastIndexOf('\n\n'), before.lastIndexOf('@')) + 1;
  const rest = text.slice(index + length);
  const stop = rest.search(/\.(?:\s|$)|\n\s*\n|@/);
  const sentence = text.slice(start, index + length + (stop < 0 ? rest.length : stop));
  return sentence.replace(/\s+/g, ' ').trim().replace(/^[-*\s]+/, '').slice(0, 120);
}

function splitNames(text: string): string[] {
  return text.split(/\s*,\s*|\s+and\s+|\s+/).map((s) => s.replace(/[.;:]+$/, '')).filter((s) => s && !STOP_WORDS.has(s.toLowerCase()) && /^[A-Za-z_$#]/.test(s));
}

/** The lock expression tested by an isLocked() guard statement, if `stmt` is one. */
function isLockedGuard(stmt: ts.Statement): ts.Expression | undefined {
  const isLockedCall = (e: ts.Expression): ts.Expression | undefined => {
    const x = unwrap(e);
    if (ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && x.expression.name.text === 'isLocked') return x.expression.expression;
    return undefined;
  };
  if (ts.isIfStatement(stmt)) {
    const c = unwrap(stmt.expression);
    const exits = (s: ts.Statement): boolean => ts.isThrowStatement(s) || ts.isReturnStatement(s) || (ts.isBlock(s) && s.statements.length > 0 && exits(s.statements[s.statements.length - 1]));
    if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken && exits(stmt.thenStatement)) return isLockedCall(c.operand);
    return undefined;
  }
  if (ts.isExpressionStatement(stmt)) {
    const e = unwrap(stmt.expression);
    if (ts.isCallExpression(e) && e.arguments.length > 0) {
      const callee = e.expression.getText();
      if (/^(?:assert|assert\.ok|console\.assert|invariant|strict\.ok)$/.test(callee)) return isLockedCall(e.arguments[0]);
    }
  }
  return undefined;
}

/**
 * `this.#assertLocked()` or `assertLocked()` as a statement, where the called function is an
 * isLocked() guard: the lock it checks, when it means the same in the caller (a field of `this`, or a
 * module-level lock).
 */
function guardCallOf(stmt: ts.Statement, resolver: LockResolver): LockRef | undefined {
  if (!ts.isExpressionStatement(stmt)) return undefined;
  const call = unwrap(stmt.expression);
  if (!ts.isCallExpression(call) || call.arguments.length > 0) return undefined;
  const callee = unwrap(call.expression);
  const onThis = ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword;
  if (!onThis && !ts.isIdentifier(callee)) return undefined;
  const decl = resolver.symbolAt(ts.isPropertyAccessExpression(callee) ? callee.name : callee)?.valueDeclaration;
  const target = decl && (ts.isMethodDeclaration(decl) || ts.isFunctionDeclaration(decl)) ? decl : undefined;
  if (!target?.body) return undefined;
  // Only an assertion, whose body is the guard and nothing else: a function that does work after
  // its guard is an ordinary call, and the caller must hold the lock for it.
  const [only, ...rest] = target.body.statements;
  const guarded = only && rest.length === 0 ? isLockedGuard(only) : undefined;
  const ref = guarded && resolver.lockOf(guarded, { owner: target, sourceFile: target.getSourceFile() });
  return ref && (ref.root === 'global' || (ref.root === 'this' && onThis)) ? ref : undefined;
}

/** The class's only lock field (or the module's only module-level lock). */
function onlyLock(d: DiscoveredFunction, resolver: LockResolver): LockRef | undefined {
  const fn = d.fn as ts.FunctionLikeDeclaration;
  const found: LockRef[] = [];
  if (d.classNode) {
    for (const m of d.classNode.members) {
      if (!ts.isPropertyDeclaration(m) || !ts.isIdentifier(m.name)) continue;
      const ref = resolver.lockOfName(`this.${m.name.text}`, fn, fn.parameters, d.classNode);
      if (ref && !found.some((f) => f.key === ref.key)) found.push(ref);
    }
  } else {
    for (const s of fn.getSourceFile().statements) {
      if (!ts.isVariableStatement(s)) continue;
      for (const v of s.declarationList.declarations) {
        if (!ts.isIdentifier(v.name)) continue;
        const ref = resolver.lockOfName(v.name.text, fn, [], undefined);
        if (ref && !found.some((f) => f.key === ref.key)) found.push(ref);
      }
    }
  }
  return found.length === 1 ? found[0] : undefined;
}
