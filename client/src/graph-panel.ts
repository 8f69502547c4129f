// The lock-order graph in a webview: the server's graph rendered as SVG, following the editor theme,
// under a strict Content-Security-Policy. Clicking a lock lists where it is taken while another is held.
import { randomBytes } from 'node:crypto';
import { Location, Position, Range, Uri, ViewColumn, commands, window, type WebviewPanel } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LockGraphRequest, type LockGraph } from '../../server/src/protocol';
import { graphHtml } from './graph-panel-html';

let panel: WebviewPanel | undefined;

export async function showLockGraph(client: LanguageClient): Promise<void> {
  const graph = await client.sendRequest(LockGraphRequest.type, {});
  if (!panel) {
    panel = window.createWebviewPanel('lockset.lockGraph', 'Lock Order Graph', ViewColumn.Beside, { enableScripts: true });
    panel.onDidDispose(() => { panel = undefined; });
    panel.webview.onDidReceiveMessage((m: { type: string; id: string }) => {
      if (m.type === 'reveal') void reveal(graph, m.id);
    });
  }
  panel.webview.html = graphHtml(graph, randomBytes(16).toString('base64'), panel.webview.cspSource);
  panel.reveal();
}

async function reveal(graph: LockGraph, id: string): Promise<void> {
  const witnesses = graph.edges.filter((e) => e.from === id || e.to === id).flatMap((e) => e.witnesses);
  if (witnesses.length === 0) return;
  const first = witnesses[0].loc;
  const locations = witnesses.map((w) => new Location(Uri.parse(w.loc.uri), new Range(w.loc.line, w.loc.character, w.loc.endLine ?? w.loc.line, w.loc.endCharacter ?? w.loc.character)));
  await commands.executeCommand('editor.action.showReferences', Uri.parse(first.uri), new Position(first.line, first.character), locations);
}
