// Pure functions that turn the server's lock inventory into tree nodes for the Lock Explorer.
// No vscode import here, so the logic is testable with plain Node.
import type { DumpView, LockInfo, LockProblem, Loc } from '../../server/src/protocol';

export interface TreeNode {
  label: string;
  description?: string;
  tooltip?: string;
  icon: 'lock' | 'package' | 'error' | 'warning' | 'location' | 'shield' | 'list-ordered' | 'symbol-field' | 'debug-stackframe' | 'debug-pause' | 'info';
  loc?: Loc;
  children?: TreeNode[];
}

function place(loc: Loc): string {
  const file = decodeURIComponent(loc.uri.slice(loc.uri.lastIndexOf('/') + 1));
  return `${file}:${loc.line + 1}`;
}

/** The Lock Explorer's tree: by package when the workspace has several, then by lock class. */
export function lockTree(locks: LockInfo[]): TreeNode[] {
  const pkgs = [...new Set(locks.map((l) => l.pkg))].sort();
  if (pkgs.length <= 1) return lockNodes(locks);
  return pkgs.map((pkg) => {
    const mine = locks.filter((l) => l.pkg === pkg);
    const bad = mine.filter((l) => l.inCycle || l.problems.length).length;
    return {
      label: pkg,
      description: `${mine.length} lock${mine.length === 1 ? '' : 's'}${bad ? ` · ${bad} with problems` : ''}`,
      icon: bad ? 'error' : 'package',
      children: lockNodes(mine),
    };
  });
}

function lockNodes(locks: LockInfo[]): TreeNode[] {
  return locks.map((l) => {
    const facts = [l.kind, `${l.acquisitions.length} site${l.acquisitions.length === 1 ? '' : 's'}`];
    if (l.inCycle) facts.push('in a lock-order cycle');
    const n = l.problems.length;
    if (n) facts.push(`${n} problem${n === 1 ? '' : 's'}`);
    const children: TreeNode[] = [];
    // What is wrong comes first: the findings that name this lock, each opening its place.
    if (n) children.push({ label: `Problems (${n})`, icon: 'error', children: l.problems.map(problemNode) });
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
      icon: l.inCycle || n ? 'error' : 'lock',
      loc: l.declared ?? l.acquisitions[0]?.loc,
      children,
    };
  });
}

const SEVERITY_ICONS: Record<LockProblem['severity'], TreeNode['icon']> = { error: 'error', warning: 'warning', information: 'info', hint: 'info' };

/** A finding under its lock: the message's first line, the check and the place; the whole message as tooltip. */
function problemNode(p: LockProblem): TreeNode {
  return { label: p.message.split('\n')[0], description: `${p.code} · ${place(p.loc)}`, tooltip: p.message, icon: SEVERITY_ICONS[p.severity] ?? 'info', loc: p.loc };
}

/** The status bar text: indexing progress, or the problems by severity, as many as the Problems panel lists. */
export function statusText(s: { state: 'indexing' | 'idle'; done: number; total: number; errors: number; warnings: number; info: number }): string {
  // Before the package count is known (the files are being read), a count of 0/0 would look stuck.
  if (s.state === 'indexing') return s.total > 0 ? `$(sync~spin) lockset: indexing ${s.done}/${s.total}` : '$(sync~spin) lockset: reading files';
  const parts = [plural(s.errors, 'error'), plural(s.warnings, 'warning'), s.info ? `${s.info} info` : ''].filter(Boolean);
  return parts.length ? `$(lock) ${parts.join(', ')}` : '$(lock) lockset';
}

function plural(n: number, word: string): string {
  return n ? `${n} ${word}${n === 1 ? '' : 's'}` : '';
}

/**
 * Whether text looks like a Go goroutine dump: it has a goroutine header, `goroutine 5 [semacquire]:` or
 * (Go 1.22+) `goroutine 5 gp=0xc000007340 m=nil [sync.Mutex.Lock, 5 minutes]:`, possibly after a log prefix.
 */
export function looksLikeDump(text: string): boolean {
  return /(?:^|\s)goroutine \d+ (?:[a-z]+=\S* )*\[[^\]\n]*\]:/m.test(text);
}

/** `example.com/minivm/vmm.(*VM).Kill` → `vmm.(*VM).Kill`: the side bar is narrow; the full name is the tooltip. */
export function shortFunc(func: string): string {
  return func.slice(func.lastIndexOf('/', func.indexOf('.', func.lastIndexOf('/') + 1)) + 1);
}

/** A goroutine dump as a tree: deadlocks first, then goroutines grouped by what they wait on, then frames. */
export function dumpTree(view: DumpView): TreeNode[] {
  const out: TreeNode[] = [];
  if (view.preamble.length) out.push({ label: view.preamble[0], description: view.preamble.slice(1).join(' '), icon: 'info' });
  for (const d of view.deadlocks) {
    out.push({ label: `deadlock: goroutines ${d.goroutines.join(', ')}`, description: d.locks.join(' ⇄ '), tooltip: d.text, icon: 'error' });
  }
  for (const g of view.groups) {
    out.push({
      label: g.key, description: `${g.goroutines.length} goroutine${g.goroutines.length === 1 ? '' : 's'}`, icon: 'debug-pause',
      children: g.goroutines.map((r) => {
        const first = r.frames.find((f) => f.loc);
        // What the goroutine holds: the locks held at any of its frames (a caller's frame holds what it took before the call).
        const holds = [...new Set(r.frames.flatMap((f) => f.held))];
        return {
          label: `goroutine ${r.id}`,
          description: [r.state, r.waitsFor ? `waits for ${r.waitsFor}` : '', holds.length ? `holds ${holds.join(', ')}` : ''].filter(Boolean).join(' · '),
          icon: 'debug-pause' as const,
          loc: first?.loc,
          children: r.frames.map((f) => ({
            label: shortFunc(f.func),
            tooltip: f.func,
            description: `${f.dumpPath.slice(f.dumpPath.lastIndexOf('/') + 1)}:${f.line}${f.held.length ? ` · holds ${f.held.join(', ')}` : ''}${f.loc ? '' : ' (not in the workspace)'}`,
            icon: 'debug-stackframe' as const,
            loc: f.loc,
          })),
        };
      }),
    });
  }
  if (view.total) out.push({ label: `${view.mapped} of ${view.total} frames found in the workspace`, icon: 'info' });
  return out;
}

/** The most a saved dump view may weigh in the workspace state (a dump of thousands of goroutines is not kept). */
export const MAX_SAVED_DUMP_CHARS = 2_000_000;

/** The dump view as kept across window reloads: its nodes as JSON, or undefined when too big to keep. */
export function saveDumpNodes(nodes: TreeNode[]): string | undefined {
  const json = JSON.stringify(nodes);
  return json.length <= MAX_SAVED_DUMP_CHARS ? json : undefined;
}

/** The nodes saved by saveDumpNodes, or none when what was saved is not such a list (another version's, damaged). */
export function restoreDumpNodes(saved: unknown): TreeNode[] {
  if (typeof saved !== 'string') return [];
  try {
    const nodes = JSON.parse(saved) as unknown;
    const ok = (n: unknown): boolean => !!n && typeof n === 'object' && typeof (n as TreeNode).label === 'string' && typeof (n as TreeNode).icon === 'string'
      && ((n as TreeNode).children === undefined || (Array.isArray((n as TreeNode).children) && (n as TreeNode).children!.every(ok)));
    return Array.isArray(nodes) && nodes.every(ok) ? nodes as TreeNode[] : [];
  } catch {
    return [];
  }
}
