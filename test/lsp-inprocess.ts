/**
 * The language server in this very process, behind in-memory streams, driven by the same test client as the
 * spawned one (see LspClient): no build and no child process, so hover, lens, code-action and diagnostics tests
 * run with `npm run test:unit`. The server is the TypeScript source (LocksetServer), run through tsx.
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { createConnection, createMessageConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { LocksetServer } from '../server/src/lsp/server';
import { LspClient, type ServerProcess, type StartOptions } from './lsp-client';

export { applyEdits, copyExamples, positionOf, rangeOf, removeDir, uriOf, type LspClient, type ServerProcess } from './lsp-client';

/** A server process that is only the two streams: killing it closes them and reports the exit. */
class InProcessServer extends EventEmitter implements ServerProcess {
  readonly stderr = new EventEmitter();
  readonly inProcess = true;
  exitCode: number | null = null;
  readonly signalCode = null;

  constructor(private readonly close: () => void) { super(); }

  kill(): boolean {
    if (this.exitCode !== null) return false;
    this.exitCode = 0;
    this.close();
    this.emit('exit', 0, null);
    return true;
  }
}

/** Starts a LocksetServer in process over in-memory streams and initializes it as LspClient.start does. */
export async function startInProcess(opts: StartOptions): Promise<LspClient<ServerProcess>> {
  const toServer = new PassThrough(), toClient = new PassThrough();
  const server = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  new LocksetServer(server).listen();
  const proc = new InProcessServer(() => { server.dispose(); toServer.end(); toClient.end(); });
  const connection = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  return LspClient.initialize(new LspClient(proc, connection, opts.settings ?? {}, opts.unsupportedRequests ?? [], opts.silentRequests ?? []), opts);
}
