import type { Tree } from 'web-tree-sitter';
import { FLAT_WIDTH, type FlatFile } from './flat';
import type { Binding, Tables } from './parse-types';
import { withRawCursor } from './raw-cursor';

/**
 * Copies a tree straight into the flat form that `flatten` makes of a ParsedFile, through the raw WASM
 * exports, without making a SyntaxNode: what a parse worker sends. It walks the tree as `convertRaw` does and
 * keeps the same nodes (named ones; an expression's operator as its `op`; ERROR and MISSING marked on their
 * ancestors), but a node's type, field and operator are indexes into a per-file string table made from the
 * language's ids, and its child count is counted up as its children are written. The strings may be numbered
 * otherwise than `flatten` numbers them; the tree they describe is the same (the self-test checks it).
 */
/** The working array of flattenRaw, shared by its calls (a parse worker copies one file at a time). */
let scratch = new Int32Array(0);

export function flattenRaw(b: Binding, transfer: number, tree: Tree, text: string, tables: Tables, maxDepth: number): FlatFile {
  const { named: namedTable, operatorParent, operatorField, types, fields } = tables;
  const mayHaveErrors = tree.rootNode.hasError;

  const strings: string[] = [];
  // Per file, the string index of each type and field id (-1: not in the table yet), and of each string.
  const typeIndex = new Int32Array(types.length).fill(-1);
  const fieldIndex = new Int32Array(fields.length).fill(-1);
  const indexOf = new Map<string, number>();
  const typeAt = (id: number): number => {
    if (id >= types.length) return stringFor('ERROR');
    let i = typeIndex[id];
    if (i < 0) i = typeIndex[id] = stringFor(types[id] || 'ERROR');
    return i;
  };
  const stringFor = (s: string): number => {
    let i = indexOf.get(s);
    if (i === undefined) { i = strings.length; strings.push(s); indexOf.set(s, i); }
    return i;
  };

  // Go has about one named node per 3.3 characters; the array grows when a file has more. It is kept for the
  // next file: a worker that made one per file would leave their memory (outside the JS heap) to collections
  // that its few JS objects seldom start.
  const needed = Math.max(64, Math.ceil(text.length / 3)) * FLAT_WIDTH;
  if (scratch.length < needed) scratch = new Int32Array(needed);
  let ints = scratch;
  let count = 0;
  const add = (type: number, field: number, start: number, end: number): number => {
    if ((count + 1) * FLAT_WIDTH > ints.length) {
      const bigger = new Int32Array(ints.length * 2);
      bigger.set(ints);
      ints = scratch = bigger;
    }
    const at = count * FLAT_WIDTH;
    ints[at] = type; ints[at + 1] = field; ints[at + 2] = -1; ints[at + 3] = start; ints[at + 4] = end; ints[at + 5] = 0; ints[at + 6] = 0;
    return count++;
  };
  /** `stack[d]` is the index of the node at depth d, of type id `typeIds[d]`. */
  const stack: number[] = [];
  const typeIds: number[] = [];
  let errorCount = 0;
  // ERROR and MISSING mark every node above them; a marked node's ancestors are marked already.
  const markError = (depth: number) => {
    for (let d = depth; d >= 0 && ints[stack[d] * FLAT_WIDTH + 6] === 0; d--) ints[stack[d] * FLAT_WIDTH + 6] = 1;
  };

  withRawCursor(b, transfer, tree, (t) => {
    const rootTypeId = b._ts_tree_cursor_current_node_type_id_wasm(t);
    stack[0] = add(typeAt(rootTypeId), -1, b._ts_tree_cursor_start_index_wasm(t), b._ts_tree_cursor_end_index_wasm(t));
    typeIds[0] = rootTypeId;
    let depth = 0;
    if (b._ts_tree_cursor_goto_first_child_wasm(t)) {
      depth = 1;
      for (;;) {
        const parent = stack[depth - 1];
        const typeId = b._ts_tree_cursor_current_node_type_id_wasm(t);
        let named = namedTable[typeId];
        if (named < 0) named = namedTable[typeId] = b._ts_tree_cursor_current_node_is_named_wasm(t) ? 1 : 0;
        const isMissing = mayHaveErrors && b._ts_tree_cursor_current_node_is_missing_wasm(t) !== 0;
        let descended = false;
        if (named) {
          const fieldId = b._ts_tree_cursor_current_field_id_wasm(t);
          const field = fields[fieldId] ? (fieldIndex[fieldId] >= 0 ? fieldIndex[fieldId] : (fieldIndex[fieldId] = stringFor(fields[fieldId]!))) : -1;
          const node = add(typeAt(typeId), field, b._ts_tree_cursor_start_index_wasm(t), b._ts_tree_cursor_end_index_wasm(t));
          ints[parent * FLAT_WIDTH + 5]++;
          stack[depth] = node;
          typeIds[depth] = typeId;
          if (!types[typeId] || types[typeId] === 'ERROR' || isMissing) { errorCount++; markError(depth); }
          if (depth < maxDepth && b._ts_tree_cursor_goto_first_child_wasm(t)) { depth++; descended = true; }
          else if (depth >= maxDepth) markError(depth);
        } else {
          if (isMissing) { errorCount++; markError(depth - 1); }
          if (operatorParent[typeIds[depth - 1]] && b._ts_tree_cursor_current_field_id_wasm(t) === operatorField) {
            const start = b._ts_tree_cursor_start_index_wasm(t), end = b._ts_tree_cursor_end_index_wasm(t);
            // An operator token's type is its text, a shared string; a MISSING one is empty in the text.
            const name = types[typeId];
            ints[parent * FLAT_WIDTH + 2] = stringFor(name !== undefined && end - start === name.length ? name : text.slice(start, end));
          } else if ((types[typeId] || 'ERROR') === 'ERROR') { errorCount++; markError(depth - 1); }
        }
        if (descended) continue;
        let more = true;
        while (!b._ts_tree_cursor_goto_next_sibling_wasm(t)) {
          depth--;
          if (depth === 0 || !b._ts_tree_cursor_goto_parent_wasm(t)) { more = false; break; }
        }
        if (!more) break;
      }
    }
  });
  // An exact copy: the buffer is what the worker transfers, and the main thread holds it until it is rebuilt.
  return { ints: ints.slice(0, count * FLAT_WIDTH), strings, errorCount };
}
