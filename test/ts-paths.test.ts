import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

test('lockset --help and docs/cli.md name every directory the TypeScript front end skips', async () => {
  const { TS_SKIPPED_DIRS } = await import('../server/src/ts/paths');
  const { main } = await import('../server/src/cli/main');
  let help = '';
  await main(['--help'], (s) => { help += s; }, (s) => { help += s; });
  const doc = readFileSync(join(__dirname, '../docs/cli.md'), 'utf8');
  for (const d of TS_SKIPPED_DIRS) {
    assert.match(help, new RegExp(`\\b${d}/`), `help names ${d}/`);
    assert.ok(doc.includes(`\`${d}/\``), `docs/cli.md names ${d}/`);
  }
});
