// The parser's data, apart from parser.ts so that the modules it uses (flat, raw-flat, raw-cursor, reuse,
// take-over) can read it without importing the parser back.
import type { SyntaxNode } from './node';

/** A parsed Go file: its text, the compact tree, and the comments. */
export interface ParsedFile {
  text: string;
  root: SyntaxNode;
  comments: SyntaxNode[];
  /** Number of ERROR or MISSING nodes; 0 for a file that parses cleanly. */
  errorCount: number;
}

/**
 * The raw exports of web-tree-sitter's WASM module that the conversion calls. Each of them reads the tree
 * cursor from the module's transfer buffer and the navigation ones write it back, so a whole walk can run
 * on the raw exports without web-tree-sitter's per-call JavaScript glue, which copies the cursor in and out
 * of WASM memory four integers at a time through a DataView on every property read (it cost more than the
 * WASM work itself). Emscripten installs the exports on the options object given to `Parser.init`.
 */
export interface Binding {
  _ts_init(): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_named_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  /** Writes the cursor's current node to the transfer buffer (over the cursor): its id, the subtree's address, comes first. */
  _ts_tree_cursor_current_node_wasm(tree: number): void;
  HEAP_DATA_VIEW: DataView;
}

/**
 * Per-language tables by node type id: whether the type is named (-1: not seen yet), and whether it is one
 * of OPERATOR_PARENTS; and the `operator` field's id.
 */
export interface Tables {
  named: Int8Array; operatorParent: Uint8Array; operatorField: number;
  /** The language's type and field names, internalized (see intern). */
  types: string[]; fields: (string | null)[];
}
