import type { Tree, TreeCursor } from 'web-tree-sitter';
import { diffTexts, type TextEdit } from './edit';
import type { SyntaxNode } from './node';
import type { ParsedFile } from './parse-types';

// Re-parsing takes over the previous result's unchanged nodes instead of copying them out of WASM again (see
// parseGoIncremental and convertRaw, which finds them while it walks the new tree).

/**
 * What a re-parse may take over from the previous result instead of copying it again: its nodes by the
 * address of their subtree in the old tree (after `Tree.edit`). tree-sitter re-uses a subtree that the edit
 * did not touch by reference, so a node of the new tree at the same address is that very subtree, node for
 * node, only maybe at another offset: the old SyntaxNode is moved there instead of copying the subtree from
 * WASM again. After a one-character edit that is every declaration but the edited one, and, inside the
 * edited one, the statements and expressions the edit left alone. Those keep their identity, which matters
 * beyond speed: an importing package's summaries hold the lock sites of this one by node (see
 * exportSignature), so an edit beside a lock site leaves the importers' analyses valid.
 * `commentStarts` are the old comments' offsets, read before any node moves.
 */
export interface Reuse {
  byId: Map<number, SyntaxNode>;
  byStart: Map<number, SyntaxNode>;
  /** The nodes inside the top-level nodes that the edit touches, by their offset before the edit (see adoptUnchanged). */
  innerByStart: Map<number, SyntaxNode[]>;
  /** The previous result's root: a previous node whose root is another one was taken over already. */
  oldRoot: SyntaxNode;
  edit: TextEdit;
  comments: SyntaxNode[];
  commentStarts: Int32Array;
}

/**
 * A previous top-level node that a new one outside the edited range of an error-free tree is a copy of.
 * tree-sitter re-creates some unchanged nodes (leaves such as comments are stored inline, without an
 * address; some declarations next to a rebuilt part are made again): such a node's text is the same
 * as before, and at the top level of a tree without errors the same text of a declaration parses the same.
 */
export function sameText(reuse: Reuse, start: number, end: number): SyntaxNode | undefined {
  const { startIndex, oldEndIndex, newEndIndex } = reuse.edit;
  const old = end <= startIndex ? reuse.byStart.get(start) : start >= newEndIndex ? reuse.byStart.get(start - newEndIndex + oldEndIndex) : undefined;
  // A declaration with an error may read otherwise with the same text in a tree without any.
  return old?.hasError ? undefined : old;
}

/**
 * The previous result's nodes by subtree address in `old`: the top-level ones, and the nodes inside the
 * top-level ones that the edit touches (the others are taken over whole). Undefined if they do not line up.
 */
export function reusable(old: Tree, parsed: ParsedFile, edit: TextEdit): Reuse | undefined {
  const byId = new Map<number, SyntaxNode>();
  const cursor = old.walk();
  try {
    // The SyntaxNodes still have their offsets from before the edit.
    const touched = (n: SyntaxNode) => n.start <= edit.oldEndIndex && n.end >= edit.startIndex;
    if (!pairChildren(cursor, parsed.root, byId, touched)) return undefined;
  } catch {
    return undefined;
  } finally {
    cursor.delete();
  }
  return reuseOf(parsed, edit, byId);
}

/**
 * Pairs the named children of the cursor's node with `node`'s children, in order, and records them by
 * address; goes down into the children `descend` picks. False if they do not line up (the cursor is
 * back on its node either way, unless an exception was thrown).
 */
function pairChildren(cursor: TreeCursor, node: SyntaxNode, byId: Map<number, SyntaxNode>, descend: (n: SyntaxNode) => boolean): boolean {
  const kids = node.children;
  if (!cursor.gotoFirstChild()) return kids.length === 0;
  let i = 0, ok = true;
  do {
    if (!cursor.nodeIsNamed) continue;
    const kid = kids[i++];
    if (!kid || kid.type !== cursor.nodeType) { ok = false; break; }
    // A node with an error (here: cut at the depth limit) might be cut elsewhere at another depth.
    if (!kid.hasError) byId.set(cursor.nodeId, kid);
    if (descend(kid) && kid.children.length && !pairChildren(cursor, kid, byId, () => true)) { ok = false; break; }
  } while (cursor.gotoNextSibling());
  cursor.gotoParent();
  return ok && i === kids.length;
}

/** A Reuse of `parsed`'s nodes: by subtree address as given, and by offset. */
function reuseOf(parsed: ParsedFile, edit: TextEdit, byId: Map<number, SyntaxNode>): Reuse {
  const byStart = new Map<number, SyntaxNode>();
  const innerByStart = new Map<number, SyntaxNode[]>();
  for (const n of parsed.root.children) {
    byStart.set(n.start, n);
    if (n.start > edit.oldEndIndex || n.end < edit.startIndex) continue;
    const stack = [...n.children];
    while (stack.length) {
      const c = stack.pop()!;
      const list = innerByStart.get(c.start);
      if (list) list.push(c); else innerByStart.set(c.start, [c]);
      for (const k of c.children) stack.push(k);
    }
  }
  return { byId, byStart, innerByStart, oldRoot: parsed.root, edit, comments: parsed.comments, commentStarts: Int32Array.from(parsed.comments, (c) => c.start) };
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
 * What a parse without the old tree may take over (the first edit of a file, whose first parse kept no tree,
 * or an edit of a text that did not parse: see parseGoIncremental): the previous result's top-level nodes by
 * offset, for `sameText` (declarations without errors in a tree without errors) and adoptUnchanged (of the
 * same shape). Undefined when nothing changed.
 */
export function textReuse(parsed: ParsedFile, text: string): Reuse | undefined {
  const edit = diffTexts(parsed.text, text);
  return edit && reuseOf(parsed, edit, new Map());
}
