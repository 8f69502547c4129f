import { closeChildren, EMPTY_CHILDREN, intern, type SyntaxNode } from './node';
import type { ParsedFile } from './parse-types';

/**
 * A parsed file as flat integers, so that a parse worker can hand it to the main thread without copying
 * object by object (the array's buffer is transferred). Per node, in pre-order: the type, the field and
 * the operator as indexes into `strings` (-1 for none), start, end, the number of children, and 1 when
 * the node has an error. Comments are the `comment` nodes, in pre-order, as the parser lists them.
 */
export interface FlatFile { ints: Int32Array; strings: string[]; errorCount: number }

/** Integers per node. */
export const FLAT_WIDTH = 7;
const WIDTH = FLAT_WIDTH;

export function flatten(parsed: ParsedFile): FlatFile {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const id = (s: string | null | undefined) => {
    if (s === null || s === undefined) return -1;
    let i = index.get(s);
    if (i === undefined) { i = strings.length; strings.push(s); index.set(s, i); }
    return i;
  };
  let count = 0;
  const stack = [parsed.root];
  while (stack.length) {
    const n = stack.pop()!;
    count++;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  const ints = new Int32Array(count * WIDTH);
  let at = 0;
  stack.push(parsed.root);
  while (stack.length) {
    const n = stack.pop()!;
    ints[at] = id(n.type);
    ints[at + 1] = id(n.field);
    ints[at + 2] = id(n.op);
    ints[at + 3] = n.start;
    ints[at + 4] = n.end;
    ints[at + 5] = n.children.length;
    ints[at + 6] = n.hasError ? 1 : 0;
    at += WIDTH;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return { ints, strings, errorCount: parsed.errorCount };
}

/** The ParsedFile that `flatten` was given, rebuilt (the same tree, node for node). */
export function unflatten(flat: FlatFile, text: string): ParsedFile {
  const { ints } = flat;
  const strings = flat.strings.map(intern);
  const comments: SyntaxNode[] = [];
  const total = ints.length / WIDTH;
  const make = (i: number, parent: SyntaxNode | null): SyntaxNode => {
    const at = i * WIDTH;
    // Every property in the literal, in the parser's order, so that nodes share one shape.
    const node: SyntaxNode = { type: strings[ints[at]], field: ints[at + 1] < 0 ? null : strings[ints[at + 1]], start: ints[at + 3], end: ints[at + 4], children: EMPTY_CHILDREN, parent };
    if (ints[at + 2] >= 0) node.op = strings[ints[at + 2]];
    if (ints[at + 6]) node.hasError = true;
    if (node.type === 'comment') comments.push(node);
    return node;
  };
  if (total === 0) throw new Error('empty flat file');
  const root = make(0, null);
  // `open[d]` is a node whose children are being read, `left[d]` how many are still to come; its
  // children so far are `kids` from `base[d]` on.
  const open: SyntaxNode[] = [], left: number[] = [], base: number[] = [];
  const kids: SyntaxNode[] = [];
  if (ints[5] > 0) { open.push(root); left.push(ints[5]); base.push(0); }
  for (let i = 1; i < total && open.length; i++) {
    const d = open.length - 1;
    const node = make(i, open[d]);
    kids.push(node);
    left[d]--;
    const n = ints[i * WIDTH + 5];
    if (n > 0) { open.push(node); left.push(n); base.push(kids.length); continue; }
    while (open.length && left[open.length - 1] === 0) {
      closeChildren(open.pop()!, kids, base.pop()!);
      left.pop();
    }
  }
  return { text, root, comments, errorCount: flat.errorCount };
}
