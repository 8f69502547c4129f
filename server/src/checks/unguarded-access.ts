import { annotatingComments, enclosingStatement } from '../analysis/annotations';
import { atomicUse } from '../analysis/atomic';
import { isPseudoLock } from '../analysis/blocking';
import { allocatedJustBefore, isFreshAccess } from '../analysis/fresh';
import { isForcedHeld } from '../analysis/force';
import { targetDisplay, type AccessEvent } from '../analysis/flow-types';
import { allGuards, guardFacts, guardKey, isDataAccess, isSetupFunc, type Guard } from '../analysis/guards';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { FuncDecl } from '../model/file';
import { annotateGuard } from './annotation-suggestions';
import type { Check } from './check';
import type { Fix, TextEdit } from '../base/finding';
import { child, walk, type SyntaxNode } from '../syntax/node';
import { importEdit } from './imports';
import { guardNodes } from './util';

export const unguardedAccess: Check = {
  id: 'unguarded-access',
  title: 'A guarded field or global is accessed without its lock, or a shared map is written from goroutines unlocked',
  doc: `A guarded field or global is accessed without its lock, or a shared map is written from goroutines unlocked.

A field or package-level variable is guarded by a lock when a gVisor annotation says so (+checklocks:mu on the
field or var; +checklocksread:mu lets reads go with RLock; several such lines each name a lock that must be held;
+checklocksignore opts out; a +checklocksforce comment on a statement, or on its own line above it, takes the
guards it needs as held from there to the end of its block), or when most accesses to
it hold the same lock (inferred, Eraser-style: at least 3 accesses and 75% of them). With +checkatomic on the
field too, an atomic read needs no lock and an atomic write needs it for writing (see non-atomic-access). An access without the guard
is reported: as a warning against a +checklocks guard, as information against an inferred one, which is a
guess (a severity set for the check in lockset.checks applies to every finding); hover on the field shows the guard and where it comes from. Constructors (New..., init) are not
checked, nor accesses through a local that holds only what the function allocated itself (x := &T{...}). Writes into a package-level map (m[k] = v, delete, clear) from a function started with go, or reached
from one, with no lock held crash the program: the runtime aborts with "fatal error: concurrent map writes".
The quick fix wraps the write in a lock; for a guarded field or global, it takes the guard around a simple statement
that makes the access (RLock for a read of an RWMutex's field), when no other lock is held there. Against an
inferred guard, a second fix writes it down: // +checklocks:mu above the field's (or variable's) declaration.`,
  example: 'go func() { values[k] = v }() // values is a package-level map',
  defaultSeverity: 'warning',
  run(ctx) {
    const { analysis } = ctx;
    const facts = guardFacts(analysis);
    for (const [fn, flow] of analysis.flows) {
      if (analysis.contractOf(fn).ignore || isSetupFunc(fn)) continue;
      for (const a of flow.accesses) {
        // Most accesses have no guard and write no package-level map: the cheap test first.
        const guard = facts.guards.get(a.target);
        if (!guard && !(a.mapWrite && !a.base)) continue;
        if (facts.ignored.has(a.target) || isFreshAccess(fn, a) || ignoredStatement(fn, a.node)) continue;
        // checklocks exempts a new object from its annotations: the value set just before is an allocation.
        if (guard?.source === 'annotation' && allocatedJustBefore(fn, a)) continue;
        if (guard) {
          // An inferred guard is a guess: only an access with no lock at all held is reported against it.
          if (guard.source === 'inferred' && (!isDataAccess(analysis, a) || a.held.all().some((h) => !isPseudoLock(h.ref.key)))) continue;
          // +checkatomic with +checklocks: an atomic read needs no lock, an atomic write needs it for writing.
          const atomic = guard.source === 'annotation' ? facts.atomic.get(a.target) : undefined;
          const use = atomic && atomicUse(fn.file, a.node, atomic);
          if (use?.kind === 'atomic' && !use.write) continue;
          const write = a.write || use?.kind === 'atomic';
          // Several +checklocks lines on one field: each must be held; the finding names those that are not.
          // A +checklocksforce above (or on) the statement, or earlier in the block, asserts the guard held.
          const missing = allGuards(guard).map((g) => ({ g, display: missingGuard(a, g, write) }))
            .filter((m) => m.display !== undefined && !isForcedHeld(analysis, fn, flow, a.node, guardKey(a, m.g)!));
          if (missing.length === 0) continue;
          const what = `${write ? 'write to' : 'read of'} ${a.base ? `${a.base.display}.${a.field}` : a.field}`;
          const why = guard.source === 'annotation'
            ? missing.map(({ g }) => `+checklocks${g.readOnlyOk ? 'read' : ''}:${g.lock}`).join(', ') + (atomic ? ', +checkatomic: only an atomic read goes without it' : '')
            : `inferred from ${guard.held} of ${guard.total} accesses`;
          ctx.report({
            // An inferred guard is a guess (confidence): declared by +checklocks, a warning; inferred, information.
            severity: guard.source === 'inferred' ? 'information' : undefined,
            file: fn.file.path,
            range: fn.file.lines.range(a.node.start, a.node.end),
            message: `${what} without ${missing.map((m) => m.display).join(' and ')}, which guard${missing.length > 1 ? '' : 's'} ${targetDisplay(a.target)} (${why})`,
            related: [],
            // Taking one lock around the access is a fix only when it is the one missing (and no other is held).
            // Writing an inferred guard down comes after the fix that makes the code right.
            fixes: [...(missing.length === 1 ? takeGuardAround(analysis, fn, a, missing[0].g, write) : []), ...annotateGuard(analysis, a.target, guard)],
            locks: guardNodes(analysis, fn, a, missing.map((m) => m.g)),
          });
          continue;
        }
        if (!a.mapWrite || a.base || !(facts.goroutineFuncs.has(fn) || a.unit === 'goroutine')) continue;
        if (a.held.definite().some((h) => !isPseudoLock(h.ref.key) && !h.inherited)) continue;
        // A helper whose every caller holds a lock is guarded by its callers.
        const callers = analysis.callersOf(fn);
        if (a.unit !== 'goroutine' && callers.length && callers.every(({ site }) => site.held.definite().some((h) => !isPseudoLock(h.ref.key) && !h.inherited))) continue;
        const how = a.unit === 'goroutine' ? `a goroutine started in ${fn.name}` : facts.goroutineFuncs.get(fn)!;
        ctx.report({
          file: fn.file.path,
          range: fn.file.lines.range(a.node.start, a.node.end),
          message: `write to package-level map ${a.target} from a goroutine (${how}) with no lock held: concurrent writes make the runtime abort with "fatal error: concurrent map writes"`,
          related: [],
          fixes: wrapInLock(analysis, fn, a),
          // No lock guards the map yet: the finding is about none.
          locks: [],
        });
      }
    }
  },
};

/** `x.m = make(map[K]V) // +checklocksignore`: checklocks' per-line opt-out, on the statement or on the line above. */
function ignoredStatement(fn: FuncDecl, node: SyntaxNode): boolean {
  const stmt = enclosingStatement(node);
  const line = stmt && fn.file.lines.lineOf(stmt.start);
  // Not a trailing comment of the line above: that one is its own statement's.
  return !!stmt && annotatingComments(fn.file, stmt).some((c) => (fn.file.isOwnLine(c) || fn.file.lines.lineOf(c.start) === line) && fn.file.text(c).includes('+checklocksignore'));
}

/** The guard's display name when it is not held (in the mode the access needs), else undefined. */
function missingGuard(a: AccessEvent, guard: Guard, write: boolean): string | undefined {
  const key = guardKey(a, guard);
  if (!key) return undefined;
  const h = a.held.get(key);
  if (h?.inherited) return undefined;
  const display = guard.relative ? `${a.base!.display}.${guard.lock}` : guard.lock;
  // As in checklocks, a lock held on some paths only is not held for a +checklocks guard; an inferred one is lenient.
  if (h?.maybe && !h.mixedMode) return guard.source === 'annotation' ? `${display} held on every path (it is held on some only)` : undefined;
  // Read-locked on some paths, write-locked on the others: read-held everywhere.
  if (h?.mixedMode) return write ? `${display} held for writing on every path (it is only read-locked on some)` : undefined;
  if (h && (h.mode === 'write' || !write)) return undefined;
  return h ? `${display} held for writing (it is only read-locked)` : display;
}

/** Statements a Lock above and an Unlock below can go around: no return or branch can leave between them. */
const SIMPLE_STATEMENTS = new Set(['expression_statement', 'short_var_declaration', 'assignment_statement', 'var_declaration', 'inc_statement', 'dec_statement']);
/** Calls that neither block nor take a lock. */
const PURE_CALLS = new Set(['len', 'cap', 'append', 'delete', 'copy', 'make', 'new', 'min', 'max', 'clear']);

/**
 * "Lock c.mu around this access": the guard's Lock on a line of its own above the statement and its Unlock
 * below (RLock and RUnlock for a read of an RWMutex's field). Only for a simple statement on lines of its own in
 * the function's body (not in a closure, which may run elsewhere), with no other lock held (taking one more could
 * order locks anew), and calling nothing but builtins (a call could take the lock again or block under it).
 */
function takeGuardAround(analysis: PackageAnalysis, fn: FuncDecl, a: AccessEvent, guard: Guard, write: boolean): Fix[] {
  if (a.unit !== 'function' || a.held.all().some((h) => !isPseudoLock(h.ref.key))) return [];
  const stmt = enclosingStatement(a.node);
  if (!stmt || stmt.hasError || !SIMPLE_STATEMENTS.has(stmt.type) || stmt.parent?.type !== 'statement_list') return [];
  const file = fn.file;
  let calls = false;
  walk(stmt, (n) => {
    if (n.type === 'func_literal' || (n.type === 'unary_expression' && n.op === '<-')) calls = true;
    else if (n.type === 'call_expression' && !PURE_CALLS.has(file.text(child(n, 'function')))) calls = true;
    return !calls;
  });
  if (calls) return [];
  const path = guard.heldAs ?? guard.lock;
  let name: string, type;
  if (guard.relative) {
    if (!a.base || !a.base.exact || !['receiver', 'param', 'local', 'global'].includes(a.base.rootKind)) return [];
    name = path ? `${a.base.display}.${path}` : a.base.display;
    type = path ? analysis.pkg.findField(a.base.type, path.split('.').pop()!)?.at(-1)?.type : a.base.type;
  } else {
    name = guard.lock;
    type = analysis.globalType(guard.lock);
  }
  const line = file.lines.lineOf(stmt.start);
  const lineStart = file.lines.lineStart(line);
  const indent = file.lines.indentOf(line);
  if (lineStart + indent.length !== stmt.start) return [];
  const read = !write && type !== undefined && analysis.pkg.lockKind(type) === 'rwmutex';
  const [lock, unlock] = read ? ['RLock', 'RUnlock'] : ['Lock', 'Unlock'];
  const before = file.lines.position(lineStart);
  // The end of the statement's last line, after a trailing comment.
  const after = file.lines.position(file.lines.lineEnd(file.lines.lineOf(stmt.end)));
  return [{
    id: 'lock-around-access',
    title: `Lock ${name} around this ${write ? 'write' : 'read'} (${name}.${lock}() … ${name}.${unlock}())`,
    preferred: true,
    edits: [
      { file: file.path, range: { start: before, end: before }, newText: `${indent}${name}.${lock}()\n` },
      { file: file.path, range: { start: after, end: after }, newText: `\n${indent}${name}.${unlock}()` },
    ],
  }];
}

/** Wraps the write's statement in Lock/Unlock of an existing mutex for the map, or of a new one. */
function wrapInLock(analysis: PackageAnalysis, fn: FuncDecl, a: AccessEvent): Fix[] {
  const file = fn.file;
  const stmt = enclosingStatement(a.node);
  if (!stmt || stmt.hasError) return [];
  const names = new Set([`${a.target}mu`, `${a.target}mutex`, `${a.target}lock`, `mu${a.target}`].map((n) => n.toLowerCase()));
  const existing = [...analysis.pkg.vars.values()].find((v) => names.has(v.name.toLowerCase()) && analysis.pkg.lockKind(analysis.globalType(v.name)));
  const mu = existing?.name ?? `${a.target}Mu`;
  const line = file.lines.lineOf(stmt.start);
  const lineText = file.lines.lineText(line);
  const indent = /^[ \t]*/.exec(lineText)![0];
  const lineStart = file.lines.lineStart(line);
  const alone = file.parsed.text.slice(lineStart, stmt.start).trim() === '' && file.lines.lineOf(stmt.end) === line;
  const lineEnd = lineStart + lineText.length;
  const edits: TextEdit[] = alone
    // The statement has its line to itself: Lock above it, Unlock below (after any trailing comment).
    ? [
      { file: file.path, range: { start: file.lines.position(lineStart), end: file.lines.position(lineStart) }, newText: `${indent}${mu}.Lock()\n` },
      { file: file.path, range: { start: file.lines.position(lineEnd), end: file.lines.position(lineEnd) }, newText: `\n${indent}${mu}.Unlock()` },
    ]
    // It shares the line (`go func() { m[k] = v }()`): lock and unlock around it, on the same line.
    : [
      { file: file.path, range: { start: file.lines.position(stmt.start), end: file.lines.position(stmt.start) }, newText: `${mu}.Lock(); ` },
      { file: file.path, range: { start: file.lines.position(stmt.end), end: file.lines.position(stmt.end) }, newText: `; ${mu}.Unlock()` },
    ];
  if (!existing) {
    const declLine = file.lines.position(file.lines.lineStart(file.lines.lineOf((fn.doc.comments[0] ?? fn.node).start)));
    edits.push({ file: file.path, range: { start: declLine, end: declLine }, newText: `// ${mu} guards ${a.target}, which goroutines write.\nvar ${mu} sync.Mutex\n\n` });
    if (![...file.imports.values()].includes('sync')) edits.push(importEdit(file, 'sync'));
  }
  return [{ id: 'wrap-in-lock', title: `Lock ${mu} around the write`, preferred: true, edits }];
}
