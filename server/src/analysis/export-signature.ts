import type { PackageAnalysis } from './package-analysis';

const cache = new WeakMap<PackageAnalysis, string>();

/**
 * Everything an importing package can learn from this one, as text: type and variable declarations,
 * function signatures, contracts, acquisitions and blocking summaries, with the lines they sit on (an
 * importer's findings point at them). When it is unchanged, importers need not be analysed again: an
 * edit inside a function body that changes no summary and no line leaves them alone.
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
    for (const a of analysis.acquisitions.get(fn) ?? []) {
      parts.push(`A${a.ref.key}/${a.cls}/${a.node ?? ''}/${a.mode}/${a.lockFn.file.lines.lineOf(a.lockOffset)}/${a.chain.length}`);
    }
    const b = analysis.mayBlock.get(fn);
    if (b) parts.push(`B${b.what}/${b.fn.file.lines.lineOf(b.offset)}/${b.chain.length}`);
  }
  sig = parts.join('\n');
  cache.set(analysis, sig);
  return sig;
}
