/**
 * The language server's side of the TypeScript front end: .ts, .tsx, .js and .mjs documents go here
 * instead of the Go workspace. The front end (ts-morph) is loaded, and its project built, when the
 * first such document is opened; then every TypeScript and JavaScript file under the workspace folders
 * is read, and the findings of every file that uses async-mutex are published. Edits are debounced and
 * re-analysed with the project kept. Diagnostics, hovers, quick fixes, code lenses, inlay hints,
 * references and the Lock Explorer's locks; no lock graph yet.
 */
import type { CodeAction, CodeActionParams, CodeLens, Connection, Diagnostic, Hover, HoverParams, InlayHint, Location, Position, Range } from 'vscode-languageserver/node';
import { MarkupKind } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../base/finding';
import type { LockGraphOf } from '../core/views';
import type { LockInfo, ProblemCounts } from '../protocol';
import type { Config } from '../util/config';
import { readSource } from '../util/files';
import { loadTsFrontend } from '../ts/load';
import { findTsFiles, isTsPath } from '../ts/paths';
import type { TsWorkspace } from '../ts/workspace';
import { countProblems, isRange, isVirtual, overlaps, toCodeAction, toDiagnostic, uriToPath } from './convert';
import { wireLocks } from './views';
import type { LanguageFrontend } from './frontend';

export { isTsPath };

export interface TsDocumentsHost {
  connection(): Connection;
  /** Resolves once the server has started (see LocksetServer.initialize). */
  ready(): Promise<void>;
  /** The open document of a URI, if it is open. */
  document(uri: string): TextDocument | undefined;
  /** `lockset.inlayHints.heldLocks`. */
  inlayHints(): boolean;
  /** The client's editor shows the diagnostics in its hovers itself (initializationOptions.diagnosticsInHover). */
  diagnosticsInHover(): boolean;
  roots(): string[];
  debounceMs(): number;
  enabled(): boolean;
  relatedSupport(): boolean;
  documentChanges(): boolean;
  uriFor(path: string): string;
  version(path: string): number | undefined;
  /** Called after a publish, so that the status bar's count follows. */
  published(): void;
}

/** The TypeScript and JavaScript front end of the server (see LanguageFrontend). */
export class TsDocuments implements LanguageFrontend {
  private ws?: TsWorkspace;
  private config: Config = { severity: {}, lockOrder: [] };
  private timer?: NodeJS.Timeout;
  private readonly published = new Map<string, Finding[]>();

  constructor(private readonly host: TsDocumentsHost) {}

  setConfig(config: Config): void {
    this.config = config;
    if (this.ws) { this.ws.setConfig(config); this.schedule(); }
  }

  /** The workspace, created on first use with every TypeScript and JavaScript file under the folders. */
  private workspace(): TsWorkspace {
    if (this.ws) return this.ws;
    const { TsWorkspace } = loadTsFrontend();
    const ws = new TsWorkspace({ roots: this.host.roots(), config: this.config });
    for (const root of this.host.roots()) {
      for (const f of findTsFiles(root)) {
        const text = readSource(f);
        if (text !== undefined) ws.setText(f, text);
      }
    }
    this.ws = ws;
    return ws;
  }

  changed(path: string, doc: TextDocument): void {
    if (isVirtual(path)) return;
    this.workspace().setText(path, doc.getText());
    this.schedule();
  }

  closed(path: string, _doc?: TextDocument): void {
    if (!this.ws) return;
    const text = readSource(path);
    if (text === undefined) this.ws.remove(path);
    else this.ws.setText(path, text);
    this.schedule();
  }

  /** A file changed on disk (not open in the editor). */
  fileChanged(path: string, deleted: boolean): void {
    if (!this.ws) return;
    if (deleted) this.ws.remove(path);
    else { const text = readSource(path); if (text !== undefined) this.ws.setText(path, text); }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.publish(); }, this.host.debounceMs());
  }

  /** Publishes every analysed file's findings, and clears files that no longer have any. */
  private publish(): void {
    const ws = this.ws;
    if (!ws) return;
    let findings: Finding[];
    try {
      findings = this.host.enabled() ? ws.analyzeAll() : [];
    } catch (e) {
      this.host.connection().console.error(`lockset: TypeScript analysis failed: ${(e as Error)?.stack ?? e}`);
      return;
    }
    const byFile = new Map<string, Finding[]>();
    for (const p of ws.analysedFiles()) byFile.set(p, []);
    for (const p of this.published.keys()) if (!byFile.has(p)) byFile.set(p, []);
    for (const f of findings) {
      const list = byFile.get(f.file);
      if (list) list.push(f); else byFile.set(f.file, [f]);
    }
    for (const [path, list] of byFile) {
      const prev = this.published.get(path);
      const version = this.host.version(path);
      if (version === undefined && prev && prev.length === 0 && list.length === 0) continue;
      this.published.set(path, list);
      void this.host.connection().sendDiagnostics({ uri: this.host.uriFor(path), version, diagnostics: list.map((x) => toDiagnostic(x, this.host.relatedSupport())) });
    }
    this.host.published();
  }

  /** Adds the published findings that the Problems panel lists to `counts`. */
  countProblems(counts: ProblemCounts): ProblemCounts {
    for (const list of this.published.values()) countProblems(list, counts);
    return counts;
  }

  codeLenses(uri: string): Promise<CodeLens[]> {
    return this.host.ready().then(() => this.lensesOf(uriToPath(uri), this.host.document(uri), uri));
  }

  /** Inlay hints (when the setting is on). */
  inlayHints(uri: string, range: Range): Promise<InlayHint[]> {
    return this.host.ready().then(() => (this.host.inlayHints() && isRange(range) ? this.hintsOf(uriToPath(uri), this.host.document(uri), range) : []));
  }

  references(uri: string, position: Position): Promise<Location[]> {
    const pos = position as Position | undefined;
    if (typeof pos?.line !== 'number' || typeof pos.character !== 'number') return Promise.resolve([]);
    return this.host.ready().then(() => this.referencesOf(uriToPath(uri), this.host.document(uri), pos));
  }

  private lensesOf(path: string, doc: TextDocument | undefined, uri: string): CodeLens[] {
    const ws = this.workspace();
    if (doc) ws.setText(path, doc.getText());
    const facts = ws.facts(path);
    if (!facts) return [];
    return ws.lenses(path).map((l) => ({
      range: facts.lines.range(l.fn.nameStart, l.fn.nameEnd),
      command: { title: l.title, command: 'lockset.showLocations', arguments: [uri, facts.lines.position(l.fn.nameStart), l.targets.map((t) => this.location(t.file, t.start, t.end))] },
    }));
  }

  private hintsOf(path: string, doc: TextDocument | undefined, range: Range): InlayHint[] {
    const ws = this.workspace();
    if (doc) ws.setText(path, doc.getText());
    const facts = ws.facts(path);
    if (!facts) return [];
    return ws.hints(path, facts.lines.offset(range.start), facts.lines.offset(range.end))
      .map((h) => ({ position: facts.lines.position(h.offset), label: h.label, tooltip: h.tooltip, paddingLeft: true }));
  }

  private referencesOf(path: string, doc: TextDocument | undefined, position: Position): Location[] {
    const ws = this.workspace();
    if (doc) ws.setText(path, doc.getText());
    const facts = ws.facts(path);
    if (!facts) return [];
    return ws.references(path, facts.lines.offset(position)).map((t) => this.location(t.file, t.start, t.end));
  }

  /** The Lock Explorer's TypeScript locks; none until a TypeScript or JavaScript document was opened. */
  inventory(): LockInfo[] {
    if (!this.ws) return [];
    return wireLocks(this.ws.inventory(), (path) => this.host.uriFor(path));
  }

  /**
   * The TypeScript lock-order graph as plain data, opened on what is at `position` of `uri` when both are given
   * (see TsWorkspace.graph); undefined until a TypeScript or JavaScript document was opened.
   */
  graph(uri?: string, position?: Position): LockGraphOf | undefined {
    if (!this.ws) return undefined;
    const path = uri === undefined ? undefined : uriToPath(uri);
    const facts = path === undefined ? undefined : this.ws.facts(path);
    return this.ws.graph(path !== undefined && facts && position ? { path, offset: facts.lines.offset(position) } : undefined);
  }

  private location(file: string, start: number, end: number): Location {
    const lines = this.ws?.facts(file)?.lines;
    const range = lines ? lines.range(start, end) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { uri: this.host.uriFor(file), range };
  }

  hover(p: HoverParams, doc: TextDocument | undefined): Hover | null {
    const path = uriToPath(p.textDocument.uri);
    const editorShowsDiagnostics = this.host.diagnosticsInHover();
    const ws = this.workspace();
    if (doc) ws.setText(path, doc.getText());
    const facts = ws.facts(path);
    if (!facts) return null;
    const h = ws.hover(path, facts.lines.offset(p.position), { editorShowsDiagnostics });
    if (!h) return null;
    return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: facts.lines.range(h.start, h.end) };
  }

  codeActions(p: CodeActionParams, doc: TextDocument | undefined): CodeAction[] {
    const path = uriToPath(p.textDocument.uri);
    const ws = this.workspace();
    if (doc) ws.setText(path, doc.getText());
    const out: CodeAction[] = [];
    for (const f of ws.findingsFor(path)) {
      if (!overlaps(f.range, p.range)) continue;
      const diagnostic: Diagnostic = toDiagnostic(f, this.host.relatedSupport());
      for (const fix of f.fixes) out.push(toCodeAction(fix, diagnostic, doc?.version ?? null, this.host.documentChanges()));
    }
    return out;
  }
}

