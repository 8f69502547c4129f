import type { LockGraph } from '../protocol';

const NODE_W = 170, NODE_H = 34, GAP_X = 80, GAP_Y = 28, PAD = 20, TOP = 40;

/**
 * A self-contained SVG of the lock-order graph, laid out in layers (a lock's layer is the longest chain of
 * locks taken before it; cycle edges are ignored for layering). Colours come from CSS classes, so a webview
 * can follow the editor theme; a standalone file gets readable defaults.
 */
export function toSvg(g: LockGraph, opts: { standalone?: boolean } = {}): string {
  const ids = g.nodes.map((n) => n.id).sort();
  const out = new Map<string, string[]>();
  for (const e of g.edges) if (!e.inCycle) (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e.to);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    if (layer.has(id)) return layer.get(id)!;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const preds = g.edges.filter((e) => e.to === id && !e.inCycle).map((e) => e.from);
    const d = preds.length ? Math.max(...preds.map(depth)) + 1 : 0;
    visiting.delete(id);
    layer.set(id, d);
    return d;
  };
  ids.forEach(depth);
  const columns = new Map<number, string[]>();
  for (const id of ids) (columns.get(layer.get(id)!) ?? columns.set(layer.get(id)!, []).get(layer.get(id)!)!).push(id);
  const pos = new Map<string, { x: number; y: number }>();
  for (const [col, list] of columns) list.forEach((id, row) => pos.set(id, { x: PAD + col * (NODE_W + GAP_X), y: TOP + row * (NODE_H + GAP_Y) }));
  const width = PAD * 2 + Math.max(1, columns.size) * (NODE_W + GAP_X) - GAP_X;
  const height = TOP + PAD + 40 + Math.max(1, ...[...columns.values()].map((l) => l.length)) * (NODE_H + GAP_Y) - GAP_Y;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" class="lockset-graph">`);
  if (opts.standalone) {
    parts.push('<style>.lockset-graph{font-family:Helvetica,Arial,sans-serif;font-size:12px;background:#fff;color:#222}.node rect{fill:#f5f5f5;stroke:#555}.node.cycle rect{stroke:#d00;stroke-width:2}.edge{stroke:#555;fill:none}.edge.cycle{stroke:#d00;stroke-width:2}.edge.order{stroke:#e80}text{fill:#222}</style>');
  }
  parts.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke"/></marker></defs>');
  for (const e of g.edges) {
    const a = pos.get(e.from), b = pos.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2;
    const back = x2 <= x1;
    // An edge that skips columns arcs over the nodes between, so it never seems to enter one of them.
    const long = !back && x2 - x1 > GAP_X + 1;
    const d = long
      ? `M ${a.x + NODE_W / 2} ${a.y} C ${a.x + NODE_W / 2} ${TOP - 35}, ${b.x + NODE_W / 2} ${TOP - 35}, ${b.x + NODE_W / 2} ${b.y}`
      : back
      ? `M ${a.x + NODE_W / 2} ${a.y + NODE_H} C ${a.x + NODE_W / 2} ${a.y + NODE_H + 40}, ${b.x + NODE_W / 2} ${b.y + NODE_H + 40}, ${b.x + NODE_W / 2} ${b.y + NODE_H}`
      : `M ${x1} ${y1} C ${x1 + GAP_X / 2} ${y1}, ${x2 - GAP_X / 2} ${y2}, ${x2} ${y2}`;
    const cls = ['edge', e.inCycle ? 'cycle' : '', e.violatesOrder ? 'order' : ''].filter(Boolean).join(' ');
    parts.push(`<path class="${cls}" d="${d}" marker-end="url(#arrow)"><title>${esc(e.witnesses.map((w) => w.message).join('\n'))}</title></path>`);
  }
  for (const id of ids) {
    const p = pos.get(id)!;
    const n = g.nodes.find((x) => x.id === id)!;
    parts.push(`<g class="node${n.inCycle ? ' cycle' : ''}" data-id="${esc(id)}"><rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="6"/><text x="${p.x + NODE_W / 2}" y="${p.y + NODE_H / 2 + 4}" text-anchor="middle">${esc(id.length > 26 ? id.slice(0, 25) + '…' : id)}</text><title>${esc(id)}</title></g>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
