import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeDir } from './harness';

/**
 * A missing lock whose "take the lock here" fix is withheld because another lock is held at the call says why, in
 * its related information (not its message, which must stay the same when a fix for another lock changes what is
 * held at the call: test/roundtrip.test.ts compares messages before and after each fix).
 */
describe('missing-lock-annotation: why no fix takes the lock', () => {
  it('names the held lock where one is held, and says nothing where none is', async () => {
    const { findings } = await analyzeDir(join(__dirname, 'fixtures', 'missing-lock-annotation', 'order_withheld'));
    const own = findings.filter((f) => f.code === 'missing-lock-annotation');
    const note = (line: number) => own.find((f) => f.range.start.line + 1 === line)?.related.map((r) => r.message).filter((m) => m.startsWith('no fix takes'));
    assert.deepEqual(note(33), ['no fix takes c.mu here: s.mu is held, and taking c.mu under it would order the two locks']);
    assert.deepEqual(note(38), []);
    assert.ok(own.every((f) => !f.message.includes('no fix takes')));
  });
});
