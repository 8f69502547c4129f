import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Language, Parser, type ParseOptions, type Tree, type TreeCursor } from 'web-tree-sitter';
import { diffTexts } from './edit';
import { adopt, reusable, sameText, textReuse, type Reuse } from './reuse';
import { adoptUnchanged } from './take-over';
import { closeChildren, EMPTY_CHILDREN, intern, type SyntaxNode } from './node';
import { flatten, unflatten, type FlatFile } from './flat';
import { flattenRaw } from './raw-flat';
import { withRawCursor } from './raw-cursor';
import type { Binding, ParsedFile, Tables } from './parse-types';

/** Subtrees deeper than this are dropped: pathological nesting gives fewer results, never a stack overflow. */
const MAX_DEPTH = 400;
const PARSE_BASE_MS = 1500;
const PARSE_MS_PER_KB = 8;

const BINDING_FUNCTIONS = [
  '_ts_init', '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_current_node_is_named_wasm', '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_current_field_id_wasm', '_ts_tree_cursor_start_index_wasm', '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_current_node_wasm',
] as const;

interface Raw { binding: Binding; transfer: number }

let ready: Promise<Parser> | undefined;
/** Undefined when web-tree-sitter was initialised elsewhere or its internals changed: the public API is used then. */
let raw: Raw | undefined;
/** Cleared at start-up when flattenRaw describes another tree than the raw conversion on the self-test sample. */
let flatAgrees = false;

/** Directories where the WASM files may be: beside the bundle (dist/), or the source tree's dist/ and node_modules. */
function wasmPath(file: string, pkgDir: string): string {
  const candidates = [
    join(__dirname, file),
    resolve(__dirname, '../../../dist', file),
    resolve(__dirname, '../../../node_modules', pkgDir, file),
  ];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

export function initParser(): Promise<Parser> {
  ready ??= (async () => {
    const options: Record<string, unknown> = { locateFile: (name: string) => wasmPath(name, 'web-tree-sitter') };
    await Parser.init(options);
    raw = rawBinding(options);
    const go = await Language.load(wasmPath('tree-sitter-go.wasm', 'tree-sitter-go'));
    const parser = new Parser();
    parser.setLanguage(go);
    if (raw && !rawAgrees(raw, parser)) raw = undefined;
    flatAgrees = raw !== undefined && rawFlatAgrees(raw, parser);
    incrementalAgrees = incrementalSelfTest(parser, false);
    reuseAgrees = incrementalAgrees && raw !== undefined && incrementalSelfTest(parser, true);
    return parser;
  })();
  return ready;
}

/** A sample with every kind of node the conversion treats apart: fields, operators, comments, an error, a MISSING token. */
const SELF_TEST = 'package p\n\n// c\nfunc (s *S) f(a, b int) (int, error) {\n\tx := -a + b*2\n\tx += 1\n\tif x > 0 { return x, nil }\n\tg(x\n}\nfunc h() { ) }\n';

/**
 * Whether the raw conversion gives the same tree as the public API on a sample, checked once at start-up,
 * so that a web-tree-sitter whose internals differ from what `Binding` assumes falls back to the public API.
 */
function rawAgrees(r: Raw, parser: Parser): boolean {
  const tree = parser.parse(SELF_TEST);
  if (!tree) return false;
  try {
    const a = convertRaw(r, tree, SELF_TEST), b = convert(tree.walk(), SELF_TEST, tree.rootNode.hasError);
    return a.errorCount === b.errorCount && sameComments(a, b) && sameTree(a.root, b.root);
  } catch {
    return false;
  } finally {
    tree.delete();
  }
}

/** Whether flattenRaw describes the same tree as `flatten` of the raw conversion, on the sample (see rawAgrees). */
function rawFlatAgrees(r: Raw, parser: Parser): boolean {
  const tree = parser.parse(SELF_TEST);
  if (!tree) return false;
  try {
    const a = unflatten(flattenRaw(r.binding, r.transfer, tree, SELF_TEST, tablesFor(tree.language), MAX_DEPTH), SELF_TEST);
    const b = convertRaw(r, tree, SELF_TEST);
    return a.errorCount === b.errorCount && sameComments(a, b) && sameTree(a.root, b.root);
  } catch {
    return false;
  } finally {
    tree.delete();
  }
}

/** The sample without its errors, and after an edit that adds a line break, CRLF, a lone CR, non-ASCII text and errors. */
const SELF_TEST_CLEAN = SELF_TEST.replace('\tg(x\n', '\tg(x)\n').replace('{ ) }', '{}');
const SELF_TEST_EDITED = SELF_TEST_CLEAN.replace('x += 1', 'x += 1\r\n\ts := "é\u{1F512}"\r_ = s').replace('g(x)', 'g(x');

/**
 * Whether an incremental re-parse of the edited sample gives the tree a full parse gives, checked once at
 * start-up, without and with re-used nodes (see `Reuse`): if not, `parseGoIncremental` always parses in
 * full, or copies every node. Re-use must also happen on the sample: nodes after and before the edit.
 */
function incrementalSelfTest(parser: Parser, withReuse: boolean): boolean {
  let old: Tree | null = null, tree: Tree | null = null;
  // Declarations after the edited one, far enough from its errors to be re-used (and moved).
  const tail = withReuse ? '\nvar v = 1 // d\n\n/* e */\ntype T struct{ n int }\n' : '';
  const clean = SELF_TEST_CLEAN + tail, edited = SELF_TEST_EDITED + tail;
  try {
    old = parser.parse(clean);
    if (!old || old.rootNode.hasError) return false;
    const before = toParsedFile(old, clean);
    old.edit(diffTexts(clean, edited)!);
    const reuse = withReuse ? reusable(old, before, diffTexts(clean, edited)!) : undefined;
    if (withReuse && !reuse) return false;
    tree = parser.parse(edited, old);
    if (!tree) return false;
    const reused = parseStats.reusedNodes;
    const a = toParsedFile(tree, edited, reuse), b = parseGo(parser, edited);
    if (withReuse && parseStats.reusedNodes - reused < 2) return false;
    return a.errorCount > 0 && a.errorCount === b.errorCount && sameComments(a, b) && sameTree(a.root, b.root);
  } catch {
    return false;
  } finally {
    tree?.delete();
    old?.delete();
  }
}

function sameComments(a: ParsedFile, b: ParsedFile): boolean {
  return a.comments.length === b.comments.length && a.comments.every((c, i) => c.start === b.comments[i].start && c.end === b.comments[i].end);
}

function sameTree(a: SyntaxNode, b: SyntaxNode): boolean {
  if (a.type !== b.type || a.field !== b.field || a.start !== b.start || a.end !== b.end || a.op !== b.op || a.hasError !== b.hasError) return false;
  if (a.children.length !== b.children.length) return false;
  return a.children.every((c, i) => c.parent === a && sameTree(c, b.children[i]));
}

function rawBinding(module: Record<string, unknown>): Raw | undefined {
  try {
    if (!BINDING_FUNCTIONS.every((f) => typeof module[f] === 'function') || !(module.HEAP_DATA_VIEW instanceof DataView)) return undefined;
    const binding = module as unknown as Binding;
    // ts_init only stores the ABI version numbers in the transfer buffer and returns its address.
    return { binding, transfer: binding._ts_init() };
  } catch {
    return undefined;
  }
}

/** Parses Go source. Never throws: on an internal failure the result is an empty file with one error. */
export function parseGo(parser: Parser, text: string): ParsedFile {
  try {
    const tree = parseTree(parser, text, null);
    if (!tree) return emptyFile(text);
    try {
      return toParsedFile(tree, text);
    } finally {
      tree.delete();
    }
  } catch {
    return emptyFile(text);
  }
}

/**
 * Parses Go source into the flat form (see FlatFile), as `flatten(parseGo(parser, text))` would give it but
 * without making SyntaxNodes on the way: what a parse worker sends. Never throws.
 */
export function parseGoFlat(parser: Parser, text: string): FlatFile {
  try {
    const tree = parseTree(parser, text, null);
    if (!tree) return flatten(emptyFile(text));
    try {
      if (raw && flatAgrees) {
        try {
          return flattenRaw(raw.binding, raw.transfer, tree, text, tablesFor(tree.language), MAX_DEPTH);
        } catch {
          // Copy this tree as the editor does instead.
        }
      }
      return flatten(toParsedFile(tree, text));
    } finally {
      tree.delete();
    }
  } catch {
    return flatten(emptyFile(text));
  }
}

/**
 * Parses with tree-sitter, within a time budget. Error recovery can go superlinear on pathological input
 * (thousands of `*\/` lines): past a generous budget (about 20x normal speed) the parse is given up and
 * the result is null. `oldTree` must have been edited to match `text` (see `Tree.edit`).
 */
function parseTree(parser: Parser, text: string, oldTree: Tree | null): Tree | null {
  const deadline = Date.now() + PARSE_BASE_MS + (text.length / 1024) * PARSE_MS_PER_KB;
  const tree = parser.parse(text, oldTree, { progressCallback: () => Date.now() > deadline ? true : undefined } as unknown as ParseOptions);
  // A cancelled parse is resumed by the parser's next call, whatever its text: start afresh instead.
  if (!tree) parser.reset();
  return tree;
}

function toParsedFile(tree: Tree, text: string, reuse?: Reuse): ParsedFile {
  if (raw) {
    try {
      const parsed = convertRaw(raw, tree, text, reuse);
      if (reuse) parseStats.reusedNodes += safeAdoptUnchanged(parsed, reuse);
      return parsed;
    } catch {
      // Copy this tree through the public API instead.
    }
  }
  return convert(tree.walk(), text, tree.rootNode.hasError);
}

/** adoptUnchanged; an internal failure leaves the nodes not taken over yet as the parse made them. */
function safeAdoptUnchanged(parsed: ParsedFile, reuse: Reuse): number {
  try {
    return adoptUnchanged(parsed, reuse);
  } catch {
    return 0;
  }
}

/** How many trees of edited files are kept for incremental re-parsing; each holds WASM memory. */
const KEPT_TREES = 8;

/** A kept tree, the text it was parsed from, whether it has ERROR or MISSING nodes, and what it was converted to. */
interface Kept { text: string; tree: Tree; hasError: boolean; parsed: ParsedFile }

/**
 * Trees of the most recently re-parsed files, by key (a file path), oldest first. Shared by every parse of
 * the process (the trees do not depend on the Parser that made them), so the WASM memory they hold stays
 * bounded however many workspaces there are. A key that was never parsed before keeps no tree: a cold
 * scan of a workspace does not push out the trees of the files being edited.
 */
const kept = new Map<string, Kept>();
const seen = new Set<string>();
/** Cleared at start-up when an incremental re-parse of the self-test sample differs from a full parse. */
let incrementalAgrees = true;
/** Cleared at start-up when re-using the previous result's nodes (see `Reuse`) gives another tree than a full parse. */
let reuseAgrees = true;

/** Counts of `parseGoIncremental`'s paths, for tests and profiling. */
export const parseStats = { full: 0, incremental: 0, fallback: 0, reusedNodes: 0 };

/** Whether the start-up self-test let incremental re-parsing on (see incrementalSelfTest). */
export function incrementalEnabled(): boolean { return incrementalAgrees; }

/** Whether the start-up self-test let re-parses take over unchanged nodes of the previous result (see `Reuse`). */
export function nodeReuseEnabled(): boolean { return reuseAgrees; }

/** Whether parse workers copy trees straight into the flat form (see parseGoFlat); else through SyntaxNodes. */
export function rawFlatEnabled(): boolean { return flatAgrees; }

/**
 * Parses Go source like `parseGo`, with the same result, re-using the previous tree of the same key when
 * there is one: the edit between the two texts (their common prefix and suffix) is applied to the old tree,
 * and tree-sitter re-parses only what changed. The new tree is kept for the next re-parse if the key was
 * parsed before (an edited file). On any error, a timeout or a missing tree, the text is parsed in full
 * (within a budget of its own: input that defeats both takes up to twice the budget, as an empty file).
 *
 * The result may take over, and move, top-level nodes of the result returned for the same key last time (see
 * `Reuse`), or of `previous` when no tree was kept for the key: the caller must own that result and no longer
 * use it. Keys are per owner (a workspace and a path).
 *
 * Only a tree without errors is re-parsed from: from a tree with ERROR nodes, tree-sitter's error recovery
 * can take another path than in a full parse and give a different tree (about one re-parse in 500 of
 * randomly edited, already broken fixture files; none in tens of thousands from clean ones). A broken file
 * is parsed in full, as before, until an edit makes it clean again.
 */
export function parseGoIncremental(parser: Parser, key: string, text: string, previous?: ParsedFile): ParsedFile {
  let prev = kept.get(key);
  if (prev) kept.delete(key);
  const keep = prev !== undefined || seen.has(key);
  seen.add(key);
  if (prev && (prev.hasError || !incrementalAgrees || touchesRawString(prev.text, text))) {
    prev.tree.delete();
    prev = undefined;
  } else if (prev) {
    const reparsed = reparse(parser, key, prev, text);
    if (reparsed) {
      parseStats.incremental++;
      return reparsed;
    }
    parseStats.fallback++;
  }
  parseStats.full++;
  if (!keep) return parseGo(parser, text);
  try {
    const tree = parseTree(parser, text, null);
    if (!tree) return emptyFile(text);
    try {
      // No old tree to re-parse from (the key's first parse kept none, or its text did not parse): unchanged
      // declarations of the caller's previous result may still be taken over (see textReuse).
      const reuse = previous && !prev && reuseAgrees ? textReuse(previous, text) : undefined;
      const parsed = toParsedFile(tree, text, reuse);
      keepTree(key, text, tree, parsed);
      return parsed;
    } catch (e) {
      tree.delete();
      throw e;
    }
  } catch {
    return emptyFile(text);
  }
}

/** Re-parses `text` from the tree of `prev`, which is used up either way. Undefined on any failure. */
/**
 * Whether the edit types or removes a backtick: a raw string, which may span lines and hold CRs, changes how
 * everything after it lexes, and tree-sitter's re-parse from the old tree was seen to recover from the broken
 * file differently from a fresh parse (`)\`\\r\\n\`` typed after a `var ( ... )` block: the re-parse found none of
 * the six errors a fresh parse finds). Such an edit is parsed afresh, as after an edit of a broken file.
 */
function touchesRawString(before: string, after: string): boolean {
  const e = diffTexts(before, after);
  return !!e && (before.slice(e.startIndex, e.oldEndIndex).includes('`') || after.slice(e.startIndex, e.newEndIndex).includes('`'));
}

function reparse(parser: Parser, key: string, prev: Kept, text: string): ParsedFile | undefined {
  let old: Tree | null = prev.tree, tree: Tree | null = null;
  try {
    const edit = diffTexts(prev.text, text);
    let reuse: Reuse | undefined;
    if (edit) {
      old.edit(edit);
      reuse = reuseAgrees ? reusable(old, prev.parsed, edit) : undefined;
      tree = parseTree(parser, text, old);
      if (!tree) return undefined;
    } else {
      tree = old;
      old = null;
    }
    const parsed = edit ? toParsedFile(tree, text, reuse) : prev.parsed;
    keepTree(key, text, tree, parsed);
    tree = null;
    return parsed;
  } catch {
    return undefined;
  } finally {
    // The new tree shares the old one's unchanged subtrees by reference count: the old one can go.
    tree?.delete();
    old?.delete();
  }
}

function keepTree(key: string, text: string, tree: Tree, parsed: ParsedFile): void {
  kept.set(key, { text, tree, hasError: tree.rootNode.hasError, parsed });
  for (const [oldest, { tree: t }] of kept) {
    if (kept.size <= KEPT_TREES) break;
    kept.delete(oldest);
    t.delete();
  }
}

/** Frees the kept tree of a key, if any: its result is not to be re-parsed from (see Workspace's compaction). */
export function dropKeptTree(key: string): void {
  kept.get(key)?.tree.delete();
  kept.delete(key);
}

/** Frees every kept tree (tests; a host that wants the WASM memory back). */
export function dropKeptTrees(): void {
  for (const { tree } of kept.values()) tree.delete();
  kept.clear();
  seen.clear();
}

function emptyFile(text: string): ParsedFile {
  const root: SyntaxNode = { type: 'source_file', field: null, start: 0, end: text.length, children: EMPTY_CHILDREN, parent: null, hasError: true };
  return { text, root, comments: [], errorCount: 1 };
}

const OPERATOR_PARENTS = new Set(['unary_expression', 'binary_expression', 'assignment_statement']);

const languageTables = new WeakMap<Language, Tables>();

function tablesFor(language: Language): Tables {
  let tables = languageTables.get(language);
  if (!tables) {
    const operatorParent = new Uint8Array(65536);
    language.types.forEach((type, id) => { if (OPERATOR_PARENTS.has(type)) operatorParent[id] = 1; });
    tables = {
      named: new Int8Array(65536).fill(-1), operatorParent, operatorField: language.fieldIdForName('operator') ?? -1,
      types: language.types.map((t) => (t ? intern(t) : t)), fields: language.fields.map((f) => (f ? intern(f) : f)),
    };
    languageTables.set(language, tables);
  }
  return tables;
}

/** The id (subtree address) of the raw cursor's current node; the cursor in the transfer buffer is kept. */
function currentNodeId(b: Binding, transfer: number, t: number): number {
  let view = b.HEAP_DATA_VIEW;
  const c0 = view.getInt32(transfer, true), c1 = view.getInt32(transfer + 4, true);
  const c2 = view.getInt32(transfer + 8, true), c3 = view.getInt32(transfer + 12, true);
  b._ts_tree_cursor_current_node_wasm(t);
  view = b.HEAP_DATA_VIEW;
  const id = view.getInt32(transfer, true);
  view.setInt32(transfer, c0, true); view.setInt32(transfer + 4, c1, true);
  view.setInt32(transfer + 8, c2, true); view.setInt32(transfer + 12, c3, true);
  return id;
}

/**
 * Copies the tree into SyntaxNodes through the raw WASM exports (see `Binding`). The cursor lives in the
 * transfer buffer for the whole walk; nothing else may use web-tree-sitter meanwhile. Per node it costs one
 * navigation call and a type-id call, plus field, start and end for named nodes: anonymous tokens (half the
 * nodes) are skipped without reading their positions unless they are the operator of an expression.
 * Children arrays are built at their exact size once a node's children are known, and leaves share one
 * empty array, which halves the tree's memory.
 */
function convertRaw({ binding: b, transfer }: Raw, tree: Tree, text: string, reuse?: Reuse): ParsedFile {
  const language = tree.language;
  const { named: namedTable, operatorParent, operatorField, types, fields } = tablesFor(language);
  const mayHaveErrors = tree.rootNode.hasError;
  return withRawCursor(b, transfer, tree, (t) => {
    const comments: SyntaxNode[] = [];
    let errorCount = 0;
    const rootTypeId = b._ts_tree_cursor_current_node_type_id_wasm(t);
    const root: SyntaxNode = {
      type: types[rootTypeId] || 'ERROR', field: null,
      start: b._ts_tree_cursor_start_index_wasm(t), end: b._ts_tree_cursor_end_index_wasm(t), children: EMPTY_CHILDREN, parent: null,
    };
    /** `stack[d]` is the node at depth d, of type id `typeIds[d]`; the children of `stack[d - 1]` are `kids` from `base[d]` on. */
    const stack: SyntaxNode[] = [root];
    const typeIds: number[] = [rootTypeId];
    const kids: SyntaxNode[] = [];
    const base: number[] = [0, 0];
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
        // Below the top level, only nodes of the edited declarations are looked up (the others were taken over whole).
        const previous = !named || !reuse ? undefined
          : depth === 1 ? reuse.byId.get(currentNodeId(b, transfer, t)) ?? (mayHaveErrors ? undefined : sameText(reuse, b._ts_tree_cursor_start_index_wasm(t), b._ts_tree_cursor_end_index_wasm(t)))
          : reuse.byId.size ? reuse.byId.get(currentNodeId(b, transfer, t)) : undefined;
        if (previous && previous.type === types[typeId] && previous.field === (fields[b._ts_tree_cursor_current_field_id_wasm(t)] ?? null)
          && previous.end - previous.start === b._ts_tree_cursor_end_index_wasm(t) - b._ts_tree_cursor_start_index_wasm(t)) {
          adopt(previous, b._ts_tree_cursor_start_index_wasm(t), parent, reuse!, comments);
          parseStats.reusedNodes++;
          kids.push(previous);
        } else if (named) {
          const type = types[typeId] || 'ERROR';
          const node: SyntaxNode = {
            type, field: fields[b._ts_tree_cursor_current_field_id_wasm(t)] ?? null,
            start: b._ts_tree_cursor_start_index_wasm(t), end: b._ts_tree_cursor_end_index_wasm(t), children: EMPTY_CHILDREN, parent,
          };
          if (type === 'ERROR' || isMissing) { errorCount++; markError(parent); node.hasError = true; }
          if (type === 'comment') comments.push(node);
          kids.push(node);
          stack[depth] = node;
          typeIds[depth] = typeId;
          if (depth < MAX_DEPTH && b._ts_tree_cursor_goto_first_child_wasm(t)) { depth++; base[depth] = kids.length; descended = true; }
          else if (depth >= MAX_DEPTH) markError(node);
        } else {
          if (isMissing) { errorCount++; markError(parent); }
          if (operatorParent[typeIds[depth - 1]] && b._ts_tree_cursor_current_field_id_wasm(t) === operatorField) {
            const start = b._ts_tree_cursor_start_index_wasm(t), end = b._ts_tree_cursor_end_index_wasm(t);
            // An operator token's type is its text, a shared string; a MISSING one is empty in the text.
            const name = types[typeId];
            parent.op = name !== undefined && end - start === name.length ? name : text.slice(start, end);
          } else if ((types[typeId] || 'ERROR') === 'ERROR') { errorCount++; markError(parent); }
        }
        if (descended) continue;
        let more = true;
        while (!b._ts_tree_cursor_goto_next_sibling_wasm(t)) {
          closeChildren(stack[depth - 1], kids, base[depth]);
          depth--;
          if (depth === 0 || !b._ts_tree_cursor_goto_parent_wasm(t)) { more = false; break; }
        }
        if (!more) break;
      }
    }
    // Only an unexpected end of the walk leaves levels open.
    for (; depth > 0; depth--) closeChildren(stack[depth - 1], kids, base[depth]);
    return { text, root, comments, errorCount };
  });
}

/**
 * The same conversion through web-tree-sitter's public API, used when the raw exports are not reachable.
 * `mayHaveErrors` false (the common case) skips the MISSING probe, one WASM call per node.
 */
function convert(cursor: TreeCursor, text: string, mayHaveErrors: boolean): ParsedFile {
  try {
    return convertWith(cursor, text, mayHaveErrors);
  } finally {
    cursor.delete();
  }
}

function convertWith(cursor: TreeCursor, text: string, mayHaveErrors: boolean): ParsedFile {
  const comments: SyntaxNode[] = [];
  let errorCount = 0;
  const root: SyntaxNode = { type: intern(cursor.nodeType), field: null, start: cursor.startIndex, end: cursor.endIndex, children: EMPTY_CHILDREN, parent: null };
  const stack: SyntaxNode[] = [root];
  let depth = 0;
  // Iterative descent over the cursor; `stack[depth]` is the node whose children are being read.
  if (cursor.gotoFirstChild()) {
    depth = 1;
    for (;;) {
      const parent = stack[depth - 1];
      const named = cursor.nodeIsNamed;
      const isMissing = mayHaveErrors && cursor.nodeIsMissing;
      let descended = false;
      if (named) {
        const node: SyntaxNode = {
          type: intern(cursor.nodeType), field: cursor.currentFieldName && intern(cursor.currentFieldName), start: cursor.startIndex, end: cursor.endIndex, children: EMPTY_CHILDREN, parent,
        };
        if (node.type === 'ERROR' || isMissing) { errorCount++; markError(parent); node.hasError = true; }
        if (node.type === 'comment') comments.push(node);
        if (parent.children === EMPTY_CHILDREN) parent.children = [node]; else parent.children.push(node);
        stack[depth] = node;
        if (depth < MAX_DEPTH && cursor.gotoFirstChild()) { depth++; descended = true; }
        else if (depth >= MAX_DEPTH) markError(node);
      } else {
        if (isMissing) { errorCount++; markError(parent); }
        if (cursor.currentFieldName === 'operator' && OPERATOR_PARENTS.has(parent.type)) parent.op = text.slice(cursor.startIndex, cursor.endIndex);
        else if (cursor.nodeType === 'ERROR') { errorCount++; markError(parent); }
      }
      if (descended) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return { text, root, comments, errorCount };
        depth--;
        if (depth === 0) return { text, root, comments, errorCount };
      }
    }
  }
  return { text, root, comments, errorCount };
}

function markError(n: SyntaxNode | null): void {
  for (let p = n; p && !p.hasError; p = p.parent) p.hasError = true;
}
