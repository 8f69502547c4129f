/**
 * Incremental re-parsing (parseGoIncremental) gives the tree a full parse gives: seeded random edits of the
 * fixture files, also with CRLF line ends, lone CRs and non-ASCII text, are re-parsed from the previous tree
 * and compared node by node (type, field, start, end, operator, error marks, children) with a full parse of
 * the same text. LOCKSET_REPARSE_SEED and LOCKSET_REPARSE_EDITS run other sequences (a longer exploration).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Parser } from 'web-tree-sitter';
import { generateBigFile } from '../scripts/bench/corpus';
import { diffTexts, pointAt } from '../server/src/syntax/edit';
import { dropKeptTrees, incrementalEnabled, initParser, nodeReuseEnabled, parseGo, parseGoIncremental, parseStats } from '../server/src/syntax/parser';
import type { SyntaxNode } from '../server/src/syntax/node';
import { Workspace } from '../server/src/workspace';
import { goFiles, rel } from './fuzz/corpus';
import { Editor, TYPED } from './fuzz/edits';
import { Rng } from './fuzz/prng';
import { fileDiff } from './tree-diff';

const SEED = Number(process.env.LOCKSET_REPARSE_SEED ?? 0x7e1d);
/** Edits per fixture file. */
const EDITS = Number(process.env.LOCKSET_REPARSE_EDITS ?? 5);

/** Text typed besides the editor's own: line ends of every kind and characters outside ASCII and the BMP. */
const EXTRA: readonly string[] = ['\r\n', '\r', '\r\n\r\n', '\n\r', 'é', '\u{1F512}', '世界', '"\u{1F600}"', '// \u{1F512} é\r\n', '`\r\n`', '\u{10FFFF}'];

/** One random change: the editor's (typing, deleting, replacing, undo) or one of EXTRA at a random offset. */
function change(editor: Editor, rng: Rng): void {
  if (rng.chance(0.7)) { editor.next(); return; }
  const at = rng.int(0, editor.text.length);
  const end = rng.chance(0.3) ? Math.min(editor.text.length, at + rng.int(1, 6)) : at;
  editor.apply({ start: at, end, newText: rng.pick(EXTRA) });
}

/**
 * Re-parses `text` under `key` about `edits` times, comparing each result with a full parse; returns the
 * mismatches. The edits come as bursts of one to three random changes, as snippets typed a character at a
 * time (through broken states), and as returns to the original text, so that re-parses start from clean
 * trees as well as broken ones.
 */
function check(parser: Parser, key: string, text: string, edits: number, rng: Rng): string[] {
  const problems: string[] = [];
  let editor = new Editor(text, rng.fork(0));
  const parse = (what: string) => {
    const incremental = parseGoIncremental(parser, key, editor.text), full = parseGo(parser, editor.text);
    const d = fileDiff(incremental, full);
    if (d) problems.push(`${key}, ${what}: ${d}`);
  };
  // The first parse of a key keeps no tree, the second one does (the file is being edited).
  parseGoIncremental(parser, key, editor.text);
  parse('start');
  for (let i = 0; i < edits; i++) {
    const mode = rng.weighted([[4, 'burst'], [3, 'type'], [2, 'revert']] as const);
    if (mode === 'revert') {
      editor = new Editor(text, rng.fork(i + 1));
      parse(`edit ${i} (revert)`);
    } else if (mode === 'type') {
      const snippet = rng.chance(0.3) ? rng.pick(EXTRA) : rng.pick(TYPED).slice(0, 16);
      let at = editor.text.indexOf('\n', rng.int(0, editor.text.length));
      at = at < 0 ? editor.text.length : at + 1;
      for (const ch of Array.from(snippet)) {
        editor.apply({ start: at, end: at, newText: ch });
        at += ch.length;
        parse(`edit ${i} (typing ${JSON.stringify(snippet)})`);
      }
    } else {
      const n = rng.weighted([[6, 1], [2, 2], [1, 3]] as const);
      for (let j = 0; j < n; j++) change(editor, rng);
      parse(`edit ${i} (${n} changes)`);
    }
  }
  return problems;
}

describe('incremental re-parse', () => {
  it('computes edits in UTF-16 code units, with rows at \\n only and surrogate pairs kept whole', () => {
    assert.equal(diffTexts('abc', 'abc'), undefined);
    assert.deepEqual(diffTexts('a\r\nb\rc', 'a\r\nb\rXc'), {
      startIndex: 5, oldEndIndex: 5, newEndIndex: 6,
      startPosition: { row: 1, column: 2 }, oldEndPosition: { row: 1, column: 2 }, newEndPosition: { row: 1, column: 3 },
    });
    // 🔒 (U+1F512) and 🔓 (U+1F513) share their high surrogate: the edit starts before it.
    assert.deepEqual(diffTexts('x\n\u{1F512}y', 'x\n\u{1F513}y'), {
      startIndex: 2, oldEndIndex: 4, newEndIndex: 4,
      startPosition: { row: 1, column: 0 }, oldEndPosition: { row: 1, column: 2 }, newEndPosition: { row: 1, column: 2 },
    });
    // Two astral characters with the same low surrogate: the edit ends after it.
    const e = diffTexts('\u{1F512}', '\u{1F612}')!;
    assert.deepEqual([e.startIndex, e.oldEndIndex, e.newEndIndex], [0, 2, 2]);
    const d = diffTexts('ab\ncd\n', 'ab\nX\nY\ncd\n')!;
    assert.deepEqual([d.startIndex, d.oldEndIndex, d.newEndIndex, d.newEndPosition.row, d.newEndPosition.column], [3, 3, 7, 3, 0]);
  });

  it("counts rows and columns as web-tree-sitter's nodes do (CRLF, lone CR, astral characters)", async () => {
    const parser = await initParser();
    const text = 'package p\r\n\r\n// \u{1F512} é\r\nvar s = "世\u{1F600}"\rvar t = 1\r\nfunc f() {\n\t_ = "\u{1F512}"; x := 1\r\n}\n';
    const tree = parser.parse(text)!;
    try {
      let nodes = 0;
      const visit = (n: NonNullable<ReturnType<typeof tree.rootNode.child>>) => {
        nodes++;
        assert.deepEqual(pointAt(text, n.startIndex), n.startPosition, `${n.type}@${n.startIndex}`);
        assert.deepEqual(pointAt(text, n.endIndex), n.endPosition, `${n.type}@${n.endIndex}`);
        for (const c of n.children) if (c) visit(c);
      };
      visit(tree.rootNode);
      assert.ok(nodes > 30);
    } finally {
      tree.delete();
    }
  });

  it('parses afresh an edit that types a raw string (a re-parse from the old tree recovered differently)', async () => {
    const parser = await initParser();
    dropKeptTrees();
    const body = 'func flush() int {\n}\nfunc tryFlush() int {\n\tif mu.TryLock() {\n\t\tdefer mu.Unlock()\n\t\treturn flush()\n\t}\n}\n' +
      'func flushOrSkip() int {\n\tif !mu.TryLock() {\n\t}\n\tdefer mu.Unlock()\n\treturn flush()\n}\nfunc flushOrFallback() int {\n\tif mu.TryLock() {\n' +
      '\t\tn = flush()\n\t\tmu.Unlock()\n\t\tn = flush() // want "call of flush requires mu"\n\t}\n}';
    const head = 'import "sync\u4e16\u{1F600}"\nvar (\n\tmu      sync.Mutex\n\tpending []string\n)';
    const before = `${head}\n${body.replace('}\nfunc tryFlush', '}\n\nfunc tryFlush')}`, after = `${head}\`\r\n\`\n${body}`;
    parseGoIncremental(parser, 'raw', before);
    parseGoIncremental(parser, 'raw', before);
    const full = parseGo(parser, after);
    assert.ok(full.errorCount > 0);
    assert.equal(fileDiff(parseGoIncremental(parser, 'raw', after), full), undefined);
  });

  it('gives the tree of a full parse after random edits of every fixture file (LF, CRLF, non-ASCII)', async () => {
    const parser = await initParser();
    assert.ok(incrementalEnabled(), 'the start-up self-test passed');
    assert.ok(nodeReuseEnabled(), 'the start-up self-test of node re-use passed');
    dropKeptTrees();
    const before = { ...parseStats };
    const rng = new Rng(SEED);
    const problems: string[] = [];
    goFiles().forEach(({ file }, i) => {
      const r = rng.fork(i);
      problems.push(...check(parser, rel(file.path), file.text, EDITS, r.fork(1)));
      problems.push(...check(parser, `${rel(file.path)} (CRLF)`, file.text.replace(/\r?\n/g, '\r\n'), EDITS, r.fork(2)));
      const nonAscii = file.text.replace(/^(\/\/.*)$/gm, '$1 é\u{1F512}').replace(/"([a-z]+)"/g, '"$1世\u{1F600}"');
      problems.push(...check(parser, `${rel(file.path)} (non-ASCII)`, nonAscii, Math.ceil(EDITS / 2), r.fork(3)));
    });
    assert.deepEqual(problems.slice(0, 20), []);
    // The incremental path was taken, not silently replaced by full parses.
    const incremental = parseStats.incremental - before.incremental, fallback = parseStats.fallback - before.fallback;
    assert.ok(incremental > goFiles().length * EDITS, `${incremental} incremental re-parses`);
    assert.equal(fallback, 0);
    // Unchanged top-level nodes were taken over from the previous results (and compared above).
    assert.ok(parseStats.reusedNodes - before.reusedNodes > incremental, `${parseStats.reusedNodes - before.reusedNodes} nodes re-used`);
    if (process.env.LOCKSET_REPARSE_STATS) console.log({ incremental, full: parseStats.full - before.full });
    dropKeptTrees();
  });

  it('gives the tree of a full parse after edits of a 1,000-line file', async () => {
    const parser = await initParser();
    const dir = mkdtempSync(join(tmpdir(), 'lockset-reparse-'));
    try {
      const text = readFileSync(generateBigFile(dir, 1000), 'utf8');
      const problems = check(parser, join(dir, 'big.go'), text, 20, new Rng(SEED ^ 0xb16));
      problems.push(...check(parser, join(dir, 'big-crlf.go'), text.replace(/\n/g, '\r\n'), 10, new Rng(SEED ^ 0xc21f)));
      assert.deepEqual(problems.slice(0, 20), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      dropKeptTrees();
    }
  });

  it('moves the statements that tree-sitter re-used inside the edited function, not copies of them', async () => {
    const parser = await initParser();
    dropKeptTrees();
    const text = 'package p\n\nfunc f() {\n\ta := 1\n\tmu.Lock()\n\tb := a\n\tmu.Unlock()\n}\n';
    const key = 'deep-reuse';
    parseGoIncremental(parser, key, text);
    // The key's second parse keeps a tree; the third re-parses from it.
    const second = parseGoIncremental(parser, key, text.replace('b := a', 'b := a + 1'));
    const stmts = (f: { root: SyntaxNode }) => f.root.children[1].children.find((c) => c.type === 'block')!.children[0].children;
    const [, , , unlock] = stmts(second);
    const edited = text.replace('b := a', 'b := a + 12');
    const third = parseGoIncremental(parser, key, edited);
    assert.equal(fileDiff(third, parseGo(parser, edited)), undefined);
    const after = stmts(third);
    // The Unlock after the edit is the same object, moved by one character, under the new statement list.
    assert.equal(after[3], unlock);
    assert.equal(edited.slice(unlock.start, unlock.end), 'mu.Unlock()');
    assert.equal(unlock.parent, after[0].parent);
    // The edited statement is new.
    assert.notEqual(after[2], stmts(second)[2]);
    dropKeptTrees();
  });

  it('takes over unchanged statements that tree-sitter made anew, on the first edit and after it', async () => {
    const parser = await initParser();
    dropKeptTrees();
    const text = 'package p\n\n// f locks.\nfunc f() {\n\ta := 1 // one\n\tmu.Lock()\n\tb := a\n\tmu.Unlock()\n}\n';
    const key = 'same-shape';
    const stmts = (f: { root: SyntaxNode }) => f.root.children.find((c) => c.type === 'function_declaration')!.children.find((c) => c.type === 'block')!.children[0].children;
    let previous = parseGoIncremental(parser, key, text);
    // A line inserted above the Lock: the statements around it keep their nodes, moved, and the comment too.
    for (const edited of [text.replace('\tmu.Lock()', '\t_ = 0\n\tmu.Lock()'), text.replace('\tmu.Lock()', '\t_ = 0\n\t_ = 1\n\tmu.Lock()')]) {
      const [assign] = stmts(previous);
      const lock = stmts(previous).find((n) => previous.text.slice(n.start, n.end) === 'mu.Lock()')!;
      const comment = previous.comments.find((c) => c.start > assign.start)!;
      const next = parseGoIncremental(parser, key, edited, previous);
      assert.equal(fileDiff(next, parseGo(parser, edited)), undefined);
      const after = stmts(next);
      assert.ok(after.includes(assign) && after.includes(lock), 'the statements are the previous nodes');
      assert.equal(edited.slice(lock.start, lock.end), 'mu.Lock()');
      assert.ok(next.comments.includes(comment) && edited.slice(comment.start, comment.end) === '// one');
      previous = next;
    }
    dropKeptTrees();
  });

  it('keeps the other declarations while a body does not parse, typed into from a tree with errors or without', async () => {
    const parser = await initParser();
    dropKeptTrees();
    const text = 'package p\n\nimport "sync"\n\nvar mu sync.Mutex\n\n// f locks.\nfunc f() {\n\tmu.Lock()\n\tmu.Unlock()\n}\n\n// g too.\nfunc g() {\n\tmu.Lock()\n\tmu.Unlock()\n}\n';
    const key = 'half-typed';
    let previous = parseGoIncremental(parser, key, text);
    const others = previous.root.children.filter((n) => n.type !== 'function_declaration' || previous.text.slice(n.start, n.end).includes('func g'));
    // `x`, `x :`, `x :=` do not parse; each state is parsed from the one before, as an editor sends them.
    const at = text.indexOf('\tmu.Unlock()');
    for (const typed of ['\tx', '\tx :', '\tx :=', '\tx := 1', '\tx := 1\n', '\tx := 1\n\t_ = x\n', '\tx :=', '']) {
      const edited = text.slice(0, at) + typed + text.slice(at);
      const next = parseGoIncremental(parser, key, edited, previous);
      assert.equal(fileDiff(next, parseGo(parser, edited)), undefined, JSON.stringify(typed));
      for (const n of others) assert.ok(next.root.children.includes(n), `${JSON.stringify(typed)}: ${n.type} is the previous node`);
      previous = next;
    }
    dropKeptTrees();
  });

  it("takes unchanged declarations over by their text on a file's first edit, which has no kept tree", async () => {
    const parser = await initParser();
    dropKeptTrees();
    const rng = new Rng(SEED ^ 0xf1e);
    const problems: string[] = [];
    const before = parseStats.reusedNodes;
    let n = 0;
    goFiles().forEach(({ file }, i) => {
      for (let k = 0; k < EDITS; k++) {
        const key = `first-edit ${rel(file.path)} ${k}`;
        const first = parseGoIncremental(parser, key, file.text);
        const editor = new Editor(file.text, rng.fork(i * 100 + k));
        change(editor, rng);
        const edited = parseGoIncremental(parser, key, editor.text, first);
        const d = fileDiff(edited, parseGo(parser, editor.text));
        if (d) problems.push(`${key}: ${d}`);
        n++;
      }
    });
    assert.deepEqual(problems.slice(0, 20), []);
    assert.ok(parseStats.reusedNodes - before > n, `${parseStats.reusedNodes - before} nodes re-used in ${n} first edits`);
    dropKeptTrees();
  });

  it('keeps trees only for re-parsed keys, at most 8, and re-parses from them', async () => {
    const parser = await initParser();
    dropKeptTrees();
    const s0 = { ...parseStats };
    const text = 'package p\n\nfunc f() { g() }\n';
    for (let i = 0; i < 20; i++) parseGoIncremental(parser, `cold${i}.go`, text);
    assert.equal(parseStats.full - s0.full, 20);
    // Second parses keep trees; the 9th evicts the oldest.
    for (let i = 0; i < 9; i++) parseGoIncremental(parser, `cold${i}.go`, text.replace('g()', `g(${i})`));
    const s1 = { ...parseStats };
    for (let i = 1; i < 9; i++) parseGoIncremental(parser, `cold${i}.go`, text.replace('g()', `h(${i})`));
    assert.equal(parseStats.incremental - s1.incremental, 8);
    const s2 = { ...parseStats };
    assert.deepEqual(parseGoIncremental(parser, 'cold0.go', text).root, parseGo(parser, text).root);
    assert.equal(parseStats.full - s2.full, 1, 'cold0.go was evicted');
    dropKeptTrees();
  });

  it("re-parses a workspace's edited file incrementally, with the findings of a fresh workspace", async () => {
    const parser = await initParser();
    dropKeptTrees();
    const dir = mkdtempSync(join(tmpdir(), 'lockset-reparse-ws-'));
    try {
      const path = generateBigFile(join(dir, 'big'), 400);
      const text = readFileSync(path, 'utf8');
      const ws = await Workspace.create(undefined, () => undefined);
      ws.setText(path, text);
      ws.findingsFor(path);
      const at = text.indexOf('return n\n');
      const versions = [text.slice(0, at) + 'return n + t.get("y")\n' + text.slice(at + 'return n\n'.length), text, text.replace('// Get returns', '// Get\r\n// returns é\u{1F512}')];
      const paths: string[] = [];
      const reused = parseStats.reusedNodes;
      for (const v of versions) {
        const s0 = { ...parseStats };
        ws.setText(path, v);
        const parsed = ws.file(path)!.parsed;
        paths.push(parseStats.incremental > s0.incremental ? 'incremental' : 'full');
        assert.equal(fileDiff(parsed, parseGo(parser, v)), undefined);
        const fresh = await Workspace.create(undefined, () => undefined);
        fresh.setText(path, v);
        assert.deepEqual(ws.findingsFor(path), fresh.findingsFor(path));
      }
      // The first edit parses in full and keeps the tree; the next ones re-parse from it.
      assert.deepEqual(paths, ['full', 'incremental', 'incremental']);
      // The re-parses took over the declarations the edits did not touch.
      assert.ok(parseStats.reusedNodes - reused > 10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      dropKeptTrees();
    }
  });

  it('falls back to a full parse when the re-parse runs out of time, and the parser starts afresh after it', { timeout: 60_000 }, async () => {
    const parser = await initParser();
    dropKeptTrees();
    const clean = 'package p\n\nfunc f() {}\n';
    // Thousands of "*/" lines: tree-sitter's superlinear error recovery, which the time budget cuts short.
    const slow = `package p\n\n${'*/\n'.repeat(3000)}func f() {}\n`;
    parseGoIncremental(parser, 'slow.go', clean);
    parseGoIncremental(parser, 'slow.go', clean);
    const s0 = { ...parseStats };
    const parsed = parseGoIncremental(parser, 'slow.go', slow);
    // What parseGo gives for a parse past its budget (test/fuzz.test.ts): an empty file with one error.
    assert.deepEqual([parsed.errorCount, parsed.root.children.length, parsed.root.hasError, parsed.text === slow], [1, 0, true, true]);
    assert.equal(parseStats.fallback - s0.fallback, 1);
    const next = 'package q\n\nfunc g() { h() }\n';
    assert.equal(fileDiff(parseGoIncremental(parser, 'slow.go', next), parseGo(parser, next)), undefined);
    assert.equal(parseGo(parser, next).errorCount, 0);
    dropKeptTrees();
  });
});
