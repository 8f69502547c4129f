import { dirname } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { PackageAnalysis, type PreviousAnalysis } from './analysis/package-analysis';
import { buildGraph, graphSignature, takeGraphFacts, type WorkspaceGraph } from './analysis/workspace-graph';
import type { Finding } from './base/finding';
import { GRAPH_CHECKS, inCheckOrder, LOCAL_CHECKS } from './checks/registry';
import { runChecks } from './checks/run';
import { GoFile, type FuncDecl } from './model/file';
import { exportedPlaces, exportSignature, forEachExportedNode } from './analysis/export-signature';
import { pointedFiles, remapFindings, type PointedTexts } from './checks/remap';
import { ModuleMap, type TextReader } from './model/module';
import { GoPackage } from './model/package';
import type { ParsedFile } from './syntax/parse-types';
import { dropKeptTree, initParser, parseGoIncremental } from './syntax/parser';
import { rehydrate } from './syntax/take-over';
import type { SyntaxNode } from './syntax/node';
import { defaultConfig, type Config } from './util/config';
import { MAX_FILE_BYTES, readModuleFile as readModuleFromDisk } from './util/files';
import { FileStore } from './file-store';

/**
 * What a directory's analyses were built against: each imported workspace directory and its export signature,
 * or, in a compacted run (which edits nothing, so the signature is rarely wanted), the imported analysis itself.
 */
interface DepRecord {
  deps: Map<string, string | PackageAnalysis>;
  /**
   * Where each imported directory's exported places were (see exportedPlaces) when the findings were made,
   * in which of its analyses, and after how many moves of what that one imports; not in a compacted run.
   */
  places: Map<string, { analysis: PackageAnalysis; places: string; moves: number }>;
}

/** Go's convention for generated files: a `// Code generated ... DO NOT EDIT.` line before the package clause. */
const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/m;

export function isGenerated(text: string): boolean {
  const head = text.slice(0, 4096);
  const pkg = head.search(/^package\s/m);
  return GENERATED.test(pkg >= 0 ? head.slice(0, pkg) : head);
}

export interface PackageResult {
  analysis: PackageAnalysis;
  findings: Finding[];
}

/**
 * The set of Go files being analysed and everything derived from them. Files are grouped into
 * packages by directory and package name. A package is re-analysed only when one of its files
 * changes; checks, which also read the workspace-wide lock graph, are re-run when either changes.
 */
export class Workspace {
  private static created = 0;
  /**
   * An editor's workspace: function-local checks keep their reports per flow across edits elsewhere
   * (see runChecks). Off for a one-shot run such as the CLI, where nothing is analysed twice.
   */
  interactive = false;
  /**
   * A one-shot run over the whole workspace (the CLI): in `analyzeAll`, once a package is analysed, its own
   * checks run and the lock graph takes its facts, and its analysis is compacted (PackageAnalysis.compact),
   * which roughly halves the memory that a large workspace needs at its peak. Such a workspace is read, not
   * edited, afterwards: the IDE features need what compaction drops.
   */
  compact = false;
  /**
   * An editor's workspace that compacts, like `compact`, the packages that `keepsFull` does not name, once
   * their own findings are made (see compactIfClosed): a large workspace then needs about half the memory. A
   * compacted package is read again from its text when it must be analysed again, or when `keepsFull`
   * names it (a document of it was opened; it is then kept whole for the rest of the session), or when a
   * caller asks for it whole (`analysesOf(dir, true)`).
   */
  compactClosed = false;
  /** The directories whose packages must keep everything: those with an open document (set by the server). */
  keepsFull: (dir: string) => boolean = () => false;
  /** Directories kept whole since `keepsFull` named them. */
  private readonly expanded = new Set<string>();
  /** How much Go text a compacted run parses ahead of its analysis at most (see analyzeAllParallel). */
  parseAheadChars = 2_000_000;
  /** Distinguishes this workspace's files from another's with the same path in the parser's kept trees. */
  private readonly id = ++Workspace.created;
  /** The files' texts and what was read of them. */
  readonly store = new FileStore();
  private readonly dirty = new Set<string>();
  private readonly analyses = new Map<string, PackageAnalysis[]>();
  /** Findings per directory, valid while the package and the graph's signature are unchanged. */
  private readonly findings = new Map<string, { signature: string; results: PackageResult[] }>();
  private graphCache?: { graph: WorkspaceGraph; signature: string };
  private modules: ModuleMap;
  private readonly depRecords = new Map<string, DepRecord>();
  /** Bumped by every change; a directory whose imports were checked in this generation is not checked again. */
  private generation = 0;
  private readonly checkedAt = new Map<string, number>();
  private readonly building = new Set<string>();
  /** Directories read only because a package imports them (see readImportDir): they inform, they are not reported on. */
  private readonly contextDirs = new Set<string>();
  /**
   * Reads the Go files of an imported directory that was not given (the CLI checking one package of a
   * module): path → text, or undefined. Without it, such imports stay unresolved.
   */
  readImportDir?: (dir: string) => Map<string, string> | undefined;

  /** `readModuleFile` reads go.mod and go.work files (from disk by default). */
  private constructor(private readonly parser: Parser, public config: Config, private readonly readModuleFile: TextReader) {
    this.modules = new ModuleMap(readModuleFile);
  }

  static async create(config: Config = defaultConfig(), readModuleFile: TextReader = readModuleFromDisk): Promise<Workspace> {
    return new Workspace(await initParser(), config, readModuleFile);
  }

  /** Forgets what go.mod and go.work files said (one of them changed): every package is resolved again. */
  modulesChanged(): void {
    this.modules = new ModuleMap(this.readModuleFile);
    for (const dir of this.analyses.keys()) this.markDirty(dir);
  }

  setConfig(config: Config): void {
    this.config = config;
    this.findings.clear();
    this.graphCache = undefined;
  }

  /** Adds or replaces a file's text. Returns false when the text is unchanged. */
  setText(path: string, text: string): boolean {
    this.contextDirs.delete(dirname(path));
    return this.put(path, text);
  }

  private put(path: string, text: string): boolean {
    if (!this.store.put(path, text)) return false;
    this.markDirty(dirname(path));
    return true;
  }

  remove(path: string): void {
    if (this.store.remove(path)) this.markDirty(dirname(path));
  }

  private markDirty(dir: string): void {
    this.dirty.add(dir);
    this.generation++;
    this.graphCache = undefined;
  }

  has(path: string): boolean { return this.store.has(path); }
  paths(): string[] { return this.store.paths(); }
  dirs(): string[] { return [...new Set([...this.store.dirs(), ...this.analyses.keys()])].sort(); }

  /**
   * The parsed facts of one file (parsed on first use). A file parsed again after an edit is re-parsed
   * incrementally from its previous tree (see parseGoIncremental), with the same result as a full parse.
   */
  file(path: string): GoFile | undefined {
    const e = this.store.entry(path);
    if (!e) return undefined;
    // The key is this workspace's own: a re-parse may take over the nodes of this workspace's previous GoFile.
    if (!e.file) {
      // A compacted file's trees are hollow: nothing of it is taken over.
      const previous = this.compact || e.previous?.compacted ? undefined : e.previous;
      const parsed = parseGoIncremental(this.parser, this.keyOf(path), e.text.length > MAX_FILE_BYTES ? '' : e.text, previous?.parsed);
      if (e.hollow) rehydrate(parsed, e.hollow.kept);
      e.file = new GoFile(path, parsed, previous);
      if (e.hollow) e.file.takeOverFuncs(e.hollow.file);
      e.previous = e.hollow = undefined;
    }
    return e.file;
  }

  /** The parser's key for a file of this workspace (see parseGoIncremental). */
  private keyOf(path: string): string { return `${this.id}:${path}`; }

  /**
   * The analyses of the packages in one directory, recomputed if one of its files changed, or if a
   * package it imports now exports different facts (contracts, acquisitions, types). `full`: not compacted
   * (read again if they were; see compactClosed).
   */
  analysesOf(dir: string, full = this.wantsFull(dir)): PackageAnalysis[] {
    const cached = this.analyses.get(dir);
    if (cached && !this.dirty.has(dir) && this.importsUnchanged(dir) && !(full && cached.some((a) => a.compacted))) return cached;
    // A compacted package's function trees are gone: its files are read again from their texts, taking back
    // the nodes and functions that importers hold where the text is the same.
    if (cached?.some((a) => a.compacted)) {
      const kept = new Map<string, Map<number, SyntaxNode[]>>();
      for (const a of cached) {
        forEachExportedNode(a, (file, node) => {
          let byStart = kept.get(file.path);
          if (!byStart) kept.set(file.path, (byStart = new Map()));
          const list = byStart.get(node.start);
          if (!list) byStart.set(node.start, [node]); else if (!list.includes(node)) list.push(node);
        });
      }
      for (const path of this.store.pathsIn(dir)) {
        const e = this.store.entry(path)!;
        if (e.file?.compacted && e.file.text_ === e.text) e.hollow = { file: e.file, kept: kept.get(path) ?? new Map() };
        e.file = e.previous = undefined;
      }
      // Its importers compare what it exports again, and the lock graph is built again.
      this.generation++;
      this.graphCache = undefined;
    }
    const byPackage = new Map<string, GoFile[]>();
    for (const path of this.store.pathsIn(dir).sort()) {
      if (!this.config.analyzeGenerated && isGenerated(this.store.entry(path)!.text)) continue;
      const f = this.file(path);
      if (!f) continue;
      const name = f.packageName || '(none)';
      const list = byPackage.get(name);
      if (list) list.push(f); else byPackage.set(name, [f]);
    }
    this.building.add(dir);
    const record: DepRecord = { deps: new Map(), places: new Map() };
    const results: PackageAnalysis[] = [];
    try {
      // An external test package (`foo_test`) imports its own directory's package, so that one comes first.
      const ordered = [...byPackage].sort(([a], [b]) => Number(a.endsWith('_test')) - Number(b.endsWith('_test')));
      for (const [name, files] of ordered) results.push(this.analyzePackage(dir, name, files, results, record));
    } finally {
      this.building.delete(dir);
    }
    if (results.length) this.analyses.set(dir, results); else this.analyses.delete(dir);
    this.depRecords.set(dir, record);
    this.checkedAt.set(dir, this.generation);
    this.dirty.delete(dir);
    this.findings.delete(dir);
    return results;
  }

  /** Builds one package with its imports resolved to workspace packages, which are analysed first. */
  private analyzePackage(dir: string, name: string, files: GoFile[], siblings: PackageAnalysis[], record: DepRecord): PackageAnalysis {
    const imports = new Map<string, GoPackage>();
    const deps = new Map<string, PackageAnalysis>();
    for (const path of new Set(files.flatMap((f) => [...f.imports.values()]))) {
      const depDir = this.modules.resolve(dir, path);
      if (depDir === undefined) continue;
      const dep = depDir === dir ? siblings.find((a) => !a.pkg.name.endsWith('_test')) : this.importable(depDir);
      if (!dep) continue;
      imports.set(path, dep.pkg);
      deps.set(depDir, dep);
      for (const [d, a] of dep.deps) if (!deps.has(d)) deps.set(d, a);
      if (depDir !== dir && this.compact) record.deps.set(depDir, dep);
      else if (depDir !== dir) { record.deps.set(depDir, exportSignature(dep)); record.places.set(depDir, { analysis: dep, places: exportedPlaces(dep), moves: this.moves.get(depDir) ?? 0 }); }
    }
    const previous = this.previousAnalysis(dir, name, files, imports, deps);
    const pkg = previous ? previous.analysis.pkg.replaceFiles(files, previous.declared.size + previous.removed.length > 0, previous.valuesChanged) : new GoPackage(dir, name, files, imports);
    return new PackageAnalysis(pkg, deps, previous, this.compact);
  }

  /**
   * The package's analysis before the edit, when the edit changed only function bodies (see
   * GoFile.bodyOnlyChange) and the imports still resolve to the same analyses, or to new analyses of the
   * same models with the same contracts (an edit inside their bodies): its model is re-used and its flows of
   * the unchanged functions may be (see PackageAnalysis). An importer is re-analysed after such an edit of
   * what it imports (the positions it exports moved), then cheaply.
   */
  private previousAnalysis(dir: string, name: string, files: GoFile[], imports: ReadonlyMap<string, GoPackage>, deps: ReadonlyMap<string, PackageAnalysis>): PreviousAnalysis | undefined {
    const prev = this.analyses.get(dir)?.find((a) => a.pkg.name === name);
    if (!prev || prev.compacted || prev.pkg.files.length !== files.length || !sameEntries(prev.pkg.imports, imports) || !sameDeps(prev.deps, deps)) return undefined;
    const changed = new Set<FuncDecl>();
    const declared = new Set<FuncDecl>(), removed: FuncDecl[] = [];
    const words = new Set<string>(), embeds = new Set<string>(), retyped = new Set<string>();
    let valuesChanged = false;
    for (let i = 0; i < files.length; i++) {
      const f = files[i], old = prev.pkg.files[i];
      if (f === old) continue;
      if (f.derivedFrom !== old.id || !(f.bodyOnlyChange || f.declsChange)) return undefined;
      for (const fn of f.changedFuncs) changed.add(fn);
      if (f.bodyOnlyChange) continue;
      for (const fn of f.declaredFuncs) { changed.add(fn); declared.add(fn); }
      removed.push(...f.removedFuncs);
      valuesChanged ||= f.changedTypes.size + f.changedVars.size + f.changedImports.size > 0;
      for (const w of f.declWords) words.add(w);
      for (const e of f.declEmbeds) embeds.add(e);
      for (const t of f.retypedTypes) retyped.add(t);
      // A flow reads an import by its name (`sync.Mutex`, `pkg.F()`): the names that stand for another path now.
      for (const alias of f.changedImports) words.add(alias);
    }
    return { analysis: prev, changed, declared, removed, valuesChanged, words, embeds, retyped };
  }

  /** The importable package of a directory (not a test or main package), analysed; undefined within an import cycle. */
  private importable(dir: string): PackageAnalysis | undefined {
    if (this.building.has(dir)) return undefined;
    if (!this.store.hasDir(dir) && this.readImportDir) {
      const files = this.readImportDir(dir);
      if (files?.size) {
        this.contextDirs.add(dir);
        for (const [path, text] of files) this.put(path, text);
      }
    }
    return pickImportable(this.analysesOf(dir));
  }

  /** The directories whose packages import `dir`'s, directly or not: their findings may follow its changes. */
  dependents(dir: string): string[] {
    const out = new Set<string>();
    const queue = [dir];
    while (queue.length) {
      const cur = queue.shift()!;
      for (const [d, record] of this.depRecords) {
        if (!out.has(d) && d !== dir && record.deps.has(cur)) { out.add(d); queue.push(d); }
      }
    }
    return [...out].sort();
  }

  /** How many times a directory's analyses were kept while places they point at moved (see importsUnchanged). */
  private readonly moves = new Map<string, number>();

  /**
   * Whether every imported directory still exports what this directory's analyses were built against. If
   * only where it is moved (see exportedPlaces), the analyses stay and their own findings are moved along
   * (see remapLocal) or made again.
   */
  private importsUnchanged(dir: string): boolean {
    if (this.checkedAt.get(dir) === this.generation) return true;
    const record = this.depRecords.get(dir);
    let moved = false;
    for (const [depDir, recorded] of record?.deps ?? []) {
      const dep = this.importable(depDir);
      if (!dep) return false;
      if (dep === recorded) continue;
      if (exportSignature(dep) !== (typeof recorded === 'string' ? recorded : exportSignature(recorded))) return false;
      // The places can only have moved in a new analysis, or in one whose own imports moved.
      const was = record!.places.get(depDir), moves = this.moves.get(depDir) ?? 0;
      if (was && was.analysis === dep && was.moves === moves) continue;
      const places = exportedPlaces(dep);
      if (was?.places !== places) moved = true;
      record!.places.set(depDir, { analysis: dep, places, moves });
    }
    if (moved) {
      // The findings are moved with what they point at, or made again; a compacted package's checks cannot
      // run again, so it is read again instead.
      for (const a of this.analyses.get(dir) ?? []) {
        if (this.remapLocal(a)) continue;
        if (a.compacted) return false;
        this.local.delete(a);
      }
      this.moves.set(dir, (this.moves.get(dir) ?? 0) + 1);
      this.findings.delete(dir);
    }
    this.checkedAt.set(dir, this.generation);
    return true;
  }

  /** Whether a directory's analyses are up to date with its files (what it imports is checked when they are used). */
  isAnalysed(dir: string): boolean {
    return this.depRecords.has(dir) && !this.dirty.has(dir);
  }

  /** Whether a directory's findings are up to date with its files and the workspace's lock graph. */
  isChecked(dir: string): boolean {
    return this.isAnalysed(dir) && this.findings.get(dir)?.signature === this.graphState().signature;
  }

  /** The workspace-wide lock graph (analyses every package that needs it). */
  graph(): WorkspaceGraph {
    return this.graphState().graph;
  }

  private graphState(): { graph: WorkspaceGraph; signature: string } {
    if (this.graphCache && this.dirty.size === 0) return this.graphCache;
    const all = this.dirs().flatMap((d) => this.analysesOf(d));
    const graph = buildGraph(all, this.config.lockOrder);
    this.graphCache = { graph, signature: graphSignature(graph) };
    return this.graphCache;
  }

  graphSignature(): string { return this.graphState().signature; }

  /** Analyses and findings of the packages in a directory. */
  analyzeDir(dir: string, full?: boolean): PackageResult[] {
    const analyses = this.analysesOf(dir, full);
    const { graph, signature } = this.graphState();
    const cached = this.findings.get(dir);
    // An edit elsewhere that leaves the lock graph's shape alone cannot change this package's findings.
    if (cached && cached.signature === signature && !(full && cached.results.some((r) => r.analysis.compacted))) return cached.results;
    const results = analyses.map((analysis) => ({ analysis, findings: this.findingsOf(analysis, graph) }));
    this.findings.set(dir, { signature, results });
    if (!full) this.compactIfClosed(dir);
    return results;
  }

  /** Turns compactClosed on or off; off, the compacted packages are read again as they are used. */
  setCompactClosed(on: boolean): void {
    if (on === this.compactClosed) return;
    this.compactClosed = on;
    if (on) return;
    for (const [dir, list] of this.analyses) if (list.some((a) => a.compacted)) this.markDirty(dir);
  }

  /** Whether a directory's packages are to be kept whole (see compactClosed). */
  private wantsFull(dir: string): boolean {
    if (!this.compactClosed) return false;
    if (this.expanded.has(dir)) return true;
    if (!this.keepsFull(dir)) return false;
    this.expanded.add(dir);
    return true;
  }

  /** In a workspace that compacts closed packages, compacts a directory's once their own findings are made. */
  private compactIfClosed(dir: string): void {
    if (this.compactClosed && !this.wantsFull(dir)) this.compactDir(dir);
  }

  /** The analysis of the package that holds a file, without checks or the workspace graph: cheap, for hovers and lenses. */
  analysisOf(path: string): PackageAnalysis | undefined {
    return this.analysesOf(dirname(path)).find((a) => a.pkg.files.some((f) => f.path === path));
  }

  /**
   * A directory's findings against the lock graph of the packages analysed so far, without analysing
   * the rest: what a cold start shows for the open documents first. Not cached.
   */
  findingsSoFar(dir: string): PackageResult[] {
    const analyses = this.analysesOf(dir);
    const graph = buildGraph([...this.analyses.values()].flat(), this.config.lockOrder);
    return analyses.map((analysis) => ({ analysis, findings: this.findingsOf(analysis, graph) }));
  }

  /**
   * A directory's findings of the checks that read only their package, not the workspace's lock graph:
   * what the start-up index publishes as each package is analysed. Cached with the analysis, so that the
   * whole-workspace findings later only add the graph's.
   */
  localResults(dir: string): PackageResult[] {
    const results = this.analysesOf(dir).map((analysis) => ({ analysis, findings: this.localFindings(analysis) }));
    this.compactIfClosed(dir);
    return results;
  }

  /** A package's own findings, and the texts of the other files they point into (see remapLocal). */
  private readonly local = new WeakMap<PackageAnalysis, { config: Config; findings: Finding[]; pointed: PointedTexts }>();

  private localFindings(analysis: PackageAnalysis): Finding[] {
    const cached = this.local.get(analysis);
    if (cached && cached.config === this.config) return cached.findings;
    const findings = runChecks(analysis, EMPTY_GRAPH, this.config, LOCAL_CHECKS, this.interactive);
    this.local.set(analysis, { config: this.config, findings, pointed: this.pointedLines(pointedFiles(findings, new Set(analysis.pkg.files.map((f) => f.path)))) });
    return findings;
  }

  /** The texts (with their lines) the nodes of these files were parsed from (an edited file not parsed yet has none). */
  private pointedLines(paths: Iterable<string>): PointedTexts {
    const out: PointedTexts = new Map();
    for (const path of paths) {
      const lines = this.store.entry(path)?.file?.lines;
      if (lines) out.set(path, lines);
    }
    return out;
  }

  /**
   * Moves a package's own findings to where the places they point at in its imports moved (see
   * remapFindings) instead of making them again; false when they cannot be moved so.
   */
  private remapLocal(analysis: PackageAnalysis): boolean {
    const cached = this.local.get(analysis);
    if (!cached || cached.config !== this.config) return false;
    const findings = remapFindings(cached.findings, cached.pointed, (path) => this.store.entry(path)?.file?.lines);
    if (!findings) return false;
    this.local.set(analysis, { config: cached.config, findings, pointed: this.pointedLines(cached.pointed.keys()) });
    return true;
  }

  /** Every check's findings in one package: the local ones (cached) and the lock graph's. */
  private findingsOf(analysis: PackageAnalysis, graph: WorkspaceGraph): Finding[] {
    return inCheckOrder([...this.localFindings(analysis), ...runChecks(analysis, graph, this.config, GRAPH_CHECKS)]);
  }

  /** The package analysis that holds a file. */
  packageOf(path: string, full?: boolean): PackageResult | undefined {
    return this.analyzeDir(dirname(path), full).find((r) => r.analysis.pkg.files.some((f) => f.path === path));
  }

  findingsFor(path: string): Finding[] {
    return this.packageOf(path)?.findings.filter((f) => f.file === path) ?? [];
  }

  /** A file parsed elsewhere (a parse worker) for this text: its facts, unless the text changed meanwhile. */
  adoptParse(path: string, text: string, parsed: ParsedFile): void {
    const e = this.store.entry(path);
    if (e && e.text === text && !e.file) e.file = new GoFile(path, parsed);
  }

  /** Whether a directory's files would be read by its analysis (not generated, unless that is asked for). */
  isAnalysedText(text: string): boolean {
    return this.config.analyzeGenerated || !isGenerated(text);
  }

  /** The workspace directory an import path of `dir` resolves to, if any. */
  resolveImport(dir: string, importPath: string): string | undefined {
    return this.modules.resolve(dir, importPath);
  }

  /** Whether a directory was read only because a package imports it: it is not reported on. */
  isContext(dir: string): boolean {
    return this.contextDirs.has(dir);
  }

  /** One directory's turn in a whole-workspace run (see batch.ts): its analyses, then, in a compacted run, their compaction. */
  analyzeInTurn(dir: string): void {
    this.analysesOf(dir);
    if (this.compact) this.compactDir(dir);
  }

  /**
   * Runs a directory's own checks, lets the lock graph take its facts, and compacts its analyses. Its
   * importers, analysed later, read only what compaction keeps.
   */
  private compactDir(dir: string): void {
    for (const a of this.analyses.get(dir) ?? []) {
      if (a.compacted) continue;
      this.localFindings(a);
      takeGraphFacts(a);
      a.compact();
      // A kept tree's result is hollow now: the next parse of these files starts afresh.
      for (const f of a.pkg.files) dropKeptTree(this.keyOf(f.path));
    }
  }
}

/** What the local checks are given for the graph, which they do not read. */
const EMPTY_GRAPH: WorkspaceGraph = { edges: [], cycles: [], orders: [], classes: new Set(), packages: new Set() };

/**
 * Imported analyses that a package's flows would see the same: the same objects, or new analyses of the same
 * package models (kept through body edits) whose contracts are the same (see contractsIdentity).
 */
function sameDeps(a: ReadonlyMap<string, PackageAnalysis>, b: ReadonlyMap<string, PackageAnalysis>): boolean {
  return sameEntries(a, b, (x, y) => x === y || (x.pkg === y.pkg && x.declarationsStamp === y.declarationsStamp && x.contractsIdentity === y.contractsIdentity));
}

function sameEntries<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>, same = (x: V, y: V) => x === y): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || !same(v, w)) return false;
  }
  return true;
}

function pickImportable(analyses: PackageAnalysis[]): PackageAnalysis | undefined {
  return analyses.find((a) => !a.pkg.name.endsWith('_test') && a.pkg.name !== 'main') ?? analyses.find((a) => !a.pkg.name.endsWith('_test'));
}
