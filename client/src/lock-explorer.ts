// The Lock Explorer view: every lock class with its acquisitions, guards and problems.
import { EventEmitter, Range, ThemeIcon, TreeItem, TreeItemCollapsibleState, Uri, type TreeDataProvider } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LocksRequest } from '../../server/src/protocol';
import { lockTree, type TreeNode } from './tree-model';

export class LockExplorer implements TreeDataProvider<TreeNode> {
  private readonly changed = new EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly client: LanguageClient) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return node.children ?? [];
    if (!this.client.isRunning()) return [];
    return lockTree(await this.client.sendRequest(LocksRequest.type, {}));
  }

  getTreeItem(node: TreeNode): TreeItem {
    const item = new TreeItem(node.label, node.children?.length ? TreeItemCollapsibleState.Collapsed : TreeItemCollapsibleState.None);
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new ThemeIcon(node.icon);
    if (node.loc) {
      const range = new Range(node.loc.line, node.loc.character, node.loc.endLine ?? node.loc.line, node.loc.endCharacter ?? node.loc.character);
      item.command = { command: 'vscode.open', title: 'Open', arguments: [Uri.parse(node.loc.uri), { selection: range }] };
    }
    return item;
  }
}
