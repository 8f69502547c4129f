import type { PackageAnalysis } from './package-analysis';
import type { ChainStep } from './summaries';

const cache = new WeakMap<PackageAnalysis, string>();

/**
 * Everything an importing package can learn from this one, as text: type and variable declarations,
 * function signatures, contracts, acquisitions and blocking summaries, with the lines they sit on, and the
 * exact positions that importers copy into their own summaries (an importer's findings point at them). When
 * it is unchanged, importers need not be analysed again: an edit inside a function body that changes no
 * summary and moves none of those positions leaves them alone.
 */
export function exportSignature(analysis: PackageAnalysis): string {
  let sig = cache.get(analysis);
  if (sig !== undefined) return sig;
  const pkg = analysis.pkg;
  const parts: string[] = [pkg.name];
  for (const t of pkg.types.values()) parts.push(`T${t.file.lines.lineOf(t.node.start)}:${t.file.text(t.node)}`);
  for (const v of pkg.vars.values()) parts.push(`V${v.name}:${v.file.text(v.node)}`);
  for (const fn of pkg.funcs.values()) {
    const head = fn.file.parsed.text.slice(fn.node.start, fn.body?.start ?? fn.node.end);
    const c = analysis.contractOf(fn);
    const locks = (list: typeof c.requires) => list.map((l) => `${l.ref.key}/${l.mode}/${l.resolved}`).join(',');
    parts.push(`F${fn.file.lines.lineOf(fn.nameNode.start)}:${head}|r${locks(c.requires)}|a${locks(c.acquires)}|x${locks(c.releases)}|${c.ignore ? 'i' : ''}`);
    // Importers copy these positions (where a lock is taken or an operation blocks, and the call chains to
    // them): any move, a column too, must reach them.
    for (const a of analysis.acquisitions.get(fn) ?? []) {
      parts.push(`A${a.ref.key}/${a.cls}/${a.node ?? ''}/${a.mode}/${a.lockFn.file.path}:${a.lockOffset}/${chainPositions(a.chain)}`);
    }
    const b = analysis.mayBlock.get(fn);
    if (b) parts.push(`B${b.what}/${b.fn.file.path}:${b.offset}/${chainPositions(b.chain)}`);
  }
  sig = parts.join('\n');
  cache.set(analysis, sig);
  return sig;
}

function chainPositions(chain: ChainStep[]): string {
  return chain.map((s) => `${s.fn.key}@${s.site.node.start}`).join('>');
}
