import type { ElkExtendedEdge, ElkNode, ElkPoint } from 'elkjs/lib/elk-api';
import type { Place } from '../base/place';
import type { LockGraphNode, LockGraphOf } from '../core/views';
import { siteCount } from './graph-view';

/**
 * A place as a drawn graph carries it: a `Place` (a path) in the server, or a place with a URI as the client
 * received it (the protocol's `Loc`). Only its file's name and line are shown.
 */
export type GraphPlace = Place | { uri: string; line: number };

type Graph = LockGraphOf<GraphPlace>;

/** The font the boxes are sized for: 12px text in a sans-serif face (the webview and the standalone style agree). */
const FONT_PX = 12, PAD_X = 12, NODE_H = 30, MAX_LABEL = 60;
/** Edge labels (the count of sites): 10px text. */
const LABEL_PX = 10;

/** A node, an edge and the positions ELK gave them. */
export interface GraphLayout {
  width: number;
  height: number;
  nodes: { id: string; label: string; x: number; y: number; width: number; height: number; partition?: number }[];
  /** `label`: where ELK put the edge's label (its top left corner), with its text. */
  edges: { from: string; to: string; d: string; label?: { text: string; x: number; y: number; width: number; height: number } }[];
}

export interface SvgOptions {
  /** A file of its own: it brings its colours (a webview's page brings the editor theme's). */
  standalone?: boolean;
  /** Locks drawn as the view's centre (the lock under the cursor, a found lock). */
  focus?: readonly string[];
}

/**
 * A self-contained SVG of the lock-order graph, laid out by ELK's layered algorithm from left to right, with
 * the declared lock hierarchy as layers: a greater lock (taken first) is placed left of a lesser one. Colours
 * come from CSS classes, so a webview can follow the editor theme; a standalone file gets readable defaults.
 */
export async function toSvg(g: Graph, opts: SvgOptions = {}): Promise<string> {
  const layout = await layoutGraph(g);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const { width, height } = layout;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" class="lockset-graph">`);
  if (opts.standalone) {
    parts.push('<style>.lockset-graph{font-family:Helvetica,Arial,sans-serif;font-size:12px;background:#fff;color:#222}.node rect{fill:#f5f5f5;stroke:#555}.node.cycle rect{stroke:#d00;stroke-width:2}.edge{stroke:#555;fill:none}.edge.order{stroke:#e80}.edge.cycle{stroke:#d00;stroke-width:2}.arrowhead{fill:#555}.arrowhead.order{fill:#e80}.arrowhead.cycle{fill:#d00}text{fill:#222}.edge-label{font-size:10px;fill:#555}.node.package rect{stroke-dasharray:4 2}.node.focus rect{stroke-width:3}</style>');
  }
  // One marker per edge colour: a marker's fill cannot follow its edge's stroke everywhere (context-stroke is
  // recent). No style attributes anywhere: the webview's Content-Security-Policy would drop them.
  parts.push('<defs>' + ['', 'cycle', 'order'].map((k) => `<marker id="arrow${k ? '-' + k : ''}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path class="arrowhead${k ? ' ' + k : ''}" d="M 0 0 L 10 5 L 0 10 z"/></marker>`).join('') + '</defs>');
  g.edges.forEach((e, i) => {
    const d = layout.edges[i].d;
    if (!d) return; // an edge to a lock that is not a node
    const kind = e.inCycle ? 'cycle' : e.violatesOrder ? 'order' : '';
    const cls = ['edge', e.inCycle ? 'cycle' : '', e.violatesOrder ? 'order' : ''].filter(Boolean).join(' ');
    const l = layout.edges[i].label;
    const label = l ? `<text class="edge-label" x="${l.x + l.width / 2}" y="${l.y + l.height - 3}" text-anchor="middle">${esc(l.text)}</text>` : '';
    parts.push(`<g class="link" data-from="${esc(e.from)}" data-to="${esc(e.to)}"><title>${esc(edgeTitle(e))}</title><path class="hit" d="${d}" fill="none" stroke="transparent" stroke-width="10"/><path class="${cls}" d="${d}" fill="none" marker-end="url(#arrow${kind ? '-' + kind : ''})"/>${label}</g>`);
  });
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const focus = new Set(opts.focus ?? []);
  for (const n of layout.nodes) {
    const node = byId.get(n.id);
    const cls = ['node', node?.inCycle ? 'cycle' : '', node?.kind === 'package' ? 'package' : '', focus.has(n.id) ? 'focus' : ''].filter(Boolean).join(' ');
    parts.push(`<g class="${cls}" data-id="${esc(n.id)}"${n.partition !== undefined ? ` data-rank="${n.partition}"` : ''}><rect x="${n.x}" y="${n.y}" width="${n.width}" height="${n.height}" rx="6"/><text x="${n.x + n.width / 2}" y="${n.y + n.height / 2 + FONT_PX / 3}" text-anchor="middle">${esc(n.label)}</text><title>${esc(nodeTitle(n.id, node))}</title></g>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** An edge's tooltip: its first site, and how many more there are. */
function edgeTitle(e: Graph['edges'][number]): string {
  const [first, ...rest] = e.witnesses;
  if (!first) return `${e.from} → ${e.to}`;
  const more = rest.length ? `\n… and ${rest.length}${e.more ? '+' : ''} more site${rest.length === 1 && !e.more ? '' : 's'}` : '';
  return `${first.message} (${shortLoc(first.loc)})${more}`;
}

function nodeTitle(id: string, n: LockGraphNode | undefined): string {
  if (n?.kind === 'package') return `package ${n.pkg}: ${n.locks ?? 1} lock${n.locks === 1 ? '' : 's'}`;
  return n?.pkg && !id.startsWith(`${n.pkg}.`) ? `${id} (package ${n.pkg})` : id;
}

/** `vm.go:128`: the file's name and the 1-based line. */
export function shortLoc(l: GraphPlace): string {
  const name = 'path' in l ? l.path.slice(Math.max(l.path.lastIndexOf('/'), l.path.lastIndexOf('\\')) + 1) : l.uri.slice(l.uri.lastIndexOf('/') + 1);
  return `${name}:${l.line + 1}`;
}

/** The label of a node: a package's node counts the locks it stands for. */
function nodeLabel(n: LockGraphNode): string {
  const text = n.kind === 'package' ? `${n.id} (${n.locks ?? 1})` : n.id;
  return text.length > MAX_LABEL ? text.slice(0, MAX_LABEL - 1) + '…' : text;
}

/**
 * Lays the graph out with ELK (layered, left to right, spline edges), each box sized to its label. Locks named
 * in the declared orders are put in layout partitions by their rank, so the layers follow the hierarchy; the
 * rest are placed freely by the edges. The parts of the graph that hold no ranked lock are laid out on their
 * own, packed below, so that on a real project they do not all line up in the ranked parts' layers (one tall
 * column). Edges come back in the order of `g.edges`, as SVG path data.
 */
export async function layoutGraph(g: Graph): Promise<GraphLayout> {
  const ids = g.nodes.map((n) => n.id).sort();
  const partition = partitions(ids, g.orders);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const label = (id: string) => nodeLabel(byId.get(id)!);
  const known = new Set(ids);
  const edges = g.edges.map((e, i) => ({ e, id: `e${i}` })).filter(({ e }) => known.has(e.from) && known.has(e.to));
  const component = components(ids, edges.map(({ e }) => e));
  const rankedComponents = new Set([...partition.keys()].map((id) => component.get(id)));
  const isRanked = (id: string) => rankedComponents.has(component.get(id));
  const parts = partition.size ? [ids.filter(isRanked), ids.filter((id) => !isRanked(id))].filter((p) => p.length) : [ids];
  const out: GraphLayout = { width: 0, height: 0, nodes: [], edges: [] };
  const paths = new Map<string, Pick<GraphLayout['edges'][number], 'd' | 'label'>>();
  for (const part of parts) {
    const inPart = new Set(part);
    const placed = await layoutPart(part, edges.filter(({ e }) => inPart.has(e.from)), partition, label, out.height);
    out.width = Math.max(out.width, placed.width);
    out.height += placed.height;
    out.nodes.push(...placed.nodes);
    for (const [id, p] of placed.paths) paths.set(id, p);
  }
  out.edges = g.edges.map((e, i) => ({ from: e.from, to: e.to, d: paths.get(`e${i}`)?.d ?? '', label: paths.get(`e${i}`)?.label }));
  return out;
}

/** One part of the graph laid out by ELK, moved down by `top`. */
async function layoutPart(ids: string[], edges: { e: Graph['edges'][number]; id: string }[], partition: Map<string, number>, label: (id: string) => string, top: number) {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const ranked = ids.some((id) => partition.has(id));
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'SPLINES',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      'elk.spacing.nodeNode': '24',
      'elk.spacing.edgeNode': '16',
      'elk.spacing.edgeEdge': '12',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.layered.spacing.edgeNodeBetweenLayers': '20',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.edgeLabels.placement': 'CENTER',
      ...(ranked ? {
        'elk.partitioning.activate': 'true',
        // One layering for the whole part, or locks of two unconnected pieces would not line up by rank.
        'elk.separateConnectedComponents': 'false',
      } : {
        // Unconnected pieces are packed in rows towards this width to height: a panel is wider than high.
        'elk.aspectRatio': '3',
      }),
    },
    children: ids.map((id) => ({
      id,
      width: Math.ceil(textWidth(label(id)) + 2 * PAD_X),
      height: NODE_H,
      ...(partition.has(id) ? { layoutOptions: { 'elk.partitioning.partition': String(partition.get(id)) } } : {}),
    })),
    // The count of sites as the edge's label: ELK keeps room for it, which also draws the two edges of a
    // two-lock cycle apart.
    edges: edges.map(({ e, id }): ElkExtendedEdge => {
      const text = siteCount(e);
      return { id, sources: [e.from], targets: [e.to], labels: [{ id: `${id}l`, text, width: Math.ceil(textWidth(text) * LABEL_PX / FONT_PX) + 4, height: LABEL_PX + 4 }] };
    }),
  };
  const out = await new ELK().layout(root);
  const round = (v: number) => Math.round(v * 10) / 10;
  const down = (q: ElkPoint): ElkPoint => ({ x: q.x, y: q.y + top });
  const paths = new Map<string, Pick<GraphLayout['edges'][number], 'd' | 'label'>>();
  for (const e of out.edges ?? []) {
    const d = (e.sections ?? []).map((s) => pathData(down(s.startPoint), (s.bendPoints ?? []).map(down), down(s.endPoint), round)).join(' ');
    const l = e.labels?.[0];
    const placed = l?.text !== undefined && l.x !== undefined && l.y !== undefined ? { text: l.text, x: round(l.x), y: round(l.y + top), width: l.width ?? 0, height: l.height ?? 0 } : undefined;
    paths.set(e.id, { d, label: placed });
  }
  return {
    width: Math.ceil(out.width ?? 0),
    height: Math.ceil(out.height ?? 0),
    nodes: (out.children ?? []).map((n) => ({ id: n.id, label: label(n.id), x: round(n.x ?? 0), y: round((n.y ?? 0) + top), width: n.width ?? 0, height: n.height ?? 0, partition: partition.get(n.id) })),
    paths,
  };
}

/** The connected component of each lock (edges followed either way), as the smallest id in it. */
function components(ids: string[], edges: { from: string; to: string }[]): Map<string, string> {
  const parent = new Map(ids.map((id) => [id, id]));
  const find = (id: string): string => { let r = id; while (parent.get(r) !== r) r = parent.get(r)!; parent.set(id, r); return r; };
  for (const e of edges) {
    const a = find(e.from), b = find(e.to);
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
  }
  return new Map(ids.map((id) => [id, find(id)]));
}

/**
 * SVG path data for one edge section. ELK's spline routing gives the control points of a chain of cubic
 * Béziers (two per curve, then its end); when the count does not fit that, the points are joined by lines.
 */
function pathData(start: ElkPoint, bends: ElkPoint[], end: ElkPoint, round: (v: number) => number): string {
  const p = (q: ElkPoint) => `${round(q.x)} ${round(q.y)}`;
  const pts = [...bends, end];
  if (pts.length % 3 === 0) {
    const curves: string[] = [];
    for (let i = 0; i < pts.length; i += 3) curves.push(`C ${p(pts[i])}, ${p(pts[i + 1])}, ${p(pts[i + 2])}`);
    return `M ${p(start)} ${curves.join(' ')}`;
  }
  return `M ${p(start)} ${pts.map((q) => `L ${p(q)}`).join(' ')}`;
}

/**
 * A lock's rank in a declared order (0 = greatest, taken first), or -1: its own name (the id itself, or a
 * suffix of it after a '.') wins over `pkg.*` (every id starting with `pkg.`), which wins over `*`.
 */
export function rankIn(names: string[], id: string): number {
  const exact = names.findIndex((n) => !n.includes('*') && (id === n || id.endsWith(`.${n}`)));
  if (exact >= 0) return exact;
  const inPackage = names.findIndex((n) => n.length > 2 && n.endsWith('.*') && id.startsWith(n.slice(0, -1)));
  if (inPackage >= 0) return inPackage;
  return names.indexOf('*');
}

/**
 * The layout partition of each lock that a declared order ranks: the longest chain of declared "greater than"
 * steps above it, over all the orders, so that several orders share one left-to-right axis. If the orders
 * contradict each other, each lock keeps its rank in the first order that ranks it.
 */
export function partitions(ids: string[], orders: string[]): Map<string, number> {
  const chains = orders.map((o) => o.split('>').map((s) => s.trim()).filter(Boolean));
  const above = new Map<string, Set<string>>();
  for (const names of chains) {
    const byRank = new Map<number, string[]>();
    for (const id of ids) {
      const r = rankIn(names, id);
      if (r >= 0) (byRank.get(r) ?? byRank.set(r, []).get(r)!).push(id);
    }
    const groups = [...byRank.keys()].sort((a, b) => a - b).map((r) => byRank.get(r)!);
    for (const id of groups.flat()) if (!above.has(id)) above.set(id, new Set());
    for (let i = 1; i < groups.length; i++) for (const lower of groups[i]) for (const greater of groups[i - 1]) above.get(lower)!.add(greater);
  }
  const result = new Map<string, number>();
  const state = new Map<string, 'visiting' | 'done'>();
  let contradiction = false;
  const depth = (id: string): number => {
    if (state.get(id) === 'done') return result.get(id)!;
    if (state.get(id) === 'visiting') { contradiction = true; return 0; }
    state.set(id, 'visiting');
    let d = 0;
    for (const greater of above.get(id)!) d = Math.max(d, depth(greater) + 1);
    state.set(id, 'done');
    result.set(id, d);
    return d;
  };
  for (const id of above.keys()) depth(id);
  if (!contradiction) return result;
  const first = new Map<string, number>();
  for (const id of ids) {
    for (const names of chains) {
      const r = rankIn(names, id);
      if (r >= 0) { first.set(id, r); break; }
    }
  }
  return first;
}

// Advance widths of Arial/Helvetica for ' ' to '~', in thousandths of an em.
const WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
  556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/**
 * The width of a label at 12px, with room to spare: other sans-serif faces (DejaVu Sans, Segoe UI, the system
 * UI font of a webview) run up to about 15% wider than Helvetica.
 */
export function textWidth(s: string): number {
  let em = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    em += c >= 32 && c <= 126 ? WIDTHS[c - 32] / 1000 : 0.6;
  }
  return em * FONT_PX * 1.15;
}
