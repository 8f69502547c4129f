import type {
  CancellationToken, CodeAction, CodeActionParams, CodeLens, Hover, HoverParams, InlayHint, Location, Position, Range,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/**
 * One language's side of the server: its answers to the editor's requests about a document of that language, and
 * its diagnostics as documents change. The server picks the front end of each document by its path (Go, or
 * TypeScript and JavaScript) and asks it alone. Hover and code actions arrive with their parameters checked, the
 * server started and the document's version current; the other requests arrive as the client sent them.
 */
export interface LanguageFrontend {
  hover(p: HoverParams, doc: TextDocument | undefined): Hover | null;
  /** `p.range` is checked to be a range. */
  codeActions(p: CodeActionParams, doc: TextDocument | undefined): CodeAction[];
  codeLenses(uri: string, token: CancellationToken): Promise<CodeLens[]>;
  /** Unchecked: a malformed range gets no hints. */
  inlayHints(uri: string, range: Range, token: CancellationToken): Promise<InlayHint[]>;
  /** Unchecked: a malformed position gets no references. */
  references(uri: string, position: Position, token: CancellationToken): Promise<Location[]>;
  /** An open document's text changed: its diagnostics (and those it affects) follow. */
  changed(path: string, doc: TextDocument): void;
  /** An open document was closed: the file on disk, if any, stands for it again. */
  closed(path: string, doc: TextDocument): void;
  /** A file that is not open changed on disk, or was deleted. */
  fileChanged(path: string, deleted: boolean): void;
}
