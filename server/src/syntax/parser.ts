import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Language, Parser, type ParseOptions, type TreeCursor } from 'web-tree-sitter';
import type { SyntaxNode } from './node';

/** Subtrees deeper than this are dropped: pathological nesting gives fewer results, never a stack overflow. */
const MAX_DEPTH = 400;
const PARSE_BASE_MS = 1500;
const PARSE_MS_PER_KB = 8;

export interface ParsedFile {
  text: string;
  root: SyntaxNode;
  comments: SyntaxNode[];
  /** Number of ERROR or MISSING nodes; 0 for a file that parses cleanly. */
  errorCount: number;
}

let ready: Promise<Parser> | undefined;

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
    await Parser.init({ locateFile: (name: string) => wasmPath(name, 'web-tree-sitter') });
    const go = await Language.load(wasmPath('tree-sitter-go.wasm', 'tree-sitter-go'));
    const parser = new Parser();
    parser.setLanguage(go);
    return parser;
  })();
  return ready;
}

/** Parses Go source. Never throws: on an internal failure the result is an empty file with one error. */
export function parseGo(parser: Parser, text: string): ParsedFile {
  try {
    // Error recovery can go superlinear on pathological input (thousands of `*/` lines): give up past a
    // generous budget (about 20x normal speed), and treat the file as unparsable rather than stall.
    const deadline = Date.now() + PARSE_BASE_MS + (text.length / 1024) * PARSE_MS_PER_KB;
    const tree = parser.parse(text, null, { progressCallback: () => Date.now() > deadline ? true : undefined } as unknown as ParseOptions);
    if (!tree) return emptyFile(text);
    try {
      return convert(tree.walk(), text, tree.rootNode.hasError);
    } finally {
      tree.delete();
    }
  } catch {
    return emptyFile(text);
  }
}

function emptyFile(text: string): ParsedFile {
  const root: SyntaxNode = { type: 'source_file', field: null, start: 0, end: text.length, children: [], parent: null, hasError: true };
  return { text, root, comments: [], errorCount: 1 };
}

const OPERATOR_PARENTS = new Set(['unary_expression', 'binary_expression', 'assignment_statement']);

/** `mayHaveErrors` false (the common case) skips the MISSING probe, one WASM call per node. */
function convert(cursor: TreeCursor, text: string, mayHaveErrors: boolean): ParsedFile {
  const comments: SyntaxNode[] = [];
  let errorCount = 0;
  const root: SyntaxNode = { type: cursor.nodeType, field: null, start: cursor.startIndex, end: cursor.endIndex, children: [], parent: null };
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
          type: cursor.nodeType, field: cursor.currentFieldName, start: cursor.startIndex, end: cursor.endIndex, children: [], parent,
        };
        if (node.type === 'ERROR' || isMissing) { errorCount++; markError(parent); node.hasError = true; }
        if (node.type === 'comment') comments.push(node);
        parent.children.push(node);
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
