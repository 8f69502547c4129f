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

/**
 * Gives `node` its children, `kids` from `from` on, as an array of the exact size. Short arrays are array
 * literals: V8 tracks an allocation site per literal and, seeing that the arrays live on, allocates them
 * directly in the old generation. Arrays made by `slice` would be copied by two scavenges each, which costs
 * more than the conversion itself when a whole workspace is kept.
 */
export function closeChildren(node: SyntaxNode, kids: SyntaxNode[], from: number): void {
  const n = kids.length - from;
  if (n <= 0) return;
  switch (n) {
    case 1: node.children = [kids[from]]; break;
    case 2: node.children = [kids[from], kids[from + 1]]; break;
    case 3: node.children = [kids[from], kids[from + 1], kids[from + 2]]; break;
    case 4: node.children = [kids[from], kids[from + 1], kids[from + 2], kids[from + 3]]; break;
    case 5: node.children = [kids[from], kids[from + 1], kids[from + 2], kids[from + 3], kids[from + 4]]; break;
    case 6: node.children = [kids[from], kids[from + 1], kids[from + 2], kids[from + 3], kids[from + 4], kids[from + 5]]; break;
    default: node.children = kids.slice(from);
  }
  kids.length = from;
}

const internedNames = new Map<string, string>();

/**
 * The one internalized copy of a node type or field name. The parser's names are read out of WASM memory
 * (and a worker's arrive copied per file), so they are not V8's internalized strings, and every
 * `n.type === 'call_expression'` would compare characters; a property key is always internalized, and two
 * internalized strings compare by address.
 */
export function intern(name: string): string {
  let v = internedNames.get(name);
  if (v === undefined) internedNames.set(name, (v = Object.keys({ [name]: 0 })[0]));
  return v;
}

/**
 * Empties the children arrays of a subtree (the root's included) and detaches its nodes from their parents,
 * so that each of its nodes referenced from elsewhere stays alive alone, with its type and offsets.
 */
export function dropDescendants(root: SyntaxNode): void {
  if (root.children === EMPTY_CHILDREN) return;
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    for (const c of n.children) {
      c.parent = null;
      // Leaves already share the empty array.
      if (c.children !== EMPTY_CHILDREN) stack.push(c);
    }
    n.children = EMPTY_CHILDREN;
  }
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
