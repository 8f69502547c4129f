/**
 * The language server's Go front end: hovers, code lenses, inlay hints, references and quick fixes of Go documents,
 * read from the server's Go workspace, and what an edit, a close or a change on disk does to it. The server indexes
 * the workspace, schedules the analyses and publishes their diagnostics (see LocksetServer).
 */
import { dirname, sep } from 'node:path';
import {
  type CancellationToken, type CodeAction, type CodeActionParams, type CodeLens, type Connection, type Diagnostic, type Hover,
  type HoverParams, type InlayHint, type Location, type Position, type Range, ErrorCodes, MarkupKind, ResponseError,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../base/finding';
import type { PackageAnalysis } from '../analysis/package-analysis';
import { hoverAt } from '../ide/hover';
import { heldHints, lensesFor, lockClassAt, lockReferences, type Place } from '../ide/navigation';
import type { GoFile } from '../model/file';
import { findGoFiles, readSource } from '../util/files';
import type { Workspace } from '../workspace';
import { fileLink, isRange, isVirtual, overlaps, toCodeAction, toDiagnostic, uriToPath } from './convert';
import type { LanguageFrontend } from './frontend';
import { isTsPath } from './typescript';

/** What the Go front end reads of the server: its workspace, documents, settings and the published findings. */
export interface GoFrontendHost {
  connection(): Connection;
  ready(): Promise<void>;
  /** The Go workspace; undefined until the server has started. */
  workspace(): Workspace | undefined;
  document(uri: string): TextDocument | undefined;
  uriFor(path: string): string;
  roots(): string[];
  /** Whether `lockset.exclude` leaves a file out, and whether the start-up walk reads it (see Scope). */
  excluded(path: string): boolean;
  inScope(path: string): boolean;
  /** True while the start-up index is being built: requests then use what is analysed so far. */
  indexing(): boolean;
  /** The Go findings published per file. */
  published(): Map<string, Finding[]>;
  inlayHints(): boolean;
  diagnosticsInHover(): boolean;
  relatedSupport(): boolean;
  documentChanges(): boolean;
  /** Answers a request for a document version that an edit has replaced with ContentModified (see LocksetServer). */
  current(uri: string, token: CancellationToken): Promise<void>;
  /** Brings every package's analysis up to date (with `checked`, its findings too), one per turn of the event loop. */
  catchUp(token: CancellationToken, checked: boolean): Promise<void>;
  allAnalyses(): PackageAnalysis[];
  safely<T>(dir: string, f: () => T): T | undefined;
  /** Analyses a package again after the debounce, and publishes its diagnostics. */
  schedule(dir: string): void;
}

export class GoFrontend implements LanguageFrontend {
  constructor(private readonly host: GoFrontendHost) {}

  private get ws(): Workspace {
    return this.host.workspace()!;
  }

  hover(p: HoverParams, doc: TextDocument | undefined): Hover | null {
    const path = uriToPath(p.textDocument.uri);
    if (this.host.excluded(path)) return null;
    if (doc) this.ws.setText(path, doc.getText());
    const pkg = this.ws.analysisOf(path);
    const file = this.ws.file(path);
    if (!pkg || !file) return null;
    // While the index is built, the hover leaves out what needs the whole workspace (orders, cycles).
    // The diagnostics of the file, as published (during the index) or as they stand: the hover says their facts once.
    const indexing = this.host.indexing();
    const findings = indexing ? this.host.published().get(path) ?? [] : this.ws.findingsFor(path);
    const h = hoverAt(pkg, file, file.lines.offset(p.position), indexing ? undefined : this.ws.graph(), indexing ? [] : this.importersOf(file),
      { findings, editorShowsDiagnostics: this.host.diagnosticsInHover(), link: fileLink });
    if (!h) return null;
    return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: file.lines.range(h.start, h.end) };
  }

  codeActions(p: CodeActionParams, doc: TextDocument | undefined): CodeAction[] {
    const path = uriToPath(p.textDocument.uri);
    if (this.host.excluded(path)) return [];
    if (doc) this.ws.setText(path, doc.getText());
    const findings = this.host.indexing() ? this.host.published().get(path) ?? [] : this.ws.findingsFor(path);
    const out: CodeAction[] = [];
    for (const f of findings) {
      if (!overlaps(f.range, p.range)) continue;
      const diagnostic: Diagnostic = toDiagnostic(f, this.host.relatedSupport());
      for (const fix of f.fixes) out.push(toCodeAction(fix, diagnostic, doc?.version ?? null, this.host.documentChanges()));
    }
    return out;
  }

  codeLenses(uri: string, token: CancellationToken): Promise<CodeLens[]> {
    return this.withFile(uri, token, [], (pkg, file) => lensesFor(pkg, file, this.importersOf(file)).map((l) => ({
      range: file.lines.range(l.fn.nameNode.start, l.fn.nameNode.end),
      command: { title: l.title, command: 'lockset.showLocations', arguments: [uri, file.lines.position(l.fn.nameNode.start), l.targets.map((t) => this.location(t))] },
    })));
  }

  inlayHints(uri: string, range: Range, token: CancellationToken): Promise<InlayHint[]> {
    return this.withFile(uri, token, [], (pkg, file) => {
      if (!this.host.inlayHints() || !isRange(range)) return [];
      return heldHints(pkg, file, file.lines.offset(range.start), file.lines.offset(range.end))
        .map((h) => ({ position: file.lines.position(h.offset), label: h.label, tooltip: h.tooltip, paddingLeft: true }));
    });
  }

  references(uri: string, position: Position, token: CancellationToken): Promise<Location[]> {
    return this.host.catchUp(token, false).then(() => this.withFile(uri, token, [], (pkg, file) => {
      const cls = lockClassAt(pkg, file, file.lines.offset(position));
      return cls ? lockReferences(this.host.allAnalyses(), cls).map((t) => this.location(t)) : [];
    }));
  }

  changed(path: string, doc: TextDocument): void {
    const dir = dirname(path);
    if (this.host.excluded(path)) { this.leave(path, doc.uri); return; }
    if (!isVirtual(path) && !this.ws.dirs().includes(dir) && this.insideRoots(dir)) this.loadSiblings(dir);
    if (this.ws.setText(path, doc.getText())) this.host.schedule(dir);
    else if (!this.host.published().has(path)) this.host.schedule(dir);
  }

  closed(path: string, doc: TextDocument): void {
    if (this.host.excluded(path)) { this.leave(path, doc.uri); return; }
    const text = isVirtual(path) ? undefined : readSource(path);
    if (text === undefined) {
      // The document never reached the disk (or was deleted): it leaves the workspace with its diagnostics.
      this.ws.remove(path);
      this.host.published().delete(path);
      void this.host.connection().sendDiagnostics({ uri: doc.uri, diagnostics: [] });
    } else this.ws.setText(path, text);
    this.host.schedule(dirname(path));
  }

  fileChanged(path: string, deleted: boolean): void {
    if (!path.endsWith('.go')) return;
    const ws = this.host.workspace();
    // A file the walk would skip is read only where a document was opened (see loadSiblings).
    if (this.host.excluded(path) || !(ws?.dirs().includes(dirname(path)) || this.host.inScope(path))) return;
    if (deleted) ws?.remove(path);
    else { const text = readSource(path); if (text !== undefined) ws?.setText(path, text); }
    this.host.schedule(dirname(path));
  }

  /** Runs a request against the open (or on-disk) text of a document; an unknown document gets `empty`. */
  async withFile<T>(uri: string, token: CancellationToken, empty: T, f: (pkg: PackageAnalysis, file: GoFile) => T): Promise<T> {
    if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'textDocument.uri must be a string');
    await this.host.ready();
    await this.host.current(uri, token);
    const doc = this.host.document(uri);
    const path = uriToPath(uri);
    if (isTsPath(path) || this.host.excluded(path)) return empty;
    if (doc) this.ws.setText(path, doc.getText());
    const pkg = this.ws.analysisOf(path);
    const file = this.ws.file(path);
    if (!pkg || !file) return empty;
    try {
      return f(pkg, file);
    } catch (e) {
      this.host.connection().console.error(`lockset: request on ${path} failed: ${(e as Error)?.stack ?? e}`);
      return empty;
    }
  }

  location(p: Place): Location {
    return { uri: this.host.uriFor(p.file.path), range: p.file.lines.range(p.start, p.end) };
  }

  /** The analyses of the packages that import a file's package (its lenses count their callers too). */
  private importersOf(file: GoFile): PackageAnalysis[] {
    return this.ws.dependents(dirname(file.path)).flatMap((d) => this.host.safely(d, () => this.ws.analyzeDir(d)) ?? []).map((r) => r.analysis);
  }

  /** An excluded file leaves the workspace (if it was in it) and keeps no diagnostics. */
  private leave(path: string, uri: string): void {
    if (this.ws.has(path)) { this.ws.remove(path); this.host.schedule(dirname(path)); }
    this.host.published().delete(path);
    void this.host.connection().sendDiagnostics({ uri, diagnostics: [] });
  }

  /** The server reads files only under the workspace folders (or anywhere when no folder is open). */
  private insideRoots(dir: string): boolean {
    const roots = this.host.roots();
    return roots.length === 0 || roots.some((r) => dir === r || dir.startsWith(r.endsWith(sep) ? r : r + sep));
  }

  /** A new directory inside the workspace folders brings its package's other files with it. */
  private loadSiblings(dir: string): void {
    for (const f of findGoFiles(dir)) {
      if (dirname(f) !== dir || this.ws.has(f) || this.host.excluded(f)) continue;
      const text = readSource(f);
      if (text !== undefined) this.ws.setText(f, text);
    }
  }
}
