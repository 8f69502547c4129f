import type { Tree } from 'web-tree-sitter';
import { diffTexts, type TextEdit } from './edit';
import type { SyntaxNode } from './node';
import type { ParsedFile } from './parser';

// Re-parsing takes over the previous result's unchanged top-level nodes instead of copying them out of WASM
// again (see parseGoIncremental and convertRaw, which finds them while it walks the new tree).

/**
 * What a re-parse may take over from the previous result instead of copying it again: its top-level nodes
 * by the address of their subtree in the old tree (after `Tree.edit`). tree-sitter re-uses a subtree that
 * the edit did not touch by reference, so a top-level node of the new tree at the same address is that very
 * subtree, node for node, only maybe at another offset: the old SyntaxNode is moved there instead of copying
 * the subtree from WASM again. After a one-character edit that is every declaration but the edited one.
 * `commentStarts` are the old comments' offsets, read before any node moves.
 */
export interface Reuse { byId: Map<number, SyntaxNode>; byStart: Map<number, SyntaxNode>; edit: TextEdit; comments: SyntaxNode[]; commentStarts: Int32Array }

/**
 * A previous top-level node that a new one outside the edited range of an error-free tree is a copy of.
 * tree-sitter re-creates some unchanged nodes (leaves such as comments are stored inline, without an
 * address; some declarations next to a rebuilt part are made again): such a node's text is the same
 * as before, and at the top level of a tree without errors the same text of a declaration parses the same.
 */
export function sameText(reuse: Reuse, start: number, end: number): SyntaxNode | undefined {
  const { startIndex, oldEndIndex, newEndIndex } = reuse.edit;
  if (end <= startIndex) return reuse.byStart.get(start);
  if (start >= newEndIndex) return reuse.byStart.get(start - newEndIndex + oldEndIndex);
  return undefined;
}

/** The previous result's top-level nodes by subtree address in `old`; undefined if they do not line up. */
export function reusable(old: Tree, parsed: ParsedFile, edit: TextEdit): Reuse | undefined {
  const top = parsed.root.children;
  const byId = new Map<number, SyntaxNode>();
  const cursor = old.walk();
  try {
    let i = 0;
    if (cursor.gotoFirstChild()) {
      do {
        if (!cursor.nodeIsNamed) continue;
        const node = top[i++];
        if (!node || node.type !== cursor.nodeType) return undefined;
        byId.set(cursor.currentNode.id, node);
      } while (cursor.gotoNextSibling());
    }
    if (i !== top.length) return undefined;
  } catch {
    return undefined;
  } finally {
    cursor.delete();
  }
  return reuseOf(parsed, edit, byId);
}

/** A Reuse of `parsed`'s top-level nodes: by subtree address as given, and by offset. */
function reuseOf(parsed: ParsedFile, edit: TextEdit, byId: Map<number, SyntaxNode>): Reuse {
  const byStart = new Map<number, SyntaxNode>();
  for (const n of parsed.root.children) byStart.set(n.start, n);
  return { byId, byStart, edit, comments: parsed.comments, commentStarts: Int32Array.from(parsed.comments, (c) => c.start) };
}

/**
 * Moves a previous top-level node to `start` under `parent`, and appends the comments inside it (found
 * by their old offsets) to `comments`.
 */
export function adopt(node: SyntaxNode, start: number, parent: SyntaxNode, reuse: Reuse, comments: SyntaxNode[]): void {
  const starts = reuse.commentStarts;
  let lo = 0, hi = starts.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (starts[mid] < node.start) lo = mid + 1; else hi = mid; }
  for (; lo < starts.length && starts[lo] < node.end; lo++) comments.push(reuse.comments[lo]);
  const delta = start - node.start;
  if (delta !== 0) {
    const stack = [node];
    while (stack.length) {
      const n = stack.pop()!;
      n.start += delta;
      n.end += delta;
      for (const c of n.children) stack.push(c);
    }
  }
  node.parent = parent;
}

/**
 * What a parse without the old tree may take over (the first edit of a file, whose first parse kept no tree:
 * see parseGoIncremental): the previous result's top-level nodes by offset, for `sameText` only. Undefined when
 * the previous result has errors (the same text may then have parsed otherwise) or nothing changed.
 */
export function textReuse(parsed: ParsedFile, text: string): Reuse | undefined {
  if (parsed.errorCount) return undefined;
  const edit = diffTexts(parsed.text, text);
  return edit && reuseOf(parsed, edit, new Map());
}
