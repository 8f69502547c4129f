import { directiveOf, type Directive } from '../analysis/checklocks-directives';
import { article, fieldGuardName, functionLockName, type LockName } from '../analysis/lock-names';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { Fix } from '../base/finding';
import type { FuncDecl, GoFile } from '../model/file';
import type { FieldInfo, GoType } from '../model/types';
import type { SyntaxNode } from '../syntax/node';
import type { Check, CheckContext } from './check';
import { contradiction, formProblem, lockCandidates, NO_CANDIDATES, suggestLock } from './annotation-problems';
import { related } from './util';

export const invalidAnnotation: Check = {
  id: 'invalid-annotation',
  title: 'A malformed, unknown, unresolved or contradictory +checklocks annotation',
  doc: `A malformed, unknown, unresolved or contradictory +checklocks annotation.

An annotation that lockset cannot read checks nothing, silently: every finding that it should give is missing.
Reported at the annotation's comment:
- a directive that checklocks does not know (+checklocksrelese:mu; the known ones are checklocks, checklocksread,
  checklocksacquire, checklocksacquireread, checklocksrelease, checklocksreleaseread, checklocksexclude,
  checklocksexcludewrite, checklocksignore, checklocksforce, checklocksalias, checklocksfail, checklocksreadany,
  checkatomic and checkatomicignore); the quick fix spells the nearest known one;
- a malformed one: a lock directive with no lock (+checklocks on a field), a space after the colon
  (+checklocks: mu), no colon (+checklocks mu), or text after the lock that is not a // comment (after
  +checklocksignore and +checklocksforce, text is a reason and is fine);
- a lock that resolves to nothing in scope or to something that is no lock: on a field, the name resolves
  within the struct (mu, fieldX.mu) or to a package-level variable (globalMu, globalX.mu); on a function, to the
  receiver, a parameter, a named result, a path from them, or a package-level variable. A lock is a sync.Mutex,
  sync.RWMutex or sync.Locker, a type with Lock and Unlock methods, or a struct that embeds one. The quick fix names
  the lock meant: the one in scope within two edits of the name, when only one is, or else the struct's only lock;
- two annotations of one function that contradict each other on one lock (+checklocks:mu with
  +checklocksexclude:mu, +checklocksacquire:mu with +checklocks:mu, +checklocks:mu with +checklocksread:mu);
- a +checklocks annotation on a field that is itself a lock (it guards data, not another lock).
An annotation that names no lock is not checked: no other finding rests on it (a function's hover says its contract
was not understood).`,
  example: '// +checklocks:mux // the lock is mu',
  defaultSeverity: 'warning',
  run(ctx) {
    for (const file of ctx.analysis.pkg.files) {
      // Most files have no annotation at all.
      if (!file.parsed.text.includes('+check')) continue;
      const done = new Set<SyntaxNode>();
      for (const fn of file.funcs) checkFunction(ctx, fn, done);
      for (const t of file.types) {
        if (t.type.kind !== 'struct') continue;
        for (const f of t.type.fields) checkGuarded(ctx, file, fieldComments(file, f), f.type, `field ${f.name}`, t.type, done);
      }
      for (const v of file.vars) {
        const type = v.type ?? ctx.analysis.globalType(v.name);
        checkGuarded(ctx, file, [...v.doc.comments, ...trailing(file, v.nameNode)], type, `variable ${v.name}`, undefined, done);
      }
      // Elsewhere (statements: +checklocksforce, +checklocksignore) only the form is checked.
      for (const c of file.parsed.comments) {
        if (done.has(c)) continue;
        const d = directiveOf(file, c);
        if (d?.problem) reportForm(ctx, file, d, NO_CANDIDATES);
      }
    }
  },
};

interface Named { d: Directive; name: string; key: string }

function checkFunction(ctx: CheckContext, fn: FuncDecl, done: Set<SyntaxNode>): void {
  const { analysis } = ctx;
  const file = fn.file;
  const named: Named[] = [];
  for (const c of fn.doc.comments) {
    done.add(c);
    const d = directiveOf(file, c);
    if (!d) continue;
    if (d.problem) { reportForm(ctx, file, d, lockCandidates(analysis, { fn, written: '' })); continue; }
    if (!d.name) continue;
    const lock = contractLock(analysis, fn, d);
    if (lock?.resolved) { named.push({ d, name: d.name, key: lock.ref.key }); continue; }
    const name = functionLockName(analysis.pkg, fn, d.name, (n) => analysis.globalType(n));
    if (name.kind === 'lock' || name.kind === 'unknown') { named.push({ d, name: d.name, key: d.name }); continue; }
    reportName(ctx, file, d, name, lockCandidates(analysis, { fn, written: d.name }));
  }
  for (let i = 1; i < named.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = named[j], b = named[i];
      const why = a.key === b.key ? contradiction(a.d.word, b.d.word) : undefined;
      if (!why) continue;
      ctx.report({
        file: file.path,
        range: file.lines.range(b.d.comment.start, b.d.comment.end),
        message: `+${b.d.word}:${b.name} contradicts +${a.d.word}:${a.name} on ${fn.name}: ${why}`,
        related: [related(file, a.d.comment.start, a.d.comment.end, `+${a.d.word}:${a.name}`)],
        fixes: [],
      });
      break;
    }
  }
}

/** The lock of a function's contract that an annotation gave, found by what it says. */
function contractLock(analysis: PackageAnalysis, fn: FuncDecl, d: Directive) {
  const c = analysis.contractOf(fn);
  const describe = `annotation +${d.word}:${d.name}`;
  return [...c.requires, ...c.acquires, ...c.releases, ...c.excludes].find((l) => l.source.kind === 'annotation' && l.source.describe === describe);
}

/** The annotations of a field or package-level variable (`owner` is the struct of a field). */
function checkGuarded(ctx: CheckContext, file: GoFile, comments: SyntaxNode[], type: GoType, what: string, owner: GoType | undefined, done: Set<SyntaxNode>): void {
  const { analysis } = ctx;
  for (const c of comments) {
    if (done.has(c)) continue;
    done.add(c);
    const d = directiveOf(file, c);
    if (!d) continue;
    const candidates = () => lockCandidates(analysis, { owner, written: d.name ?? '' });
    if (d.problem) { reportForm(ctx, file, d, candidates()); continue; }
    if (!d.name || (d.word !== 'checklocks' && d.word !== 'checklocksread')) continue;
    if (analysis.pkg.lockKind(type)) {
      ctx.report({
        file: file.path,
        range: file.lines.range(c.start, c.end),
        message: `+${d.word}:${d.name} on ${what}, which is itself a lock (${article(type).replace(/^an? /, '')}): a guard annotation belongs on the data a lock protects`,
        related: [],
        fixes: [],
      });
      continue;
    }
    const name = fieldGuardName(analysis.pkg, owner, d.name, (n) => analysis.globalType(n));
    if (name.kind === 'missing' || name.kind === 'not-a-lock') reportName(ctx, file, d, name, candidates());
  }
}

function reportName(ctx: CheckContext, file: GoFile, d: Directive, name: LockName, candidates: ReturnType<typeof lockCandidates>): void {
  const written = d.name!;
  // `+checklocks:ignore`: the old spelling of +checklocksignore.
  if (d.word === 'checklocks' && written === 'ignore') {
    const start = d.wordStart, end = d.nameStart! + written.length;
    ctx.report({
      file: file.path,
      range: file.lines.range(d.comment.start, d.comment.end),
      message: '+checklocks:ignore names a lock called ignore: checklocks spells the opt-out +checklocksignore',
      related: [],
      fixes: [{ id: 'fix-annotation-directive', title: 'Change to +checklocksignore', preferred: true, edits: [{ file: file.path, range: file.lines.range(start, end), newText: 'checklocksignore' }] }],
    });
    return;
  }
  const what = name.kind === 'not-a-lock' ? `names ${name.display}, ${article(name.type)}, not a lock`
    : name.kind === 'missing' ? `names no lock in scope: ${name.why}` : '';
  const meant = suggestLock(written, candidates);
  // A misspelling is preferred; the struct's only lock, for a name nowhere near it, is a guess.
  const fixes: Fix[] = meant ? [{
    id: 'fix-annotation-lock', title: `Change to +${d.word}:${meant.lock}`, preferred: meant.near,
    edits: [{ file: file.path, range: file.lines.range(d.nameStart!, d.nameStart! + written.length), newText: meant.lock }],
  }] : [];
  ctx.report({
    file: file.path,
    range: file.lines.range(d.comment.start, d.comment.end),
    message: `+${d.word}:${written} ${what}${meant ? ` (did you mean ${meant.lock}?)` : ''}; it is not checked`,
    related: [],
    fixes,
  });
}

function reportForm(ctx: CheckContext, file: GoFile, d: Directive, candidates: ReturnType<typeof lockCandidates>): void {
  const p = formProblem(file, d, candidates);
  ctx.report({ file: file.path, range: file.lines.range(d.comment.start, d.comment.end), message: p.message, related: [], fixes: p.fixes });
}

/** A field's doc comment and the comments after it on its line. */
function fieldComments(file: GoFile, f: FieldInfo): SyntaxNode[] {
  return [...file.docFor(f.node).comments, ...trailing(file, f.node)];
}

/** Comments after `at` on its line. */
function trailing(file: GoFile, at: SyntaxNode): SyntaxNode[] {
  return file.commentsOnLine(file.lines.lineOf(at.start), at.end).filter((c) => !file.isOwnLine(c));
}
