import type { Tree, TreeCursor } from 'web-tree-sitter';
import { diffTexts, type TextEdit } from './edit';
import type { SyntaxNode } from './node';
import type { ParsedFile } from './parser';

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
  if (end <= startIndex) return reuse.byStart.get(start);
  if (start >= newEndIndex) return reuse.byStart.get(start - newEndIndex + oldEndIndex);
  return undefined;
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
 * Takes over, inside the new top-level nodes, the previous nodes that the new ones are copies of: same
 * type, field and shape (types, fields, operators and offsets, moved by the edit's length when after it),
 * outside the edited range. tree-sitter makes some unchanged nodes anew (the statement after an inserted
 * line, whose leading whitespace changed; often the first statements of the edited block), and they would
 * lose their identity, which importers' summaries hold lock sites by (see Reuse). The tree stays the one
 * the parse gave, node for node. Returns how many nodes were taken over.
 */
export function adoptUnchanged(parsed: ParsedFile, reuse: Reuse): number {
  if (!reuse.innerByStart.size) return 0;
  const { startIndex, oldEndIndex, newEndIndex } = reuse.edit;
  let count = 0;
  const visit = (n: SyntaxNode) => {
    const kids = n.children;
    for (let i = 0; i < kids.length; i++) {
      const c = kids[i];
      const before = c.end <= startIndex ? c.start : c.start >= newEndIndex ? c.start - newEndIndex + oldEndIndex : -1;
      const candidates = before < 0 ? undefined : reuse.innerByStart.get(before);
      // A node taken over by its address: it and everything below it are previous nodes already.
      if (candidates?.includes(c)) continue;
      const old = candidates?.find((o) => o.type === c.type && o.field === c.field && sameShape(c, o, before - c.start) && rootOf(o) === reuse.oldRoot);
      if (!old) { visit(c); continue; }
      const comments: [SyntaxNode, SyntaxNode][] = [];
      takeOver(c, old, n, comments);
      kids[i] = old;
      count++;
      for (const [fresh, kept] of comments) replaceComment(parsed.comments, fresh, kept);
    }
  };
  const oldTops = new Set(reuse.byStart.values());
  for (const top of parsed.root.children) if (!oldTops.has(top)) visit(top);
  return count;
}

/**
 * Whether `b` (before the edit) has `a`'s shape, its offsets `delta` apart. A child that the copy took over
 * by its address already is the same node in both; any other child of `b` must still be its own.
 */
function sameShape(a: SyntaxNode, b: SyntaxNode, delta: number): boolean {
  if (a.type !== b.type || a.field !== b.field || a.op !== b.op || a.hasError || b.hasError || a.start + delta !== b.start || a.end + delta !== b.end) return false;
  const ak = a.children, bk = b.children;
  if (ak.length !== bk.length) return false;
  for (let i = 0; i < ak.length; i++) {
    if (ak[i] === bk[i]) continue;
    if (bk[i].parent !== b || !sameShape(ak[i], bk[i], delta)) return false;
  }
  return true;
}

/** Puts the previous node `b` where the new node `a` of the same shape is, node for node; pairs up their comments. */
function takeOver(a: SyntaxNode, b: SyntaxNode, parent: SyntaxNode, comments: [SyntaxNode, SyntaxNode][]): void {
  b.start = a.start;
  b.end = a.end;
  b.parent = parent;
  if (b.type === 'comment') comments.push([a, b]);
  const ak = a.children, bk = b.children;
  for (let i = 0; i < bk.length; i++) {
    if (ak[i] === bk[i]) bk[i].parent = b;
    else takeOver(ak[i], bk[i], b, comments);
  }
}

function rootOf(n: SyntaxNode): SyntaxNode {
  let r = n;
  while (r.parent) r = r.parent;
  return r;
}

/** Puts `kept` in place of `fresh` in the file's comments, which are in order of their offsets. */
function replaceComment(comments: SyntaxNode[], fresh: SyntaxNode, kept: SyntaxNode): void {
  let lo = 0, hi = comments.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (comments[mid].start < kept.start) lo = mid + 1; else hi = mid; }
  if (comments[lo] === fresh) comments[lo] = kept;
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


/**
 * Puts nodes that a compaction hollowed out (see dropDescendants) back into a new parse of the same text, in
 * place of the new nodes of the same type, field and range: each gets the new node's children and parent and
 * keeps its identity, which importers' summaries hold lock sites by (see Reuse). `kept` is by start offset.
 */
export function rehydrate(parsed: ParsedFile, kept: ReadonlyMap<number, SyntaxNode[]>): void {
  if (!kept.size) return;
  const stack = [parsed.root];
  while (stack.length) {
    const n = stack.pop()!;
    const kids = n.children;
    for (let i = 0; i < kids.length; i++) {
      let c = kids[i];
      const old = kept.get(c.start)?.find((o) => o.parent === null && o.type === c.type && o.end === c.end && o.field === c.field && o.children.length === 0);
      if (old) {
        old.children = c.children;
        for (const k of old.children) k.parent = old;
        old.parent = n;
        kids[i] = old;
        c = old;
      }
      if (c.children.length) stack.push(c);
    }
  }
}
