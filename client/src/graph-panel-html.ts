// The lock graph page and what the extension sends it, as pure functions (no vscode import, so they are testable
// in Node). The page is a shell: a toolbar (search, filter, zoom), the graph and a side list. The extension lays
// out each view (ELK) and sends it as SVG; the page's script only zooms, pans and passes clicks back.
import { graphView, packageNodeId, sitesOf, type Site } from '../../server/src/ide/graph-view';
import { shortLoc, toSvg } from '../../server/src/ide/svg';
import type { LockGraph, Loc } from '../../server/src/protocol';

/** What the panel shows of the whole graph. */
export interface PanelState {
  /** The locks the view is centred on, or none for the whole graph. */
  focus?: string[];
  depth: number;
  cyclesOnly: boolean;
  collapsed: string[];
}

/** What the side list is about: a lock (or a package's node), an edge, or the edges among some locks (a cycle). */
export type Selection = { node: string } | { from: string; to: string } | { locks: string[] };

export interface RenderMessage {
  type: 'render';
  /** The view as SVG, or a paragraph saying why it is empty. */
  svg: string;
  /** "Around VM.lock: 5 of 52 locks", ... */
  status: string;
  /** Every lock of the whole graph, for the search box's suggestions. */
  ids: string[];
  cyclesOnly: boolean;
  focused: boolean;
  /** The view's cycles and the declared orders. */
  info: string;
}

/** The graph of a state, laid out and drawn, with the status line and the cycles. */
export async function renderMessage(full: LockGraph, state: PanelState): Promise<RenderMessage> {
  const view = graphView(full, state);
  const focus = (state.focus ?? []).map((id) => {
    const pkg = full.nodes.find((n) => n.id === id)?.pkg;
    return pkg !== undefined && state.collapsed.includes(pkg) ? packageNodeId(pkg) : id;
  });
  const empty = full.nodes.length === 0 ? 'No lock is taken while another is held.' : state.cyclesOnly ? 'No cycle and no lock taken against a declared order here.' : 'Nothing to show.';
  const svg = view.nodes.length ? await toSvg(view, { focus }) : `<p class="empty">${escape(empty)}</p>`;
  const cycles = view.cycles.map((c) => `<li>${[...c, c[0]].map(escape).join(' → ')}</li>`).join('');
  const info = (cycles ? `<h3>Cycles</h3><ul>${cycles}</ul>` : '') +
    (full.orders.length ? `<h3>Declared orders</h3><ul>${full.orders.map((o) => `<li>${escape(o)}</li>`).join('')}</ul>` : '');
  return { type: 'render', svg, status: statusLine(full, view, state), ids: full.nodes.map((n) => n.id).sort(), cyclesOnly: state.cyclesOnly, focused: !!state.focus?.length, info };
}

/** "Around VM.lock: 5 of 52 locks", "Cycles and order violations: 2 of 52 locks", "All 52 locks". */
export function statusLine(full: LockGraph, view: LockGraph, state: PanelState): string {
  const all = full.nodes.length;
  const locks = (n: number) => `${n} lock${n === 1 ? '' : 's'}`;
  const shown = view.nodes.reduce((n, x) => n + (x.kind === 'package' ? x.locks ?? 1 : 1), 0);
  const what = [
    state.focus?.length ? `Around ${state.focus.join(', ')}` : '',
    state.cyclesOnly ? 'cycles and order violations' : '',
  ].filter(Boolean).join(', ');
  const packages = state.collapsed.length ? ` · collapsed: ${state.collapsed.join(', ')}` : '';
  if (!what) return `All ${locks(all)}${packages}`;
  return `${what[0].toUpperCase()}${what.slice(1)}: ${shown} of ${locks(all)}${packages}`;
}

/**
 * The sites of a selection and what can be done with it, for the side list (`sites` is what a click opens, by
 * index), or undefined when the view no longer has the selected lock or edge.
 */
export function sitesList(full: LockGraph, view: LockGraph, sel: Selection, state: PanelState): { html: string; sites: Site<Loc>[] } | undefined {
  if ('node' in sel && !view.nodes.some((n) => n.id === sel.node)) return undefined;
  if ('from' in sel && !view.edges.some((e) => e.from === sel.from && e.to === sel.to)) return undefined;
  const sites = 'locks' in sel
    ? view.edges.filter((e) => sel.locks.includes(e.from) && sel.locks.includes(e.to)).flatMap((e) => sitesOf(view, e))
    : sitesOf(view, sel);
  const count = `${sites.length} site${sites.length === 1 ? '' : 's'}`;
  let title: string;
  const actions: string[] = [];
  if ('node' in sel) {
    const node = view.nodes.find((n) => n.id === sel.node) ?? full.nodes.find((n) => n.id === sel.node);
    title = node?.kind === 'package' ? `package ${node.pkg}` : sel.node;
    if (node?.kind === 'package') actions.push(button('expand', node.pkg ?? '', `Expand package ${node.pkg}`));
    else {
      if (!(state.focus?.length === 1 && state.focus[0] === sel.node)) actions.push(button('focus', sel.node, 'Show its neighbourhood'));
      if (node?.pkg) actions.push(button('collapse', node.pkg, `Collapse package ${node.pkg}`));
    }
  } else if ('from' in sel) title = `${sel.from} → ${sel.to}`;
  else title = `Cycle ${[...sel.locks, sel.locks[0]].join(' → ')}`;
  const items = sites.map((s, i) => `<li><button class="site" data-site="${i}" title="${escape(s.loc.uri)}">${escape(shortLoc(s.loc))}</button> ${escape(s.message)}</li>`).join('');
  const html = `<h3>${escape(title)}</h3><p class="count">${count}${actions.length ? ' ' + actions.join(' ') : ''}</p>${items ? `<ol>${items}</ol>` : ''}`;
  return { html, sites };
}

function button(action: string, arg: string, label: string): string {
  return `<button class="action" data-action="${action}" data-arg="${escape(arg)}">${escape(label)}</button>`;
}

/**
 * The page: a toolbar, the stage the graph is drawn on and a side list, under a strict Content-Security-Policy
 * (nothing loads from anywhere; the one script and style carry the nonce; no style attributes).
 */
export function graphPage(nonce: string, cspSource: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
html, body { height: 100%; margin: 0; padding: 0; overflow: hidden; }
body { display: flex; flex-direction: column; color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: 13px; }
#toolbar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 6px 8px; border-bottom: 1px solid var(--vscode-panel-border); }
#toolbar input[type=search] { width: 220px; color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); padding: 3px 6px; }
button { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: none; padding: 3px 8px; cursor: pointer; font: inherit; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button:disabled { opacity: .5; cursor: default; }
#status { opacity: .8; margin-left: 4px; }
#main { flex: 1; display: flex; min-height: 0; }
#stage { flex: 1; min-width: 0; position: relative; overflow: hidden; cursor: grab; }
#stage.panning { cursor: grabbing; }
#stage svg { width: 100%; height: 100%; display: block; }
#side { width: 320px; overflow: auto; padding: 0 10px; border-left: 1px solid var(--vscode-panel-border); }
#side ol, #side ul { padding-left: 18px; }
#side li { margin: 4px 0; }
button.site { color: var(--vscode-textLink-foreground); background: none; padding: 0; text-decoration: underline; }
.empty { padding: 16px; }
.node rect { fill: var(--vscode-editorWidget-background, #f5f5f5); stroke: var(--vscode-foreground, #555); }
.node.cycle rect { stroke: var(--vscode-errorForeground, #d00); stroke-width: 2; }
.node.package rect { stroke-dasharray: 4 2; }
.node.focus rect { stroke-width: 3; }
.node.selected rect, .link.selected .edge { stroke: var(--vscode-focusBorder, #0078d4); stroke-width: 3; }
.node, .link { cursor: pointer; }
.edge { stroke: var(--vscode-foreground, #555); fill: none; opacity: .7; }
.edge.order { stroke: var(--vscode-editorWarning-foreground, #e80); opacity: 1; }
.edge.cycle { stroke: var(--vscode-errorForeground, #d00); stroke-width: 2; opacity: 1; }
.arrowhead { fill: var(--vscode-foreground, #555); opacity: .7; }
.arrowhead.order { fill: var(--vscode-editorWarning-foreground, #e80); opacity: 1; }
.arrowhead.cycle { fill: var(--vscode-errorForeground, #d00); opacity: 1; }
.link:hover .edge { stroke-width: 3; }
text { fill: var(--vscode-foreground, #222); font-size: 12px; }
text.edge-label { font-size: 10px; opacity: .85; }
</style></head><body>
<div id="toolbar">
<input id="search" type="search" list="locks" placeholder="Find a lock" aria-label="Find a lock"><datalist id="locks"></datalist>
<label><input id="cycles" type="checkbox"> Cycles and violations only</label>
<button id="whole" title="Show every lock">Whole graph</button>
<button id="zoom-out" title="Zoom out">−</button><button id="zoom-in" title="Zoom in">+</button><button id="fit" title="Fit the graph to the panel">Fit</button>
<span id="status"></span>
</div>
<div id="main"><div id="stage"></div><aside id="side"><div id="sites"><p>Click a lock or an edge to list its sites.</p></div><div id="info"></div></aside></div>
<script nonce="${nonce}">${SCRIPT}</script></body></html>`;
}

/** The page's script: zoom, pan and fit by the SVG's viewBox; every other action is a message to the extension. */
const SCRIPT = `
const vscode = acquireVsCodeApi();
const $ = (id) => document.getElementById(id);
const stage = $('stage');
let full = null, box = null, drag = null;
const svg = () => stage.querySelector('svg');
const show = () => { const s = svg(); if (s && box) s.setAttribute('viewBox', box.map((v) => Math.round(v * 10) / 10).join(' ')); };
// Fit: the whole graph in the stage, but never drawn larger than its natural size (a view of two locks would be huge).
const fit = () => {
  if (!full) return;
  const w = Math.max(full[2], stage.clientWidth), h = Math.max(full[3], stage.clientHeight);
  const k = Math.max(full[2] / stage.clientWidth, full[3] / stage.clientHeight, 1);
  box = k > 1 ? full.slice() : [full[0] - (w - full[2]) / 2, full[1] - (h - full[3]) / 2, w, h];
  show();
};
const point = (x, y) => { const s = svg(), m = s.getScreenCTM().inverse(); const p = s.createSVGPoint(); p.x = x; p.y = y; return p.matrixTransform(m); };
function zoom(f, at) {
  if (!box) return;
  const w = box[2] * f;
  if (w < 40 || w > full[2] * 8) return;
  const c = at || { x: box[0] + box[2] / 2, y: box[1] + box[3] / 2 };
  box = [c.x - (c.x - box[0]) * f, c.y - (c.y - box[1]) * f, w, box[3] * f];
  show();
}
window.addEventListener('message', (ev) => {
  const m = ev.data;
  if (m.type === 'render') {
    stage.innerHTML = m.svg;
    const s = svg();
    full = null;
    if (s) { s.removeAttribute('width'); s.removeAttribute('height'); full = s.getAttribute('viewBox').split(' ').map(Number); }
    fit();
    $('status').textContent = m.status;
    $('cycles').checked = m.cyclesOnly;
    $('whole').disabled = !m.focused;
    $('info').innerHTML = m.info;
    const list = $('locks');
    if (list.childElementCount !== m.ids.length) list.replaceChildren(...m.ids.map((id) => { const o = document.createElement('option'); o.value = id; return o; }));
  } else if (m.type === 'sites') {
    $('sites').innerHTML = m.html;
    for (const e of stage.querySelectorAll('.selected')) e.classList.remove('selected');
    const sel = m.selected || {};
    for (const e of stage.querySelectorAll('.node, .link')) {
      if ((sel.node !== undefined && e.dataset.id === sel.node) || (sel.from !== undefined && e.dataset.from === sel.from && e.dataset.to === sel.to)) e.classList.add('selected');
    }
  } else if (m.type === 'status') $('status').textContent = m.text;
});
stage.addEventListener('wheel', (ev) => { ev.preventDefault(); if (svg()) zoom(ev.deltaY > 0 ? 1.2 : 1 / 1.2, point(ev.clientX, ev.clientY)); }, { passive: false });
stage.addEventListener('pointerdown', (ev) => { if (!box || ev.button !== 0) return; drag = { x: ev.clientX, y: ev.clientY, box: box.slice(), moved: false }; });
stage.addEventListener('pointermove', (ev) => {
  if (!drag) return;
  const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
  if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
  if (!drag.moved) { drag.moved = true; stage.setPointerCapture(ev.pointerId); stage.classList.add('panning'); }
  const k = 1 / svg().getScreenCTM().a;
  box = [drag.box[0] - dx * k, drag.box[1] - dy * k, box[2], box[3]];
  show();
});
const endDrag = () => { stage.classList.remove('panning'); setTimeout(() => { drag = null; }, 0); };
stage.addEventListener('pointerup', endDrag);
stage.addEventListener('pointercancel', endDrag);
stage.addEventListener('click', (ev) => {
  if (drag && drag.moved) return;
  const node = ev.target.closest('.node'), link = ev.target.closest('.link');
  if (node) vscode.postMessage({ type: 'select', node: node.dataset.id });
  else if (link) vscode.postMessage({ type: 'select', from: link.dataset.from, to: link.dataset.to });
});
$('side').addEventListener('click', (ev) => {
  const b = ev.target.closest('button');
  if (!b) return;
  if (b.dataset.site !== undefined) vscode.postMessage({ type: 'open', index: Number(b.dataset.site) });
  else if (b.dataset.action) vscode.postMessage({ type: b.dataset.action, arg: b.dataset.arg });
});
$('search').addEventListener('keydown', (ev) => { if (ev.key === 'Enter' && ev.target.value.trim()) vscode.postMessage({ type: 'find', text: ev.target.value }); });
// A suggestion picked from the list is an input of its own kind: find it at once.
$('search').addEventListener('input', (ev) => { if ((ev.inputType === undefined || ev.inputType === 'insertReplacementText') && ev.target.value.trim()) vscode.postMessage({ type: 'find', text: ev.target.value }); });
$('cycles').addEventListener('change', (ev) => vscode.postMessage({ type: 'cyclesOnly', value: ev.target.checked }));
$('whole').addEventListener('click', () => vscode.postMessage({ type: 'whole' }));
$('zoom-in').addEventListener('click', () => zoom(1 / 1.25));
$('zoom-out').addEventListener('click', () => zoom(1.25));
$('fit').addEventListener('click', fit);
vscode.postMessage({ type: 'ready' });
`;

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
