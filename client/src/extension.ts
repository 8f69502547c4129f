// The VS Code side of lockset: a thin language client that starts the bundled
// language server (dist/server.js) and forwards Go documents to it. All analysis
// happens in the server; this file wires up the process, the commands, the Lock
// Explorer, the lock graph panel and the status bar.
import { CodeAction, CodeActionKind, commands, ExtensionContext, languages, Location, Position, Range, StatusBarAlignment, Uri, window, type CodeActionContext, type TextDocument } from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind, type CancellationToken, type MessageSignature } from 'vscode-languageclient/node';
import { StatusNotification, type AnalysisStatus, type Loc } from '../../server/src/protocol';
import { Commands, Views } from './commands';
import { showLockGraph, type GraphOrigin } from './graph-panel';
import { GoroutineDumpView, openGoroutineDump } from './dump-view';
import { LockExplorer } from './lock-explorer';
import { statusText } from './tree-model';

// The client id doubles as the settings prefix: 'lockset.trace.server' is read
// by vscode-languageclient automatically because the id is 'lockset'.
const clientId = 'lockset';
const clientName = 'lockset';

let client: LanguageClient | undefined;

/**
 * A request that finds the client stopping gets its default answer (no code actions, no hover), not an error.
 * On a window reload or close, VS Code asks for the light bulb's code actions in the same tick as it deactivates
 * the extension: the client's stop() begins between the request's start and its wait for the server, and
 * vscode-languageclient then logs "Request textDocument/codeAction failed: Starting server failed" (and shows it).
 * Requests made while the server starts already wait for it; a server that failed to start still reports errors.
 */
class LocksetClient extends LanguageClient {
  override handleFailedRequest<T>(type: MessageSignature, token: CancellationToken | undefined, error: unknown, defaultValue: T, showNotification?: boolean): T {
    if (this.state === State.Stopped && error instanceof Error && /^(Starting server failed|Client is not running)/.test(error.message)) return defaultValue;
    return super.handleFailedRequest(type, token, error, defaultValue, showNotification);
  }
}

export async function activate(context: ExtensionContext): Promise<void> {
  // The Locks and Goroutines views are shown `when: lockset.active` (package.json); the extension
  // activates for Go (onLanguage:go, workspaceContains:**/*.go) and, for async-mutex code, on TypeScript and
  // JavaScript documents, so the views also appear (Go-only for now) once such a document is opened.
  void commands.executeCommand('setContext', 'lockset.active', true);

  const serverModule = context.asAbsolutePath('dist/server.js');

  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };

  const traceOutputChannel = window.createOutputChannel('lockset (trace)');
  context.subscriptions.push(traceOutputChannel);

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'go' },
      { scheme: 'untitled', language: 'go' },
      // TypeScript and JavaScript that uses async-mutex (the server's TypeScript front end).
      ...TS_LANGUAGES.map((language) => ({ scheme: 'file', language })),
    ],
    synchronize: { configurationSection: clientId },
    outputChannelName: 'lockset',
    traceOutputChannel,
    // VS Code shows the diagnostics at a position in the hover, above the server's: the server leaves them out.
    initializationOptions: { diagnosticsInHover: true },
  };

  const languageClient = new LocksetClient(clientId, clientName, serverOptions, clientOptions);
  client = languageClient;

  const explorer = new LockExplorer(languageClient);
  const dumps = new GoroutineDumpView(context.workspaceState);
  const status = window.createStatusBarItem(StatusBarAlignment.Left, 10);
  status.command = `${Views.lockExplorer}.focus`;
  status.text = statusText({ state: 'indexing', done: 0, total: 0, errors: 0, warnings: 0, info: 0 });
  status.tooltip = 'lockset: open the Lock Explorer';
  status.show();

  context.subscriptions.push(
    status,
    window.registerTreeDataProvider(Views.lockExplorer, explorer),
    window.registerTreeDataProvider(Views.goroutines, dumps),
    commands.registerCommand(Commands.openGoroutineDump, () => openGoroutineDump(languageClient, dumps)),
    commands.registerCommand(Commands.restartServer, () => restartServer(languageClient)),
    commands.registerCommand(Commands.showOutput, () => {
      languageClient.outputChannel.show(true);
    }),
    commands.registerCommand(Commands.refreshLockExplorer, () => explorer.refresh()),
    commands.registerCommand(Commands.showLockGraph, (origin?: GraphOrigin) => showLockGraph(languageClient, isOrigin(origin) ? origin : undefined)),
    languages.registerCodeActionsProvider(['go', ...TS_LANGUAGES].map((language) => ({ language })), { provideCodeActions: graphActions }, { providedCodeActionKinds: [CodeActionKind.QuickFix] }),
    // Code lenses carry plain JSON locations; VS Code's peek wants its own types.
    commands.registerCommand(Commands.showLocations, (uri: string, at: { line: number; character: number }, locations: { uri: string; range: { start: Loc; end: Loc } }[]) =>
      commands.executeCommand('editor.action.showReferences', Uri.parse(uri), new Position(at.line, at.character),
        locations.map((l) => new Location(Uri.parse(l.uri), new Range(l.range.start.line, l.range.start.character, l.range.end.line, l.range.end.character))))),
  );

  try {
    await languageClient.start();
    languageClient.onNotification(StatusNotification.method, (s: AnalysisStatus) => {
      status.text = statusText(s);
      if (s.state === 'idle') explorer.refresh();
    });
  } catch {
    // The client has already logged the failure to the output channel and shown a
    // notification. Swallow it so activation succeeds and "Show Output" stays usable.
  }
}

/** The languages of the server's TypeScript front end (async-mutex). */
const TS_LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'];

/** The checks whose findings are about the lock order: their code action opens the graph on the finding's locks. */
const ORDER_CHECKS = new Set(['lock-order-cycle', 'lock-hierarchy']);

/** "Show in Lock Order Graph" on a lock order finding: the graph opens on its cycle (or its two locks). */
function graphActions(document: TextDocument, _range: Range, context: CodeActionContext): CodeAction[] {
  return context.diagnostics.filter((d) => d.source === 'lockset' && ORDER_CHECKS.has(String(typeof d.code === 'object' ? d.code.value : d.code))).slice(0, 1).map((d) => {
    // A quick fix by kind, as vscode-eslint's "Show documentation": Ctrl+. lists it beside the fixes.
    const action = new CodeAction('Show in Lock Order Graph', CodeActionKind.QuickFix);
    const origin: GraphOrigin = { uri: document.uri.toString(), line: d.range.start.line, character: d.range.start.character };
    action.command = { command: Commands.showLockGraph, title: action.title, arguments: [origin] };
    action.diagnostics = [d];
    return action;
  });
}

function isOrigin(x: unknown): x is GraphOrigin {
  const o = x as GraphOrigin | undefined;
  return typeof o?.uri === 'string' && typeof o.line === 'number' && typeof o.character === 'number';
}

async function restartServer(languageClient: LanguageClient): Promise<void> {
  // restart() stops first, and stop() only works on a running client; a client that
  // never came up (or went down) is simply started again.
  if (languageClient.isRunning()) {
    await languageClient.restart();
  } else {
    await languageClient.start();
  }
}

export function deactivate(): Thenable<void> | undefined {
  // stop() rejects unless the client is running; anything else has no server to shut down.
  if (!client?.isRunning()) {
    return undefined;
  }
  return client.stop();
}
