import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { LocksetServer } from './server';

// The transport (--stdio, --node-ipc, --socket) is picked from the command line by createConnection.
new LocksetServer(createConnection(ProposedFeatures.all)).listen();
