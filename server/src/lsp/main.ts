import { createConnection, LSPErrorCodes, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type Connection, type Message, type RequestMessage, type ResponseMessage } from 'vscode-languageserver/node';
import { FramingGuard } from './framing';
import { LocksetServer } from './server';

/**
 * A request cancelled while it still waits in the queue is answered at once with RequestCancelled and
 * never runs: a burst of hovers or code actions that the user typed past costs nothing.
 */
function cancelUndispatched(message: Message): ResponseMessage {
  return { jsonrpc: '2.0', id: (message as RequestMessage).id, error: { code: LSPErrorCodes.RequestCancelled, message: 'request cancelled before it ran' } };
}

/**
 * Over stdio, the incoming bytes pass a framing check first: a malformed frame ends the server with a message on
 * stderr and exit status 1 (see FramingGuard), and the client restarts it. Other transports (--node-ipc,
 * --socket) are picked from the command line by createConnection.
 */
function connect(): Connection {
  if (!process.argv.includes('--stdio')) return createConnection(ProposedFeatures.all, { cancelUndispatched });
  const guard = new FramingGuard((problem) => {
    process.stderr.write(`lockset: malformed message from the client (${problem}); exiting so that the client can restart the server\n`);
    process.exit(1);
  });
  process.stdin.pipe(guard);
  return createConnection(ProposedFeatures.all, new StreamMessageReader(guard), new StreamMessageWriter(process.stdout), { cancelUndispatched });
}

new LocksetServer(connect()).listen();
