/**
 * Quick-fix round trips: apply one fix of one finding and analyse again. The fix must not add syntax errors,
 * must make its diagnostic go away, and must not bring a new missing-lock-annotation or lock-order-cycle.
 */
import type { Finding, Fix } from '../../server/src/base/finding';
import type { SyntaxNode } from '../../server/src/syntax/node';
import { LineIndex } from '../../server/src/base/lines';
import type { Parser } from 'web-tree-sitter';
import type { PackageAnalysis } from '../../server/src/analysis/package-analysis';
import { initParser, parseGo } from '../../server/src/syntax/parser';
import type { ParsedFile } from '../../server/src/syntax/parse-types';
import { applyEdits } from '../../server/src/util/edits';
import { Workspace } from '../../server/src/workspace';
import { analyzeAll } from '../../server/src/batch';

/** The checks whose new diagnostics a fix must never bring. */
export const WATCHED = ['missing-lock-annotation', 'lock-order-cycle'];

/** Known bugs in fixes, found by these round trips and reported; each has a todo regression in test/roundtrip.test.ts. */
export const KNOWN_FIX = {
  contractSelfLock: 'contract-self-lock: document-contract is offered for a function that takes or releases the required lock itself; the contract cannot hold there (its own Lock becomes a double lock) and the diagnostic stays',
  brokenStatement: 'broken-statement: a fix is offered for a statement that has a syntax error; editing around it adds errors or misses the statement',
  importBlankLine: 'import-blank-line: wrap-in-lock adds "sync" two characters early (inside a path) when the import block starts with a blank line',
  lineEnds: 'line-ends: the file has a lone \\r, which Go and the engine treat as white space but an editor as a line end; a fix placed by lines lands elsewhere',
  oddIndent: 'odd-indent: fixes copy a line\'s indentation with /^\\s*/, which takes a BOM, NBSP or other Unicode space that Go rejects into the new line',
} as const;

/** White space to JavaScript's \\s that is not white space to Go. */
const NOT_GO_SPACE = /[\v\f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

export const signature = (f: Finding): string => `${f.code}: ${f.message}`;

function counts(fs: readonly Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of fs) m.set(signature(f), (m.get(signature(f)) ?? 0) + 1);
  return m;
}

export interface RoundTrip {
  problems: string[];
  /** Problems that match a KNOWN_FIX bug: `<id>: <problem>`. */
  known: string[];
  /**
   * What a document-contract fix brings by design: missing-lock-annotation at calls of the function it
   * documented (the requirement moves up to its callers), and a lock-order cycle through that function
   * (the contract says the lock is held while the function takes others). And for a fix that calls a twin
   * instead of a callee whose declaration has a syntax error: diagnostics that the callee's unknown result
   * type hid further down.
   */
  consequences: string[];
}

/** Where an offset of the text before `edits` is after them; an offset inside an edited range goes to its start. */
function mapOffset(offset: number, edits: { start: number; end: number; newText: string }[]): number {
  let shift = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    if (e.end <= offset) shift += e.newText.length - (e.end - e.start);
    else if (e.start < offset) return e.start + shift;
    else break;
  }
  return offset + shift;
}

/** Whether the innermost statement (or declaration) at an offset, or the statement around that, has a syntax error. */
function brokenAt(root: SyntaxNode, offset: number): boolean {
  const stmts: SyntaxNode[] = [];
  let n = root;
  for (;;) {
    const c = n.children.find((x) => x.start <= offset && offset < x.end);
    if (!c) break;
    n = c;
    if (/_statement$|_declaration$/.test(n.type)) stmts.push(n);
  }
  const near = stmts.length ? stmts.slice(-2) : [n];
  return near.some((s) => s.hasError === true);
}

/**
 * One package's files, analysed once; `check` applies a fix to a copy, analyses that in a Workspace kept for
 * the package (only the edited files are parsed again) and puts the files back.
 */
export class FixChecker {
  /** The parse of each original file, made once. */
  private readonly parsed = new Map<string, ParsedFile>();

  private constructor(
    private readonly ws: Workspace, readonly texts: ReadonlyMap<string, string>, readonly before: Finding[],
    /** The analyses of the original files (the Workspace's own are replaced when a fix is tried). */
    private readonly analyses: PackageAnalysis[],
  ) {}

  static async create(texts: ReadonlyMap<string, string>): Promise<FixChecker> {
    const ws = await Workspace.create();
    for (const [path, text] of texts) ws.setText(path, text);
    const before = analyzeAll(ws);
    return new FixChecker(ws, texts, before, ws.dirs().flatMap((d) => ws.analysesOf(d)));
  }

  private parse(path: string, parser: Parser): ParsedFile {
    let p = this.parsed.get(path);
    if (!p) this.parsed.set(path, p = parseGo(parser, this.texts.get(path)!));
    return p;
  }

  private analysisOf(finding: Finding): PackageAnalysis | undefined {
    return this.analyses.find((a) => a.pkg.files.some((f) => f.path === finding.file));
  }

  /** Whether the function `name` of the finding's package takes or releases the lock shown as `lock` itself. */
  private handlesLock(finding: Finding, name: string, lock: string): boolean {
    for (const [fn, flow] of this.analysisOf(finding)?.flows ?? []) {
      // `mu` in a contract can be the receiver's `s.mu` in the body.
      if (fn.name === name && flow.lockEvents.some((e) => e.op.ref.display === lock || e.op.ref.display.endsWith(`.${lock}`))) return true;
    }
    return false;
  }

  /** Whether a function `name` of the finding's package has a syntax error in its declaration. */
  private brokenDecl(finding: Finding, name: string): boolean {
    return (this.analysisOf(finding)?.pkg.files ?? []).some((f) => f.funcs.some((fn) => fn.name === name && fn.node.hasError === true));
  }

  async check(finding: Finding, fix: Fix): Promise<RoundTrip> {
    const out: RoundTrip = { problems: [], known: [], consequences: [] };
    const parser = await initParser();
    const byFile = new Map<string, Fix['edits']>();
    for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    const changed = new Map<string, string>();
    const findingText = this.texts.get(finding.file);
    // Whether the statement of the finding has a syntax error: fixes there are known to go wrong.
    const broken = findingText !== undefined
      && brokenAt(this.parse(finding.file, parser).root, new LineIndex(findingText).offset(finding.range.start));
    const oddIndent = fix.edits.some((e) => NOT_GO_SPACE.test(e.newText));
    const loneCr = findingText !== undefined && /\r(?!\n)/.test(findingText);
    const importBlank = fix.edits.some((e) => e.newText === '\t"sync"\n') && /^import\s*\(\s*\n[ \t]*\n/m.test(findingText ?? '');
    /** The known bug that explains a problem of this fix, if any. */
    const explained = (): keyof typeof KNOWN_FIX | undefined =>
      importBlank ? 'importBlankLine' : oddIndent ? 'oddIndent' : loneCr ? 'lineEnds' : broken ? 'brokenStatement' : undefined;
    const offsets = new Map<string, { start: number; end: number; newText: string }[]>();
    for (const [path, edits] of byFile) {
      const text = this.texts.get(path);
      if (text === undefined) { out.problems.push(`an edit names a file outside the package: ${path}`); continue; }
      const lines = new LineIndex(text);
      offsets.set(path, edits.map((e) => ({ start: lines.offset(e.range.start), end: lines.offset(e.range.end), newText: e.newText })));
      const fixed = applyEdits(text, edits);
      changed.set(path, fixed);
      const before = this.parse(path, parser), after = parseGo(parser, fixed);
      if (after.errorCount > before.errorCount) {
        const msg = `${after.errorCount - before.errorCount} more syntax error(s) in ${path} (${before.errorCount} before, ${after.errorCount} after)`;
        const why = explained();
        if (why) out.known.push(`${why}: ${msg}`); else out.problems.push(msg);
      }
    }
    if (changed.size === 0) { out.problems.push('the fix changes nothing'); return out; }
    let after: Finding[];
    try {
      for (const [path, text] of changed) this.ws.setText(path, text);
      after = analyzeAll(this.ws);
    } finally {
      for (const path of changed.keys()) this.ws.setText(path, this.texts.get(path)!);
    }

    // Gone: no finding with the same code and message where the fixed one was (mapped through the edits).
    const sig = signature(finding);
    const oldText = this.texts.get(finding.file)!;
    const at = mapOffset(new LineIndex(oldText).offset(finding.range.start), offsets.get(finding.file) ?? []);
    const newLines = new LineIndex(changed.get(finding.file) ?? oldText);
    const documented = fix.id === 'document-contract' ? /^Document that (\S+) assumes (.+) is held$/.exec(fix.title) : null;
    if (after.some((f) => signature(f) === sig && f.file === finding.file && newLines.offset(f.range.start) === at)) {
      const msg = `the diagnostic is still there: ${sig}`;
      const why = documented && this.handlesLock(finding, documented[1], documented[2]) ? 'contractSelfLock' : explained();
      if (why) out.known.push(`${why}: ${msg}`); else out.problems.push(msg);
    }

    // New: more watched findings with a code and message than before (less the fixed one).
    const was = counts(this.before), now = counts(after);
    for (const [s, n] of now) {
      const f = after.find((x) => signature(x) === s)!;
      if (!WATCHED.includes(f.code)) continue;
      const allowed = (was.get(s) ?? 0) - (s === sig ? 1 : 0);
      if (n <= allowed) continue;
      const fresh = `new diagnostic (${n} now, ${allowed} expected): ${after.filter((x) => signature(x) === s).map((x) => `${x.file}:${x.range.start.line + 1}`).join(', ')}: ${s}`;
      const name = documented?.[1];
      const callee = /^call of (\S+) /.exec(finding.message)?.[1];
      const twinOfBroken = (fix.id === 'call-exported-twin' || fix.id === 'call-internal-twin') && callee !== undefined && this.brokenDecl(finding, callee);
      // A fix that writes down what lockset inferred (annotate-…) leaves the code as it was: its finding may come
      // back from the same check, now citing the annotation it wrote.
      const written = fix.id.startsWith('annotate-') ? /\+checklocks\w*:\S+/.exec(fix.edits[0]?.newText ?? '')?.[0] : undefined;
      // One that corrects an annotation (fix-annotation-…) brings it into force: what it now asks for may be missing.
      const corrected = fix.id.startsWith('fix-annotation') && f.code !== finding.code && /\(contract: annotation \+checklocks|\(\+checklocks/.test(f.message);
      if ((written && f.code === finding.code && f.message.includes(written)) || corrected) out.consequences.push(fresh);
      else if (name && (f.message.startsWith(`call of ${name} requires `) || (f.code === 'lock-order-cycle' && f.message.includes(`${name} takes `)))) out.consequences.push(fresh);
      else if (twinOfBroken && s !== sig) out.consequences.push(fresh);
      else if (s === sig && documented && this.handlesLock(finding, documented[1], documented[2])) out.known.push(`contractSelfLock: ${fresh}`);
      else if (explained()) out.known.push(`${explained()}: ${fresh}`);
      else out.problems.push(fresh);
    }
    return out;
  }
}
