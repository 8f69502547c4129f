// The lock graph page, as a pure function of the graph (no vscode import, so it is testable in Node).
import { toSvg } from '../../server/src/ide/svg';
import type { LockGraph } from '../../server/src/protocol';

/** The page: the graph laid out by ELK (hence async), its cycles and the declared orders. */
export async function graphHtml(graph: LockGraph, nonce: string, cspSource: string): Promise<string> {
  const cycles = graph.cycles.map((c) => `<li>${[...c, c[0]].map(escape).join(' → ')}</li>`).join('');
  const svg = graph.nodes.length ? await toSvg(graph) : '<p>No lock is taken while another is held.</p>';
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); }
.node rect { fill: var(--vscode-editorWidget-background); stroke: var(--vscode-foreground); }
.node.cycle rect { stroke: var(--vscode-errorForeground); stroke-width: 2; }
.node, .link { cursor: pointer; }
.edge { stroke: var(--vscode-foreground); fill: none; opacity: .7; }
.edge.order { stroke: var(--vscode-editorWarning-foreground); opacity: 1; }
.edge.cycle { stroke: var(--vscode-errorForeground); stroke-width: 2; opacity: 1; }
.arrowhead { fill: var(--vscode-foreground); opacity: .7; }
.arrowhead.order { fill: var(--vscode-editorWarning-foreground); opacity: 1; }
.arrowhead.cycle { fill: var(--vscode-errorForeground); opacity: 1; }
.link:hover .edge { stroke-width: 3; }
text { fill: var(--vscode-foreground); font-size: 12px; }
</style></head><body>
<h3>Lock order</h3>
${svg}
${cycles ? `<h3>Cycles</h3><ul>${cycles}</ul>` : ''}
${graph.orders.length ? `<h3>Declared orders</h3><ul>${graph.orders.map((o) => `<li>${escape(o)}</li>`).join('')}</ul>` : ''}
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
for (const g of document.querySelectorAll('.node')) g.addEventListener('click', () => vscode.postMessage({ type: 'reveal', id: g.dataset.id }));
for (const g of document.querySelectorAll('.link')) g.addEventListener('click', () => vscode.postMessage({ type: 'revealEdge', from: g.dataset.from, to: g.dataset.to }));
</script></body></html>`;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
