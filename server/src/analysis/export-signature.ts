import type { GoFile } from '../model/file';
import type { PackageAnalysis } from './package-analysis';
import type { SyntaxNode } from '../syntax/node';
import type { ChainStep } from './package-analysis-types';

const cache = new WeakMap<PackageAnalysis, string>();

/**
 * Everything an importing package can learn from this one, as text: type and variable declarations,
 * function signatures, contracts, acquisitions and blocking summaries, and the nodes that importers copy
 * into their own summaries. When it is unchanged, importers need not be analysed again: an edit inside a
 * function body that changes no summary and replaces none of those nodes leaves them alone, however far it
 * moves them. Where they are now is `exportedPlaces`.
 */
export function exportSignature(analysis: PackageAnalysis): string {
  let sig = cache.get(analysis);
  if (sig !== undefined) return sig;
  const pkg = analysis.pkg;
  const parts: string[] = [pkg.name];
  for (const file of pkg.files) parts.push(declarationsOf(file));
  for (const fn of pkg.funcs.values()) {
    const c = analysis.contractOf(fn);
    const locks = (list: typeof c.requires) => list.map((l) => `${l.ref.key}/${l.mode}/${l.resolved}`).join(',');
    parts.push(`F${fn.key}|r${locks(c.requires)}|a${locks(c.acquires)}|x${locks(c.releases)}|${c.ignore ? 'i' : ''}`);
    // Importers copy these places (where a lock is taken or an operation blocks, and the calls leading
    // there) as nodes: a node that an edit moved carries the copies along, a node that it replaced does not,
    // so the nodes themselves are part of the signature.
    for (const a of analysis.acquisitions.get(fn) ?? []) {
      parts.push(`A${a.ref.key}/${a.cls}/${a.node ?? ''}/${a.mode}/${nodeId(a.lockNode)}/${chainNodes(a.chain)}/${a.ownCondition ?? ''}/${a.belowCondition ?? ''}`);
    }
    const b = analysis.mayBlock.get(fn);
    if (b) parts.push(`B${b.what}/${nodeId(b.at)}/${chainNodes(b.chain)}/${b.onlyWhen ? JSON.stringify(b.onlyWhen) : ''}`);
    // Callbacks it runs under its own locks: importers turn them into lock-order edges, with these places.
    for (const pc of analysis.paramCalls.get(fn) ?? []) {
      parts.push(`P${pc.index}/${pc.name}/${nodeId(pc.site.node)}/${pc.held.map((h) => `${h.ref.key}:${h.mode}:${nodeId(h.site)}`).join(',')}`);
    }
    // Importers' flows read which parameters it calls in place or starts as goroutines (see directlyCalledParams).
    const direct = analysis.directParamCalls.get(fn);
    if (direct) parts.push(`D${direct}`);
  }
  sig = parts.join('\n');
  cache.set(analysis, sig);
  return sig;
}

const declarations = new WeakMap<GoFile, string>();

/**
 * A file's type and variable declarations and function headers (where they are is in `exportedPlaces`):
 * the same for every analysis of the same file (an edit makes a new GoFile), so it is built once per file.
 */
function declarationsOf(file: GoFile): string {
  let sig = declarations.get(file);
  if (sig !== undefined) return sig;
  const parts: string[] = [];
  for (const t of file.types) parts.push(`T${file.text(t.node)}`);
  // A variable's doc comment carries its guard (`// +checklocks:mu` above `var count int`), which importers read.
  for (const v of file.vars) parts.push(`V${v.name}:${v.doc.text}:${file.text(v.node)}`);
  for (const fn of file.funcs) parts.push(`F${file.parsed.text.slice(fn.node.start, fn.body?.start ?? fn.node.end)}`);
  declarations.set(file, (sig = parts.join('\n')));
  return sig;
}

/**
 * Where the places that importers point at are now: the lines and columns of the package's declarations
 * and of the nodes in its signature, as a 64-bit hash in hex. An edit that moves them (and changes no
 * signature) leaves the importers' analyses valid but not their findings, whose ranges were taken from
 * these places. Not cached: the nodes are moved by later edits, also those that an analysis copied from its
 * imports. A node is placed in its function's file (FuncDecl.file follows edits).
 */
export function exportedPlaces(analysis: PackageAnalysis): string {
  // Two 32-bit FNV-1a style hashes over (line, column) pairs.
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  const place = (file: GoFile, n: SyntaxNode) => {
    const at = file.lines.position(n.start);
    h1 = Math.imul(h1 ^ at.line, 0x01000193); h1 = Math.imul(h1 ^ at.character, 0x01000193);
    h2 = Math.imul(h2 ^ at.character, 0x5bd1e995) + at.line | 0;
  };
  for (const file of analysis.pkg.files) {
    for (const t of file.types) place(file, t.node);
    for (const fn of file.funcs) place(file, fn.nameNode);
  }
  forEachExportedNode(analysis, place);
  return (h1 >>> 0).toString(16) + (h2 >>> 0).toString(16);
}

/**
 * The nodes that importers copy from a package's summaries (those the signature names), each with the file
 * of its function (FuncDecl.file follows edits): some are in the packages it imports.
 */
export function forEachExportedNode(analysis: PackageAnalysis, visit: (file: GoFile, node: SyntaxNode) => void): void {
  const chain = (steps: ChainStep[]) => { for (const st of steps) visit(st.fn.file, st.site.node); };
  for (const fn of analysis.pkg.funcs.values()) {
    for (const a of analysis.acquisitions.get(fn) ?? []) { visit(a.lockFn.file, a.lockNode); chain(a.chain); }
    const b = analysis.mayBlock.get(fn);
    if (b) { visit(b.fn.file, b.at); chain(b.chain); }
    for (const pc of analysis.paramCalls.get(fn) ?? []) { visit(fn.file, pc.site.node); for (const h of pc.held) visit(fn.file, h.site); }
  }
}

const ids = new WeakMap<SyntaxNode, number>();
let nextId = 0;

/** A number per syntax node object, for as long as it lives: the same node, moved or not, keeps it. */
function nodeId(n: SyntaxNode): number {
  let id = ids.get(n);
  if (id === undefined) ids.set(n, (id = ++nextId));
  return id;
}

function chainNodes(chain: ChainStep[]): string {
  return chain.map((s) => `${s.fn.key}@${nodeId(s.site.node)}`).join('>');
}
