/**
 * The fuzz pipeline: generate an input from a seed and an index, run it through the whole engine in
 * process, and list every property it breaks. Shared by test/fuzz.test.ts (a fixed sample) and
 * scripts/fuzz.ts (the long run).
 *
 * Properties, for a Go input (one file of a package, beside the untouched other files of that package):
 *  - nothing throws: Workspace.setText, analyzeAll (every check), hoverAt at a few offsets, applyEdits of
 *    every offered fix; and no exception is swallowed on the way (a check that throws is logged through
 *    Config.log, a function whose flow analysis throws is kept in PackageAnalysis.failures);
 *  - every input finishes within 2 s + 10 ms per KB of its package (a hang detector, not a timing test:
 *    a valid 1 MB function of plain calls takes about 7 s here, so 2 ms per KB would flag plain throughput);
 *  - every diagnostic range, related range and fix edit lies inside its document as an LSP client sees
 *    it (line < lineCount, character <= line length), and a fix's edits to one file do not overlap;
 *  - a hover's span lies inside the file.
 * For a goroutine dump: parseDump never throws, returns goroutines with frames, and is bounded in time.
 *
 * Problems that match a known, reported bug (KNOWN below) are kept apart in `known`: they do not fail a
 * run, and each has a regression case marked todo in test/fuzz.test.ts.
 */
import { dirname, join } from 'node:path';
import type { Finding } from '../../server/src/base/finding';
import { parseDump } from '../../server/src/dumps/parse';
import { hoverAt } from '../../server/src/ide/hover';
import { applyEdits } from '../../server/src/util/edits';
import { Workspace } from '../../server/src/workspace';
import { dumpFiles, goFiles, goPackages, rel, type SourceFile, type SourcePackage } from './corpus';
import { longLine, MUTATORS, mutate, synthesize, tokenize } from './mutate';
import { hash32, Rng } from './prng';
import { DocLines, overlap, rangeProblem, showRange } from './ranges';
import { analyzeAll } from '../../server/src/batch';

export interface GenOptions {
  /** Probability of 10,000-level nesting in an input. */
  deep: number;
  /** Leave out the nesting form that hits a known parser hang (KNOWN.slowParse), so that a sample stays fast. */
  avoidKnownHangs?: boolean;
  /** Probability of a ~1 MB line in an input. */
  long: number;
  longBytes?: number;
}

/** One generated Go input: `text` replaces (or, for a synthesized file, joins) the files of `pkg`. */
export interface GoCase {
  index: number;
  pkg: SourcePackage;
  /** The file whose text is `text`. */
  target: string;
  /** The original text of `target`, or undefined for a new file. */
  original?: string;
  text: string;
  ops: string[];
}

export function goCase(seed: number, index: number, opts: GenOptions): GoCase {
  const rng = new Rng(hash32(seed, index));
  const all = goFiles();
  const donors = [rng.pick(all).file.text, rng.pick(all).file.text];
  if (rng.chance(0.04)) {
    const pkg = rng.pick(goPackages());
    const m = mutate(rng, synthesize(rng), { donors, maxOps: 2, deep: opts.deep, long: opts.long, longBytes: opts.longBytes, avoidKnownHangs: opts.avoidKnownHangs });
    return { index, pkg, target: join(pkg.dir, 'zz_fuzz.go'), text: m.text, ops: ['synthesize', ...m.ops] };
  }
  const { pkg, file } = rng.pick(all);
  const m = mutate(rng, file.text, { donors, maxOps: 4, deep: opts.deep, long: opts.long, longBytes: opts.longBytes, avoidKnownHangs: opts.avoidKnownHangs });
  return { index, pkg, target: file.path, original: file.text, text: m.text, ops: m.ops };
}

/** Known bugs, found by this fuzzer and reported; a problem that matches one goes to CaseReport.known. */
export const KNOWN = {
  slowParse: 'slow-parse: tree-sitter error recovery is superlinear on many lines of two operators; parseGo now gives up after its budget, so the nesting form that hits it is left out of samples to keep them fast',
} as const;

export interface CaseReport {
  problems: string[];
  /** Problems that match a KNOWN bug: `<known id>: <problem>`. */
  known: string[];
  elapsedMs: number;
  limitMs: number;
  findings: number;
  fixes: number;
  hovers: number;
}

/** The hang detector's bound for an input of `chars` characters. */
export function timeLimitMs(chars: number): number {
  return wallClock.bounded ? 2000 + 10 * (chars / 1024) : Infinity;
}

/**
 * Whether a case that runs longer than timeLimitMs is a problem. `npm run fuzz` (a measurement, on a quiet
 * machine) says yes; the test suite says no, because a test must not fail on a loaded machine: there a hang
 * still fails the test through its timeout, and the work is bounded by the regression tests' counted steps.
 */
export const wallClock = { bounded: true };

interface Pool { ws: Workspace; logs: string[] }

/**
 * Runs Go inputs. Each package gets one Workspace that keeps its other files parsed; a case replaces one
 * file and puts it back afterwards. (`fresh` runs each case in a new Workspace instead, to confirm a failure.)
 * With LOCKSET_FUZZ_COMPACT set, the workspaces compact their closed packages as a large editor workspace
 * does (Workspace.compactClosed), so that every case also reads a compacted package again.
 */
export class GoRunner {
  private readonly pools = new Map<string, Pool>();

  private async pool(pkg: SourcePackage, fresh: boolean): Promise<Pool> {
    const existing = fresh ? undefined : this.pools.get(pkg.dir);
    if (existing) return existing;
    const logs: string[] = [];
    const ws = await Workspace.create({ severity: {}, lockOrder: [], log: (m) => logs.push(m) });
    if (process.env.LOCKSET_FUZZ_COMPACT) ws.setCompactClosed(true);
    for (const f of pkg.files) ws.setText(f.path, f.text);
    const p = { ws, logs };
    if (!fresh) this.pools.set(pkg.dir, p);
    return p;
  }

  async run(c: GoCase, opts: { fresh?: boolean; hoverSeed?: number } = {}): Promise<CaseReport> {
    const { ws, logs } = await this.pool(c.pkg, !!opts.fresh);
    const texts = new Map<string, string>(c.pkg.files.map((f) => [f.path, f.text]));
    texts.set(c.target, c.text);
    const size = [...texts.values()].reduce((s, t) => s + t.length, 0);
    const report: CaseReport = { problems: [], known: [], elapsedMs: 0, limitMs: timeLimitMs(size), findings: 0, fixes: 0, hovers: 0 };
    const problem = (s: string) => { if (report.problems.length < 20) report.problems.push(s); };
    const stage = <T>(name: string, f: () => T): T | undefined => {
      try { return f(); } catch (e) { problem(`${name} threw: ${(e as Error)?.stack ?? String(e)}`); return undefined; }
    };
    logs.length = 0;
    const rng = new Rng(hash32(opts.hoverSeed ?? 0x5eed, c.index));
    const start = performance.now();
    try {
      stage('setText', () => ws.setText(c.target, c.text));
      const findings = stage('analyzeAll', () => analyzeAll(ws)) ?? [];
      report.findings = findings.length;
      for (const m of logs) problem(`an exception was caught and logged: ${m}`);
      const results = stage('analyzeDir', () => ws.analyzeDir(dirname(c.target))) ?? [];
      for (const r of results) {
        for (const f of r.analysis.failures) {
          const stack = (f.error as Error)?.stack ?? String(f.error);
          const msg = `flow analysis of ${f.fn.key} threw (caught): ${stack}`;
          problem(msg);
        }
      }

      const docs = new Map<string, [DocLines, DocLines]>();
      const doc = (path: string) => {
        let d = docs.get(path);
        if (!d) { const t = texts.get(path); if (t === undefined) return undefined; docs.set(path, d = [new DocLines(t), new DocLines(t, false)]); }
        return d;
      };
      const inside = (what: string, file: string, range: Finding['range']) => {
        const d = doc(file);
        if (!d) { problem(`${what} names a file outside the package: ${file}`); return false; }
        // Lines as the protocol counts them (\n, \r\n and a lone \r end a line), as the engine does too.
        const bad = rangeProblem(range, d[0]);
        if (bad) { problem(`${what} in ${rel(file)} at ${showRange(range)}: ${bad}`); return false; }
        return true;
      };
      for (const f of findings) {
        const what = `[${f.code}] "${f.message}"`;
        inside(what, f.file, f.range);
        for (const r of f.related) inside(`related location of ${what}`, r.file, r.range);
      }

      // Hover at a few offsets: token starts and anywhere.
      const mine = results.find((r) => r.analysis.pkg.files.some((f) => f.path === c.target));
      const file = ws.file(c.target);
      const graph = stage('graph', () => ws.graph());
      if (mine && file) {
        const toks = c.text.length > 200_000 ? [] : tokenize(c.text);
        for (let i = 0; i < 5; i++) {
          const offset = toks.length && rng.chance(0.7) ? rng.pick(toks).start + rng.below(2) : rng.int(0, c.text.length);
          const h = stage(`hoverAt(${offset})`, () => hoverAt(mine.analysis, file, offset, graph));
          report.hovers++;
          if (!h) continue;
          // The span of a field access in another file of the package that covers the same offset.
          const spans = (other: boolean) => [...mine.analysis.flows].filter(([fn]) => (fn.file.path !== c.target) === other)
            .flatMap(([, flow]) => flow.accesses).filter((a) => a.node.start <= offset && offset <= a.node.end)
            .map((a) => `${a.node.end - a.field.length}-${a.node.end}`);
          const span = `${h.start}-${h.end}`;
          // Only a field hover ('is guarded by') can come from an access; other hovers may share a span by chance.
          if (/is guarded by/.test(h.markdown) && spans(true).includes(span) && !spans(false).includes(span)) {
            problem(`hoverAt(${offset}) in ${rel(c.target)} describes an access in another file: ${h.markdown.split('\n')[0]} at ${span}`);
          } else if (typeof h.markdown !== 'string' || !(h.start >= 0 && h.start <= h.end && h.end <= c.text.length)) {
            problem(`hoverAt(${offset}) gave a span outside the file: ${span} of ${c.text.length}`);
          }
        }
      }

      // Every fix: its edits inside their files, not overlapping, and applicable.
      for (const f of findings) {
        for (const fix of f.fixes) {
          report.fixes++;
          const byFile = new Map<string, typeof fix.edits>();
          for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
          for (const [path, edits] of byFile) {
            const what = `edit of fix "${fix.title}" for [${f.code}]`;
            if (!edits.every((e) => inside(what, path, e.range))) continue;
            for (let i = 0; i < edits.length; i++) {
              for (let j = i + 1; j < edits.length; j++) {
                if (overlap(edits[i].range, edits[j].range)) problem(`${what}: edits overlap at ${showRange(edits[i].range)} and ${showRange(edits[j].range)}`);
              }
            }
            stage(`applyEdits of fix "${fix.title}"`, () => applyEdits(texts.get(path)!, edits));
          }
        }
      }
    } finally {
      report.elapsedMs = performance.now() - start;
      if (report.elapsedMs > report.limitMs) problem(`took ${report.elapsedMs.toFixed(0)} ms, over the bound of ${report.limitMs.toFixed(0)} ms for ${(size / 1024).toFixed(0)} KB`);
      // Put the package back as it was.
      if (!opts.fresh) {
        if (c.original === undefined) ws.remove(c.target); else ws.setText(c.target, c.original);
      }
    }
    return report;
  }
}

// ---- goroutine dumps ----

const DUMP_SNIPPETS: readonly string[] = [
  'goroutine 1 [running]:', 'goroutine 18446744073709551616 [semacquire]:', 'goroutine 7 gp=0xc000007340 m=nil [sync.Mutex.Lock, 5 minutes]:',
  'goroutine 2 [chan receive, 99999999999999999999 minutes, locked to thread]:', 'goroutine x [running]:', 'goroutine 3 []:', 'goroutine 4 [',
  'sync.(*Mutex).Lock(...)', 'main.(*T).f(0xc000014100, {0x482818?, 0x1?})', 'main.main()', 'main.f(((((', ')))))', 'f()',
  '\t/usr/local/go/src/sync/mutex.go:81 +0x1d', '\tmain.go:99999999999999999999999', '\t:1', '\tC:/x/y.go:12 +0xZZ fp=0x1 sp=0x2 pc=0x3',
  'created by main.main in goroutine 1', 'created by main.main in goroutine 99999999999999999999', 'created by', '...additional frames elided...',
  '...12 frames elided...', 'panic: boom', 'fatal error: all goroutines are asleep - deadlock!', 'SIGQUIT: quit', 'runtime stack:',
  'app_1  | ', '2024-01-02T03:04:05.678Z ', '    ', '', '\r',
];

/** A line just under the dump parser's line limit, made of a repeated piece: the worst case for its regular expressions. */
function nastyLine(rng: Rng): string {
  const piece = rng.pick(['goroutine 1 ', 'goroutine ', ' a=b', '(', ')', '((()', 'x:1', ':1 ', ' +0x1', '\t', ' ', '1', '[', ']:', 'a/', '0x1?, ']);
  const len = rng.int(4000, 8190);
  let s = rng.pick(['', 'goroutine 1 ', '\t', 'main.f', 'created by ', 'app_1  | ']) + piece.repeat(Math.ceil(len / piece.length));
  s = s.slice(0, len);
  return s + rng.pick(['', ' [running]:', ')', ':', ' +0x1d']);
}

export interface DumpCase { index: number; source: string; text: string; ops: string[] }

export function dumpCase(seed: number, index: number): DumpCase {
  const rng = new Rng(hash32(seed ^ 0xd0d0, index));
  const dumps = dumpFiles();
  const src = rng.pick(dumps);
  let text = src.text;
  const ops: string[] = [];
  const n = rng.int(1, 4);
  const mutators = ['deleteTokens', 'duplicateTokens', 'swapTokens', 'truncate', 'lines', 'nul', 'invalidUtf8', 'oddChars', 'unbalancedBraces'];
  for (let i = 0; i < n; i++) {
    const kind = rng.below(mutators.length + 4);
    if (kind < mutators.length) {
      text = MUTATORS[mutators[kind]](rng, text, { donors: [rng.pick(dumps).text] });
      ops.push(mutators[kind]);
    } else if (kind === mutators.length) {
      // Dump lines in odd places.
      const lines = text.split('\n');
      const k = rng.int(1, 10);
      for (let j = 0; j < k; j++) lines.splice(rng.int(0, lines.length), 0, rng.pick(DUMP_SNIPPETS));
      text = lines.join('\n');
      ops.push('dumpLines');
    } else if (kind === mutators.length + 1) {
      const lines = text.split('\n');
      const k = rng.int(1, rng.chance(0.1) ? 200 : 5);
      for (let j = 0; j < k; j++) lines.splice(rng.int(0, lines.length), 0, nastyLine(rng));
      text = lines.join('\n');
      ops.push(`nastyLines(${k})`);
    } else if (kind === mutators.length + 2) {
      // A server's worth of goroutines: the blocks copied with fresh ids, hundreds to thousands of times.
      const blocks = text.split(/\n\n+/).filter((b) => /^goroutine \d+/.test(b));
      const copies = rng.int(100, rng.chance(0.1) ? 5_000 : 500);
      const more: string[] = [];
      for (let c = 0; c < copies && blocks.length > 0; c++) more.push(rng.pick(blocks).replace(/^goroutine \d+/, `goroutine ${100_000 + c}`));
      text = `${text}\n\n${more.join('\n\n')}\n`;
      ops.push(`manyGoroutines(${copies})`);
    } else {
      // A prefix on every line (docker compose, kubectl timestamps), sometimes only on some.
      const prefix = rng.pick(['app_1  | ', '2024-01-02T03:04:05.678Z ', '    ', '> ', 'pod-7f9c-2 ', '\t']);
      const some = rng.chance(0.3);
      text = text.split('\n').map((l) => (!some || rng.chance(0.8) ? prefix + l : l)).join('\n');
      ops.push('prefix');
    }
  }
  if (rng.chance(0.01)) { text = longLine(rng, text, 1024 * 1024); ops.push('longLine'); }
  return { index, source: src.path, text, ops };
}

export function runDump(c: DumpCase): CaseReport {
  const report: CaseReport = { problems: [], known: [], elapsedMs: 0, limitMs: timeLimitMs(c.text.length), findings: 0, fixes: 0, hovers: 0 };
  const start = performance.now();
  try {
    const d = parseDump(c.text);
    if (!d || !Array.isArray(d.goroutines) || !Array.isArray(d.preamble)) report.problems.push(`parseDump returned ${JSON.stringify(d)?.slice(0, 200)}`);
    else {
      report.findings = d.goroutines.length;
      for (const g of d.goroutines) {
        if (!Number.isSafeInteger(g.id) || typeof g.state !== 'string' || !Array.isArray(g.frames)) report.problems.push(`a malformed goroutine: ${JSON.stringify(g).slice(0, 200)}`);
        for (const f of g.frames) if (typeof f.func !== 'string' || typeof f.file !== 'string' || !Number.isSafeInteger(f.line)) report.problems.push(`a malformed frame: ${JSON.stringify(f).slice(0, 200)}`);
      }
    }
  } catch (e) {
    report.problems.push(`parseDump threw: ${(e as Error)?.stack ?? String(e)}`);
  }
  report.elapsedMs = performance.now() - start;
  if (report.elapsedMs > report.limitMs) report.problems.push(`parseDump took ${report.elapsedMs.toFixed(0)} ms, over the bound of ${report.limitMs.toFixed(0)} ms`);
  return report;
}

/** The files that reproduce a failing Go case: the package as it was, with the input in place. */
export function reproFiles(c: GoCase): SourceFile[] {
  return [...c.pkg.files.filter((f) => f.path !== c.target), { path: c.target, text: c.text }];
}
