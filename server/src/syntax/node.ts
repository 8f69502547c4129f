/**
 * A compact, plain-JS syntax tree. The tree-sitter tree lives in WASM memory and every node access
 * crosses the WASM boundary, so each file is copied once into these objects and the WASM tree is freed.
 * Only named nodes are kept; the operator token of unary, binary and assignment expressions is kept as `op`.
 */
export interface SyntaxNode {
  type: string;
  /** The grammar field under which this node sits in its parent (`function`, `operand`, ...). */
  field: string | null;
  /** UTF-16 offsets into the file's text. */
  start: number;
  end: number;
  children: SyntaxNode[];
  parent: SyntaxNode | null;
  op?: string;
  /** Set on ERROR and MISSING nodes and on the nodes that contain them. */
  hasError?: boolean;
}

/**
 * The children of every leaf: one shared array, so that the two million leaves of a large workspace do not
 * each hold an empty array. Children arrays are never mutated after parsing.
 */
export const EMPTY_CHILDREN: SyntaxNode[] = emptyObjectArray();

function emptyObjectArray(): SyntaxNode[] {
  // An array that once held an object keeps the elements kind of the other children arrays, so that reads
  // of `children` stay monomorphic.
  const a: SyntaxNode[] = [{} as SyntaxNode];
  a.pop();
  return a;
}

export function child(node: SyntaxNode, field: string): SyntaxNode | undefined {
  for (const c of node.children) if (c.field === field) return c;
  return undefined;
}

export function childrenOf(node: SyntaxNode, field: string): SyntaxNode[] {
  return node.children.filter((c) => c.field === field);
}

export function firstOfType(node: SyntaxNode, type: string): SyntaxNode | undefined {
  for (const c of node.children) if (c.type === type) return c;
  return undefined;
}

/** Pre-order traversal without recursion, so that deep trees cannot overflow the stack. */
export function walk(root: SyntaxNode, visit: (n: SyntaxNode) => boolean | void): void {
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (visit(n) === false) continue;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
}

/** The innermost node that contains the offset, optionally restricted to some types. */
export function nodeAt(root: SyntaxNode, offset: number, accept?: (n: SyntaxNode) => boolean): SyntaxNode | undefined {
  let found: SyntaxNode | undefined;
  let cur: SyntaxNode | undefined = root;
  while (cur) {
    if (!accept || accept(cur)) found = cur;
    let next: SyntaxNode | undefined;
    for (const c of cur.children) {
      if (c.start <= offset && offset < c.end) { next = c; break; }
      if (c.start <= offset && offset === c.end && c.start === c.end) { next = c; break; }
    }
    if (!next) {
      // Allow the cursor to sit right after an identifier (offset === end).
      for (const c of cur.children) if (c.end === offset && c.children.length === 0 && c.start < c.end) { next = c; break; }
    }
    cur = next;
  }
  return found;
}

export function ancestors(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let p = n.parent; p; p = p.parent) out.push(p);
  return out;
}
