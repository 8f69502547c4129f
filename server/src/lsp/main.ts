import { createConnection, LSPErrorCodes, ProposedFeatures, type Message, type RequestMessage, type ResponseMessage } from 'vscode-languageserver/node';
import { LocksetServer } from './server';

/**
 * A request cancelled while it still waits in the queue is answered at once with RequestCancelled and
 * never runs: a burst of hovers or code actions that the user typed past costs nothing.
 */
function cancelUndispatched(message: Message): ResponseMessage {
  return { jsonrpc: '2.0', id: (message as RequestMessage).id, error: { code: LSPErrorCodes.RequestCancelled, message: 'request cancelled before it ran' } };
}

// The transport (--stdio, --node-ipc, --socket) is picked from the command line by createConnection.
new LocksetServer(createConnection(ProposedFeatures.all, { cancelUndispatched })).listen();
