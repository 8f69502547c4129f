// The lock-order graph in a webview: the server's graph rendered as SVG, following the editor theme,
// under a strict Content-Security-Policy. Clicking a lock lists where it is taken while another is held.
import { randomBytes } from 'node:crypto';
import { Location, Position, Range, Uri, ViewColumn, commands, window, type WebviewPanel } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { toSvg } from '../../server/src/ide/svg';
import { LockGraphRequest, type LockGraph } from '../../server/src/protocol';

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

export function graphHtml(graph: LockGraph, nonce: string, cspSource: string): string {
  const cycles = graph.cycles.map((c) => `<li>${[...c, c[0]].map(escape).join(' → ')}</li>`).join('');
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); }
.node rect { fill: var(--vscode-editorWidget-background); stroke: var(--vscode-foreground); }
.node.cycle rect { stroke: var(--vscode-errorForeground); stroke-width: 2; }
.node { cursor: pointer; }
.edge { stroke: var(--vscode-foreground); fill: none; opacity: .7; }
.edge.cycle { stroke: var(--vscode-errorForeground); stroke-width: 2; opacity: 1; }
.edge.order { stroke: var(--vscode-editorWarning-foreground); }
text { fill: var(--vscode-foreground); font-size: 12px; }
</style></head><body>
<h3>Lock order</h3>
${graph.nodes.length ? toSvg(graph) : '<p>No lock is taken while another is held.</p>'}
${cycles ? `<h3>Cycles</h3><ul>${cycles}</ul>` : ''}
${graph.orders.length ? `<h3>Declared orders</h3><ul>${graph.orders.map((o) => `<li>${escape(o)}</li>`).join('')}</ul>` : ''}
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
for (const g of document.querySelectorAll('.node')) g.addEventListener('click', () => vscode.postMessage({ type: 'reveal', id: g.dataset.id }));
</script></body></html>`;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
