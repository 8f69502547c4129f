import type { SyntaxNode } from './node';
import type { ParsedFile } from './parse-types';
import type { Reuse } from './reuse';

// Nodes of a previous result put back into a new parse where the parse made them anew (outside the edited range
// of an edited text, or anywhere in the same text read again after a compaction): the tree stays the parse's,
// node for node, and the nodes keep their identity, which an importing package's summaries hold lock sites by
// (see Reuse and exportSignature).

/**
 * Takes over, inside the new top-level nodes, the previous nodes that the new ones are copies of: same
 * type, field and shape (types, fields, operators and offsets, moved by the edit's length when after it),
 * outside the edited range. tree-sitter makes some unchanged nodes anew (the statement after an inserted
 * line, whose leading whitespace changed; often the first statements of the edited block), and they would
 * lose their identity, which importers' summaries hold lock sites by (see Reuse). The tree stays the one
 * the parse gave, node for node. Returns how many nodes were taken over.
 */
export function adoptUnchanged(parsed: ParsedFile, reuse: Reuse): number {
  const { startIndex, oldEndIndex, newEndIndex } = reuse.edit;
  let count = 0;
  /** Where a new node outside the edited range started before the edit; -1 inside it. */
  const offsetBefore = (n: SyntaxNode) => (n.end <= startIndex ? n.start : n.start >= newEndIndex ? n.start - newEndIndex + oldEndIndex : -1);
  const visit = (n: SyntaxNode) => {
    if (!reuse.innerByStart.size) return;
    const kids = n.children;
    for (let i = 0; i < kids.length; i++) {
      const c = kids[i];
      const before = offsetBefore(c);
      const candidates = before < 0 ? undefined : reuse.innerByStart.get(before);
      // A node taken over by its address: it and everything below it are previous nodes already.
      if (candidates?.includes(c)) continue;
      const old = candidates?.find((o) => o.type === c.type && o.field === c.field && sameShape(c, o, before - c.start) && rootOf(o) === reuse.oldRoot);
      if (old) put(old, kids, i, n); else visit(c);
    }
  };
  /** Puts the previous node `old` in place of the new node `kids[i]` of the same shape, under `parent`. */
  const put = (old: SyntaxNode, kids: SyntaxNode[], i: number, parent: SyntaxNode) => {
    const comments: [SyntaxNode, SyntaxNode][] = [];
    takeOver(kids[i], old, parent, comments);
    kids[i] = old;
    count++;
    for (const [fresh, kept] of comments) replaceComment(parsed.comments, fresh, kept);
  };
  const oldTops = new Set(reuse.byStart.values());
  const tops = parsed.root.children;
  for (let i = 0; i < tops.length; i++) {
    const top = tops[i];
    if (oldTops.has(top)) continue;
    // A whole declaration made anew outside the edited range (tree-sitter re-lexes the rest of a file whose
    // parse has errors, and neither re-uses its subtrees nor may be trusted with the same text): the previous
    // one of the same shape, node for node, is this one (see sameShape).
    const before = offsetBefore(top);
    const old = before < 0 ? undefined : reuse.byStart.get(before);
    if (old && old.parent === reuse.oldRoot && sameShape(top, old, before - top.start)) put(old, tops, i, parsed.root);
    else visit(top);
  }
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
