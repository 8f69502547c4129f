/**
 * The TypeScript workspace beyond the fixtures: settings (severities, a declared order), the project
 * kept across edits with only the edited file's facts extracted again, a tsconfig.json honoured, an
 * installed async-mutex used instead of the built-in declarations, and the CLI on TypeScript files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeTsDir, TS_FIXTURES } from './ts-harness';
import { CLI } from './lsp-client';

describe('the TypeScript workspace', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'lockset-ts-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('honours the severity settings and the lockOrder setting', () => {
    const src = join(TS_FIXTURES, 'lock-order-cycle/abba');
    const off = analyzeTsDir(src, { severity: { 'lock-order-cycle': 'off' } }).analyzeAll();
    assert.deepEqual(off.map((f) => f.code), []);
    const ordered = analyzeTsDir(src, { lockOrder: ['accounts > ledger'], severity: { 'lock-hierarchy': 'error' } }).analyzeAll();
    const h = ordered.filter((f) => f.code === 'lock-hierarchy');
    assert.deepEqual(h.map((f) => [f.range.start.line + 1, f.severity, f.message]), [[16, 'error', 'taking accounts while holding ledger violates the declared order accounts > ledger']]);
    assert.equal(ordered.find((f) => f.code === 'lock-order-cycle')?.severity, 'warning', 'the registry default');
  });

  it('keeps one project across edits and extracts only the edited file again', () => {
    const src = join(TS_FIXTURES, 'missing-lock-annotation/crossfile');
    const ws = analyzeTsDir(src);
    assert.equal(ws.analyzeAll().length, 1);
    assert.deepEqual(ws.counts, { projects: 1, extractions: 3 });
    const cli = join(src, 'cli.ts');
    const text = readFileSync(cli, 'utf8');
    // A body edit: the missing lock is taken now.
    ws.setText(cli, text.replace('  console.log(findVM(id)); // want', '  await L.runExclusive(() => findVM(id)); // want'));
    assert.equal(ws.analyzeAll().length, 0);
    assert.deepEqual(ws.counts, { projects: 1, extractions: 4 });
    // A contract edit in another file re-checks the caller without it being edited.
    const vms = join(src, 'vms.ts');
    ws.setText(cli, text);
    ws.setText(vms, readFileSync(vms, 'utf8').replace('/** findVM assumes vmLock is held. */', ''));
    assert.deepEqual(ws.analyzeAll(), []);
    assert.equal(ws.counts.projects, 1);
  });

  it('re-checks the callers in other files when a body edit makes a function stop handing back a releaser', () => {
    const src = join(dir, 'helper-edit');
    mkdirSync(src, { recursive: true });
    const helper = [
      "import { Mutex } from 'async-mutex';",
      'const mu = new Mutex();',
      'export async function lock(): Promise<() => void> {',
      '  return mu.acquire();',
      '}',
      '',
    ].join('\n');
    writeFileSync(join(src, 'locks.ts'), helper);
    writeFileSync(join(src, 'use.ts'), [
      "import { lock } from './locks';",
      'export async function save(write: () => Promise<void>): Promise<void> {',
      '  const release = await lock();',
      '  await write();',
      '  release();',
      '}',
      '',
    ].join('\n'));
    const ws = analyzeTsDir(src);
    const messages = () => ws.analyzeAll().map((f) => f.message);
    assert.deepEqual(messages(), ['mu is acquired without try/finally: if await write() (line 4) throws, mu is never released']);
    // The helper now takes and gives back the lock itself: its callers acquire nothing.
    ws.setText(join(src, 'locks.ts'), helper.replace('  return mu.acquire();', '  (await mu.acquire())();\n  return () => undefined;'));
    assert.deepEqual(messages(), []);
    ws.setText(join(src, 'locks.ts'), helper);
    assert.equal(messages().length, 1);
  });

  it('honours a tsconfig.json (paths) and uses an installed async-mutex', () => {
    const root = join(dir, 'proj');
    mkdirSync(join(root, 'src/lib'), { recursive: true });
    mkdirSync(join(root, 'node_modules/async-mutex/lib'), { recursive: true });
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@lib/*': ['src/lib/*'] } } }));
    writeFileSync(join(root, 'node_modules/async-mutex/package.json'), JSON.stringify({ name: 'async-mutex', version: '0.5.0', types: 'lib/index.d.ts' }));
    // The real package's layout: a class per file, re-exported by index.d.ts.
    writeFileSync(join(root, 'node_modules/async-mutex/lib/Mutex.d.ts'), 'declare class Mutex {\n  acquire(priority?: number): Promise<() => void>;\n  runExclusive<T>(callback: () => T | Promise<T>, priority?: number): Promise<T>;\n  release(): void;\n  isLocked(): boolean;\n}\nexport default Mutex;\n');
    writeFileSync(join(root, 'node_modules/async-mutex/lib/index.d.ts'), "export { default as Mutex } from './Mutex';\n");
    writeFileSync(join(root, 'src/lib/locks.ts'), "import { Mutex } from 'async-mutex';\nexport const dbLock = new Mutex();\n/** Assumes dbLock is held. */\nexport function query(): void {}\n");
    writeFileSync(join(root, 'src/main.ts'), "import { dbLock, query } from '@lib/locks';\nexport async function run(): Promise<void> {\n  await dbLock.runExclusive(async () => { await dbLock.acquire(); });\n  query();\n}\n");
    const findings = analyzeTsDir(root).analyzeAll().map((f) => `${f.range.start.line + 1}: ${f.code}`).sort();
    assert.deepEqual(findings, ['3: double-lock', '4: missing-lock-annotation']);
  });

  it('follows imports that only baseUrl resolves (no paths): an importer of a lock module is analysed', () => {
    const root = join(dir, 'baseurl');
    mkdirSync(join(root, 'shared'), { recursive: true });
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', moduleResolution: 'bundler' } }));
    writeFileSync(join(root, 'shared/locks.ts'), "import { Mutex } from 'async-mutex';\nexport const dbLock = new Mutex();\n");
    // user.ts does not mention async-mutex: only its import of shared/locks makes it one to analyse.
    writeFileSync(join(root, 'user.ts'), "import { dbLock } from 'shared/locks';\nexport async function f(load: () => Promise<number>): Promise<number> {\n  const release = await dbLock.acquire();\n  const n = await load();\n  try { return n; } finally { release(); }\n}\n");
    const findings = analyzeTsDir(root).analyzeAll().map((f) => `${f.file.slice(root.length + 1)}:${f.range.start.line + 1}: ${f.code}`);
    assert.deepEqual(findings, ['user.ts:3: missing-unlock']);
  });

  it('the CLI checks TypeScript and JavaScript files with the same formats and exit status', () => {
    const out = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', join(TS_FIXTURES, 'missing-lock-annotation/js')], { encoding: 'utf8', cwd: TS_FIXTURES });
    // Both findings rest on guessed contracts (a twin, a …Locked name): information, which leaves the status 0.
    assert.equal(out.status, 0, out.stderr);
    const json = JSON.parse(out.stdout) as { diagnostics: { file: string; line: number; code: string; severity: string }[] };
    assert.deepEqual(json.diagnostics.map((d) => [d.file, d.line, d.code, d.severity]), [
      ['missing-lock-annotation/js/cache.js', 24, 'missing-lock-annotation', 'information'],
      ['missing-lock-annotation/js/counter.mjs', 17, 'missing-lock-annotation', 'information'],
    ]);
    const copy = join(dir, 'skip');
    cpSync(join(TS_FIXTURES, 'missing-lock-annotation/js'), join(copy, 'node_modules/pkg'), { recursive: true });
    cpSync(join(TS_FIXTURES, 'missing-lock-annotation/js'), join(copy, 'dist'), { recursive: true });
    const skipped = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', copy], { encoding: 'utf8' });
    assert.equal(skipped.status, 0, skipped.stdout + skipped.stderr);
    assert.deepEqual((JSON.parse(skipped.stdout) as { diagnostics: unknown[] }).diagnostics, [], 'node_modules and dist are skipped');
  });
});
