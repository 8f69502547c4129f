// The lock-order graph in a webview, following the editor theme, under a strict Content-Security-Policy. It opens
// on what the command was run from (the cycle of a finding, the lock under the cursor), with the whole graph one
// click away. The extension keeps the graph and the view's state, lays each view out and sends it as SVG; a click
// on a lock or an edge lists its sites in the panel's side list, and a click on a site opens it in an editor.
import { randomBytes } from 'node:crypto';
import { Range, Uri, ViewColumn, window, type TextEditor, type WebviewPanel } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { graphView, matchLocks, type Site } from '../../server/src/ide/graph-view';
import { LockGraphRequest, type LockGraph, type LockGraphParams, type Loc } from '../../server/src/protocol';
import { graphPage, renderMessage, sitesList, type PanelState, type Selection } from './graph-panel-html';

type Message =
  | { type: 'ready' | 'whole' }
  | { type: 'select'; node?: string; from?: string; to?: string }
  | { type: 'open'; index: number }
  | { type: 'focus' | 'collapse' | 'expand'; arg: string }
  | { type: 'find'; text: string }
  | { type: 'cyclesOnly'; value: boolean };

/** Where the command was run from: a diagnostic's start (the code action passes it) or the active editor's cursor. */
export interface GraphOrigin { uri: string; line: number; character: number }

let panel: WebviewPanel | undefined;
let full: LockGraph = { nodes: [], edges: [], cycles: [], orders: [] };
let state: PanelState = { depth: 1, cyclesOnly: false, collapsed: [] };
let selection: Selection | undefined;
/** The sites of the side list, by index, for its clicks. */
let sites: Site<Loc>[] = [];
/** Views are laid out asynchronously: only the latest one is shown. */
let renders = 0;

export async function showLockGraph(client: LanguageClient, origin?: GraphOrigin): Promise<void> {
  const at = origin ?? cursorOf(window.activeTextEditor);
  const params: LockGraphParams = at ? { textDocument: { uri: at.uri }, position: { line: at.line, character: at.character } } : {};
  full = await client.sendRequest(LockGraphRequest.type, params);
  const focus = full.focus?.locks ?? [];
  // A finding's cycle is shown alone, a lock with its neighbours.
  state = { focus: focus.length ? focus : undefined, depth: full.focus?.why === 'finding' ? 0 : 1, cyclesOnly: false, collapsed: [] };
  selection = !focus.length ? undefined : full.focus?.why === 'finding' && focus.length > 1 ? { locks: focus } : { node: focus[0] };
  if (!panel) {
    panel = window.createWebviewPanel('lockset.lockGraph', 'Lock Order Graph', ViewColumn.Beside, { enableScripts: true, retainContextWhenHidden: true });
    panel.onDidDispose(() => { panel = undefined; });
    panel.webview.onDidReceiveMessage((m: Message) => { void handle(m); });
    const nonce = randomBytes(16).toString('base64');
    // The page asks for its first view once its script runs ('ready').
    panel.webview.html = graphPage(nonce, panel.webview.cspSource);
  } else {
    panel.reveal();
    await refresh();
  }
}

function cursorOf(editor: TextEditor | undefined): GraphOrigin | undefined {
  if (!editor) return undefined;
  const p = editor.selection.active;
  return { uri: editor.document.uri.toString(), line: p.line, character: p.character };
}

async function handle(m: Message): Promise<void> {
  switch (m.type) {
    case 'ready': return refresh();
    case 'select':
      selection = m.node !== undefined ? { node: m.node } : { from: m.from ?? '', to: m.to ?? '' };
      return postSites();
    case 'open': return open(sites[m.index]);
    case 'focus':
      state = { ...state, focus: [m.arg], depth: 1 };
      return refresh();
    case 'collapse':
      if (!state.collapsed.includes(m.arg)) state = { ...state, collapsed: [...state.collapsed, m.arg] };
      selection = undefined;
      return refresh();
    case 'expand':
      state = { ...state, collapsed: state.collapsed.filter((p) => p !== m.arg) };
      selection = undefined;
      return refresh();
    case 'whole':
      state = { ...state, focus: undefined };
      return refresh();
    case 'cyclesOnly':
      state = { ...state, cyclesOnly: m.value };
      return refresh();
    case 'find': {
      const id = matchLocks(full, m.text)[0];
      if (!id) { void panel?.webview.postMessage({ type: 'status', text: `No lock matches "${m.text.trim()}"` }); return; }
      // A lock the filter hides is found all the same: the filter goes.
      const cyclesOnly = state.cyclesOnly && graphView(full, { cyclesOnly: true }).nodes.some((n) => n.id === id);
      state = { ...state, focus: [id], depth: 1, cyclesOnly, collapsed: state.collapsed.filter((p) => p !== full.nodes.find((n) => n.id === id)?.pkg) };
      selection = { node: id };
      return refresh();
    }
  }
}

/** Lays out and sends the view, then the side list. */
async function refresh(): Promise<void> {
  const target = panel, n = ++renders;
  if (!target) return;
  const message = await renderMessage(full, state);
  if (panel !== target || n !== renders) return;
  await target.webview.postMessage(message);
  await postSites();
}

async function postSites(): Promise<void> {
  if (!panel) return;
  const list = selection && sitesList(full, graphView(full, state), selection, state);
  if (!list) {
    sites = [];
    await panel.webview.postMessage({ type: 'sites', html: '<p>Click a lock or an edge to list its sites.</p>' });
    return;
  }
  sites = list.sites;
  await panel.webview.postMessage({ type: 'sites', html: list.html, selected: selection });
}

/** Opens a site in an editor group that shows a file beside the panel, or in a new one beside it: never in the panel's place. */
async function open(site: Site<Loc> | undefined): Promise<void> {
  if (!site) return;
  const l = site.loc;
  const column = window.visibleTextEditors.find((e) => e.viewColumn !== undefined && e.viewColumn !== panel?.viewColumn)?.viewColumn ?? ViewColumn.Beside;
  await window.showTextDocument(Uri.parse(l.uri), { viewColumn: column, selection: new Range(l.line, l.character, l.endLine ?? l.line, l.endCharacter ?? l.character) });
}
