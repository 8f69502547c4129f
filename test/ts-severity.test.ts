import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { TS_FIXTURES, analyzeTsDir } from './ts-harness';

test('a throw from a call inside the finally, before the release, is information only', () => {
  const list = analyzeTsDir(join(TS_FIXTURES, 'missing-unlock', 'late-try')).analyzeAll();
  const inFinally = list.find((f) => f.message.includes('runs before the release there'));
  const lateTry = list.find((f) => f.message.includes('its try starts at line'));
  assert.equal(inFinally?.severity, 'information');
  assert.equal(lateTry?.severity, 'warning');
});

test('a missing lock whose contract is a guess (a twin, a …Locked name) is information; a declared one a warning', () => {
  const of = (name: string) => analyzeTsDir(join(TS_FIXTURES, 'missing-lock-annotation', name)).analyzeAll().filter((f) => f.code === 'missing-lock-annotation');
  const guessed = of('twin');
  assert.ok(guessed.some((f) => f.message.includes('holds this.mu when it calls _save')));
  assert.ok(guessed.some((f) => f.message.includes('the name flushLocked')));
  for (const f of guessed) assert.equal(f.severity, 'information', f.message);
  const declared = of('jsdoc');
  assert.ok(declared.some((f) => f.message.includes('JSDoc "@requires')) && declared.some((f) => f.message.includes('guard "')));
  for (const f of declared) assert.equal(f.severity, 'warning', f.message);
});

test('a lock-order cycle that rests on a long call chain is information; a direct one a warning (the shared check, as Go)', () => {
  const cycles = (dir: string) => analyzeTsDir(join(TS_FIXTURES, 'lock-order-cycle', dir)).analyzeAll().filter((f) => f.code === 'lock-order-cycle');
  const long = cycles('long-chain');
  assert.equal(long.length, 1);
  assert.equal(long[0].severity, 'information');
  assert.match(long[0].message, /rests on a long call chain/);
  const direct = cycles('abba');
  assert.deepEqual(direct.map((f) => f.severity), ['warning']);
});
