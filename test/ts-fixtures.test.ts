/**
 * The TypeScript front end against fixtures, as for Go: test/fixtures-ts/<check>/<case>/ holds .ts,
 * .js and .mjs files with `// want "regexp"` on each line that must be flagged; unexpected findings
 * fail too. Each case is a workspace of its own (async-mutex is not installed there: the built-in
 * declarations are used).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { findTsFiles } from '../server/src/ts/paths';
import { compare, parseWants } from './harness';
import { analyzeTsDir, tsFixtureCases } from './ts-harness';

describe('TypeScript fixtures (// want "regexp")', () => {
  for (const c of tsFixtureCases()) {
    it(`${c.group}/${c.name}`, () => {
      const findings = analyzeTsDir(c.dir).analyzeAll();
      const wants = findTsFiles(c.dir).flatMap((f) => parseWants(f, readFileSync(f, 'utf8')));
      const problems = compare(findings, wants);
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  }
});
