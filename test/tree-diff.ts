/** Node-by-node comparison of parsed files, for the tests of incremental re-parsing and of parse workers. */
import type { SyntaxNode } from '../server/src/syntax/node';
import type { ParsedFile } from '../server/src/syntax/parse-types';

/** The first difference between two trees, or undefined. */
export function treeDiff(a: SyntaxNode, b: SyntaxNode, path = 'root'): string | undefined {
  for (const k of ['type', 'field', 'start', 'end', 'op', 'hasError'] as const) {
    if (a[k] !== b[k]) return `${path} (${a.type}@${a.start}): ${k} ${JSON.stringify(a[k])} ≠ ${JSON.stringify(b[k])}`;
  }
  if (a.children.length !== b.children.length) return `${path} (${a.type}@${a.start}): ${a.children.length} ≠ ${b.children.length} children`;
  for (let i = 0; i < a.children.length; i++) {
    if (a.children[i].parent !== a) return `${path}/${i}: parent link`;
    const d = treeDiff(a.children[i], b.children[i], `${path}/${i}`);
    if (d) return d;
  }
  return undefined;
}

/** The first difference between two parsed files (text, error count, comments, tree), or undefined. */
export function fileDiff(a: ParsedFile, b: ParsedFile): string | undefined {
  if (a.text !== b.text) return 'text';
  if (a.errorCount !== b.errorCount) return `errorCount ${a.errorCount} ≠ ${b.errorCount}`;
  const ca = a.comments.map((c) => `${c.start}-${c.end}`).join(), cb = b.comments.map((c) => `${c.start}-${c.end}`).join();
  if (ca !== cb) return `comments ${ca} ≠ ${cb}`;
  return treeDiff(a.root, b.root);
}
