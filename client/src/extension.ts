// The VS Code side of lockset: a thin language client that starts the bundled
// language server (dist/server.js) and forwards Go documents to it. All analysis
// happens in the server; this file only wires up the process and two commands.
import { commands, ExtensionContext, window } from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { Commands } from './commands';

// The client id doubles as the settings prefix: 'lockset.trace.server' is read
// by vscode-languageclient automatically because the id is 'lockset'.
const clientId = 'lockset';
const clientName = 'lockset';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
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
    ],
    synchronize: { configurationSection: clientId },
    outputChannelName: 'lockset',
    traceOutputChannel,
  };

  const languageClient = new LanguageClient(clientId, clientName, serverOptions, clientOptions);
  client = languageClient;

  context.subscriptions.push(
    commands.registerCommand(Commands.restartServer, () => restartServer(languageClient)),
    commands.registerCommand(Commands.showOutput, () => {
      languageClient.outputChannel.show(true);
    }),
  );

  try {
    await languageClient.start();
  } catch {
    // The client has already logged the failure to the output channel and shown a
    // notification. Swallow it so activation succeeds and "Show Output" stays usable.
  }
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
