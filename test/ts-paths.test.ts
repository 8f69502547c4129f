import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutCompiledOutput } from '../server/src/ts/paths';

test('compiled output next to the TypeScript sources is not analysed twice', () => {
  const files = [
    '/p/src/queue.ts', '/p/src/util/lock.ts',
    '/p/lib/queue.js', '/p/lib/util/lock.js', '/p/esm/queue.js', '/p/lib/cjs/util/lock.js',
    '/p/src/beside.ts', '/p/src/beside.js',
    '/p/lib/only-js.js', '/p/scripts/tool.js', '/q/lib/queue.js',
  ];
  assert.deepEqual(withoutCompiledOutput(files), [
    '/p/src/queue.ts', '/p/src/util/lock.ts', '/p/src/beside.ts', '/p/lib/only-js.js', '/p/scripts/tool.js', '/q/lib/queue.js',
  ]);
});

test('a JavaScript-only project keeps every file', () => {
  const files = ['/j/lib/a.js', '/j/esm/a.mjs'];
  assert.deepEqual(withoutCompiledOutput(files), files);
});
