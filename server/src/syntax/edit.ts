/**
 * The edit that turns one text into another, in the units web-tree-sitter's `Tree.edit` takes for a tree
 * parsed from a JavaScript string. web-tree-sitter 0.25 parses a string as UTF-16LE and halves every byte
 * offset and every column it passes across the WASM boundary, so indexes and columns are UTF-16 code units
 * (an astral character counts 2). Rows are counted as tree-sitter's lexer counts them: at `\n` only, so a
 * lone `\r` is an ordinary character of its row and `\r\n` ends a row at its `\n`.
 */
export interface Point { row: number; column: number }

export interface TextEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: Point;
  oldEndPosition: Point;
  newEndPosition: Point;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * The single changed range between two texts: their common prefix and suffix are kept, what is between them
 * is replaced. Undefined when the texts are equal. The range never splits a surrogate pair, so that the
 * edit's ends fall on character boundaries of both texts.
 */
export function diffTexts(oldText: string, newText: string): TextEdit | undefined {
  if (oldText === newText) return undefined;
  const oldLen = oldText.length, newLen = newText.length;
  const min = Math.min(oldLen, newLen);
  let prefix = 0;
  while (prefix < min && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && isHigh(oldText.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  const maxSuffix = min - prefix;
  while (suffix < maxSuffix && oldText.charCodeAt(oldLen - 1 - suffix) === newText.charCodeAt(newLen - 1 - suffix)) suffix++;
  if (suffix > 0 && isLow(oldText.charCodeAt(oldLen - suffix))) suffix--;
  const oldEndIndex = oldLen - suffix, newEndIndex = newLen - suffix;
  const startPosition = pointAt(oldText, prefix, 0, 0, 0);
  return {
    startIndex: prefix, oldEndIndex, newEndIndex,
    startPosition,
    oldEndPosition: pointAt(oldText, oldEndIndex, prefix, startPosition.row, prefix - startPosition.column),
    newEndPosition: pointAt(newText, newEndIndex, prefix, startPosition.row, prefix - startPosition.column),
  };
}

/**
 * The row and column of `offset` in `text`, counting from `from`, a position known to be on row `row`,
 * whose row starts at `rowStart`.
 */
export function pointAt(text: string, offset: number, from = 0, row = 0, rowStart = 0): Point {
  for (let i = text.indexOf('\n', from); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) { row++; rowStart = i + 1; }
  return { row, column: offset - rowStart };
}
