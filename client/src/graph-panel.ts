// The lock-order graph in a webview: the server's graph rendered as SVG, following the editor theme,
// under a strict Content-Security-Policy. Clicking a lock lists where it is taken while another is held;
// clicking an edge lists where that pair is.
import { randomBytes } from 'node:crypto';
import { Location, Position, Range, Uri, ViewColumn, commands, window, type WebviewPanel } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LockGraphRequest, type LockGraph, type LockGraphEdge } from '../../server/src/protocol';
import { graphHtml } from './graph-panel-html';

let panel: WebviewPanel | undefined;
/** The graph on show, for the clicks (the panel outlives one graph). */
let shown: LockGraph | undefined;

type Message = { type: 'reveal'; id: string } | { type: 'revealEdge'; from: string; to: string };

export async function showLockGraph(client: LanguageClient): Promise<void> {
  const graph = await client.sendRequest(LockGraphRequest.type, {});
  const nonce = randomBytes(16).toString('base64');
  if (!panel) {
    panel = window.createWebviewPanel('lockset.lockGraph', 'Lock Order Graph', ViewColumn.Beside, { enableScripts: true });
    panel.onDidDispose(() => { panel = undefined; });
    panel.webview.onDidReceiveMessage((m: Message) => {
      if (!shown) return;
      if (m.type === 'reveal') void reveal(shown.edges.filter((e) => e.from === m.id || e.to === m.id));
      else if (m.type === 'revealEdge') void reveal(shown.edges.filter((e) => e.from === m.from && e.to === m.to));
    });
  }
  const target = panel;
  // The layout is asynchronous: the panel may have been closed meanwhile.
  const html = await graphHtml(graph, nonce, target.webview.cspSource);
  if (panel !== target) return;
  shown = graph;
  target.webview.html = html;
  target.reveal();
}

async function reveal(edges: LockGraphEdge[]): Promise<void> {
  const witnesses = edges.flatMap((e) => e.witnesses);
  if (witnesses.length === 0) return;
  const first = witnesses[0].loc;
  const locations = witnesses.map((w) => new Location(Uri.parse(w.loc.uri), new Range(w.loc.line, w.loc.character, w.loc.endLine ?? w.loc.line, w.loc.endCharacter ?? w.loc.character)));
  await commands.executeCommand('editor.action.showReferences', Uri.parse(first.uri), new Position(first.line, first.character), locations);
}
