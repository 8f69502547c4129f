import { enclosingStatement } from '../analysis/annotations';
import { isPseudoLock } from '../analysis/blocking';
import type { AccessEvent } from '../analysis/flow-types';
import { guardFacts, isDataAccess, SETUP_FUNC, type Guard } from '../analysis/guards';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { FuncDecl } from '../model/file';
import type { Check } from './check';
import type { Fix, TextEdit } from './finding';

export const unguardedAccess: Check = {
  id: 'unguarded-access',
  title: 'A guarded field or global is accessed without its lock, or a shared map is written from goroutines unlocked',
  doc: `A guarded field or global is accessed without its lock, or a shared map is written from goroutines unlocked.

A field or package-level variable is guarded by a lock when a gVisor annotation says so (+checklocks:mu on the
field or var; +checklocksread:mu lets reads go with RLock; +checklocksignore opts out), or when most accesses to
it hold the same lock (inferred, Eraser-style: at least 3 accesses and 75% of them). An access without the guard
is reported; hover on the field shows the guard and where it comes from. Constructors (New..., init) are not
checked. Writes into a package-level map (m[k] = v, delete, clear) from a function started with go, or reached
from one, with no lock held crash the program: the runtime aborts with "fatal error: concurrent map writes".
The quick fix wraps the write in a lock.`,
  example: 'go func() { values[k] = v }() // values is a package-level map',
  defaultSeverity: 'warning',
  run(ctx) {
    const { analysis } = ctx;
    const facts = guardFacts(analysis);
    for (const [fn, flow] of analysis.flows) {
      if (analysis.contractOf(fn).ignore || SETUP_FUNC.test(fn.name)) continue;
      for (const a of flow.accesses) {
        if (facts.ignored.has(a.target)) continue;
        const guard = facts.guards.get(a.target);
        if (guard) {
          // An inferred guard is a guess: only an access with no lock at all held is reported against it.
          if (guard.source === 'inferred' && (!isDataAccess(analysis, a) || a.held.all().some((h) => !isPseudoLock(h.ref.key)))) continue;
          const missing = missingGuard(a, guard);
          if (!missing) continue;
          const what = `${a.write ? 'write to' : 'read of'} ${a.base ? `${a.base.display}.${a.field}` : a.field}`;
          const why = guard.source === 'annotation' ? `+checklocks${guard.readOnlyOk ? 'read' : ''}:${guard.lock}` : `inferred from ${guard.held} of ${guard.total} accesses`;
          ctx.report({
            file: fn.file.path,
            range: fn.file.lines.range(a.node.start, a.node.end),
            message: `${what} without ${missing}, which guards ${a.target} (${why})`,
            related: [],
            fixes: [],
          });
          continue;
        }
        if (!a.mapWrite || a.base || !(facts.goroutineFuncs.has(fn) || a.unit === 'goroutine')) continue;
        if (a.held.definite().some((h) => !isPseudoLock(h.ref.key) && !h.inherited)) continue;
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
  const key = guard.relative ? (a.base ? `${a.base.key}.${guard.lock}` : undefined) : guard.lock;
  if (!key) return undefined;
  const h = a.held.get(key);
  if (h && (h.maybe || h.inherited)) return undefined;
  if (h && (h.mode === 'write' || !a.write)) return undefined;
  const display = guard.relative ? `${a.base!.display}.${guard.lock}` : guard.lock;
  return h ? `${display} held for writing (it is only read-locked)` : display;
}

/** Wraps the write's statement in Lock/Unlock of an existing mutex for the map, or of a new one. */
function wrapInLock(analysis: PackageAnalysis, fn: FuncDecl, a: AccessEvent): Fix[] {
  const file = fn.file;
  const stmt = enclosingStatement(a.node);
  if (!stmt) return [];
  const existing = [...analysis.pkg.vars.values()].find((v) => v.type && analysis.pkg.lockKind(v.type) && v.name.toLowerCase().startsWith(a.target.toLowerCase()));
  const mu = existing?.name ?? `${a.target}Mu`;
  const line = file.lines.lineOf(stmt.start);
  const indent = /^\s*/.exec(file.lines.lineText(line))![0];
  const lineStart = file.lines.position(file.lines.lineStart(line));
  const stmtEnd = file.lines.position(stmt.end);
  const edits: TextEdit[] = [
    { file: file.path, range: { start: lineStart, end: lineStart }, newText: `${indent}${mu}.Lock()\n` },
    { file: file.path, range: { start: stmtEnd, end: stmtEnd }, newText: `\n${indent}${mu}.Unlock()` },
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
  const block = /^import\s*\(\s*$/m.exec(file.parsed.text);
  if (block) {
    const at = file.lines.position(block.index + block[0].length);
    return { file: file.path, range: { start: at, end: at }, newText: '\n\t"sync"' };
  }
  const pkg = /^package\s+\w+.*$/m.exec(file.parsed.text);
  const at = file.lines.position(pkg ? pkg.index + pkg[0].length : 0);
  return { file: file.path, range: { start: at, end: at }, newText: '\n\nimport "sync"' };
}
