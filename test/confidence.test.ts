import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeDir } from './harness';

/**
 * The confidence fixtures mark with `[information]` the lines whose finding rests on a guess (an inferred guard,
 * a long may-block chain): those are information, every other finding there a warning (an error for double-lock).
 */
describe('confidence: a guess is information, declared evidence a warning', () => {
  for (const [group, name] of [['blocking-under-lock', 'confidence'], ['unguarded-access', 'confidence'], ['missing-lock-annotation', 'confidence'], ['lock-order-cycle', 'gate'], ['lock-order-cycle', 'guessed'], ['lock-order-cycle', 'long_chain'], ['goroutine-in-locked-thread', 'confidence'], ['missing-lock-annotation', 'stored_literal'], ['double-lock', 'contract_contradicted'], ['double-lock', 'argument_condition'], ['missing-lock-annotation', 'twin_guess'], ['lock-order-cycle', 'argument_condition']]) {
    it(`${group}/${name}`, async () => {
      const dir = join(__dirname, 'fixtures', group, name);
      const { findings } = await analyzeDir(dir);
      const own = findings.filter((f) => f.code === group);
      assert.ok(own.length > 0);
      for (const f of own) {
        const line = readFileSync(f.file, 'utf8').split('\n')[f.range.start.line];
        assert.equal(f.severity, line.includes('[information]') ? 'information' : group === 'double-lock' ? 'error' : 'warning', `${f.file}:${f.range.start.line + 1}: ${f.message}`);
      }
    });
  }
});
