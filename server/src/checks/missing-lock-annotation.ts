import { lockAnnotations, enclosingStatement, regionNaming } from '../analysis/annotations';
import { isPseudoLock } from '../analysis/blocking';
import type { SyntaxNode } from '../syntax/node';
import { requirementsAt } from '../analysis/requirements';
import { mapToCaller } from '../analysis/calls';
import { isForcedHeld } from '../analysis/force';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { CallSite } from '../analysis/flow-types';
import type { FuncDecl } from '../model/file';
import { typedClass, type Ref } from '../model/refs';
import { acquisitionsAt, RUNS_IN_PLACE } from '../analysis/summaries';
import { annotateContract } from './annotation-suggestions';
import type { Check } from './check';
import { keptPerFlow, orNone } from './kept-per-flow';
import { lockNodes } from './util';
import type { Fix } from '../base/finding';
import { touchesNothingShared } from '../analysis/stale-contract';
import { contradictedLocks } from '../analysis/contradicted';
import { isFreshValueAt } from '../analysis/fresh-value';
import { onlyLogs } from '../analysis/log-only';
import { isGuess } from '../core/contract-sources';
import { ContractReader } from '../analysis/contracts';
import { functionScope } from '../analysis/scope-of';
import { UnheldPaths, containerLockHeld } from '../analysis/unheld-path';


export const missingLockAnnotation: Check = {
  id: 'missing-lock-annotation',
  title: 'A call needs a lock that is not held and carries no // LOCK: annotation',
  doc: `A call needs a lock that is not held and carries no // LOCK: annotation.

The callee's contract (a doc comment such as "findVM assumes vmLock is held", a +checklocks annotation,
a name ending in Locked, an exported twin that takes the lock before calling it, or the function whose
…Locked form it is, holding the lock whenever it calls it: sendAlert and sendAlertLocked; or, for an unexported
function that needs the lock itself, every call of it in the package holding it) says that the caller
must hold a lock. The lock is not held at the call on any path, the calling function's own contract does
not provide it, and no // LOCK: comment above the statement or at the end of its line asserts that it is
held, nor one earlier in the block (or a block around it) on a line of its own that names the lock as held
("we already hold the cmdLock"), nor a +checklocksforce comment on a statement that needs the lock, there or
earlier in the block. Locks held on only some paths are not reported. A goroutine never inherits its creator's locks.
Nor is a lock of an object that nothing else can reach yet: one the caller allocated, or got from a package
function that returns only objects it allocated (\`mb := fs.newBlock(i)\`), and has not handed on since.

Confidence: a contract declared in the code (an annotation, a doc comment whose lock resolves) gives a warning;
one that is only a guess (a …Locked name, an exported twin's habit, or the callers rule) gives
information, and so does a doc comment whose function (with what it calls, a few calls deep) touches only
atomics, fields that nothing writes after construction, or data under its own locks, since the comment may
be stale, one whose function only reads fields to write a log message (nats-server's \`fs.warn\`), and one whose
function takes the lock itself (the contract contradicts the body, which deadlocks if the lock is held): a
severity set for the check in lockset.checks applies to every finding. A contract whose lock
names nothing in scope ("Both locks should be held", "the heap lock") is never reported: the hover says it was
not understood, and a function whose own contract was not understood gets no finding (it may hold what
its calls need).

A declared contract gives a warning only when lockset can show the call reached without the lock, since on
real code the lock is most often held further up by a caller that knows the contract without repeating it:
the call runs in a goroutine; the calling function takes and releases that lock itself, or looked the object up
by a key itself (\`vm := vms.FindVM(id)\`); it is exported (other packages cannot hold an unexported lock; a method
of an unexported type is not counted), main or init, handed with no lock held to another package's function
(\`mux.HandleFunc("/vms/", handleVM)\`), or nothing in the package mentions it yet; or one of its callers, a few
calls up, reaches it without the lock and is one of those (a call in a func literal stored or handed on for later
runs when its holder calls it: the function that made it gives no such path). Without such a path, or when the
lock of an object the needed lock is reached through is held (\`mb.mu\` held, \`mb.fs.mu\` needed: a per-part lock
often guards what the whole's lock is documented to), the finding is information and says why. A lock held
under another name that an enclosing \`if a == b\` makes the same (\`if si.acc == acc\` with acc.mu held) is held.

Fixes: call the exported twin that takes the lock; take the lock around the statements of the block that need it
(a deferred Unlock before a return of the function's body), when no other lock is held there and nothing there
takes the lock itself (when another lock is held, taking this one under it would order the two locks, which may
make a cycle: the finding's related information says so, "no fix takes c.mu here: s.mu is held, …"), with RLock and RUnlock on an RWMutex when every call there needs only a read lock
(\`+checklocksread\`, or prose such as "Caller must hold c.mu for reading" or "c.mu must be read-locked"); add the \`// LOCK:\` comment; document the contract on the calling function; for a contract
that lockset inferred (a …Locked name, a twin, the callers, doc-comment prose), write it down on the callee as
\`// +checklocks:s.mu\` (\`+checklocksread\` for an RWMutex when the prose says "held for reading" or the callee writes
nothing), never the preferred fix. Where a path reaches the call without the lock, the preferred fix is one that
takes it; otherwise the comment.`,
  example: 'vm := findVM(id) // findVM assumes vmLock is held',
  defaultSeverity: 'warning',
  run(ctx) {
    const { analysis } = ctx;
    const unheld = new UnheldPaths(analysis);
    for (const [caller, flow] of analysis.flows) {
      // A caller that says some lock is held on entry without naming one in scope ("Both locks should be held",
      // "jetStream read lock should be held") may hold what its calls need: nothing is known to be missing.
      const own = analysis.contractOf(caller);
      if (own.ignore || own.requires.some((r) => !r.resolved)) continue;
      // The calls that miss a lock and carry no annotation: most calls miss none, and an edit elsewhere leaves
      // the answer the same (the requirements are read again below, for the places they point at now).
      // A // LOCK: above the statement covers its locks; one that names a lock as held covers it to the end of its block.
      // So does a +checklocksforce on a statement that needs the lock, from that statement to the end of its block.
      const uncovered = (site: CallSite) => requirementsAt(analysis, caller, site).filter((r) => r.held === 'missing' &&
        !(RUNS_IN_PLACE.has(site.unit) && !site.viaGo && regionNaming(caller.file, caller.body, site.node, r.ref, flow.lockEvents)) &&
        !isForcedHeld(analysis, caller, flow, site.node, r.ref.key));
      const unannotated = keptPerFlow(ctx, 'missing-lock-annotation', caller, flow, () => orNone(flow.calls.filter((site) =>
        uncovered(site).length > 0 && lockAnnotations(caller.file, site.node).length === 0)));
      for (const site of unannotated) {
        // An object the caller just allocated, or got from a constructor, is not shared yet: read at report
        // time, since the constructor's body is another function's.
        const missing = uncovered(site).filter((r) => !isFreshValueAt(analysis, caller, flow, r.ref, site));
        for (const req of missing) {
          const goroutine = site.viaGo || site.unit === 'goroutine' ? '; a goroutine does not inherit the locks of the code that starts it' : '';
          const src = req.lock.source;
          const srcFile = analysis.pkg.files.find((f) => f.path === src.file);
          // Read at report time, not kept with the flow: it depends on other functions' bodies.
          const logs = src.kind === 'doc' && onlyLogs(analysis, site.callee!);
          // A twin's contract (the lock the exported twin holds around the call) on a callee that never touches the
          // lock's object (sharedmem's `parseHeader(pkt)` under `ParseHeader`'s e.mu) says nothing about the callee.
          // The callee takes the lock itself while its contract says it is held: called without it, it works.
          const contradicted = contradictedLocks(analysis, site.callee!).has(req.lock.ref.key);
          const stale = logs || contradicted || (src.kind === 'doc' && touchesNothingShared(analysis, site.callee!)) || (src.kind === 'twin' && ignoresOwner(analysis, site.callee!, req.lock.ref));
          const staleNote = logs ? ` (${site.calleeName} only reads fields to write a log message)`
            : contradicted ? ` (${site.calleeName} takes ${req.lock.ref.display} itself, which deadlocks if it is held: the contract contradicts the body)`
            : stale && src.kind === 'twin' ? ` (${site.calleeName} never touches ${req.lock.ref.root}, whose lock its twin holds: the contract may mean nothing)`
            : stale ? ` (${site.calleeName} touches only atomics, fields not written after construction, or data under its own locks, so the contract may be stale)` : '';
          // A declared, live contract needs a path without the lock (read at report time too: it follows the
          // calls of other functions); a guess or a stale contract is information already.
          const weak = stale || isGuess(src.kind);
          // The caller's own +checklocksexclude says it runs without the lock (excludewrite: without a write lock).
          const excluded = own.excludes.find((x) => x.resolved && x.ref.key === req.ref.key && (x.mode === 'read' || req.lock.mode === 'write'));
          const container = weak || excluded ? undefined : containerLockHeld(site, req.ref);
          const path = weak || container ? undefined
            : excluded ? `${caller.name} runs without it: ${excluded.source.describe}` : unheld.evidenceFor(caller, req.ref, site);
          const pathNote = weak ? ''
            : container ? ` (${container} is held, the lock of the object that ${req.ref.display} is reached through: it may be what guards the data)`
              : path ? ` (${path})` : ` (no path found that reaches ${caller.name} without ${req.ref.display}: its callers may hold it)`;
          // A guess is not searched for its message, but its fixes are ranked like any: a fix that takes the lock comes
          // first only where the caller is seen reached without it (else a // LOCK: that says so).
          const reached = () => !!path || (weak && !container && !excluded && !!unheld.evidenceFor(caller, req.ref, site));
          const { fixes, withheld } = fixesFor(analysis, caller, site, req.ref, { reached });
          ctx.report({
            file: caller.file.path,
            range: caller.file.lines.range(site.nameNode.start, site.nameNode.end),
            message: `call of ${site.calleeName} requires ${req.ref.display}, which is not held here (contract: ${src.describe})${goroutine}${staleNote}${pathNote}`,
            severity: weak || !path ? 'information' : undefined,
            // Why no fix takes the lock goes with the evidence, not in the message: the message names the finding,
            // and stays the same when a fix for another lock at the same call changes what is held there.
            related: [
              ...(srcFile ? [{ file: src.file, range: srcFile.lines.range(src.offset, src.offset), message: `contract of ${site.callee!.name}: ${src.describe}` }] : []),
              ...(withheld ? [{ file: caller.file.path, range: caller.file.lines.range(site.nameNode.start, site.nameNode.end), message: withheld }] : []),
            ],
            fixes: [...fixes, ...annotateContract(analysis, site.callee!, req.lock)],
            locks: lockNodes(analysis.pkg.dir, [req.ref]),
          });
        }
      }
    }
  },
};

/**
 * The fixes of a missing lock. Where a path reaches the call without the lock (`reached`), the preferred fix makes
 * the code right: call the twin that takes the lock, or take the lock around the statement; a `// LOCK:` comment
 * would say something false there. Where no such path is known (the callers may hold the lock), the comment that
 * says so comes first. `withheld` says why no fix takes the lock where one could but for a lock held there.
 */
function fixesFor(analysis: PackageAnalysis, caller: FuncDecl, site: CallSite, ref: Ref, how: { reached: () => boolean }): { fixes: Fix[]; withheld?: string } {
  const file = caller.file;
  const fixes: Fix[] = [];
  const twin = exportedTwin(analysis, site, caller);
  const callerFlow = analysis.flows.get(caller);
  const res = analysis.resolver(caller);
  // A helper whose contract takes or releases the lock (rlock(), runlock()): taking the lock around code that calls
  // it would lock it twice or release it early, and so would documenting it as held on entry.
  const handsItAround = callerFlow?.calls.some((c) => c.callee && [...analysis.contractOf(c.callee).acquires, ...analysis.contractOf(c.callee).releases].some((l) => l.resolved && mapToCaller(l.ref, c, res)?.key === ref.key));
  const takesItItself = handsItAround || callerFlow?.lockEvents.some((e) => e.op.ref.key === ref.key && !e.op.method.endsWith('nlock'));
  const take = twin || handsItAround ? undefined : takeLockHere(analysis, caller, site, ref);
  const withheld = twin || handsItAround || !canNameHere(site, ref) ? undefined : orderWithheld(site, ref);
  // Searched only where it ranks something: a fix that makes the code right against a // LOCK: that says it is.
  const reached = twin || take ? how.reached() : false;
  if (twin) {
    fixes.push({
      id: 'call-exported-twin',
      title: `Call ${twin.name}, which takes ${ref.display} itself`,
      edits: [{ file: file.path, range: file.lines.range(site.nameNode.start, site.nameNode.end), newText: twin.name }],
      preferred: reached,
    });
  }
  if (take) fixes.push({ ...take, preferred: reached });
  const stmt = enclosingStatement(site.node);
  if (stmt) {
    const line = file.lines.lineOf(stmt.start);
    const indent = file.lines.indentOf(line);
    const at = file.lines.position(file.lines.lineStart(line));
    fixes.push({
      id: 'add-lock-annotation',
      title: `Add "// LOCK: ${ref.display} is held by the caller."`,
      edits: [{ file: file.path, range: { start: at, end: at }, newText: `${indent}// LOCK: ${ref.display} is held by the caller.\n` }],
      preferred: !reached || (!twin && !take),
    });
  }
  const inFunctionBody = site.unit === 'function' || site.unit === 'inline';
  if (inFunctionBody && !takesItItself && !site.viaGo && ref.exact && (ref.rootKind === 'receiver' || ref.rootKind === 'param' || ref.rootKind === 'global')
    && readsBackAs(analysis, caller, ref)) {
    const declLine = file.lines.lineOf(caller.node.start);
    const indent = file.lines.indentOf(declLine);
    const at = file.lines.position(file.lines.lineStart(declLine));
    fixes.push({
      id: 'document-contract',
      title: `Document that ${caller.name} assumes ${ref.display} is held`,
      edits: [{ file: file.path, range: { start: at, end: at }, newText: `${indent}// ${caller.name} assumes ${ref.display} is held.\n` }],
    });
  }
  return { fixes, withheld };
}

/**
 * Whether the comment that document-contract writes ("f assumes s.mu is held") is read back as this very lock: a
 * name can read as another (a field whose declaration does not parse, taken for an embedded lock, reads as its
 * struct), and the diagnostic would then stay.
 */
function readsBackAs(analysis: PackageAnalysis, fn: FuncDecl, ref: Ref): boolean {
  const source = { kind: 'doc' as const, describe: '', file: fn.file.path, offset: fn.node.start };
  const read = new ContractReader(analysis.pkg).resolveName(ref.display, fn, analysis.resolver(fn), functionScope(fn), 'write', source);
  return !!read?.resolved && read.ref.key === ref.key;
}

/** Statements a Lock and an Unlock can go around (or, for a return, a Lock and a deferred Unlock before). */
const WRAPPABLE = new Set(['expression_statement', 'short_var_declaration', 'assignment_statement', 'var_declaration', 'return_statement', 'inc_statement', 'dec_statement', 'if_statement', 'for_statement', 'expression_switch_statement']);

/**
 * "Take s.mu here": `s.mu.Lock()` before the statements of the function's block that need it (every call there
 * that misses this lock, so that the fix leaves none of them behind) and `s.mu.Unlock()` after them; when the
 * last one returns from the function's own body, a deferred Unlock instead. Only in the function's own body,
 * for a lock it can name, with no other lock held (taking one more could order locks anew), around statements
 * that take no lock themselves and whose other calls take none of the same class (that would lock it twice).
 */
function takeLockHere(analysis: PackageAnalysis, caller: FuncDecl, site: CallSite, ref: Ref): Fix | undefined {
  // No other lock held (see orderWithheld), nor this one on some paths.
  if (!canNameHere(site, ref) || site.held.all().some((h) => !isPseudoLock(h.ref.key))) return undefined;
  const flow = analysis.flows.get(caller);
  if (!flow) return undefined;
  // Every statement of the function that makes a call missing this lock: they must share one block.
  const stmts: SyntaxNode[] = [];
  let read = true;
  for (const other of flow.calls) {
    const needs = other.unit === 'function' ? requirementsAt(analysis, caller, other).filter((r) => r.held === 'missing' && r.ref.key === ref.key) : [];
    if (needs.length === 0) continue;
    // A read lock only when every call there asks no more: +checklocksread, or prose that says "for reading".
    if (needs.some((r) => !(r.lock.mode === 'read' && (r.lock.exactMode || r.lock.readEnough)))) read = false;
    const st = enclosingStatement(other.node);
    if (!st) return undefined;
    if (!stmts.some((x) => x.start === st.start)) stmts.push(st);
  }
  const block = stmts[0]?.parent;
  if (!block || block.type !== 'statement_list' || stmts.some((x) => x.parent !== block || !WRAPPABLE.has(x.type))) return undefined;
  const first = block.children.find((c) => stmts.some((x) => x.start === c.start))!;
  const last = [...block.children].reverse().find((c) => stmts.some((x) => x.start === c.start))!;
  const file = caller.file;
  // One statement a line: a Lock goes on a line of its own above the first, an Unlock below the last.
  if (block.children.some((c) => c !== first && c.type !== 'comment' && file.lines.lineOf(c.end) === file.lines.lineOf(first.start))) return undefined;
  const inside = (n: { start: number; end: number }) => n.start >= first.start && n.end <= last.end;
  const cls = typedClass(ref);
  if (flow.lockEvents.some((e) => inside(e.node))) return undefined;
  for (const other of flow.calls) {
    if (!inside(other.node) || !other.callee) continue;
    if (acquisitionsAt(analysis, caller, other).some((a) => a.ref.key === ref.key || (cls !== undefined && a.cls === cls))) return undefined;
  }
  const returns = last.type === 'return_statement';
  // The deferred Unlock runs at the function's return: only a return of its own body ends there.
  if (returns && (block.parent?.start !== caller.body?.start || block.parent?.end !== caller.body?.end)) return undefined;
  const rw = read && analysis.pkg.lockKind(ref.type) === 'rwmutex';
  const [lock, unlock] = rw ? ['RLock', 'RUnlock'] : ['Lock', 'Unlock'];
  const line = file.lines.lineOf(first.start);
  const indent = file.lines.indentOf(line);
  // The first statement starts its line (not a one-line function's `func f() { g() }`): the Lock goes above it.
  if (file.lines.lineStart(line) + indent.length !== first.start) return undefined;
  const before = file.lines.position(file.lines.lineStart(line));
  const name = ref.display;
  if (returns) {
    return {
      id: 'take-lock-here',
      title: `Take ${name} here (${name}.${lock}() and a deferred ${unlock})`,
      edits: [{ file: file.path, range: { start: before, end: before }, newText: `${indent}${name}.${lock}()\n${indent}defer ${name}.${unlock}()\n` }],
    };
  }
  // The end of the last statement's line, after a trailing comment and before its line break (\r\n too).
  // Nor may the last one share its line with more than a comment (`g() }`): the Unlock goes below it.
  if (!/^\s*(\/\/.*)?$/.test(file.parsed.text.slice(last.end, file.lines.lineEnd(file.lines.lineOf(last.end))))) return undefined;
  const after = file.lines.position(file.lines.lineEnd(file.lines.lineOf(last.end)));
  return {
    id: 'take-lock-here',
    title: `Take ${name} around ${first === last ? 'this statement' : 'the statements that need it'} (${name}.${lock}() … ${name}.${unlock}())`,
    edits: [
      { file: file.path, range: { start: before, end: before }, newText: `${indent}${name}.${lock}()\n` },
      { file: file.path, range: { start: after, end: after }, newText: `\n${indent}${name}.${unlock}()` },
    ],
  };
}

/** Whether the call's own function body can take the lock: a path from a variable there, not another package's unexported field. */
function canNameHere(site: CallSite, ref: Ref): boolean {
  if (site.unit !== 'function' || site.viaGo || !ref.exact || !['receiver', 'param', 'global', 'local'].includes(ref.rootKind)) return false;
  return !(ref.clsHome && ref.path.some((p) => /^[a-z_]/.test(p)));
}

/**
 * Why no fix takes `ref` at the call when other locks are held there: taking it under them would put it after
 * them in the lock order, which may create a cycle with code that takes them the other way round.
 */
function orderWithheld(site: CallSite, ref: Ref): string | undefined {
  const held = [...new Set(site.held.all().filter((h) => !isPseudoLock(h.ref.key) && h.ref.key !== ref.key).map((h) => h.ref.display))];
  if (held.length === 0) return undefined;
  const one = held.length === 1;
  return `no fix takes ${ref.display} here: ${held.join(' and ')} ${one ? 'is' : 'are'} held, and taking ${ref.display} under ${one ? 'it would order the two locks' : `them would order it after them`}`;
}

/** `FindVM` for a call of `findVM`, when FindVM takes the lock that findVM needs. */
function exportedTwin(analysis: PackageAnalysis, site: CallSite, caller: FuncDecl): FuncDecl | undefined {
  const callee = site.callee;
  if (!callee || !/^[a-z]/.test(callee.name)) return undefined;
  const name = callee.name[0].toUpperCase() + callee.name.slice(1);
  const twin = analysis.pkg.funcs.get(callee.recvType ? `${callee.recvType}.${name}` : name);
  if (!twin || twin === caller || twin.params.length !== callee.params.length) return undefined;
  const flow = analysis.flows.get(twin);
  const takesLock = flow?.lockEvents.some((e) => (e.op.method === 'Lock' || e.op.method === 'RLock') && !e.deferred);
  const callsTwin = flow?.calls.some((c) => c.callee === callee);
  if (!takesLock || !callsTwin) return undefined;
  // Calling the twin while holding a lock that it takes would trade the missing lock for a double lock.
  const held = site.held.definite();
  const heldClasses = new Set(held.map((h) => typedClass(h.ref)).filter(Boolean));
  const doubles = acquisitionsAt(analysis, caller, { ...site, callee: twin }).some((a) => site.held.get(a.ref.key) || heldClasses.has(a.cls));
  return doubles ? undefined : twin;
}

/**
 * Whether a function, in its own body, never touches the object whose lock `lock` is (a receiver's or a
 * parameter's): no field of it read or written, no method called on it, not passed on, no lock of it taken.
 */
function ignoresOwner(analysis: PackageAnalysis, fn: FuncDecl, lock: Ref): boolean {
  const flow = analysis.flows.get(fn);
  // A body being typed (a syntax error in it) says nothing yet about what it touches.
  if (!flow || fn.node.hasError || !(lock.rootKind === 'receiver' || lock.rootKind === 'param')) return false;
  const root = lock.root;
  const of = (r: Ref | undefined) => r?.root === root;
  return !flow.accesses.some((a) => of(a.base)) && !flow.lockEvents.some((e) => of(e.op.ref))
    && !flow.calls.some((c) => of(c.recv) || c.args.some(of));
}
