/**
 * The TextMate injection grammar (syntaxes/lockset-go-injection.tmLanguage.json), tested with
 * vscode-tmgrammar-test against the cases in test/grammar/*.test.go (same as `npm run test:grammar`).
 *
 * VS Code's Go grammar is not available offline, so test/grammar/go-host.tmLanguage.json stands in for
 * source.go (comments and strings only). The injection itself comes from package.json's
 * contributes.grammars (its injectTo), as in VS Code, so a broken contribution fails here too.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..');
const BIN = require.resolve('vscode-tmgrammar-test/dist/unit.js');
const HOST = join('test', 'grammar', 'go-host.tmLanguage.json');
const CASES = join('test', 'grammar', '*.test.go');

interface Run { status: number | null; out: string }

function tmgrammarTest(config: string): Run {
  const r = spawnSync(process.execPath, [BIN, '--compact', '--config', config, '-g', HOST, CASES], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('TextMate injection grammar', () => {
  it('passes every assertion in test/grammar/*.test.go', () => {
    const r = tmgrammarTest(join(ROOT, 'package.json'));
    assert.equal(r.status, 0, r.out);
    const files = readdirSync(join(ROOT, 'test', 'grammar')).filter((f) => f.endsWith('.test.go'));
    assert.ok(files.length >= 4, `expected the grammar test cases, found ${files.join(', ')}`);
    for (const f of files) assert.match(r.out, new RegExp(`${f.replace(/\./g, '\\.')} run successfuly`), r.out);
  });

  it('fails without the injection, so the assertions are not vacuous', () => {
    const r = tmgrammarTest(join(ROOT, 'test', 'grammar', 'no-such-package.json'));
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /keyword\.other\.lockset\.lock-annotation/);
  });
});
