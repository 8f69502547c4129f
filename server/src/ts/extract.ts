/**
 * One file's facts: its functions with their declared contracts and flows, its `// LOCK:` comments,
 * its `lockset:order` directives and its `lockset:ignore` suppressions. The type checker is used only
 * here; what comes out is plain data (plus offsets) that the checks read.
 */
import { ts } from 'ts-morph';
import { parseOrder } from '../analysis/hierarchy';
import { LineIndex } from '../base/lines';
import { declaredContract } from './contracts';
import { type Env, walkFunction } from './flow';
import type { DiscoveredFunction } from './functions';
import type { TsFileFacts, TsFunction } from './model';
import type { LockHelpers } from './lock-helpers';
import type { LockResolver } from './resolve';

export const LOCK_ANNOTATION = /\bLOCK:/;
const ORDER_DIRECTIVE = /lockset:order[ \t]+([^\n]*)/g;
const IGNORE = /lockset:ignore\s+([\w-]+)/g;

export interface Comment { start: number; end: number; text: string }

/** Every comment of a file, in order: the leading and trailing trivia of every node, and before each closing brace. */
export function collectComments(sf: ts.SourceFile): Comment[] {
  const text = sf.text;
  const seen = new Map<number, Comment>();
  const add = (ranges: ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) if (!seen.has(r.pos)) seen.set(r.pos, { start: r.pos, end: r.end, text: text.slice(r.pos, r.end) });
  };
  const visit = (n: ts.Node): void => {
    add(ts.getLeadingCommentRanges(text, n.pos));
    add(ts.getTrailingCommentRanges(text, n.end));
    if (ts.isBlock(n) || ts.isModuleBlock(n) || ts.isCaseBlock(n) || ts.isClassLike(n) || ts.isObjectLiteralExpression(n)) {
      const list = ts.isBlock(n) || ts.isModuleBlock(n) ? n.statements : ts.isCaseBlock(n) ? n.clauses : ts.isClassLike(n) ? n.members : n.properties;
      add(ts.getLeadingCommentRanges(text, list.end));
    }
    n.forEachChild(visit);
  };
  visit(sf);
  add(ts.getLeadingCommentRanges(text, sf.endOfFileToken.pos));
  return [...seen.values()].sort((a, b) => a.start - b.start);
}

/** The `// LOCK:` comments on a statement: the comment block directly above it, and trailing comments on its lines. */
export function annotationsOf(stmtStart: number, stmtEnd: number, comments: Comment[], lines: LineIndex): number[] {
  const first = lines.lineOf(stmtStart);
  const last = lines.lineOf(stmtEnd);
  const out: Comment[] = [];
  // The block above: own-line comments on the lines directly above, contiguous.
  let want = first - 1;
  for (let i = lowerBound(comments, stmtStart) - 1; i >= 0; i--) {
    const c = comments[i];
    const endLine = lines.lineOf(c.end);
    if (endLine !== want || !ownLine(c, lines)) break;
    out.push(c);
    want = lines.lineOf(c.start) - 1;
  }
  for (let i = lowerBound(comments, stmtStart); i < comments.length; i++) {
    const c = comments[i];
    const line = lines.lineOf(c.start);
    if (line > last) break;
    if ((line === first && !ownLine(c, lines)) || (line === last && c.start >= stmtEnd)) out.push(c);
  }
  return out.filter((c) => LOCK_ANNOTATION.test(c.text)).map((c) => c.start);
}

function ownLine(c: Comment, lines: LineIndex): boolean {
  const line = lines.lineOf(c.start);
  return lines.text.slice(lines.lineStart(line), c.start).trim() === '';
}

function lowerBound(comments: Comment[], offset: number): number {
  let lo = 0, hi = comments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comments[mid].start < offset) lo = mid + 1; else hi = mid;
  }
  return lo;
}

export interface ExtractOptions {
  resolver: LockResolver;
  helpers: LockHelpers;
  checker: ts.TypeChecker;
  functionOf(decl: ts.Node): string | undefined;
  isDiscovered(fn: ts.Node): boolean;
  log?: (message: string) => void;
}

export function extractFile(sf: ts.SourceFile, discovered: DiscoveredFunction[], opts: ExtractOptions): TsFileFacts {
  const lines = new LineIndex(sf.text);
  const comments = collectComments(sf);
  const env: Env = {
    resolver: opts.resolver, helpers: opts.helpers, checker: opts.checker, functionOf: opts.functionOf, isDiscovered: opts.isDiscovered,
    annotations: (stmt) => annotationsOf(stmt.getStart(), stmt.end, comments, lines),
  };
  const functions: TsFunction[] = [];
  const docCommentStarts = new Set<number>();
  for (const d of discovered) {
    const isModule = ts.isSourceFile(d.fn);
    const contract = declaredContract(d, opts.resolver);
    if (!isModule) for (const r of ts.getLeadingCommentRanges(sf.text, d.docNode.pos) ?? []) docCommentStarts.add(r.pos);
    const fn = d.fn as ts.FunctionLikeDeclaration;
    const nameStart = isModule ? 0 : d.nameNode.getStart();
    const declStart = isModule ? 0 : d.docNode.getStart();
    const fact: TsFunction = {
      id: d.id, name: d.name, shortName: d.shortName, className: d.className, file: sf.fileName,
      start: isModule ? 0 : d.fn.getStart(), end: d.fn.end, nameStart, nameEnd: isModule ? 0 : d.nameNode.end,
      declLineStart: lines.lineStart(lines.lineOf(declStart)),
      isAsync: !isModule && (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async) !== 0,
      params: isModule ? [] : fn.parameters.map((p) => p.name.getText()),
      declared: contract.requires, ops: [], calls: [], passed: [], exits: [], throwPoints: [], continues: [], earlyReturns: [],
      handedOff: new Set(), unusedReleasers: new Map(), statements: [], ignores: contract.ignores, local: d.local, isPrivate: d.isPrivate,
    };
    try {
      walkFunction(d, fact, env);
    } catch (e) {
      // A construct the walk does not know loses this function's flow, not the file's.
      opts.log?.(`lockset: the flow of ${d.name} in ${sf.fileName} failed: ${(e as Error)?.stack ?? e}`);
      fact.ops = []; fact.calls = []; fact.passed = []; fact.exits = []; fact.throwPoints = []; fact.continues = []; fact.earlyReturns = [];
    }
    functions.push(fact);
  }
  // `// LOCK:` comments inside function bodies (doc comments of nested functions are contracts).
  const bodies = discovered.filter((d) => !ts.isSourceFile(d.fn)).map((d) => (d.fn as ts.FunctionLikeDeclaration).body).filter((b): b is ts.ConciseBody => !!b);
  const lockComments: [number, number][] = comments
    .filter((c) => LOCK_ANNOTATION.test(c.text) && !docCommentStarts.has(c.start) && bodies.some((b) => b.getStart() < c.start && c.end <= b.end))
    .map((c) => [c.start, c.end]);
  const orders: TsFileFacts['orders'] = [];
  const ignores = new Map<number, string[]>();
  for (const c of comments) {
    for (const m of c.text.matchAll(ORDER_DIRECTIVE)) {
      const { names, invalid } = parseOrder(m[1].replace(/\*\/\s*$/, ''));
      const start = c.start + m.index!;
      orders.push({ names, invalid, text: names.join(' > '), start, end: start + m[0].trimEnd().length });
    }
    for (const m of c.text.matchAll(IGNORE)) {
      const line = lines.lineOf(c.start + m.index!);
      ignores.set(line, [...(ignores.get(line) ?? []), m[1]]);
    }
  }
  return { path: sf.fileName, functions, lockComments, orders, ignores, lines };
}
