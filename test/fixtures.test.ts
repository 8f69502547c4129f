import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeDir, compare, fixtureCases, parseWants, wantsIn } from './harness';

describe('fixtures (// want "regexp")', () => {
  for (const c of fixtureCases()) {
    it(`${c.group}/${c.name}`, async () => {
      const { findings } = await analyzeDir(c.dir);
      const problems = compare(findings, wantsIn(c.dir));
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  }
});

describe('the harness itself', () => {
  it('parses several wants on one line and skips WANTED', () => {
    const wants = parseWants('f.go', 'x() // want "a b" `c\\d`\ny() // WANTED: "z"\n');
    assert.deepEqual(wants.map((w) => [w.line, w.pattern.source]), [[1, 'a b'], [1, 'c\\d']]);
  });

  it('fails on a missing and on an unexpected diagnostic', () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
    const f = { file: 'f.go', range, severity: 'warning' as const, code: 'x', message: 'boom', related: [], fixes: [] };
    assert.equal(compare([f], []).length, 1);
    assert.equal(compare([], [{ file: 'f.go', line: 1, pattern: /boom/ }]).length, 1);
    assert.deepEqual(compare([f], [{ file: 'f.go', line: 1, pattern: /boom/ }]), []);
  });
});
