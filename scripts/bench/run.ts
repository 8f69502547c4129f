/**
 * lockset's benchmark (`npm run bench [-- <dir>] [--sizes 1,4,16] [--edits 200] [--flat] [--jobs N] [--one-package 12]`). It never
 * asserts a time; it prints a table and writes .bench/results.json. Everything is measured in one process
 * run, so the ratios compare like with like. The synthetic corpora are modules whose packages import each
 * other; `--flat` also measures, after each of them, the same corpus without go.mod and imports (the
 * corpus before cross-package calls were added), to compare the cost per MB.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createMessageConnection, StreamMessageReader, StreamMessageWriter, type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { analyze, jobsFor } from '../../server/src/cli/main';
import { defaultPoolSize } from '../../server/src/syntax/parse-pool';
import { initParser, parseGoFlat } from '../../server/src/syntax/parser';
import { Query } from 'web-tree-sitter';
import { findGoFiles, readSource } from '../../server/src/util/files';
import { StatusNotification } from '../../server/src/protocol';
import { Workspace } from '../../server/src/workspace';
import { generateBigFile, generateCorpus, generateOnePackage } from './corpus';
import { analyzeAll } from '../../server/src/batch';

const ROOT = resolve(__dirname, '../..');
const OUT = join(ROOT, '.bench');

export interface CorpusResult {
  name: string;
  files: number;
  megabytes: number;
  parseMs: number;
  analysisMs: number;
  ratio: number;
  /** The same two phases in CPU time of the process (main thread and V8's helper threads), which other load on the machine disturbs less than wall time. */
  parseCpuMs: number;
  analysisCpuMs: number;
  cpuRatio: number;
  findings: number;
  /** Parse worker threads used (as `lockset check` picks them; 0: all on the main thread). */
  workers: number;
  /** What reading the trees costs next to parsing them (see measureCopyAndQuery), measured after the cold runs. */
  trees?: TreeCost;
}

/**
 * One thread, one pass each: the parse alone, the parse followed by the copy into flat integers (what a parse
 * worker does), and the parse followed by a tree-sitter query for calls, function declarations and comments.
 */
export interface TreeCost { parseMs: number; copyMs: number; queryMs: number; queryCaptures: number }

export interface EditResult { edits: number; medianMs: number; p95Ms: number; contractEditMs: number; fileLines: number }

/**
 * (j) one big package through the stdio server, as a user opens it: the time from `initialize` to the first
 * diagnostics of a file opened at once, then one-character edits inside a body of that file until its fresh
 * diagnostics; then a statement typed into that body a character at a time (`typed…`), most of whose states do
 * not parse (`n =`, `n = n +`, `len("ty`), each until its fresh diagnostics.
 */
export interface OnePackageResult {
  name: string; files: number; megabytes: number; firstMs: number; edits: number; medianMs: number; p95Ms: number;
  typedKeys: number; typedMedianMs: number; typedP95Ms: number;
  /** Declaration edits (`declEdits` each): a function added at the end of the file and removed again, a field added to its first struct and removed. */
  declEdits: number; funcMedianMs: number; funcMaxMs: number; fieldMedianMs: number; fieldMaxMs: number;
}

/**
 * (h) an edit inside a lock-taking function of the package that the others import, as the server analyses it:
 * a line inserted above the Lock, and (`sameLine…`) a character typed on the line below it.
 */
export interface ImportedEditResult { corpus: string; edits: number; medianMs: number; maxMs: number; sameLineMedianMs: number; sameLineMaxMs: number; importers: number }

/** (i) the editor's heap after its start-up index, keeping every package whole and compacting closed ones. */
export interface EditorHeapResult { corpus: string; wholeMb: number; compactedMb: number; findings: number }

export interface BenchResult {
  machine: string;
  node: string;
  corpora: CorpusResult[];
  scaling?: number;
  peakRssMb: number;
  edit?: EditResult;
  importedEdit?: ImportedEditResult;
  editorHeap?: EditorHeapResult;
  onePackage?: OnePackageResult;
}

function load(dir: string): { path: string; text: string }[] {
  return findGoFiles(dir).map((path) => ({ path, text: readSource(path) ?? '' }));
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** (a) parse-only, (b) cold whole-workspace analysis as the CLI does it, (c) their ratio. */
export async function measureCorpus(name: string, dir: string, jobs?: number): Promise<CorpusResult> {
  const files = load(dir);
  const parser = await initParser();
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const t0 = performance.now(), c0 = cpuMs();
  for (const f of files) parser.parse(f.text)?.delete();
  const parseMs = performance.now() - t0, parseCpuMs = cpuMs() - c0;
  const t1 = performance.now(), c1 = cpuMs();
  const ws = await Workspace.create();
  for (const f of files) ws.setText(f.path, f.text);
  // As `lockset check` does it: with parse workers from 3 MB of Go on (or as many as --jobs says).
  const workers = jobsFor(files.reduce((n, f) => n + f.text.length, 0), jobs);
  const findings = (await analyze(ws, workers)).length;
  const analysisMs = performance.now() - t1, analysisCpuMs = cpuMs() - c1;
  return {
    name, files: files.length, megabytes: bytes / 1e6, parseMs, analysisMs, ratio: analysisMs / parseMs,
    parseCpuMs, analysisCpuMs, cpuRatio: analysisCpuMs / parseCpuMs, findings, workers: workers ?? defaultPoolSize(),
  };
}

/** Facts a query-based design would start from: calls of methods (Lock, Unlock, ...), functions, comments. */
const FACTS_QUERY = `
  (call_expression function: (selector_expression field: (field_identifier) @method)) @call
  (function_declaration name: (identifier) @name) @function
  (method_declaration name: (field_identifier) @name) @function
  (comment) @comment`;

/**
 * What the copy that the analysis reads costs next to a tree-sitter query (see TreeCost). The flow analysis reads
 * every statement and expression of every body, which a query would have to capture node by node; the query
 * here captures only a few kinds of nodes. Measured after the cold runs, so that its trees and WASM memory do
 * not count in their peak RSS.
 */
export async function measureCopyAndQuery(dir: string): Promise<TreeCost> {
  const files = load(dir);
  const parser = await initParser();
  const t0 = performance.now();
  for (const f of files) parser.parse(f.text)?.delete();
  const parseMs = performance.now() - t0;
  const t1 = performance.now();
  for (const f of files) parseGoFlat(parser, f.text);
  const copyMs = performance.now() - t1;
  const query = new Query(parser.language!, FACTS_QUERY);
  let queryCaptures = 0;
  const t2 = performance.now();
  try {
    for (const f of files) {
      const tree = parser.parse(f.text);
      if (!tree) continue;
      queryCaptures += query.captures(tree.rootNode).length;
      tree.delete();
    }
  } finally {
    query.delete();
  }
  return { parseMs, copyMs, queryMs: performance.now() - t2, queryCaptures };
}

/** (e) one-character edits in a function of a 5,000-line file, until fresh diagnostics; (f) a contract edit. */
export async function measureEdits(dir: string, edits: number, lines = 5000): Promise<EditResult> {
  const path = generateBigFile(join(dir, 'big'), lines);
  const text = readFileSync(path, 'utf8');
  const uri = URI.file(path).toString();
  const proc = spawn(process.execPath, [join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  let waiting: ((p: PublishDiagnosticsParams) => void) | undefined;
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => { if (p.uri === uri) waiting?.(p); });
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ debounceMs: 0 })));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.listen();
  const published = () => new Promise<PublishDiagnosticsParams>((res) => { waiting = res; });
  try {
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: URI.file(join(dir, 'big')).toString(), capabilities: { workspace: { configuration: true } } });
    const first = published();
    await conn.sendNotification('initialized', {});
    await first;
    let version = 1;
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version, text } });
    // The edit toggles a character inside a body, so that every edit changes the text and the findings.
    const anchor = text.indexOf('return n + t.get("misses")');
    const at = text.slice(0, anchor).split('\n');
    const position = { line: at.length - 1, character: at[at.length - 1].length + 'return n + t.get("'.length };
    const times: number[] = [];
    for (let i = 0; i < edits; i++) {
      const done = published();
      const t = performance.now();
      const insert = i % 2 === 0;
      await conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: ++version },
        contentChanges: [{ range: { start: position, end: insert ? position : { ...position, character: position.character + 1 } }, text: insert ? 'x' : '' }],
      });
      await done;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    // (f) "assumes t.mu is held" on a function that had no contract: every caller's file is republished.
    const fnLine = text.split('\n').findIndex((l) => l.startsWith('func (t *') && l.includes(') Touch()'));
    const doneContract = published();
    const t = performance.now();
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: ++version },
      contentChanges: [{ range: { start: { line: fnLine, character: 0 }, end: { line: fnLine, character: 0 } }, text: '// Touch assumes t.mu is held.\n' }],
    });
    await doneContract;
    const contractEditMs = performance.now() - t;
    return { edits, medianMs: times[Math.floor(times.length / 2)], p95Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))], contractEditMs, fileLines: text.split('\n').length };
  } finally {
    await conn.sendRequest('shutdown').catch(() => undefined);
    await conn.sendNotification('exit').catch(() => undefined);
    conn.dispose();
    proc.kill();
  }
}

/** (j) see OnePackageResult. */
export async function measureOnePackage(name: string, dir: string, edits: number): Promise<OnePackageResult> {
  const paths = findGoFiles(dir).sort();
  const path = paths.find((p) => readFileSync(p, 'utf8').includes('return n + t.get("misses")'))!;
  const text = readFileSync(path, 'utf8');
  const megabytes = paths.reduce((n, p) => n + readFileSync(p).length, 0) / 1e6;
  const uri = URI.file(path).toString();
  const proc = spawn(process.execPath, [join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  let waiting: ((p: PublishDiagnosticsParams) => void) | undefined;
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => { if (p.uri === uri) waiting?.(p); });
  let indexed: () => void = () => undefined;
  const idle = new Promise<void>((res) => { indexed = res; });
  conn.onNotification(StatusNotification.method, (p: { state: string }) => { if (p.state === 'idle') indexed(); });
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ debounceMs: 0 })));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.listen();
  const published = () => new Promise<PublishDiagnosticsParams>((res) => { waiting = res; });
  try {
    const t0 = performance.now();
    const first = published();
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: URI.file(dir).toString(), capabilities: { workspace: { configuration: true } } });
    await conn.sendNotification('initialized', {});
    let version = 1;
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version, text } });
    await first;
    const firstMs = performance.now() - t0;
    // The start-up index ends (with the whole graph's findings) before the edits are timed.
    await idle;
    const anchor = text.indexOf('return n + t.get("misses")');
    const at = text.slice(0, anchor).split('\n');
    const position = { line: at.length - 1, character: at[at.length - 1].length + 'return n + t.get("'.length };
    const times: number[] = [];
    for (let i = 0; i < edits; i++) {
      const done = published();
      const t = performance.now();
      const insert = i % 2 === 0;
      await conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: ++version },
        contentChanges: [{ range: { start: position, end: insert ? position : { ...position, character: position.character + 1 } }, text: insert ? 'x' : '' }],
      });
      await done;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    // The text is the opened one again (an even number of edits): a statement is typed above the return.
    const lineStart = { line: position.line, character: 0 };
    const snippet = '\tn = n + len("typed")\n';
    let typedAt = lineStart;
    const typed: number[] = [];
    for (const ch of snippet) {
      const done = published();
      const t = performance.now();
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ range: { start: typedAt, end: typedAt }, text: ch }] });
      await done;
      typed.push(performance.now() - t);
      typedAt = ch === '\n' ? { line: typedAt.line + 1, character: 0 } : { line: typedAt.line, character: typedAt.character + 1 };
    }
    typed.sort((a, b) => a - b);
    const pct = (list: number[], p: number) => list[Math.min(list.length - 1, Math.floor(list.length * p))];
    // Declarations, each edit replacing the whole text (the statement typed above stays): a function added and
    // removed, then a field added to the file's first struct and removed.
    const typedAtOffset = text.split('\n').slice(0, lineStart.line).join('\n').length + 1;
    let current = text.slice(0, typedAtOffset) + snippet + text.slice(typedAtOffset);
    const replaceAll = async (next: string): Promise<number> => {
      const done = published();
      const t = performance.now();
      const lines = current.split('\n');
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } }, text: next }] });
      await done;
      current = next;
      return performance.now() - t;
    };
    const declEdits = 6;
    const base = current;
    const withFunc = `${base}\n// benchAdded is new.\nfunc benchAdded() int {\n\treturn 1\n}\n`;
    const struct = /^type \w+ struct \{\n/m.exec(base);
    const withField = struct ? `${base.slice(0, struct.index + struct[0].length)}\tbenchField int\n${base.slice(struct.index + struct[0].length)}` : base;
    const funcs: number[] = [], fields: number[] = [];
    for (let i = 0; i < declEdits; i++) funcs.push(await replaceAll(i % 2 === 0 ? withFunc : base));
    for (let i = 0; i < declEdits; i++) fields.push(await replaceAll(i % 2 === 0 ? withField : base));
    funcs.sort((a, b) => a - b);
    fields.sort((a, b) => a - b);
    return {
      name, files: paths.length, megabytes, firstMs, edits, medianMs: pct(times, 0.5), p95Ms: pct(times, 0.95),
      typedKeys: typed.length, typedMedianMs: pct(typed, 0.5), typedP95Ms: pct(typed, 0.95),
      declEdits, funcMedianMs: pct(funcs, 0.5), funcMaxMs: funcs[funcs.length - 1], fieldMedianMs: pct(fields, 0.5), fieldMaxMs: fields[fields.length - 1],
    };
  } finally {
    await conn.sendRequest('shutdown').catch(() => undefined);
    await conn.sendNotification('exit').catch(() => undefined);
    conn.dispose();
    proc.kill();
  }
}

/**
 * (h) Edits inside a lock-taking function of `pkg0`, which the corpus's other packages import, measured in this
 * process as the server handles an edit: the package, then every package that imports it, then the lock graph.
 * A line inserted above the Lock moves the lock site that importers copy to another line, so their findings are
 * made again, and tree-sitter often re-creates the statements next to it, which makes the importers analysed
 * again; a character typed on the line below leaves the site where it is (see README, Typing).
 */
export async function measureImportedEdit(name: string, dir: string, edits = 20): Promise<ImportedEditResult | undefined> {
  const files = load(dir);
  const target = files.find((f) => f.path.includes(`${sep}pkg0${sep}`) && f.text.includes('.Lock()'));
  if (!target) return undefined;
  const ws = await Workspace.create();
  ws.interactive = true;
  for (const f of files) ws.setText(f.path, f.text);
  analyzeAll(ws);
  const pkgDir = dirname(target.path);
  const lock = target.text.indexOf('.Lock()');
  const time = (edited: string) => {
    const times: number[] = [];
    for (let i = 0; i < edits; i++) {
      const t = performance.now();
      ws.setText(target.path, i % 2 === 0 ? edited : target.text);
      ws.analyzeDir(pkgDir);
      for (const d of ws.dependents(pkgDir)) ws.analyzeDir(d);
      ws.graphSignature();
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b);
  };
  const above = target.text.lastIndexOf('\n', lock);
  const lines = time(`${target.text.slice(0, above)}\n\t_ = 0${target.text.slice(above)}`);
  const below = target.text.indexOf('\n', target.text.indexOf('\n', lock) + 1);
  const typed = time(`${target.text.slice(0, below)} ${target.text.slice(below)}`);
  const median = (ts: number[]) => ts[Math.floor(ts.length / 2)];
  return {
    corpus: name, edits, medianMs: median(lines), maxMs: lines[lines.length - 1], sameLineMedianMs: median(typed), sameLineMaxMs: typed[typed.length - 1],
    importers: ws.dependents(pkgDir).length,
  };
}

/** The live heap after a full collection (the collector is reached without --expose-gc). */
function liveHeapMb(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed / 1e6;
}

/**
 * (i) Indexes a corpus as the server does (every package's own findings, then every package's against the
 * lock graph), in an editor's workspace with no document open, keeping everything and then compacting the
 * closed packages (lockset.compactClosedPackages), and measures the live heap after each, in this process.
 */
export async function measureEditorHeap(name: string, dir: string): Promise<EditorHeapResult> {
  const files = load(dir);
  const index = async (compact: boolean) => {
    const ws = await Workspace.create();
    ws.interactive = true;
    ws.setCompactClosed(compact);
    for (const f of files) ws.setText(f.path, f.text);
    for (const d of ws.dirs()) ws.localResults(d);
    const findings = ws.dirs().reduce((n, d) => n + ws.analyzeDir(d).reduce((m, r) => m + r.findings.length, 0), 0);
    return { ws, findings };
  };
  const base = liveHeapMb();
  let whole: Awaited<ReturnType<typeof index>> | undefined = await index(false);
  const wholeMb = liveHeapMb() - base;
  const findings = whole.findings;
  whole = undefined;
  const compacted = await index(true);
  const compactedMb = liveHeapMb() - base;
  if (compacted.findings !== findings) throw new Error(`compaction changed the findings: ${compacted.findings} instead of ${findings}`);
  return { corpus: name, wholeMb, compactedMb, findings };
}

export async function runBench(opts: { sizes: number[]; dir?: string; edits: number; workDir?: string; flat?: boolean; jobs?: number; onePackageMb?: number }): Promise<BenchResult> {
  const work = opts.workDir ?? OUT;
  mkdirSync(work, { recursive: true });
  // The edits first, while this process is small: its own garbage collection would otherwise delay the
  // notifications it times (the server runs in a process of its own either way).
  const edit = opts.edits > 0 ? await measureEdits(work, opts.edits) : undefined;
  const corpora: CorpusResult[] = [];
  const dirs = new Map<CorpusResult, string>();
  const measure = async (name: string, dir: string) => { const c = await measureCorpus(name, dir, opts.jobs); dirs.set(c, dir); corpora.push(c); };
  if (opts.dir) await measure(opts.dir, opts.dir);
  for (const mb of opts.sizes) {
    const dir = join(work, `corpus-${mb}mb`);
    generateCorpus(dir, mb * 1e6);
    await measure(`synthetic ${mb} MB`, dir);
    if (opts.flat) {
      const flatDir = join(work, `corpus-${mb}mb-flat`);
      generateCorpus(flatDir, mb * 1e6, 1, { imports: false });
      await measure(`synthetic ${mb} MB, no imports`, flatDir);
    }
  }
  const small = corpora.find((c) => c.name === 'synthetic 4 MB'), large = corpora.find((c) => c.name === 'synthetic 16 MB');
  // (d) before (h), whose workspace keeps everything, as an editor's does.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  for (const [c, dir] of dirs) c.trees = await measureCopyAndQuery(dir);
  // On the 4 MB corpus, or the smallest one measured.
  const editMb = opts.sizes.includes(4) ? 4 : Math.min(...opts.sizes);
  const importedEdit = opts.edits > 0 && Number.isFinite(editMb) ? await measureImportedEdit(`synthetic ${editMb} MB`, join(work, `corpus-${editMb}mb`)) : undefined;
  // (i) on the largest corpus measured.
  const heapMb = Math.max(...opts.sizes);
  const editorHeap = Number.isFinite(heapMb) ? await measureEditorHeap(`synthetic ${heapMb} MB`, join(work, `corpus-${heapMb}mb`)) : undefined;
  // (j) last: its server is a process of its own, and its cold analysis is measured like the others'.
  let onePackage: OnePackageResult | undefined;
  if (opts.onePackageMb) {
    const name = `one package, ${opts.onePackageMb} MB`;
    const dir = join(work, `onepkg-${opts.onePackageMb}mb`);
    generateOnePackage(dir, opts.onePackageMb * 1e6);
    await measure(name, dir);
    onePackage = await measureOnePackage(name, dir, Math.max(1, Math.min(opts.edits, 40)));
  }
  return {
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    node: process.version,
    corpora,
    scaling: small && large ? large.analysisMs / small.analysisMs : undefined,
    peakRssMb,
    edit,
    importedEdit,
    editorHeap,
    onePackage,
  };
}

function percentOver(ms: number, base: number): string {
  const percent = Math.round((100 * (ms - base)) / base);
  return `${percent >= 0 ? '+' : ''}${percent} %`;
}

export function formatTable(r: BenchResult): string {
  const rows = [
    `machine: ${r.machine}, node ${r.node}`,
    '',
    '| corpus | files | MB | parse workers | parse-only ms | analysis ms | analysis / parse | analysis ms / MB | findings | CPU: parse-only ms | analysis ms | analysis / parse |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.corpora.map((c) => `| ${c.name} | ${c.files} | ${c.megabytes.toFixed(1)} | ${c.workers} | ${c.parseMs.toFixed(0)} | ${c.analysisMs.toFixed(0)} | ${c.ratio.toFixed(2)} `
      + `| ${(c.analysisMs / c.megabytes).toFixed(0)} | ${c.findings} | ${c.parseCpuMs.toFixed(0)} | ${c.analysisCpuMs.toFixed(0)} | ${c.cpuRatio.toFixed(2)} |`),
    '',
    '| corpus | parse-only ms | parse + copy into flat integers (a worker) | parse + query (calls, functions, comments) |',
    '|---|---|---|---|',
    ...r.corpora.filter((c) => c.trees).map(({ name, trees: t }) => `| ${name} | ${t!.parseMs.toFixed(0)} | ${t!.copyMs.toFixed(0)} (${percentOver(t!.copyMs, t!.parseMs)}) `
      + `| ${t!.queryMs.toFixed(0)} (${percentOver(t!.queryMs, t!.parseMs)}, ${t!.queryCaptures} captures) |`),
    '',
    `peak RSS: ${r.peakRssMb.toFixed(0)} MB`,
  ];
  if (r.scaling !== undefined) rows.push(`scaling: 16 MB takes ${r.scaling.toFixed(2)}× the time of 4 MB`);
  if (r.edit) {
    rows.push(`edit → diagnostics on a ${r.edit.fileLines}-line file (${r.edit.edits} edits, through the stdio server): median ${r.edit.medianMs.toFixed(1)} ms, p95 ${r.edit.p95Ms.toFixed(1)} ms`);
    rows.push(`contract edit → diagnostics republished: ${r.edit.contractEditMs.toFixed(1)} ms`);
  }
  if (r.importedEdit) {
    const e = r.importedEdit;
    rows.push(`edit in a lock-taking function of the package ${e.importers} others import (${e.corpus}, ${e.edits} edits each, in process):`
      + ` line inserted above the Lock: median ${e.medianMs.toFixed(0)} ms, max ${e.maxMs.toFixed(0)} ms;`
      + ` character typed on the line below: median ${e.sameLineMedianMs.toFixed(0)} ms, max ${e.sameLineMaxMs.toFixed(0)} ms`);
  }
  if (r.onePackage) {
    const o = r.onePackage;
    rows.push(`${o.name} (${o.files} files, through the stdio server): first diagnostics of a file opened at start ${o.firstMs.toFixed(0)} ms;`
      + ` edit → diagnostics (${o.edits} edits) median ${o.medianMs.toFixed(0)} ms, p95 ${o.p95Ms.toFixed(0)} ms;`
      + ` a statement typed (${o.typedKeys} keystrokes, most states not parsing) median ${o.typedMedianMs.toFixed(0)} ms, p95 ${o.typedP95Ms.toFixed(0)} ms;`
      + ` a function added or removed (${o.declEdits} edits) median ${o.funcMedianMs.toFixed(0)} ms, max ${o.funcMaxMs.toFixed(0)} ms;`
      + ` a struct field added or removed median ${o.fieldMedianMs.toFixed(0)} ms, max ${o.fieldMaxMs.toFixed(0)} ms`);
  }
  if (r.editorHeap) {
    const h = r.editorHeap;
    rows.push(`editor heap after indexing (${h.corpus}, no document open, ${h.findings} findings either way): ${h.wholeMb.toFixed(0)} MB keeping every package whole, ${h.compactedMb.toFixed(0)} MB compacting closed ones`);
  }
  return rows.join('\n') + '\n';
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const flag = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
  const sizes = (flag('--sizes') ?? '1,4,16').split(',').filter(Boolean).map(Number);
  const edits = Number(flag('--edits') ?? '200');
  const onePackageMb = Number(flag('--one-package') ?? '12');
  const jobsFlag = flag('--jobs');
  const jobs = jobsFlag === undefined ? undefined : Number(jobsFlag);
  const flatAt = args.indexOf('--flat');
  if (flatAt >= 0) args.splice(flatAt, 1);
  const dir = args[0] ? resolve(args[0]) : undefined;
  void runBench({ sizes, dir, edits, flat: flatAt >= 0, jobs, onePackageMb }).then((r) => {
    process.stdout.write(formatTable(r));
    writeFileSync(join(OUT, 'results.json'), JSON.stringify(r, null, 2) + '\n');
    process.stdout.write(`results written to ${join(OUT, 'results.json')}\n`);
  });
}
