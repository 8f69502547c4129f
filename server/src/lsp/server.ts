import { dirname } from 'node:path';
import {
  type CodeAction, type CodeActionParams, type Connection, type Hover, type HoverParams,
  type InitializeParams, type InitializeResult, type Position, DidChangeWatchedFilesNotification, FileChangeType,
  type CancellationToken, DocumentHighlightKind, ErrorCodes, LSPErrorCodes, ResponseError, MessageType, ShowMessageNotification, TextDocumentSyncKind, TextDocuments, type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { validatingDocumentEvents } from './validate';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../base/finding';
import { lockGraphData, lockGraphFocus, lockInventory } from '../ide/inventory';
import { mergeLockGraphViews } from '../core/lock-graph-view';
import { lockHighlights, providingCalls } from '../ide/navigation';
import { type AnalysisStatus, GoroutineDumpRequest, LockGraphRequest, LocksRequest, StatusNotification } from '../protocol';
import { analyzeDumpInSlices } from '../ide/dumps';
import { readSource } from '../util/files';
import type { Config } from '../util/config';
import { Scope, scopeOf } from '../scope';
import { ParsePool, POOL_MIN_CHARS } from '../syntax/parse-pool';
import { Workspace, type PackageResult } from '../workspace';
import { countProblems, isRange, isVirtual, pathToUri, toDiagnostic, uriToPath } from './convert';
import { wireDump, wireGraph, wireLocks } from './views';
import { isTsPath, TsDocuments } from './typescript';
import type { LanguageFrontend } from './frontend';
import { GoFrontend } from './go-frontend';
import { defaultSettings, readSettings, type Settings } from './settings';
import { importsFirst, parseAhead } from '../batch';


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
  private settings: Settings = defaultSettings();
  /** How much Go text the workspace had at start-up (for `lockset.compactClosedPackages: auto`). */
  private goChars = 0;
  /** Whether the start-up walk has read the workspace folders' files. */
  private walked = false;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly published = new Map<string, Finding[]>();
  private caps = { related: false, documentChanges: false, configuration: false, progress: false, watchers: false, inlayHintRefresh: false };
  /** TypeScript and JavaScript documents (async-mutex), analysed by the TypeScript front end. */
  private readonly ts = new TsDocuments({
    connection: () => this.connection, ready: () => this.ready, document: (uri) => this.documents.get(uri), inlayHints: () => this.settings.inlayHints,
    diagnosticsInHover: () => this.diagnosticsInHover, roots: () => this.roots, debounceMs: () => this.settings.debounceMs, enabled: () => this.settings.enable,
    relatedSupport: () => this.caps.related, documentChanges: () => this.caps.documentChanges, uriFor: (p) => this.uriFor(p),
    version: (p) => this.documents.get(this.uriFor(p))?.version,
    published: () => { if (!this.indexing) this.sendStatus('idle', 1, 1); },
  });
  /** Go documents, read from the workspace that this server indexes and publishes. */
  private readonly go = new GoFrontend({
    connection: () => this.connection, ready: () => this.ready, workspace: () => this.ws, document: (uri) => this.documents.get(uri),
    uriFor: (p) => this.uriFor(p), roots: () => this.roots, excluded: (p) => this.excluded(p), inScope: (p) => this.inScope(p),
    indexing: () => this.indexing, published: () => this.published, inlayHints: () => this.settings.inlayHints,
    diagnosticsInHover: () => this.diagnosticsInHover, relatedSupport: () => this.caps.related, documentChanges: () => this.caps.documentChanges,
    current: (uri, token) => this.current(uri, token), catchUp: (token, checked) => this.catchUp(token, checked),
    allAnalyses: () => this.allAnalyses(), safely: (dir, f) => this.safely(dir, f), schedule: (dir) => this.schedule(dir),
  });

  constructor(private readonly connection: Connection) {
    connection.onInitialize((p) => this.initialize(p));
    connection.onInitialized(() => { void this.initialized(); });
    connection.onHover((p, token) => this.hover(p, token));
    // One front end per document (see frontendOf): it checks what it is sent.
    connection.onCodeLens((p, token) => this.frontendOf(p.textDocument.uri).codeLenses(p.textDocument.uri, token));
    connection.languages.inlayHint.on((p, token) => this.frontendOf(p.textDocument.uri).inlayHints(p.textDocument.uri, p.range, token));
    connection.onReferences((p, token) => this.frontendOf(p.textDocument.uri).references(p.textDocument.uri, p.position, token));
    // Highlights and implementations are Go's alone: another document gets none.
    connection.onDocumentHighlight((p, token) => this.go.withFile(p.textDocument.uri, token, [], (pkg, file) =>
      lockHighlights(pkg, file, file.lines.offset(p.position)).map((h) => ({ range: file.lines.range(h.place.start, h.place.end), kind: h.write ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }))));
    connection.onImplementation((p, token) => this.go.withFile(p.textDocument.uri, token, [], (pkg, file) => providingCalls(pkg, file, file.lines.offset(p.position)).map((t) => this.go.location(t))));
    connection.onRequest(LocksRequest.type, async (_, token) => {
      await this.catchUp(token, true);
      const all = this.allAnalyses();
      const go = wireLocks(lockInventory(all, this.ws.graph(), this.ws.dirs().flatMap((d) => this.ws.analyzeDir(d).flatMap((r) => r.findings))), pathToUri);
      return [...go, ...this.ts.inventory()];
    });
    connection.onRequest(GoroutineDumpRequest.type, async (p, token) => {
      await this.ready;
      // In slices, with a turn of the event loop between two, so that hovers and edits are answered meanwhile;
      // a dump of many goroutines shows progress.
      const steps = analyzeDumpInSlices(this.ws, typeof p?.text === 'string' ? p.text : '', this.roots);
      let progress: WorkDoneProgressServerReporter | undefined;
      try {
        for (;;) {
          const r = steps.next();
          if (r.done) return wireDump(r.value, pathToUri);
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
      const data = lockGraphData(graph);
      // Asked from an editor: open on the cycle of a finding there, or on the lock under the cursor.
      const uri = p?.textDocument?.uri, at = p?.position;
      const asked = typeof uri === 'string' && typeof at?.line === 'number' && typeof at.character === 'number';
      if (asked && this.frontendOf(uri) === this.go) {
        const focus = await this.go.withFile(uri, token, undefined, (pkg, file) => lockGraphFocus(graph, this.ws.findingsFor(file.path), pkg, file, at));
        if (focus) data.focus = focus;
      }
      // The TypeScript and JavaScript files' graph beside Go's (a class of both names is two locks).
      const ts = this.ts.graph(asked ? uri : undefined, asked ? at : undefined);
      return wireGraph(ts ? mergeLockGraphViews(data, ts, '(TypeScript)') : data, pathToUri);
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
        if (!this.documents.get(change.uri)) this.frontendOf(change.uri).fileChanged(path, change.type === FileChangeType.Deleted);
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
    const ordered = [...dirs.filter((d) => open.has(d)), ...importsFirst(this.ws, dirs).filter((d) => !open.has(d))];
    this.indexing = true;
    // A large workspace is parsed on worker threads meanwhile, in the order the packages are analysed.
    const pool = chars >= POOL_MIN_CHARS ? ParsePool.create() : undefined;
    const ahead = pool ? parseAhead(this.ws, pool, ordered.filter((d) => !open.has(d))) : undefined;
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
    const { settings, config, problems } = readSettings(raw);
    for (const p of problems) this.warn(`lockset: invalid setting ${p}`);
    this.settings = settings;
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
    this.frontendOf(doc.uri).changed(path, doc);
  }

  private async closed(doc: TextDocument): Promise<void> {
    await this.ready;
    const path = uriToPath(doc.uri);
    this.frontendOf(doc.uri).closed(path, doc);
  }

  /** The front end of a document: TypeScript and JavaScript ones go to the TypeScript front end, the others to Go's. */
  private frontendOf(uri: unknown): LanguageFrontend {
    return typeof uri === 'string' && isTsPath(uriToPath(uri)) ? this.ts : this.go;
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
    return this.frontendOf(p.textDocument.uri).hover(p, doc);
  }

  private async codeActions(p: CodeActionParams, token: CancellationToken): Promise<CodeAction[]> {
    checkParams('textDocument/codeAction', p, false);
    await this.ready;
    await this.current(p.textDocument.uri, token);
    if (!isRange(p.range)) return [];
    const doc = this.documents.get(p.textDocument.uri);
    return this.frontendOf(p.textDocument.uri).codeActions(p, doc);
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

function sameFindings(a: Finding[], b: Finding[]): boolean {
  return a.length === b.length && a.every((x, i) => x.message === b[i].message && x.code === b[i].code && x.severity === b[i].severity
    && x.range.start.line === b[i].range.start.line && x.range.start.character === b[i].range.start.character
    && x.range.end.line === b[i].range.end.line && x.range.end.character === b[i].range.end.character);
}
