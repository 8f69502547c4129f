// Pure functions that turn the server's lock inventory into tree nodes for the Lock Explorer.
// No vscode import here, so the logic is testable with plain Node.
import type { LockInfo, Loc } from '../../server/src/protocol';

export interface TreeNode {
  label: string;
  description?: string;
  tooltip?: string;
  icon: 'lock' | 'error' | 'location' | 'shield' | 'list-ordered' | 'symbol-field';
  loc?: Loc;
  children?: TreeNode[];
}

function place(loc: Loc): string {
  const file = decodeURIComponent(loc.uri.slice(loc.uri.lastIndexOf('/') + 1));
  return `${file}:${loc.line + 1}`;
}

export function lockTree(locks: LockInfo[]): TreeNode[] {
  return locks.map((l) => {
    const facts = [l.kind, `${l.acquisitions.length} site${l.acquisitions.length === 1 ? '' : 's'}`];
    if (l.inCycle) facts.push('in a lock-order cycle');
    if (l.problems) facts.push(`${l.problems} problem${l.problems === 1 ? '' : 's'}`);
    const children: TreeNode[] = [];
    if (l.declared) children.push({ label: 'declared', description: place(l.declared), icon: 'symbol-field', loc: l.declared });
    if (l.order) children.push({ label: 'order', description: l.order, icon: 'list-ordered' });
    if (l.acquisitions.length) {
      children.push({
        label: 'taken in', description: String(l.acquisitions.length), icon: 'location',
        children: l.acquisitions.map((a) => ({ label: a.fn, description: `${place(a.loc)}${a.mode === 'read' ? ' (read)' : ''}`, icon: 'location', loc: a.loc })),
      });
    }
    if (l.guards.length) {
      children.push({ label: 'guards', description: String(l.guards.length), icon: 'shield', children: l.guards.map((g) => ({ label: g.name, description: g.source, icon: 'shield' })) });
    }
    return {
      label: l.cls,
      description: facts.join(' · '),
      tooltip: `${l.cls}: ${facts.join(', ')}`,
      icon: l.inCycle || l.problems ? 'error' : 'lock',
      loc: l.declared ?? l.acquisitions[0]?.loc,
      children,
    };
  });
}

/** The status bar text: indexing progress, or the number of lock problems. */
export function statusText(s: { state: 'indexing' | 'idle'; done: number; total: number; problems: number }): string {
  if (s.state === 'indexing') return `$(sync~spin) lockset: indexing ${s.done}/${s.total}`;
  return s.problems ? `$(lock) ${s.problems} lock issue${s.problems === 1 ? '' : 's'}` : '$(lock) lockset';
}
