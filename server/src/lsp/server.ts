import { dirname, sep } from 'node:path';
import {
  type CodeAction, type CodeActionParams, type CodeLens, type Connection, type InlayHint, type Diagnostic, type Hover, type HoverParams,
  type InitializeParams, type InitializeResult, type Position, type Range, DidChangeWatchedFilesNotification, FileChangeType,
  type CancellationToken, DocumentHighlightKind, ErrorCodes, LSPErrorCodes, ResponseError, type Location, MarkupKind, MessageType, ShowMessageNotification, TextDocumentSyncKind, TextDocuments, type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { validatingDocumentEvents } from './validate';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../base/finding';
import { hoverAt } from '../ide/hover';
import { lockGraphData, lockGraphFocus, lockInventory } from '../ide/inventory';
import { heldHints, lensesFor, lockClassAt, lockHighlights, lockReferences, providingCalls, type Place } from '../ide/navigation';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { GoFile } from '../model/file';
import { type AnalysisStatus, GoroutineDumpRequest, LockGraphRequest, LocksRequest, StatusNotification } from '../protocol';
import { analyzeDumpInSlices } from '../ide/dumps';
import { parseConfig } from '../checks/config-file';
import { preview } from '../util/preview';
import { findGoFiles, readSource } from '../util/files';
import type { Config } from '../util/config';
import { Scope, scopeOf } from '../scope';
import { ParsePool, POOL_MIN_CHARS } from '../syntax/parse-pool';
import { Workspace, type PackageResult } from '../workspace';
import { countProblems, isVirtual, pathToUri, toCodeAction, toDiagnostic, uriToPath } from './convert';
import { isTsPath, TsDocuments } from './typescript';

interface Settings { debounceMs: number; enable: boolean; inlayHints: boolean; compactClosed: CompactMode }

/** `lockset.compactClosedPackages`: whether packages without an open document are compacted (see Workspace.compactClosed). */
type CompactMode = 'auto' | 'on' | 'off';
const COMPACT_MODES: readonly CompactMode[] = ['auto', 'on', 'off'];

/** From this much Go text on, `auto` compacts: below, the memory saved is small, and an edit's importers stay whole. */
const COMPACT_MIN_CHARS = 4_000_000;

/**
 * The language server: documents in, diagnostics, hovers and quick fixes out. It owns the only
 * conversions between protocol types and the analysis' plain data.
 */
export class LocksetServer {
  private readonly documents = new TextDocuments(TextDocument);
  private initializeSeen = false;
  private ws!: Workspace;
  private ready!: Promise<void>;
  private roots: string[] = [];
  /** What is analysed under each workspace folder (`lockset.exclude`, `lockset.nestedModules`); see Scope. */
  private scopes: Scope[] = [];
  private scopeSettings: Pick<Config, 'exclude' | 'nestedModules'> = {};
  private settings: Settings = { debounceMs: 150, enable: true, inlayHints: false, compactClosed: 'auto' };
  /** How much Go text the workspace had at start-up (for `lockset.compactClosedPackages: auto`). */
  private goChars = 0;
  /** Whether the start-up walk has read the workspace folders' files. */
  private walked = false;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly published = new Map<string, Finding[]>();
  private caps = { related: false, documentChanges: false, configuration: false, progress: false, watchers: false, inlayHintRefresh: false };
  /** TypeScript and JavaScript documents (async-mutex), analysed by the TypeScript front end. */
  private readonly ts = new TsDocuments({
    connection: () => this.connection, roots: () => this.roots, debounceMs: () => this.settings.debounceMs, enabled: () => this.settings.enable,
    relatedSupport: () => this.caps.related, documentChanges: () => this.caps.documentChanges, uriFor: (p) => this.uriFor(p),
    version: (p) => this.documents.get(this.uriFor(p))?.version,
    published: () => { if (!this.indexing) this.sendStatus('idle', 1, 1); },
  });

  constructor(private readonly connection: Connection) {
    connection.onInitialize((p) => this.initialize(p));
    connection.onInitialized(() => { void this.initialized(); });
    connection.onHover((p, token) => this.hover(p, token));
    connection.onCodeLens((p, token) => this.tsLenses(p.textDocument.uri) ?? this.withFile(p.textDocument.uri, token, [], (pkg, file) => lensesFor(pkg, file, this.importersOf(file)).map((l) => ({
      range: file.lines.range(l.fn.nameNode.start, l.fn.nameNode.end),
      command: { title: l.title, command: 'lockset.showLocations', arguments: [p.textDocument.uri, file.lines.position(l.fn.nameNode.start), l.targets.map((t) => this.location(t))] },
    }))));
    connection.languages.inlayHint.on((p, token) => this.tsInlayHints(p.textDocument.uri, p.range) ?? this.withFile(p.textDocument.uri, token, [], (pkg, file) => {
      if (!this.settings.inlayHints || !isRange(p.range)) return [];
      return heldHints(pkg, file, file.lines.offset(p.range.start), file.lines.offset(p.range.end))
        .map((h) => ({ position: file.lines.position(h.offset), label: h.label, tooltip: h.tooltip, paddingLeft: true }));
    }));
    connection.onReferences((p, token) => this.tsReferences(p.textDocument.uri, p.position) ?? this.catchUp(token, false).then(() => this.withFile(p.textDocument.uri, token, [], (pkg, file) => {
      const cls = lockClassAt(pkg, file, file.lines.offset(p.position));
      return cls ? lockReferences(this.allAnalyses(), cls).map((t) => this.location(t)) : [];
    })));
    connection.onDocumentHighlight((p, token) => this.withFile(p.textDocument.uri, token, [], (pkg, file) =>
      lockHighlights(pkg, file, file.lines.offset(p.position)).map((h) => ({ range: file.lines.range(h.place.start, h.place.end), kind: h.write ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }))));
    connection.onImplementation((p, token) => this.withFile(p.textDocument.uri, token, [], (pkg, file) => providingCalls(pkg, file, file.lines.offset(p.position)).map((t) => this.location(t))));
    connection.onRequest(LocksRequest.type, async (_, token) => {
      await this.catchUp(token, true);
      const all = this.allAnalyses();
      const go = lockInventory(all, this.ws.graph(), this.ws.dirs().flatMap((d) => this.ws.analyzeDir(d).flatMap((r) => r.findings)), pathToUri);
      return [...go, ...this.ts.inventory()];
    });
    connection.onRequest(GoroutineDumpRequest.type, async (p, token) => {
      await this.ready;
      // In slices, with a turn of the event loop between two, so that hovers and edits are answered meanwhile;
      // a dump of many goroutines shows progress.
      const steps = analyzeDumpInSlices(this.ws, typeof p?.text === 'string' ? p.text : '', this.roots, pathToUri);
      let progress: WorkDoneProgressServerReporter | undefined;
      try {
        for (;;) {
          const r = steps.next();
          if (r.done) return r.value;
          if (!progress && this.caps.progress) {
            progress = await this.connection.window.createWorkDoneProgress();
            progress.begin('lockset', 0, 'Reading the goroutine dump', false);
          }
          progress?.report(Math.floor((100 * r.value.done) / Math.max(1, r.value.total)), `${r.value.done} of ${r.value.total} goroutines`);
          await nextTurn();
          throwIfCancelled(token);
        }
      } finally {
        progress?.done();
      }
    });
    connection.onRequest(LockGraphRequest.type, async (p, token) => {
      await this.catchUp(token, false);
      const graph = this.ws.graph();
      const data = lockGraphData(graph, pathToUri);
      // Asked from an editor: open on the cycle of a finding there, or on the lock under the cursor.
      const uri = p?.textDocument?.uri, at = p?.position;
      if (typeof uri === 'string' && typeof at?.line === 'number' && typeof at.character === 'number') {
        const focus = await this.withFile(uri, token, undefined, (pkg, file) => lockGraphFocus(graph, this.ws.findingsFor(file.path), pkg, file, at));
        if (focus) data.focus = focus;
      }
      return data;
    });
    connection.onCodeAction((p, token) => this.codeActions(p, token));
    connection.onDidChangeConfiguration(() => {
      void this.reloadConfig().then(() => {
        this.reanalyzeAll();
        // Hints already shown (or not shown, when they were off) follow the new settings at once.
        if (this.caps.inlayHintRefresh) void this.connection.languages.inlayHint.refresh().catch(() => undefined);
      });
    });
    connection.onDidChangeWatchedFiles((p) => {
      for (const change of p.changes) {
        const path = uriToPath(change.uri);
        if (/(^|[\\/])go\.(mod|work)$/.test(path)) { this.rescope(this.scopeSettings, true); this.ws?.modulesChanged(); this.reanalyzeAll(); continue; }
        if (isTsPath(path)) { if (!this.documents.get(change.uri)) this.ts.fileChanged(path, change.type === FileChangeType.Deleted); continue; }
        if (!path.endsWith('.go') || this.documents.get(change.uri)) continue;
        // A file the walk would skip is read only where a document was opened (see loadSiblings).
        if (this.excluded(path) || !(this.ws?.dirs().includes(dirname(path)) || this.inScope(path))) continue;
        if (change.type === FileChangeType.Deleted) this.ws?.remove(path);
        else { const text = readSource(path); if (text !== undefined) this.ws?.setText(path, text); }
        this.schedule(dirname(path));
      }
    });
    this.documents.onDidChangeContent((e) => { void this.changed(e.document); });
    this.documents.onDidClose((e) => { void this.closed(e.document); });
    this.documents.listen(validatingDocumentEvents(connection, (m) => connection.console.warn(m)));
  }

  listen(): void { this.connection.listen(); }

  private initialize(params: InitializeParams): InitializeResult {
    // The protocol allows one initialize per server: a second one would re-read folders under running analyses.
    if (this.initializeSeen) throw new ResponseError(ErrorCodes.InvalidRequest, 'lockset: the server is already initialized');
    this.initializeSeen = true;
    const c = params?.capabilities ?? {};
    // A test (or a client on a slow link) can give the wait for the settings its own budget.
    const options = params?.initializationOptions as { configurationWaitMs?: unknown; diagnosticsInHover?: unknown } | undefined;
    const wait = options?.configurationWaitMs;
    if (typeof wait === 'number' && wait >= 0 && wait <= 600_000) this.configurationWaitMs = wait;
    // An editor that shows the diagnostics at a position in its own hover (VS Code, above the server's) says so:
    // the hover then leaves their messages out instead of saying them twice.
    this.diagnosticsInHover = options?.diagnosticsInHover === true;
    this.caps = {
      related: !!c.textDocument?.publishDiagnostics?.relatedInformation,
      documentChanges: !!c.workspace?.workspaceEdit?.documentChanges,
      configuration: !!c.workspace?.configuration,
      progress: !!c.window?.workDoneProgress,
      watchers: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
      inlayHintRefresh: !!c.workspace?.inlayHint?.refreshSupport,
    };
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? [];
    if (folders.length === 0 && params.rootUri) folders.push(uriToPath(params.rootUri));
    else if (folders.length === 0 && params.rootPath) folders.push(params.rootPath);
    this.roots = folders;
    this.scopes = folders.map((f) => new Scope(f, this.scopeSettings));
    this.ready = Workspace.create().then((ws) => {
      this.ws = ws;
      ws.interactive = true;
      // The packages of open documents keep everything: their hovers, lenses and hints read it.
      ws.keepsFull = (dir) => this.documents.all().some((d) => dirname(uriToPath(d.uri)) === dir);
    });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        implementationProvider: true,
      },
      serverInfo: { name: 'lockset' },
    };
  }

  private async initialized(): Promise<void> {
    await this.ready;
    await this.reloadConfig();
    if (this.caps.watchers) {
      void this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.go' }, { globPattern: '**/go.{mod,work}' }] });
    }
    const progress = this.caps.progress ? await this.connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('lockset', 0, 'Reading Go files', false);
    const files = this.scopes.flatMap((s) => s.goFiles());
    let chars = 0;
    for (const f of files) {
      if (this.documents.get(pathToUri(f))) continue;
      const text = readSource(f);
      if (text !== undefined) { this.ws.setText(f, text); chars += text.length; }
    }
    this.goChars = chars;
    this.walked = true;
    this.applyCompaction();
    // The open documents' packages first, published against the graph known so far, so that they get
    // diagnostics at once; every package is analysed with a turn of the event loop between two, so that
    // hovers, code actions and edits are answered while the index is built, and its own findings are
    // published at once; then every package's findings against the whole workspace's lock graph.
    const open = new Set(this.documents.all().map((d) => dirname(uriToPath(d.uri))));
    const dirs = this.ws.dirs();
    const ordered = [...dirs.filter((d) => open.has(d)), ...this.ws.importsFirst(dirs).filter((d) => !open.has(d))];
    this.indexing = true;
    // A large workspace is parsed on worker threads meanwhile, in the order the packages are analysed.
    const pool = chars >= POOL_MIN_CHARS ? ParsePool.create() : undefined;
    const ahead = pool ? this.ws.parseAhead(pool, ordered.filter((d) => !open.has(d))) : undefined;
    try {
      for (const dir of ordered.filter((d) => open.has(d))) this.publishResults(this.ws.findingsSoFar(dir));
      for (const [i, dir] of ordered.entries()) {
        await ahead?.get(dir);
        // Each package's own findings are published as soon as it is analysed; the lock graph's follow
        // once every package is (the open documents' came first, against the graph known then).
        const local = this.safely(dir, () => this.ws.localResults(dir));
        if (local && !open.has(dir)) this.publishResults(local);
        progress?.report(Math.round(((i + 1) / ordered.length) * 90), `${i + 1}/${ordered.length} packages`);
        this.sendStatus('indexing', i + 1, ordered.length);
        await nextTurn();
      }
    } finally {
      this.indexing = false;
      void pool?.close();
    }
    for (const [i, dir] of ordered.entries()) {
      this.publishOne(dir);
      if (i % 16 === 15) await nextTurn();
    }
    this.graphSignature = this.ws.graphSignature();
    progress?.done();
    this.sendStatus('idle', dirs.length, dirs.length);
    const workers = pool ? `, parsed on ${pool.size} worker thread${pool.size === 1 ? '' : 's'}` : '';
    this.connection.console.info(`lockset: analysed ${files.length} Go files in ${dirs.length} packages${workers}`);
  }

  /** True while the start-up index is being built: requests then use what is analysed so far. */
  private indexing = false;

  private safely<T>(dir: string, f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      this.connection.console.error(`lockset: analysis of ${dir} failed: ${(e as Error)?.stack ?? e}`);
      return undefined;
    }
  }

  /**
   * Reads the settings. A client may never answer `workspace/configuration`: after `configurationWaitMs` the
   * defaults stay in force, and the answer, when it comes, is applied then (and everything analysed again).
   */
  private async reloadConfig(): Promise<void> {
    if (!this.caps.configuration) return;
    const answer = this.connection.workspace.getConfiguration('lockset').then((raw: unknown) => ({ raw }), () => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), this.configurationWaitMs); }); // a budget, not a sleep
    const first = await Promise.race([answer, late]).finally(() => clearTimeout(timer));
    if (first === 'late') {
      this.connection.console.warn(`lockset: no answer to workspace/configuration after ${this.configurationWaitMs} ms: using the default settings until one comes`);
      void answer.then((a) => {
        if (!a) return;
        this.applyConfig(a.raw);
        if (this.walked) this.reanalyzeAll();
      });
      return;
    }
    if (first) this.applyConfig(first.raw);
  }

  /** The client's editor shows the diagnostics in its hovers itself (initializationOptions.diagnosticsInHover). */
  private diagnosticsInHover = false;

  /** How long the server waits for the client's settings before it goes on with the defaults. */
  private configurationWaitMs = 3000;

  private applyConfig(raw: unknown): void {
    const { config, errors } = parseConfig(raw);
    for (const e of errors) this.warn(`lockset: invalid setting ${e}`);
    const r = (raw ?? {}) as Record<string, unknown>;
    const debounce = r.debounceMs;
    if (debounce !== undefined && (typeof debounce !== 'number' || !(debounce >= 0 && debounce <= 5000))) {
      this.warn(`lockset: invalid setting lockset.debounceMs: expected a number from 0 to 5000, got ${preview(debounce)}`);
    } else if (typeof debounce === 'number') this.settings.debounceMs = debounce;
    this.settings.enable = r.enable !== false;
    const hints = r.inlayHints as { heldLocks?: unknown } | undefined;
    this.settings.inlayHints = hints?.heldLocks === true;
    const compact = r.compactClosedPackages;
    if (compact !== undefined && !COMPACT_MODES.includes(compact as CompactMode)) {
      this.warn(`lockset: invalid setting lockset.compactClosedPackages: expected one of ${COMPACT_MODES.join(', ')}, got ${preview(compact)}`);
    } else this.settings.compactClosed = (compact as CompactMode | undefined) ?? 'auto';
    this.applyCompaction();
    this.rescope({ exclude: config.exclude ?? [], nestedModules: config.nestedModules ?? 'skip' });
    this.ws?.setConfig({ ...config, log: (m) => this.connection.console.error(m) });
    this.ts.setConfig({ ...config, log: (m) => this.connection.console.error(m) });
  }

  /**
   * Builds the scopes of the workspace folders again (the settings or a go.mod changed). Once the workspace
   * is read, files that left the scope leave the workspace with their diagnostics, and files that entered
   * it are read; the caller re-analyses. `modulesChanged`: a go.mod or go.work changed, so the nested
   * modules may have too.
   */
  private rescope(settings: Pick<Config, 'exclude' | 'nestedModules'>, modulesChanged = false): void {
    const changed = modulesChanged || JSON.stringify(settings) !== JSON.stringify(this.scopeSettings);
    this.scopeSettings = settings;
    this.scopes = this.roots.map((f) => new Scope(f, settings));
    if (!changed || !this.ws) return;
    const openDirs = new Set(this.documents.all().map((d) => dirname(uriToPath(d.uri))));
    for (const path of this.ws.paths()) {
      if (isVirtual(path) || (!this.excluded(path) && (this.inScope(path) || openDirs.has(dirname(path))))) continue;
      this.ws.remove(path);
      if (this.published.delete(path)) void this.connection.sendDiagnostics({ uri: this.uriFor(path), diagnostics: [] });
    }
    // Before the start-up walk (see initialized), only the open documents are read, and they stay.
    if (!this.walked) return;
    for (const f of this.scopes.flatMap((s) => s.goFiles())) {
      if (this.ws.has(f)) continue;
      const doc = this.documents.get(this.uriFor(f));
      const text = doc ? doc.getText() : readSource(f);
      if (text !== undefined) this.ws.setText(f, text);
    }
    for (const d of this.documents.all()) {
      const path = uriToPath(d.uri);
      if (path.endsWith('.go') && !this.ws.has(path) && !this.excluded(path)) this.ws.setText(path, d.getText());
    }
  }

  /** Whether `lockset.exclude` leaves a file out: it gets no diagnostics, even when open. */
  private excluded(path: string): boolean {
    return !isVirtual(path) && (scopeOf(this.scopes, path)?.excludes(path) ?? false);
  }

  /** Whether the start-up walk reads a file (see Scope); with no workspace folder, every file. */
  private inScope(path: string): boolean {
    const scope = scopeOf(this.scopes, path);
    return this.scopes.length === 0 ? true : scope?.covers(path) ?? false;
  }

  /** Tells the workspace whether to compact packages without an open document (see `lockset.compactClosedPackages`). */
  private applyCompaction(): void {
    if (!this.ws) return;
    const mode = this.settings.compactClosed;
    this.ws.setCompactClosed(mode === 'on' || (mode === 'auto' && this.goChars >= COMPACT_MIN_CHARS));
  }

  /**
   * `lockset/status` for the client's status bar: indexing progress, then the problems by severity, Go and
   * TypeScript together, counted as the Problems panel counts the published diagnostics (hints left out).
   */
  private sendStatus(state: 'indexing' | 'idle', done: number, total: number): void {
    const counts = this.ts.countProblems({ errors: 0, warnings: 0, info: 0 });
    for (const list of this.published.values()) countProblems(list, counts);
    const status: AnalysisStatus = { state, done, total, ...counts, problems: counts.errors + counts.warnings + counts.info };
    void this.connection.sendNotification(StatusNotification.method, status);
  }

  /** A notification, not a request: nothing waits for (or can reject) the user's answer. */
  private warn(message: string): void {
    void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  }

  private reanalyzeAll(): void {
    if (!this.ws) return;
    for (const dir of this.ws.dirs()) this.publishDir(dir);
  }

  private async changed(doc: TextDocument): Promise<void> {
    await this.ready;
    const path = uriToPath(doc.uri);
    if (isTsPath(path)) { this.ts.changed(path, doc); return; }
    const dir = dirname(path);
    if (this.excluded(path)) { this.leave(path, doc.uri); return; }
    if (!isVirtual(path) && !this.ws.dirs().includes(dir) && this.insideRoots(dir)) this.loadSiblings(dir);
    if (this.ws.setText(path, doc.getText())) this.schedule(dir);
    else if (!this.published.has(path)) this.schedule(dir);
  }

  private async closed(doc: TextDocument): Promise<void> {
    await this.ready;
    const path = uriToPath(doc.uri);
    if (isTsPath(path)) { this.ts.closed(path); return; }
    if (this.excluded(path)) { this.leave(path, doc.uri); return; }
    const text = isVirtual(path) ? undefined : readSource(path);
    if (text === undefined) {
      // The document never reached the disk (or was deleted): it leaves the workspace with its diagnostics.
      this.ws.remove(path);
      this.published.delete(path);
      void this.connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
    } else this.ws.setText(path, text);
    this.schedule(dirname(path));
  }

  /** An excluded file leaves the workspace (if it was in it) and keeps no diagnostics. */
  private leave(path: string, uri: string): void {
    if (this.ws.has(path)) { this.ws.remove(path); this.schedule(dirname(path)); }
    this.published.delete(path);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** The server reads files only under the workspace folders (or anywhere when no folder is open). */
  private insideRoots(dir: string): boolean {
    return this.roots.length === 0 || this.roots.some((r) => dir === r || dir.startsWith(r.endsWith(sep) ? r : r + sep));
  }

  /** A new directory inside the workspace folders brings its package's other files with it. */
  private loadSiblings(dir: string): void {
    for (const f of findGoFiles(dir)) {
      if (dirname(f) !== dir || this.ws.has(f) || this.excluded(f)) continue;
      const text = readSource(f);
      if (text !== undefined) this.ws.setText(f, text);
    }
  }

  /** Debounced: a burst of edits analyses the package once, with the newest text. */
  private schedule(dir: string): void {
    const prev = this.timers.get(dir);
    if (prev) clearTimeout(prev);
    this.timers.set(dir, setTimeout(() => { this.timers.delete(dir); this.publishDir(dir); }, this.settings.debounceMs));
  }

  /**
   * Re-analyses one directory, then the packages that import it (a contract there may have changed;
   * they are re-analysed only if what it exports did). When the workspace lock graph changed, every
   * other package's findings are republished too.
   */
  private publishDir(dir: string): void {
    if (this.indexing) {
      // During the start-up index, an edited package is checked against the graph known so far.
      const results = this.safely(dir, () => this.ws.findingsSoFar(dir));
      if (results) this.publishResults(results);
      return;
    }
    const before = this.graphSignature;
    this.publishOne(dir);
    const importers = this.ws.dependents(dir);
    for (const d of importers) this.publishOne(d);
    this.graphSignature = this.ws.graphSignature();
    if (before !== undefined && before !== this.graphSignature) for (const d of this.ws.dirs()) if (d !== dir && !importers.includes(d)) this.publishOne(d);
    if (before !== undefined) this.sendStatus('idle', 1, 1);
  }

  /** The analyses of the packages that import a file's package (its lenses count their callers too). */
  private importersOf(file: GoFile): PackageAnalysis[] {
    return this.ws.dependents(dirname(file.path)).flatMap((d) => this.safely(d, () => this.ws.analyzeDir(d)) ?? []).map((r) => r.analysis);
  }

  private graphSignature?: string;

  private publishOne(dir: string): void {
    const results = this.safely(dir, () => this.ws.analyzeDir(dir));
    if (results) this.publishResults(results);
  }

  private publishResults(results: PackageResult[]): void {
    for (const r of results) {
      for (const f of r.analysis.pkg.files) {
        const findings = this.settings.enable ? r.findings.filter((x) => x.file === f.path) : [];
        const prev = this.published.get(f.path);
        const doc = this.documents.get(this.uriFor(f.path));
        // Open documents always get a fresh, versioned publish after an analysis; closed files only on change.
        if (!doc && prev && sameFindings(prev, findings)) continue;
        this.published.set(f.path, findings);
        void this.connection.sendDiagnostics({ uri: this.uriFor(f.path), version: doc?.version, diagnostics: findings.map((x) => toDiagnostic(x, this.caps.related)) });
      }
    }
  }

  private uriFor(path: string): string {
    for (const d of this.documents.all()) if (uriToPath(d.uri) === path) return d.uri;
    return pathToUri(path);
  }

  /**
   * Brings every package's analysis (with `checked`, its findings too) up to date, one package per turn of
   * the event loop, so that edits and other requests are handled meanwhile (a request that reads the whole
   * workspace, sent during the start-up index, does not block it); a cancelled request stops there.
   */
  private async catchUp(token: CancellationToken, checked: boolean): Promise<void> {
    await this.ready;
    for (const dir of this.ws.dirs()) {
      throwIfCancelled(token);
      if (this.ws.isAnalysed(dir)) continue;
      this.safely(dir, () => this.ws.analysesOf(dir));
      await nextTurn();
    }
    if (!checked) return;
    for (const dir of this.ws.dirs()) {
      throwIfCancelled(token);
      if (this.ws.isChecked(dir)) continue;
      this.safely(dir, () => this.ws.analyzeDir(dir));
      await nextTurn();
    }
  }

  private allAnalyses() {
    return this.ws.dirs().flatMap((d) => this.ws.analysesOf(d));
  }

  private location(p: Place): Location {
    return { uri: this.uriFor(p.file.path), range: p.file.lines.range(p.start, p.end) };
  }

  /** Code lenses of a TypeScript or JavaScript document, or undefined for any other. */
  private tsLenses(uri: unknown): Promise<CodeLens[]> | undefined {
    if (typeof uri !== 'string' || !isTsPath(uriToPath(uri))) return undefined;
    return this.ready.then(() => this.ts.codeLenses(uriToPath(uri), this.documents.get(uri), uri));
  }

  /** Inlay hints of a TypeScript or JavaScript document (when the setting is on), or undefined for any other. */
  private tsInlayHints(uri: unknown, range: unknown): Promise<InlayHint[]> | undefined {
    if (typeof uri !== 'string' || !isTsPath(uriToPath(uri))) return undefined;
    return this.ready.then(() => (this.settings.inlayHints && isRange(range) ? this.ts.inlayHints(uriToPath(uri), this.documents.get(uri), range) : []));
  }

  /** References of a lock in a TypeScript or JavaScript document, or undefined for any other. */
  private tsReferences(uri: unknown, position: unknown): Promise<Location[]> | undefined {
    if (typeof uri !== 'string' || !isTsPath(uriToPath(uri))) return undefined;
    const pos = position as Position | undefined;
    if (typeof pos?.line !== 'number' || typeof pos.character !== 'number') return Promise.resolve([]);
    return this.ready.then(() => this.ts.references(uriToPath(uri), this.documents.get(uri), pos));
  }

  /** Runs a request against the open (or on-disk) text of a document; an unknown document gets `empty`. */
  private async withFile<T>(uri: string, token: CancellationToken, empty: T, f: (pkg: PackageAnalysis, file: GoFile) => T): Promise<T> {
    if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'textDocument.uri must be a string');
    await this.ready;
    await this.current(uri, token);
    const doc = this.documents.get(uri);
    const path = uriToPath(uri);
    if (isTsPath(path) || this.excluded(path)) return empty;
    if (doc) this.ws.setText(path, doc.getText());
    const pkg = this.ws.analysisOf(path);
    const file = this.ws.file(path);
    if (!pkg || !file) return empty;
    try {
      return f(pkg, file);
    } catch (e) {
      this.connection.console.error(`lockset: request on ${path} failed: ${(e as Error)?.stack ?? e}`);
      return empty;
    }
  }

  /**
   * Lets the messages already received be handled first (the edits of a storm of typing), then answers a request
   * made for a version of its document that an edit has replaced with ContentModified, at once, rather than
   * analysing a version nobody looks at any more: requests never pile up behind analyses of old text.
   */
  private async current(uri: string, token: CancellationToken): Promise<void> {
    const asked = this.documents.get(uri)?.version;
    await nextTurn();
    throwIfCancelled(token);
    if (asked !== undefined && this.documents.get(uri)?.version !== asked) {
      requestStats.superseded++;
      throw new ResponseError(LSPErrorCodes.ContentModified, 'the document changed: ask again');
    }
  }

  private async hover(p: HoverParams, token: CancellationToken): Promise<Hover | null> {
    checkParams('textDocument/hover', p, true);
    await this.ready;
    await this.current(p.textDocument.uri, token);
    const doc = this.documents.get(p.textDocument.uri);
    const path = uriToPath(p.textDocument.uri);
    if (isTsPath(path)) return this.ts.hover(path, doc, p, this.diagnosticsInHover);
    if (this.excluded(path)) return null;
    if (doc) this.ws.setText(path, doc.getText());
    const pkg = this.ws.analysisOf(path);
    const file = this.ws.file(path);
    if (!pkg || !file) return null;
    // While the index is built, the hover leaves out what needs the whole workspace (orders, cycles).
    // The diagnostics of the file, as published (during the index) or as they stand: the hover says their facts once.
    const findings = this.indexing ? this.published.get(path) ?? [] : this.ws.findingsFor(path);
    const h = hoverAt(pkg, file, file.lines.offset(p.position), this.indexing ? undefined : this.ws.graph(), this.indexing ? [] : this.importersOf(file),
      { findings, editorShowsDiagnostics: this.diagnosticsInHover });
    if (!h) return null;
    return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: file.lines.range(h.start, h.end) };
  }

  private async codeActions(p: CodeActionParams, token: CancellationToken): Promise<CodeAction[]> {
    checkParams('textDocument/codeAction', p, false);
    await this.ready;
    await this.current(p.textDocument.uri, token);
    if (!isRange(p.range)) return [];
    const doc = this.documents.get(p.textDocument.uri);
    const path = uriToPath(p.textDocument.uri);
    if (isTsPath(path)) return this.ts.codeActions(path, doc, p, overlaps);
    if (this.excluded(path)) return [];
    if (doc) this.ws.setText(path, doc.getText());
    const findings = this.indexing ? this.published.get(path) ?? [] : this.ws.findingsFor(path);
    const out: CodeAction[] = [];
    for (const f of findings) {
      if (!overlaps(f.range, p.range)) continue;
      const diagnostic: Diagnostic = toDiagnostic(f, this.caps.related);
      for (const fix of f.fixes) out.push(toCodeAction(fix, diagnostic, doc?.version ?? null, this.caps.documentChanges));
    }
    return out;
  }
}

/**
 * A request whose client cancelled it (the user typed on, the hover moved) is answered with RequestCancelled
 * instead of being computed: checked before the work starts and between packages of long requests.
 */
function throwIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

/** Requests answered ContentModified because an edit replaced the version they asked about (see current). */
export const requestStats = { superseded: 0 };

/** Lets pending messages (requests, edits) be handled before the next package is analysed. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Malformed params get a JSON-RPC InvalidParams error, not a crash or a silent null. */
function checkParams(method: string, p: unknown, needsPosition: boolean): void {
  const q = p as { textDocument?: { uri?: unknown }; position?: unknown } | undefined;
  const pos = q?.position as Position | undefined;
  if (typeof q?.textDocument?.uri !== 'string' || (needsPosition && (typeof pos?.line !== 'number' || typeof pos?.character !== 'number'))) {
    throw new ResponseError(ErrorCodes.InvalidParams, `${method}: expected textDocument.uri${needsPosition ? ' and a position' : ''}`);
  }
}

function isRange(r: unknown): r is Range {
  const pos = (x: unknown) => typeof x === 'object' && x !== null && typeof (x as Position).line === 'number' && typeof (x as Position).character === 'number';
  return typeof r === 'object' && r !== null && pos((r as Range).start) && pos((r as Range).end);
}

function sameFindings(a: Finding[], b: Finding[]): boolean {
  return a.length === b.length && a.every((x, i) => x.message === b[i].message && x.code === b[i].code && x.severity === b[i].severity
    && x.range.start.line === b[i].range.start.line && x.range.start.character === b[i].range.start.character
    && x.range.end.line === b[i].range.end.line && x.range.end.character === b[i].range.end.character);
}

function overlaps(a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a): boolean {
  const before = (x: typeof a.start, y: typeof a.start) => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
