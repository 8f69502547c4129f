import { editDistance, type Directive } from '../analysis/checklocks-directives';
import { isLock } from '../analysis/lock-names';
import type { PackageAnalysis } from '../analysis/package-analysis';
import { bodyScope } from '../analysis/scope-of';
import type { Fix } from '../base/finding';
import { paramsOf, type FuncDecl, type GoFile } from '../model/file';
import { child } from '../syntax/node';
import type { GoType } from '../model/types';

/** The locks an annotation could have meant, and the struct's own ones (for "the only lock in the struct"). */
export interface LockCandidates { all: string[]; structLocks: string[] }

export const NO_CANDIDATES: LockCandidates = { all: [], structLocks: [] };

/**
 * The locks in scope of an annotation, written as the annotation would name them: for a field, the struct's lock
 * fields and package-level locks; for a function, the locks of its receiver, parameters and results (and the
 * receiver's bare field names when the annotation names one bare), and package-level locks.
 */
export function lockCandidates(analysis: PackageAnalysis, at: { owner?: GoType; fn?: FuncDecl; written: string }): LockCandidates {
  const { pkg } = analysis;
  const locksOf = (t: GoType) => (pkg.structFields(t) ?? []).filter((f) => isLock(pkg, f.type)).map((f) => f.name);
  const all: string[] = [];
  let structLocks: string[] = [];
  if (at.owner) {
    structLocks = locksOf(at.owner);
    all.push(...structLocks);
  } else if (at.fn) {
    const fn = at.fn;
    const scope = bodyScope(fn);
    const first = at.written.split('.')[0];
    const results = paramsOf(child(fn.node, 'result'), fn.file.parsed.text).map((r) => r.name);
    const names = [fn.recvName, ...fn.params.map((p) => p.name), ...results].filter((n): n is string => !!n && n !== '_');
    for (const n of new Set(names)) {
      const v = scope.lookup(n);
      if (!v) continue;
      if (isLock(pkg, v.type)) all.push(n);
      all.push(...locksOf(v.type).map((f) => `${n}.${f}`));
    }
    const recv = fn.recvName ? scope.lookup(fn.recvName) : undefined;
    // The struct the name starts from: its root variable's, or the receiver's (named bare, checklocks' older style, or through the receiver).
    const v0 = scope.lookup(first);
    const bare = !v0 && at.written !== '' && !at.written.includes('.');
    const prefix = v0 ? `${first}.` : bare ? '' : `${fn.recvName}.`;
    const root = v0 ?? recv;
    if (root) structLocks = locksOf(root.type).map((f) => prefix + f);
    if (recv && bare) all.push(...locksOf(recv.type));
  }
  for (const [name] of pkg.vars) {
    const t = analysis.globalType(name);
    if (isLock(pkg, t)) all.push(name);
  }
  return { all: [...new Set(all)], structLocks };
}

/** The lock meant: the only one within two edits of the name (`near`), or else the struct's only lock. */
export function suggestLock(written: string, c: LockCandidates): { lock: string; near: boolean } | undefined {
  const near = c.all.filter((n) => n !== written && editDistance(n, written) <= 2);
  if (near.length === 1) return { lock: near[0], near: true };
  if (near.length === 0 && c.structLocks.length === 1 && c.structLocks[0] !== written) return { lock: c.structLocks[0], near: false };
  return undefined;
}

/** What a function's annotation says of its lock: on entry (held for writing, for reading, not held, not held for writing), and on return. */
const STATES: Record<string, { entry?: 'w' | 'r' | 'none' | 'nowrite'; exit?: 'held' | 'released'; mode?: 'w' | 'r' }> = {
  checklocks: { entry: 'w', exit: 'held', mode: 'w' },
  checklocksread: { entry: 'r', exit: 'held', mode: 'r' },
  checklocksacquire: { entry: 'none', exit: 'held', mode: 'w' },
  checklocksacquireread: { entry: 'none', exit: 'held', mode: 'r' },
  checklocksrelease: { entry: 'w', exit: 'released', mode: 'w' },
  checklocksreleaseread: { entry: 'r', exit: 'released', mode: 'r' },
  checklocksexclude: { entry: 'none' },
  checklocksexcludewrite: { entry: 'nowrite' },
};

/** Why two annotations of one function on one lock contradict each other, or undefined when they agree. */
export function contradiction(a: string, b: string): string | undefined {
  const x = STATES[a], y = STATES[b];
  if (!x || !y || a === b) return undefined;
  const held = (s: typeof x) => s.entry === 'w' || s.entry === 'r';
  const entryClash = (s: typeof x, t: typeof x) => (held(s) && t.entry === 'none') || (s.entry === 'w' && t.entry === 'nowrite');
  if (entryClash(x, y) || entryClash(y, x)) return 'one says the lock is held on entry, the other that it is not';
  if ((x.exit === 'held' && y.exit === 'released') || (x.exit === 'released' && y.exit === 'held')) return 'one says the lock is held on return, the other that it is released';
  if (x.mode && y.mode && x.mode !== y.mode) return 'one asks for a write lock, the other for a read lock';
  return undefined;
}

/** The message and fixes of a malformed or unknown directive. */
export function formProblem(file: GoFile, d: Directive, candidates: LockCandidates): { message: string; fixes: Fix[] } {
  const p = d.problem!;
  const edit = (start: number, end: number, newText: string) => ({ file: file.path, range: file.lines.range(start, end), newText });
  const only = candidates.structLocks.length === 1 ? candidates.structLocks[0] : undefined;
  const nameIt = (at: number, text: (lock: string) => string): Fix[] => only
    // A guess, not the preferred fix: the annotation may have meant another directive (+checkatomic).
    ? [{ id: 'name-annotation-lock', title: `Name the struct's only lock: +${d.word}:${only}`, edits: [edit(at, at, text(only))] }] : [];
  switch (p.kind) {
    case 'unknown':
      return {
        message: `unknown annotation +${d.word}: neither checklocks nor lockset reads it${p.nearest ? ` (did you mean +${p.nearest}?)` : ''}`,
        fixes: p.nearest ? [{ id: 'fix-annotation-directive', title: `Change to +${p.nearest}`, preferred: true, edits: [edit(d.wordStart, d.wordStart + d.word.length, p.nearest)] }] : [],
      };
    case 'no-lock':
      return { message: `+${d.word} names no lock: the lock follows a colon (+${d.word}:mu)`, fixes: nameIt(d.wordStart + d.word.length, (l) => `:${l}`) };
    case 'empty-lock':
      return { message: `+${d.word}: names no lock: the lock follows the colon (+${d.word}:mu)`, fixes: nameIt(d.restStart + 1, (l) => l) };
    case 'space-after-colon':
      return {
        message: `+${d.word}: ${p.name} has a space after the colon: checklocks reads the lock's name with the space, lockset reads no lock (write +${d.word}:${p.name})`,
        fixes: [{ id: 'fix-annotation-form', title: `Remove the space: +${d.word}:${p.name}`, preferred: true, edits: [edit(p.spaceStart, p.spaceEnd, '')] }],
      };
    case 'no-colon':
      return {
        message: `+${d.word} ${p.name} lacks the colon: checklocks and lockset read no lock (write +${d.word}:${p.name})`,
        fixes: [{ id: 'fix-annotation-form', title: `Add the colon: +${d.word}:${p.name}`, preferred: true, edits: [edit(p.spaceStart, p.spaceEnd, ':')] }],
      };
    case 'trailing':
      return { message: `"${p.text}" after the lock of +${d.word}:${d.rest.slice(1).split(/\s/)[0]} is no part of it: checklocks reads everything after the colon as the lock's name`, fixes: [] };
    case 'bad-alias':
      return { message: `+${d.word} needs two paths to one lock joined by = (+checklocksalias:a.mu=b.mu)`, fixes: [] };
  }
}
