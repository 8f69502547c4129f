// `npm run test:unit`: the tests that need no build and start no process (fixtures, golden fixes, the analysis,
// the TypeScript front end, docs and layers), in one node:test run, in well under a minute. `npm test` runs them
// all, with the built server, the CLI, real editors and the benchmark harness besides.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', 'test');
// A test that reads dist/ or spawns a process (the CLI, the stdio server, an editor) needs `npm run build` first.
const needsBuild = /dist\/|\bspawn|lsp-client|\bCLI\b|runBench|execFile/;
// Property-based runs (seeded random edits compared with fresh parses and analyses) and the memory modes' whole-corpus
// comparisons take most of a minute on their own: npm test has them. The files run two at a time, one per core here.
const slow = new Set(['fuzz.test.ts', 'compact.test.ts', 'declaration-edits.test.ts', 'analysis-reuse.test.ts', 'incremental-parse.test.ts']);
const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts') && !slow.has(f)).filter((f) => !needsBuild.test(readFileSync(join(dir, f), 'utf8'))).sort();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files.map((f) => join('test', f))], { stdio: 'inherit', cwd: join(dir, '..') });
process.exit(r.status ?? 1);
