/**
 * Measures lockset on real Go code: `npm run realworld -- [--exclude GLOB]... [--nested-modules skip|include]
 * [--config FILE] <dir>...` runs the built CLI (`dist/cli.js check --format json`) on each directory and
 * prints the Go lines it analysed (non-test files that the walk does not skip), its findings per check split
 * into warnings (and errors) and information (and hints), and the warnings per 100k lines. Then it prints,
 * per check, the precision that the judged findings of test/realworld/verdicts.tsv give.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Scope } from '../server/src/scope';
import type { Config } from '../server/src/util/config';
import { parseConfig } from '../server/src/checks/config-file';
import { readSource } from '../server/src/util/files';
import { isGenerated } from '../server/src/workspace';
import { formatPrecision, parseVerdicts, summarizeVerdicts, table } from './realworld-verdicts';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const VERDICTS_FILE = join(ROOT, 'test', 'realworld', 'verdicts.tsv');
const USAGE = 'usage: npm run realworld -- [--exclude GLOB]... [--nested-modules skip|include] [--config FILE] <dir>...';

interface Diagnostic { file: string; line: number; severity: string; code: string }

/** The CLI's flags that change what is analysed: passed on to it, and read here to count the same lines. */
function parseArgs(argv: string[]): { dirs: string[]; flags: string[]; config: Config } | string {
  const dirs: string[] = [], flags: string[] = [];
  let configFile: string | undefined;
  const extra: { exclude: string[]; nestedModules?: string } = { exclude: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--exclude' || a === '--nested-modules' || a === '--config') {
      const v = argv[++i];
      if (v === undefined) return `${a} needs a value`;
      flags.push(a, v);
      if (a === '--exclude') extra.exclude.push(v); else if (a === '--nested-modules') extra.nestedModules = v; else configFile = v;
    } else if (a.startsWith('-')) return `unknown flag ${a}`;
    else dirs.push(a);
  }
  if (dirs.length === 0) return 'no directory given';
  let raw: Record<string, unknown> = {};
  if (configFile) {
    try { raw = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>; } catch (e) { return `--config ${configFile}: ${(e as Error).message}`; }
  }
  const exclude = [...(Array.isArray(raw.exclude) ? raw.exclude as unknown[] : []), ...extra.exclude];
  const { config, errors } = parseConfig({ ...raw, exclude, ...(extra.nestedModules !== undefined ? { nestedModules: extra.nestedModules } : {}) });
  if (errors.length) return errors.join('\n');
  return { dirs, flags, config };
}

/** The non-test Go files that `lockset check` analyses under a directory, and their lines. */
export function goLines(dir: string, config: Config): { files: number; lines: number } {
  let files = 0, lines = 0;
  for (const f of new Scope(dir, config).goFiles()) {
    if (f.endsWith('_test.go')) continue;
    const text = readSource(f);
    if (text === undefined || (!config.analyzeGenerated && isGenerated(text))) continue;
    files++;
    lines += text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  }
  return { files, lines };
}

/** The CLI's findings on a directory, or a sentence that says why there are none. */
function runCli(dir: string, flags: string[]): Diagnostic[] | string {
  const r = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...flags, dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) return `could not run the CLI: ${r.error.message}`;
  if (r.status !== 0 && r.status !== 1) {
    const why = (r.stderr || '').trim().split('\n').slice(0, 6).join('\n    ');
    return `lockset check failed (exit ${r.status ?? r.signal})${why ? `:\n    ${why}` : ''}`;
  }
  try {
    return (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
  } catch (e) {
    return `the CLI printed no JSON: ${(e as Error).message}`;
  }
}

function measure(dir: string, flags: string[], config: Config): boolean {
  console.log(`\n${dir}`);
  let st;
  try { st = statSync(dir); } catch { console.log('  no such file or directory'); return false; }
  if (!st.isDirectory()) { console.log('  not a directory'); return false; }
  const { files, lines } = goLines(dir, config);
  if (files === 0) { console.log('  no Go to analyse here (no non-test .go file outside the skipped directories)'); return true; }
  const diagnostics = runCli(dir, flags);
  if (typeof diagnostics === 'string') { console.log(`  ${diagnostics}`); return false; }
  const loud = (d: Diagnostic) => d.severity === 'error' || d.severity === 'warning';
  const checks = [...new Set(diagnostics.map((d) => d.code))].sort();
  const rows = checks.map((c) => {
    const of = diagnostics.filter((d) => d.code === c);
    return [c, String(of.filter(loud).length), String(of.length - of.filter(loud).length)];
  });
  const warnings = diagnostics.filter(loud).length;
  console.log(`  Go lines analysed: ${lines.toLocaleString('en-US')} in ${files} non-test files`);
  console.log(table([['  check', 'warning/error', 'information/hint'], ...rows.map(([c, ...n]) => [`  ${c}`, ...n]), ['  total', String(warnings), String(diagnostics.length - warnings)]]).trimEnd());
  console.log(`  warnings per 100k lines: ${((warnings * 100_000) / lines).toFixed(1)}`);
  return true;
}

function verdicts(): void {
  console.log(`\nverdicts (${VERDICTS_FILE.slice(ROOT.length + 1)})`);
  if (!existsSync(VERDICTS_FILE)) { console.log('  no verdicts file: nothing judged yet'); return; }
  const { rows, problems } = parseVerdicts(readFileSync(VERDICTS_FILE, 'utf8'));
  for (const p of problems) console.log(`  skipped ${p}`);
  console.log(formatPrecision(summarizeVerdicts(rows)).replace(/^/gm, '  ').trimEnd());
  console.log('  right = (true + intended) / verdicts; true only = true / verdicts');
}

function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (typeof args === 'string') { console.error(`realworld: ${args}\n${USAGE}`); return 2; }
  if (!existsSync(CLI)) { console.error(`realworld: ${CLI} is missing: run "npm run build" first (npm run realworld does)`); return 2; }
  let ok = true;
  for (const dir of args.dirs) ok = measure(resolve(dir), args.flags, args.config) && ok;
  verdicts();
  return ok ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
