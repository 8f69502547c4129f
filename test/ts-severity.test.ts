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
