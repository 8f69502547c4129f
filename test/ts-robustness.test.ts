/**
 * The TypeScript front end on broken and half-typed input: seeded mutations of the fixtures (ranges
 * deleted, duplicated and swapped, cuts mid-token, unbalanced braces and parentheses), each set as an
 * edit of a kept workspace. Properties: nothing throws, every range lies inside its document, hovers
 * at random offsets answer, every quick fix applies, and the kept workspace finds what a fresh one does.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Finding } from '../server/src/base/finding';
import { LineIndex } from '../server/src/base/lines';
import { applyEdits } from '../server/src/util/edits';
import { findTsFiles } from '../server/src/ts/paths';
import { analyzeTsDir, tsFixtureCases } from './ts-harness';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

const INSERTS = ['{', '}', '(', ')', 'await ', 'release();', 'this.mu.release();', '// LOCK: x\n', 'try {', '} finally {', 'return;', '`', '"', '/*', '=>', ';', '\n'];

function mutate(text: string, r: () => number): string {
  const at = () => Math.floor(r() * (text.length + 1));
  const a = at(), b = Math.min(text.length, a + Math.floor(r() * 80));
  switch (Math.floor(r() * 5)) {
    case 0: return text.slice(0, a) + text.slice(b);
    case 1: return text.slice(0, b) + text.slice(a, b) + text.slice(b);
    case 2: return text.slice(0, a) + INSERTS[Math.floor(r() * INSERTS.length)] + text.slice(a);
    case 3: { const c = at(); return c > b ? text.slice(0, a) + text.slice(b, c) + text.slice(a, b) + text.slice(c) : text.slice(0, a); }
    default: return text.slice(0, a);
  }
}

const signature = (f: Finding) => `${f.file}:${f.range.start.line}:${f.range.start.character}: ${f.code}: ${f.message}`;

describe('the TypeScript front end on broken input', () => {
  it('survives 150 seeded mutations of the fixtures without an exception, with ranges inside the documents', () => {
    const r = rng(1);
    const cases = tsFixtureCases();
    let findings = 0, fixes = 0;
    const logs: string[] = [];
    for (let round = 0; round < 150;) {
      const c = cases[Math.floor(r() * cases.length)];
      const ws = analyzeTsDir(c.dir, { log: (m) => logs.push(m) });
      const files = findTsFiles(c.dir);
      const texts = new Map<string, string>();
      for (let k = 0; k < 10; k++, round++) {
        const file = files[Math.floor(r() * files.length)];
        let text = readFileSync(file, 'utf8');
        for (let m = 1 + Math.floor(r() * 3); m > 0; m--) text = mutate(text, r);
        ws.setText(file, text);
        const lines = new LineIndex(text);
        for (const f of ws.findingsFor(file)) {
          findings++;
          for (const pos of [f.range.start, f.range.end]) {
            assert.ok(pos.line < lines.lineCount && pos.character <= lines.lineText(pos.line).length, `${f.code} range outside the document: ${JSON.stringify(f.range)}`);
          }
          for (const fix of f.fixes) { applyEdits(text, fix.edits.filter((e) => e.file === file)); fixes++; }
        }
        for (let h = 0; h < 5; h++) ws.hover(file, Math.floor(r() * (text.length + 1)));
        texts.set(file, text);
      }
      // The kept workspace, after its edits, finds what a fresh one finds in the same texts.
      const fresh = analyzeTsDir(c.dir);
      for (const [f, t] of texts) fresh.setText(f, t);
      assert.deepEqual(ws.analyzeAll().map(signature).sort(), fresh.analyzeAll().map(signature).sort(), `incremental ≠ fresh in ${c.group}/${c.name}`);
    }
    assert.ok(findings > 0 && fixes > 0, `${findings} findings, ${fixes} fixes`);
    assert.deepEqual(logs, [], 'a contained failure (a flow or a check that threw)');
  });
});
