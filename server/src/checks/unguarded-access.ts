import { enclosingStatement } from '../analysis/annotations';
import { isPseudoLock } from '../analysis/blocking';
import { isFreshAccess } from '../analysis/fresh';
import type { AccessEvent } from '../analysis/flow-types';
import { guardFacts, isDataAccess, isSetupFunc, type Guard } from '../analysis/guards';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { FuncDecl } from '../model/file';
import { annotateGuard } from './annotation-suggestions';
import type { Check } from './check';
import type { Fix, TextEdit } from '../base/finding';
import { child, walk } from '../syntax/node';

export const unguardedAccess: Check = {
  id: 'unguarded-access',
  title: 'A guarded field or global is accessed without its lock, or a shared map is written from goroutines unlocked',
  doc: `A guarded field or global is accessed without its lock, or a shared map is written from goroutines unlocked.

A field or package-level variable is guarded by a lock when a gVisor annotation says so (+checklocks:mu on the
field or var; +checklocksread:mu lets reads go with RLock; +checklocksignore opts out), or when most accesses to
it hold the same lock (inferred, Eraser-style: at least 3 accesses and 75% of them). An access without the guard
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
        if (facts.ignored.has(a.target) || isFreshAccess(fn, a)) continue;
        const guard = facts.guards.get(a.target);
        if (guard) {
          // An inferred guard is a guess: only an access with no lock at all held is reported against it.
          if (guard.source === 'inferred' && (!isDataAccess(analysis, a) || a.held.all().some((h) => !isPseudoLock(h.ref.key)))) continue;
          const missing = missingGuard(a, guard);
          if (!missing) continue;
          const what = `${a.write ? 'write to' : 'read of'} ${a.base ? `${a.base.display}.${a.field}` : a.field}`;
          const why = guard.source === 'annotation' ? `+checklocks${guard.readOnlyOk ? 'read' : ''}:${guard.lock}` : `inferred from ${guard.held} of ${guard.total} accesses`;
          ctx.report({
            // An inferred guard is a guess (confidence): declared by +checklocks, a warning; inferred, information.
            severity: guard.source === 'inferred' ? 'information' : undefined,
            file: fn.file.path,
            range: fn.file.lines.range(a.node.start, a.node.end),
            message: `${what} without ${missing}, which guards ${a.target} (${why})`,
            related: [],
            // Writing an inferred guard down comes after the fix that makes the code right.
            fixes: [...takeGuardAround(analysis, fn, a, guard), ...annotateGuard(analysis, a.target, guard)],
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
        });
      }
    }
  },
};

/** The guard's display name when it is not held (in the mode the access needs), else undefined. */
function missingGuard(a: AccessEvent, guard: Guard): string | undefined {
  // A relative guard '' is the struct's embedded mutex: the lock that a.base.Lock() takes.
  const path = guard.heldAs ?? guard.lock;
  const key = guard.relative ? (a.base ? (path ? `${a.base.key}.${path}` : a.base.key) : undefined) : guard.lock;
  if (!key) return undefined;
  const h = a.held.get(key);
  if (h && (h.maybe || h.inherited)) return undefined;
  if (h && (h.mode === 'write' || !a.write)) return undefined;
  const display = guard.relative ? `${a.base!.display}.${guard.lock}` : guard.lock;
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
function takeGuardAround(analysis: PackageAnalysis, fn: FuncDecl, a: AccessEvent, guard: Guard): Fix[] {
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
  const read = !a.write && type !== undefined && analysis.pkg.lockKind(type) === 'rwmutex';
  const [lock, unlock] = read ? ['RLock', 'RUnlock'] : ['Lock', 'Unlock'];
  const before = file.lines.position(lineStart);
  // The end of the statement's last line, after a trailing comment.
  const after = file.lines.position(file.lines.lineEnd(file.lines.lineOf(stmt.end)));
  return [{
    id: 'lock-around-access',
    title: `Lock ${name} around this ${a.write ? 'write' : 'read'} (${name}.${lock}() … ${name}.${unlock}())`,
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
    if (![...file.imports.values()].includes('sync')) edits.push(importSync(fn));
  }
  return [{ id: 'wrap-in-lock', title: `Lock ${mu} around the write`, preferred: true, edits }];
}

function importSync(fn: FuncDecl): TextEdit {
  const file = fn.file;
  const block = /^import\s*\([ \t]*\n((?:[^)]*\n)*?)\)/m.exec(file.parsed.text);
  if (block) {
    // Keep the block sorted, as gofmt (goimports) would: before the first path that sorts after "sync".
    let offset = block.index + block[0].indexOf('\n') + 1;
    for (const l of block[1].split('\n').slice(0, -1)) {
      const path = /"([^"]+)"/.exec(l)?.[1];
      if (path && path > 'sync') break;
      offset += l.length + 1;
    }
    const at = file.lines.position(offset);
    return { file: file.path, range: { start: at, end: at }, newText: '\t"sync"\n' };
  }
  const pkg = /^package\s+\w+.*$/m.exec(file.parsed.text);
  const at = file.lines.position(pkg ? pkg.index + pkg[0].length : 0);
  return { file: file.path, range: { start: at, end: at }, newText: '\n\nimport "sync"' };
}
