import type { Tree } from 'web-tree-sitter';
import type { Binding } from './parse-types';

/**
 * Runs `walk` over a tree with its cursor in web-tree-sitter's transfer buffer, where the raw exports read and
 * move it (see Binding): `walk` gets the tree's address, which they take. Nothing else may use web-tree-sitter
 * meanwhile. The cursor is freed after, its state taken back first: the navigation may have moved its stack in
 * WASM memory.
 */
export function withRawCursor<R>(b: Binding, transfer: number, tree: Tree, walk: (tree: number) => R): R {
  const cursor = tree.walk();
  const c = cursor as unknown as { 0: number; 1: number; 2: number; 3: number };
  let view = b.HEAP_DATA_VIEW;
  view.setInt32(transfer, c[0], true); view.setInt32(transfer + 4, c[1], true);
  view.setInt32(transfer + 8, c[2], true); view.setInt32(transfer + 12, c[3], true);
  try {
    return walk((tree as unknown as { 0: number })[0]);
  } finally {
    view = b.HEAP_DATA_VIEW;
    c[0] = view.getInt32(transfer, true); c[1] = view.getInt32(transfer + 4, true);
    c[2] = view.getInt32(transfer + 8, true); c[3] = view.getInt32(transfer + 12, true);
    cursor.delete();
  }
}
