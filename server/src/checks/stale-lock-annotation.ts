import { lockAnnotations, namesHeldLock, regionNaming } from '../analysis/annotations';
import { requirementsAt } from '../analysis/requirements';
import { RUNS_IN_PLACE } from '../analysis/summaries';
import type { CallSite, FunctionFlow } from '../analysis/flow-types';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { FuncDecl, GoFile } from '../model/file';
import type { Ref } from '../model/refs';
import type { SyntaxNode } from '../syntax/node';
import type { TextEdit } from '../base/finding';
import type { Check } from './check';
import { keptPerFlow, orNone } from './kept-per-flow';
import { lockNodes } from './util';

export const staleLockAnnotation: Check = {
  id: 'stale-lock-annotation',
  title: 'A // LOCK: annotation with nothing under it that needs a lock',
  doc: `A // LOCK: annotation with nothing under it that needs a lock.

A // LOCK: comment asserts that the locks needed by the statement below it (or on its line) are held; one on
a line of its own that names a lock as held ("we already hold the cmdLock") asserts it to the end of the block
it stands in. When nothing it covers calls a function whose contract requires a lock (a lock it names, for
such a region), the comment is stale: the code it described has moved or changed. Calls into other packages of the workspace and calls that cannot be
resolved count as possibly needing a lock, so they keep their annotation. Comments in a function's doc
comment are contracts, not annotations, and are never stale.`,
  example: 'n := len(list) // LOCK: vmLock is held',
  // Information, not a hint: a hint never reaches the Problems panel, and a stale comment misleads the reader.
  defaultSeverity: 'information',
  run(ctx) {
    const { analysis } = ctx;
    // Most packages have no // LOCK: comment: those read no call site's annotations.
    const annotated = new Map<string, SyntaxNode[]>();
    for (const file of analysis.pkg.files) {
      const found = lockComments(file);
      if (found.length) annotated.set(file.path, found);
    }
    if (annotated.size === 0) return;
    // Per file, the offsets of the comments that annotate a call that may need a lock.
    const used = new Map<string, Set<number>>();
    const docComments = new Set<SyntaxNode>();
    const bodies = new Map<string, SyntaxNode[]>();
    const flowOf = new Map<SyntaxNode, [FuncDecl, FunctionFlow]>();
    for (const [fn, flow] of analysis.flows) {
      if (!annotated.has(fn.file.path)) continue;
      if (fn.body) {
        const list = bodies.get(fn.file.path);
        if (list) list.push(fn.body); else bodies.set(fn.file.path, [fn.body]);
        flowOf.set(fn.body, [fn, flow]);
      }
      for (const c of fn.doc.comments) docComments.add(c);
      // Kept as offsets from the function's start: an edit elsewhere may give its comments new nodes.
      const usedHere = keptPerFlow(ctx, 'stale-lock-annotation', fn, flow, () => {
        const offsets: number[] = [];
        for (const site of flow.calls) {
          if (!mayNeedLock(analysis, fn.file, site)) continue;
          const own = lockAnnotations(fn.file, site.node);
          for (const c of own) offsets.push(c.start - fn.node.start);
          if (own.length || site.viaGo || !RUNS_IN_PLACE.has(site.unit)) continue;
          // Else the nearest // LOCK: whose region holds the call and names a lock it needs and does not hold otherwise.
          for (const r of requirementsAt(analysis, fn, site)) {
            const c = r.held === 'missing' ? regionNaming(fn.file, fn.body, site.node, r.ref, flow.lockEvents) : undefined;
            if (c) offsets.push(c.start - fn.node.start);
          }
        }
        return orNone(offsets);
      });
      if (usedHere.length) {
        let inFile = used.get(fn.file.path);
        if (!inFile) used.set(fn.file.path, (inFile = new Set()));
        for (const at of usedHere) inFile.add(fn.node.start + at);
      }
    }
    for (const list of bodies.values()) list.sort((a, b) => a.start - b.start);
    for (const file of analysis.pkg.files) {
      const inFile = bodies.get(file.path) ?? [], usedInFile = used.get(file.path);
      const stale = (annotated.get(file.path) ?? []).filter((c) => !usedInFile?.has(c.start) && !docComments.has(c) && inBody(inFile, c));
      for (const c of stale) {
        // Stale annotations on the lines right above or below go with it: removing one would leave the next in
        // its place, saying the same.
        const group = staleRun(file, stale, c);
        const body = inFile.find((b) => b.start <= c.start && c.end <= b.end);
        const owner = body && flowOf.get(body);
        ctx.report({
          file: file.path,
          range: file.lines.range(c.start, c.end),
          message: '// LOCK: annotation has nothing under it that needs a lock',
          related: [],
          fixes: [{
            id: 'remove-stale-annotation', title: group.length > 1 ? `Remove the ${group.length} stale // LOCK: annotations here` : 'Remove the stale // LOCK: annotation',
            edits: group.map((x) => removeComment(file, x)), preferred: true,
          }],
          unnecessary: true,
          locks: owner ? namedLocks(analysis, owner[0], owner[1], file.text(c)) : [],
        });
      }
    }
  },
};

/**
 * The locks a // LOCK: comment names as held (see namesHeldLock), as lock-graph nodes, among those its function
 * can name: the locks it takes, those its contract and its callees' contracts need, its receiver's lock fields
 * and the package's lock variables. None when the comment names none of them.
 */
function namedLocks(analysis: PackageAnalysis, fn: FuncDecl, flow: FunctionFlow, text: string): string[] {
  const { pkg } = analysis;
  const refs: Ref[] = [
    ...flow.lockEvents.map((e) => e.op.ref),
    ...analysis.contractOf(fn).requires.filter((r) => r.resolved).map((r) => r.ref),
    ...flow.calls.flatMap((site) => requirementsAt(analysis, fn, site).filter((r) => r.held !== 'unresolved').map((r) => r.ref)),
  ];
  const out = new Set(lockNodes(pkg.dir, refs.filter((r) => namesHeldLock(text, r.display))));
  const recv = fn.recvType ? pkg.types.get(fn.recvType) : undefined;
  if (recv?.type.kind === 'struct' && fn.recvName) {
    for (const f of recv.type.fields) if (!f.embedded && pkg.lockKind(f.type) && namesHeldLock(text, `${fn.recvName}.${f.name}`)) out.add(`${pkg.dir}|${recv.name}.${f.name}`);
  }
  for (const name of lockVars(analysis)) if (namesHeldLock(text, name)) out.add(`${pkg.dir}|${pkg.name}.${name}`);
  return [...out];
}

const lockVarsOf = new WeakMap<PackageAnalysis, string[]>();

/** The package-level variables that are locks, once per analysis (a big package has hundreds of variables). */
function lockVars(analysis: PackageAnalysis): string[] {
  let names = lockVarsOf.get(analysis);
  if (!names) {
    const { pkg } = analysis;
    names = [...pkg.vars.values()].filter((v) => pkg.lockKind(analysis.globalType(v.name))).map((v) => v.name);
    lockVarsOf.set(analysis, names);
  }
  return names;
}

/** The stale comments on consecutive lines around `c` (each on a line of its own), `c` among them, in order. */
function staleRun(file: GoFile, stale: SyntaxNode[], c: SyntaxNode): SyntaxNode[] {
  const i = stale.indexOf(c);
  let lo = i, hi = i;
  const adjacent = (a: SyntaxNode, b: SyntaxNode) => file.lines.lineOf(b.start) === file.lines.lineOf(a.end) + 1 && file.isOwnLine(a) && file.isOwnLine(b);
  while (lo > 0 && adjacent(stale[lo - 1], stale[lo])) lo--;
  while (hi < stale.length - 1 && adjacent(stale[hi], stale[hi + 1])) hi++;
  return stale.slice(lo, hi + 1);
}

/** Whether a comment lies in one of the bodies (function bodies of one file: in text order, apart). */
function inBody(bodies: SyntaxNode[], c: SyntaxNode): boolean {
  let lo = 0, hi = bodies.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (bodies[mid].start > c.start) hi = mid - 1;
    else if (bodies[mid].end < c.end) lo = mid + 1;
    else return true;
  }
  return false;
}

/** The comments of a file that say LOCK: (as LOCK_ANNOTATION matches), found from the text, in order. */
function lockComments(file: GoFile): SyntaxNode[] {
  const text = file.parsed.text, comments = file.parsed.comments;
  const out: SyntaxNode[] = [];
  for (let at = text.indexOf('LOCK:'); at >= 0; at = text.indexOf('LOCK:', at + 1)) {
    if (at > 0 && /\w/.test(text[at - 1])) continue;
    // The last comment that starts before the occurrence, if it contains it (comments are in text order).
    let lo = 0, hi = comments.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (comments[mid].start <= at) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    const c = found >= 0 ? comments[found] : undefined;
    if (c && at + 5 <= c.end && out[out.length - 1] !== c) out.push(c);
  }
  return out;
}

/** Standard-library packages are known to need none of the workspace's locks. */
function mayNeedLock(analysis: PackageAnalysis, file: GoFile, site: CallSite): boolean {
  if (site.callee) return analysis.contractOf(site.callee).requires.length > 0;
  if (!site.unresolved) return false;
  const dot = site.calleeName.indexOf('.');
  if (dot > 0 && site.recv === undefined) {
    const path = file.imports.get(site.calleeName.slice(0, dot));
    if (path !== undefined) return path.split('/')[0].includes('.');
  }
  return true;
}

function removeComment(file: GoFile, c: SyntaxNode): TextEdit {
  const line = file.lines.lineOf(c.start);
  if (file.isOwnLine(c)) {
    const start = file.lines.position(file.lines.lineStart(line));
    const end = file.lines.position(file.lines.lineStart(line + 1));
    const last = line + 1 >= file.lines.lineCount;
    return { file: file.path, range: { start, end: last ? file.lines.position(c.end) : end }, newText: '' };
  }
  // A trailing comment: remove it and the spaces before it.
  const lineStart = file.lines.lineStart(line);
  const before = file.parsed.text.slice(lineStart, c.start);
  const trimmed = before.replace(/[ \t]+$/, '');
  return { file: file.path, range: file.lines.range(lineStart + trimmed.length, c.end), newText: '' };
}
