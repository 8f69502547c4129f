// The Goroutines view: a pasted or opened goroutine dump, read against the workspace by the server.
import { commands, env, EventEmitter, Range, ThemeIcon, TreeItem, TreeItemCollapsibleState, Uri, window, workspace, type Memento, type TreeDataProvider } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GoroutineDumpRequest } from '../../server/src/protocol';
import { Views } from './commands';
import { dumpTree, looksLikeDump, restoreDumpNodes, saveDumpNodes, type TreeNode } from './tree-model';

const SAVED_DUMP = 'lockset.goroutineDump';

export class GoroutineDumpView implements TreeDataProvider<TreeNode> {
  private nodes: TreeNode[];
  private readonly changed = new EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  /** The last dump read in this workspace is shown again after a window reload (kept in its workspace state). */
  constructor(private readonly state: Memento) {
    this.nodes = restoreDumpNodes(state.get(SAVED_DUMP));
  }

  show(nodes: TreeNode[]): void {
    this.nodes = nodes;
    this.changed.fire(undefined);
    void this.state.update(SAVED_DUMP, saveDumpNodes(nodes));
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return node ? node.children ?? [] : this.nodes;
  }

  getTreeItem(node: TreeNode): TreeItem {
    const state = node.children?.length ? (node.icon === 'debug-pause' && node.children[0]?.icon === 'debug-pause' ? TreeItemCollapsibleState.Expanded : TreeItemCollapsibleState.Collapsed) : TreeItemCollapsibleState.None;
    const item = new TreeItem(node.label, state);
    item.description = node.description;
    item.tooltip = node.tooltip ?? node.description;
    item.iconPath = new ThemeIcon(node.icon);
    if (node.loc) item.command = { command: 'vscode.open', title: 'Open', arguments: [Uri.parse(node.loc.uri), { selection: new Range(node.loc.line, node.loc.character, node.loc.line, node.loc.character) }] };
    return item;
  }
}

/** `lockset: Open Goroutine Dump`: from the active editor (when it holds a dump), the clipboard or a file. */
export async function openGoroutineDump(client: LanguageClient, view: GoroutineDumpView): Promise<void> {
  const editor = window.activeTextEditor;
  const fromEditor = editor && looksLikeDump(editor.document.getText()) ? editor.document : undefined;
  const items = [
    ...(fromEditor ? [{ label: 'From the active editor', description: workspace.asRelativePath(fromEditor.uri) }] : []),
    { label: 'From the clipboard' },
    { label: 'From a file…' },
  ];
  const from = await window.showQuickPick(items, { placeHolder: 'Read a goroutine dump (SIGQUIT or panic output)' });
  if (!from) return;
  let text: string;
  if (from.label === 'From the active editor' && fromEditor) {
    text = fromEditor.getText();
  } else if (from.label.startsWith('From a file')) {
    const picked = await window.showOpenDialog({ canSelectMany: false, openLabel: 'Read dump' });
    if (!picked?.[0]) return;
    text = new TextDecoder().decode(await workspace.fs.readFile(picked[0]));
  } else {
    text = await env.clipboard.readText();
  }
  const result = await client.sendRequest(GoroutineDumpRequest.type, { text });
  if (result.groups.length === 0) {
    void window.showWarningMessage('lockset: no goroutines found in that text. Paste the output of a Go panic or of kill -QUIT.');
    return;
  }
  view.show(dumpTree(result));
  await commands.executeCommand(`${Views.goroutines}.focus`);
  if (result.deadlocks.length) void window.showWarningMessage(`lockset: deadlock: ${result.deadlocks[0].text}`);
}
