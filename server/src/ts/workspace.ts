/**
 * The TypeScript and JavaScript workspace: one ts-morph Project, built lazily on the first request and
 * kept across edits. An edit replaces one source file's text; only that file's facts are extracted
 * again, unless its declarations changed (then every file that uses async-mutex is, because lock
 * identity in them may depend on those declarations). Findings are recomputed from the facts.
 *
 * Only files that can involve async-mutex are analysed: those that mention it and those that import
 * them (transitively). The Program holds the workspace's own files and async-mutex's declarations, and
 * nothing else (noResolve, no lib files): other packages' types are not needed to find locks.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Project, ts } from 'ts-morph';
import type { Finding } from '../base/finding';
import type { Config } from '../util/config';
import { readRegularFile } from '../util/files';
import { TsAnalysis } from './analysis';
import { runTsChecks } from './checks/run';
import { extractFile } from './extract';
import { type DiscoveredFunction, discoverFunctions } from './functions';
import { hoverAt, type TsHover, type TsHoverFindings } from './hover';
import { tsHints, tsLenses, tsLockInventory, tsLockReferences, type TsHint, type TsLens, type TsPlace } from './navigation';
import type { LockGraphOf, LockInfoOf } from '../core/views';
import type { Place } from '../base/place';
import { tsGraphNames, tsLockGraph, tsLockGraphFocus } from './graph';
import type { TsFileFacts } from './model';
import { MINI_LIB, MINI_LIB_FILE_NAME } from './minilib';
import { mentionsAsyncMutex } from './paths';
import { LockHelpers } from './lock-helpers';
import { insideAsyncMutexPackage, LockResolver } from './resolve';
import { ASYNC_MUTEX_STUB, STUB_FILE_NAME } from './stub';

export interface TsWorkspaceOptions {
  /** Workspace folders: a tsconfig.json in the first one is honoured; async-mutex is looked up above them. */
  roots?: string[];
  config?: Config;
}

interface FileState {
  text: string;
  /** The workspace files it imports (resolved), computed once per text. */
  imports?: string[];
  /** The text with function bodies left out: when it changes, other files' facts may change too. */
  shape?: string;
  discovered?: DiscoveredFunction[];
  facts?: TsFileFacts;
}

export class TsWorkspace {
  private project?: Project;
  private readonly files = new Map<string, FileState>();
  private readonly dirty = new Set<string>();
  private config: Config;
  private analysis?: TsAnalysis;
  private findings?: Finding[];
  private relevant = new Set<string>();
  private fileSet = '';
  private readonly roots: string[];
  /** Timings of the last analysis, for the benchmark: project creation and the analysis itself, in ms. */
  readonly timings = { project: 0, analysis: 0 };
  /** How often a Project was created and files' facts extracted, for tests of the incremental path. */
  readonly counts = { projects: 0, extractions: 0 };

  constructor(opts: TsWorkspaceOptions = {}) {
    this.roots = (opts.roots ?? []).map((r) => resolve(r));
    this.config = opts.config ?? { severity: {}, lockOrder: [] };
  }

  setConfig(config: Config): void {
    this.config = config;
    this.analysis = undefined;
    this.findings = undefined;
  }

  has(path: string): boolean { return this.files.has(path); }
  paths(): string[] { return [...this.files.keys()]; }

  /** Sets a file's text; false when it did not change. */
  setText(path: string, text: string): boolean {
    const prev = this.files.get(path);
    if (prev && prev.text === text) return false;
    this.files.set(path, { text, shape: prev?.shape });
    this.dirty.add(path);
    this.findings = undefined;
    return true;
  }

  remove(path: string): void {
    if (!this.files.delete(path)) return;
    this.dirty.add(path);
    this.findings = undefined;
  }

  /** The files analysed (those that can involve async-mutex), after the last analysis. */
  analysedFiles(): string[] {
    this.ensure();
    return [...this.relevant];
  }

  /** Every finding of every analysed file. */
  analyzeAll(): Finding[] {
    this.ensure();
    if (!this.findings) {
      const facts = [...this.relevant].map((p) => this.files.get(p)?.facts).filter((f): f is TsFileFacts => !!f);
      this.findings = runTsChecks(this.analysis!, facts, this.config);
    }
    return this.findings;
  }

  findingsFor(path: string): Finding[] {
    return this.analyzeAll().filter((f) => f.file === path);
  }

  /** The hover at an offset; with `editorShowsDiagnostics` unset, the file's findings there come first. */
  hover(path: string, offset: number, here: Pick<TsHoverFindings, 'editorShowsDiagnostics'> = {}): TsHover | undefined {
    this.ensure();
    const facts = this.files.get(path)?.facts;
    if (!facts || !this.analysis) return undefined;
    return hoverAt(this.analysis, facts, offset, { findings: this.findingsFor(path), editorShowsDiagnostics: here.editorShowsDiagnostics });
  }

  /** The code lenses of an analysed file. */
  lenses(path: string): TsLens[] {
    this.ensure();
    const facts = this.files.get(path)?.facts;
    return facts && this.analysis ? tsLenses(this.analysis, facts) : [];
  }

  /** Inlay hints with the held set, between two offsets of an analysed file. */
  hints(path: string, start: number, end: number): TsHint[] {
    this.ensure();
    const facts = this.files.get(path)?.facts;
    return facts && this.analysis ? tsHints(this.analysis, facts, start, end) : [];
  }

  /** The operations on the lock class of the operation at `offset`, in every analysed file. */
  references(path: string, offset: number): TsPlace[] {
    this.ensure();
    const facts = this.files.get(path)?.facts;
    return facts && this.analysis ? tsLockReferences(this.analysis, facts, offset) : [];
  }

  /** The lock classes of the TypeScript and JavaScript files, for the Lock Explorer. */
  inventory(): LockInfoOf[] {
    const findings = this.analyzeAll();
    return this.analysis ? tsLockInventory(this.analysis, findings, this.place) : [];
  }

  /**
   * The lock-order graph of the TypeScript and JavaScript files; asked from `at` (a file and an offset in it),
   * it opens on the locks of a lock-order finding there, or on the lock of the operation under the cursor.
   */
  graph(at?: { path: string; offset: number }): LockGraphOf {
    const findings = this.analyzeAll();
    if (!this.analysis) return { nodes: [], edges: [], cycles: [], orders: [] };
    const names = tsGraphNames(this.analysis);
    const graph = tsLockGraph(this.analysis, names, this.place);
    const facts = at && this.files.get(at.path)?.facts;
    const focus = facts && tsLockGraphFocus(graph, names, findings, facts, at.offset);
    return focus ? { ...graph, focus } : graph;
  }

  /** A place from a file's line index (a file without facts: the top of it). */
  private readonly place = (path: string, start: number, end: number): Place => {
    const lines = this.files.get(path)?.facts?.lines;
    const a = lines?.position(start) ?? { line: 0, character: 0 }, b = lines?.position(end) ?? a;
    return { path, line: a.line, character: a.character, endLine: b.line, endCharacter: b.character };
  };

  /** The offset ↔ position index of an analysed file. */
  facts(path: string): TsFileFacts | undefined {
    this.ensure();
    return this.files.get(path)?.facts;
  }

  // ---- the project -----------------------------------------------------------------------------

  private createProject(): Project {
    const start = Date.now();
    const overrides: ts.CompilerOptions = {
      allowJs: true, checkJs: false, noEmit: true, noLib: true, noResolve: true, types: [], skipLibCheck: true,
      allowNonTsExtensions: true, resolveJsonModule: false,
    };
    // Only a regular file under 1 MB: a tsconfig.json that is a FIFO or a device would block every read.
    const tsconfig = this.roots.map((r) => join(r, 'tsconfig.json')).find((p) => existsSync(p) && readRegularFile(p, 1 << 20) !== undefined);
    let project: Project;
    try {
      project = tsconfig
        ? new Project({ tsConfigFilePath: tsconfig, skipAddingFilesFromTsConfig: true, skipLoadingLibFiles: true, skipFileDependencyResolution: true, compilerOptions: overrides })
        : undefined!;
    } catch {
      project = undefined!;
    }
    project ??= new Project({
      skipLoadingLibFiles: true, skipFileDependencyResolution: true,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, jsx: ts.JsxEmit.Preserve, ...overrides },
    });
    // async-mutex's own declarations when installed; else the stub, so that lock types still resolve.
    const pkg = this.asyncMutexDir();
    const decls = pkg ? declarationFiles(pkg) : [];
    if (decls.length) for (const d of decls) project.addSourceFileAtPathIfExists(d);
    else project.createSourceFile(join(this.roots[0] ?? process.cwd(), STUB_FILE_NAME), ASYNC_MUTEX_STUB, { overwrite: true });
    project.createSourceFile(join(this.roots[0] ?? process.cwd(), MINI_LIB_FILE_NAME), MINI_LIB, { overwrite: true });
    this.timings.project = Date.now() - start;
    this.counts.projects++;
    return project;
  }

  private asyncMutexDir(): string | undefined {
    for (const root of this.roots.length ? this.roots : [process.cwd()]) {
      for (let dir = root; ; dir = dirname(dir)) {
        const candidate = join(dir, 'node_modules', 'async-mutex');
        if (existsSync(join(candidate, 'package.json'))) return candidate;
        if (dirname(dir) === dir) break;
      }
    }
    return undefined;
  }

  /** Brings the project and the facts up to date with the texts. */
  private ensure(): void {
    if (this.analysis && this.dirty.size === 0) return;
    const start = Date.now();
    if (!this.project) {
      this.project = this.createProject();
      for (const p of this.files.keys()) this.dirty.add(p);
    }
    const project = this.project;
    // Only the files that can involve async-mutex enter the Program: a workspace's other code costs a
    // read and a scan for imports, not a parse and a type check.
    const relevant = this.relevantFiles(project.getCompilerOptions());
    for (const path of new Set([...this.dirty, ...this.relevant, ...relevant])) {
      const state = this.files.get(path);
      const existing = project.getSourceFile(path);
      if (!state || !relevant.has(path)) {
        if (existing) project.removeSourceFile(existing);
        if (state) { state.discovered = undefined; state.facts = undefined; }
        continue;
      }
      if (existing && !this.dirty.has(path)) continue;
      project.createSourceFile(path, state.text, { overwrite: true });
      state.discovered = undefined;
      state.facts = undefined;
    }
    const checker = project.getTypeChecker().compilerObject;
    const program = project.getProgram().compilerObject;
    const resolver = new LockResolver(checker);
    const helpers = new LockHelpers(resolver);
    // Discovery (cheap) for every relevant file whose nodes changed; it maps declarations to functions.
    let shapeChanged = false;
    for (const path of relevant) {
      const state = this.files.get(path)!;
      if (state.discovered) continue;
      const sf = program.getSourceFile(path);
      if (!sf) continue;
      state.discovered = discoverFunctions(sf);
      const shape = shapeOf(sf, state.discovered, helpers);
      if (state.shape !== undefined && state.shape !== shape) shapeChanged = true;
      if (!this.relevant.has(path)) shapeChanged = true;
      state.shape = shape;
    }
    for (const path of this.relevant) if (!relevant.has(path)) shapeChanged = true;
    const byDecl = new Map<ts.Node, string>();
    const discoveredFns = new Set<ts.Node>();
    for (const path of relevant) {
      for (const d of this.files.get(path)!.discovered ?? []) {
        byDecl.set(d.decl, d.id);
        discoveredFns.add(d.fn);
      }
    }
    const opts = { resolver, helpers, checker, functionOf: (n: ts.Node) => byDecl.get(n), isDiscovered: (n: ts.Node) => discoveredFns.has(n), log: this.config.log };
    for (const path of relevant) {
      const state = this.files.get(path)!;
      if (state.facts && !shapeChanged) continue;
      const sf = program.getSourceFile(path);
      if (!sf || !state.discovered) continue;
      try {
        state.facts = extractFile(sf, state.discovered, opts);
        this.counts.extractions++;
      } catch (e) {
        this.config.log?.(`lockset: the TypeScript analysis of ${path} failed: ${(e as Error)?.stack ?? e}`);
        state.facts = undefined;
      }
    }
    for (const [path, state] of this.files) if (!relevant.has(path)) state.facts = undefined;
    this.relevant = relevant;
    this.dirty.clear();
    const facts = new Map<string, TsFileFacts>();
    for (const path of relevant) { const f = this.files.get(path)?.facts; if (f) facts.set(path, f); }
    this.analysis = new TsAnalysis(facts, this.config);
    this.findings = undefined;
    this.timings.analysis = Date.now() - start;
  }

  /** Files that mention async-mutex, and the files that import them, transitively. */
  private relevantFiles(options: ts.CompilerOptions): Set<string> {
    const out = new Set<string>();
    const importers = new Map<string, string[]>();
    const host: ts.ModuleResolutionHost = { fileExists: (f) => this.files.has(f) || ts.sys.fileExists(f), readFile: (f) => this.files.get(f)?.text ?? ts.sys.readFile(f) };
    // A file added or removed can change what other files' imports resolve to.
    const fileSet = [...this.files.keys()].sort().join('\n');
    if (fileSet !== this.fileSet) for (const state of this.files.values()) state.imports = undefined;
    this.fileSet = fileSet;
    for (const [path, state] of this.files) {
      // async-mutex's own checkout: its sources declare the lock types, its tests import them by path.
      if (mentionsAsyncMutex(state.text) || insideAsyncMutexPackage(path)) out.add(path);
      if (!state.imports) {
        let imported: ts.FileReference[] = [];
        try { imported = ts.preProcessFile(state.text, true, true).importedFiles; } catch { /* unparsable: no imports */ }
        state.imports = [];
        for (const imp of imported) {
          // A bare name is a package unless the tsconfig maps it (paths) or roots it (baseUrl).
          if (!imp.fileName.startsWith('.') && !options.paths && !options.baseUrl) continue;
          const target = ts.resolveModuleName(imp.fileName, path, options, host).resolvedModule?.resolvedFileName;
          if (target && this.files.has(target)) state.imports.push(target);
        }
      }
      for (const target of state.imports) {
        const list = importers.get(target) ?? [];
        list.push(path);
        importers.set(target, list);
      }
    }
    const queue = [...out];
    while (queue.length) {
      const p = queue.pop()!;
      for (const imp of importers.get(p) ?? []) if (!out.has(imp)) { out.add(imp); queue.push(imp); }
    }
    return out;
  }
}

/** The .d.ts files of an installed async-mutex (lib/, or wherever its package puts them). */
function declarationFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    if (depth > 3) return;
    let names: string[] = [];
    try { names = readdirSync(d); } catch { return; }
    for (const n of names) {
      const p = join(d, n);
      if (n === 'node_modules' || n.startsWith('.')) continue;
      let st;
      try { st = statSync(p); } catch { continue; }
      if (st.isDirectory()) walk(p, depth + 1);
      else if (n.endsWith('.d.ts') && !p.includes(`${dir}/es6/`)) out.push(p);
    }
  };
  walk(dir, 0);
  return out;
}

/**
 * The text with every function body blanked out: declarations, signatures and doc comments only.
 * Constructors are kept: in JavaScript, `this.mu = new Mutex()` there declares the field. A body's edit that
 * makes its function start or stop handing back a lock's releaser changes it too: other files call it.
 */
function shapeOf(sf: ts.SourceFile, discovered: DiscoveredFunction[], helpers: LockHelpers): string {
  const bodies = discovered.filter((d) => !ts.isSourceFile(d.fn) && !ts.isConstructorDeclaration(d.fn)).map((d) => (d.fn as ts.FunctionLikeDeclaration).body).filter((b): b is ts.ConciseBody => !!b)
    .map((b) => [b.getStart(), b.end] as const).sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [s, e] of bodies) {
    if (s < at) continue;
    out += sf.text.slice(at, s) + '{}';
    at = e;
  }
  // Which functions hand back a lock's releaser, and which lock: their callers acquire it (lock-helpers.ts).
  const handsBack = discovered.filter((d) => !ts.isSourceFile(d.fn)).map((d) => [d.name, helpers.lockOfHelper(d.fn as ts.FunctionLikeDeclaration)?.key]).filter(([, key]) => key);
  return `${out}${sf.text.slice(at)}\n${handsBack.map(([name, key]) => `${name} → ${key}`).join('\n')}`;
}
