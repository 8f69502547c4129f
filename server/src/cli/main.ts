import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Finding } from '../base/finding';
import { lockGraphData, toDot } from '../ide/inventory';
import { graphView, matchLocks } from '../ide/graph-view';
import { toSvg } from '../ide/svg';
import type { LockGraph } from '../protocol';
import { wireGraph } from '../lsp/views';
import { readSource } from '../util/files';
import { parseConfig } from '../checks/config-file';
import { globProblem } from '../util/glob';
import type { Config } from '../util/config';
import { loadTsFrontend } from '../ts/load';
import type { TsWorkspace } from '../ts/workspace';
import { mergeLockGraphViews } from '../core/lock-graph-view';
import { findTsFiles, mentionsAsyncMutex, TS_SKIPPED_DIRS } from '../ts/paths';
import { Workspace } from '../workspace';
import { Scope } from '../scope';
import { ParsePool, POOL_MIN_CHARS } from '../syntax/parse-pool';
import { formatJson, formatSarif, formatText, isFailing, sortFindings } from './format';
import { analyzeAll, analyzeAllParallel } from '../batch';

declare const LOCKSET_VERSION: string | undefined;
const VERSION = typeof LOCKSET_VERSION === 'string' ? LOCKSET_VERSION : '0.0.0-dev';

const USAGE = `usage: lockset check [--format text|json|sarif] [--verbose] [--config FILE] [--jobs N] <path>...
       lockset graph [--format dot|svg|json] [--focus LOCK]... [--cycles-only] [--config FILE] [--jobs N] <path>...
       (both also take [--exclude GLOB]... [--nested-modules skip|include])

check  reports the lock discipline problems of the Go code under each path (directories are
       walked recursively; vendor/, testdata/, dot-directories and nested modules are skipped
       unless named), and of the TypeScript and JavaScript code that uses async-mutex
       (${TS_SKIPPED_DIRS.map((d) => `${d}/`).join(', ')}, dot-directories and compiled JavaScript
       kept beside its TypeScript sources, as lib/ or esm/ next to src/, are skipped).
       Exit status: 0 when no finding is a warning or worse, 1 when one is, 2 on a usage or
       internal error. --verbose (-v) prints each finding's evidence under it in the text
       format: where each lock was taken, and the call chains, across packages.
graph  prints the lock-order graph (lock classes, "taken while held" edges labelled with how many
       places do it, cycles in red, edges against a declared order in orange).
       --focus LOCK   only LOCK, the locks taken while it is held and those held while it is
                      taken, and the cycles through it. LOCK is a lock class as the graph names it
                      (VM.lock, cmdLock; vmm.cmdLock when it has several packages' locks) or the
                      end of one (cmdLock); repeatable.
       --cycles-only  only the edges of cycles and those against a declared order, with their locks.

--jobs N  parses on N worker threads while the packages already parsed are analysed (0: none).
          By default, with 3 MB of Go or more: one less than the cores, at most 4.
--exclude GLOB
          leaves out the files that match GLOB, relative to each directory named: "third_party/**",
          "**/*.pb.go", "internal/gen" (a directory and all below it). Repeatable; adds to the
          config file's "exclude". A file named on the command line is always checked.
--nested-modules skip|include
          a directory with a go.mod of its own below a named directory is skipped (it is most often
          someone else's code), unless a go.work uses it or its module path lies under the named
          module's; include analyses it anyway. Overrides the config file's "nestedModules".`;


class UsageError extends Error {}

/**
 * Runs the CLI. `progress`, given when stderr is a terminal, receives a progress line rewritten in place
 * (`\r`) while the packages are analysed and checked, and a sequence that clears it at the end.
 */
export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void, progress?: (s: string) => void): Promise<number> {
  try {
    if (argv[0] === '--version' || argv[0] === 'version') { out(`lockset ${VERSION}\n`); return 0; }
    if (argv.length === 0) throw new UsageError('no command given');
    if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') { out(USAGE + '\n'); return 0; }
    const command = argv[0];
    if (command !== 'check' && command !== 'graph') throw new UsageError(`unknown command "${argv[0]}"`);
    let format = command === 'check' ? 'text' : 'dot';
    let configFile: string | undefined;
    let verbose = false;
    let jobs: number | undefined;
    const exclude: string[] = [];
    let nestedModules: string | undefined;
    const focus: string[] = [];
    let cyclesOnly = false;
    const paths: string[] = [];
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      const value = (name: string) => { if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`); return argv[++i]; };
      if (a === '--format') format = value('--format');
      else if (a.startsWith('--format=')) format = a.slice(9);
      else if (a === '--verbose' || a === '-v') verbose = true;
      else if (a === '--config') configFile = value('--config');
      else if (a.startsWith('--config=')) configFile = a.slice(9);
      else if (a === '--jobs' || a === '-j') jobs = parseJobs(value('--jobs'));
      else if (a.startsWith('--jobs=')) jobs = parseJobs(a.slice(7));
      else if (a === '--exclude') exclude.push(value('--exclude'));
      else if (a.startsWith('--exclude=')) exclude.push(a.slice(10));
      else if (a === '--nested-modules') nestedModules = value('--nested-modules');
      else if (a.startsWith('--nested-modules=')) nestedModules = a.slice(17);
      else if (command === 'graph' && a === '--focus') focus.push(value('--focus'));
      else if (command === 'graph' && a.startsWith('--focus=')) focus.push(a.slice(8));
      else if (command === 'graph' && a === '--cycles-only') cyclesOnly = true;
      else if (a.startsWith('-')) throw new UsageError(`unknown flag ${a}`);
      else paths.push(a);
    }
    const formats = command === 'check' ? ['text', 'json', 'sarif'] : ['dot', 'svg', 'json'];
    if (!formats.includes(format)) throw new UsageError(`--format must be ${formats.slice(0, -1).join(', ')} or ${formats[formats.length - 1]}, not "${format}"`);
    if (paths.length === 0) throw new UsageError('no path given');
    let raw: unknown;
    if (configFile) {
      try { raw = JSON.parse(readFileSync(configFile, 'utf8')); } catch (e) { throw new UsageError(`--config ${configFile}: ${(e as Error).message}`); }
    }
    const { config, errors } = parseConfig(raw, configFile ? `${configFile}` : 'lockset');
    if (errors.length) throw new UsageError(errors.join('\n'));
    // --exclude adds to the config file's patterns; --nested-modules overrides its setting.
    for (const g of exclude) { const problem = globProblem(g); if (problem) throw new UsageError(`--exclude ${JSON.stringify(g)}: the pattern ${problem}`); }
    if (nestedModules !== undefined && nestedModules !== 'skip' && nestedModules !== 'include') throw new UsageError(`--nested-modules must be skip or include, not "${nestedModules}"`);
    config.exclude = [...config.exclude ?? [], ...exclude];
    config.nestedModules = nestedModules ?? config.nestedModules;
    const ws = await Workspace.create(config);
    // A package of the module that is imported but not named is read for its contracts and locks.
    ws.readImportDir = readPackageDir;
    for (const p of paths) if (!existsSync(p)) throw new UsageError(`${p}: no such file or directory`);
    const scopes = paths.map((p) => new Scope(p, config));
    const tsFiles = scopes.flatMap((s) => findTsFiles(s.root).filter((f) => f === s.root || !s.excludes(f)));
    let goChars = 0;
    for (const [i, p] of paths.entries()) {
      const files = scopes[i].goFiles();
      if (files.length === 0 && !tsFiles.some((f) => f.startsWith(resolve(p)))) err(`lockset: no Go files under ${p}\n`);
      for (const f of files) {
        const text = readSource(f);
        if (text !== undefined) { ws.setText(f, text); goChars += text.length; }
      }
    }
    const bar = progress ? progressLine(progress) : undefined;
    const goFindings = await analyze(ws, jobsFor(goChars, jobs), bar?.update);
    bar?.clear();
    const cwd = process.cwd();
    if (command === 'graph') {
      // The graph's places as the protocol has them, with paths relative to here for URIs (as `lockset graph` always printed them).
      // The TypeScript and JavaScript files' graph beside Go's (a class of both names is two locks).
      const ts = typeScriptWorkspace(tsFiles, paths, config)?.graph();
      const go = lockGraphData(ws.graph());
      const whole = wireGraph(ts ? mergeLockGraphViews(go, ts, '(TypeScript)') : go, (p) => relative(cwd, p));
      const locks = focus.map((f) => focusLock(whole, f));
      const data = graphView(whole, { focus: locks, cyclesOnly });
      out(format === 'dot' ? toDot(data) : format === 'svg' ? await toSvg(data, { standalone: true, focus: locks }) : JSON.stringify(data, null, 2) + '\n');
      return 0;
    }
    const findings = sortFindings([...goFindings, ...typeScriptWorkspace(tsFiles, paths, config)?.analyzeAll() ?? []]);
    out(format === 'json' ? formatJson(findings, cwd) : format === 'sarif' ? formatSarif(findings, cwd, VERSION) : formatText(findings, cwd, verbose));
    return isFailing(findings) ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) { err(`lockset: ${e.message}\n\n${USAGE}\n`); return 2; }
    err(`lockset: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 2;
  }
}

if (require.main === module) {
  const progress = process.stderr.isTTY ? (s: string) => { process.stderr.write(s); } : undefined;
  void main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s), progress).then((code) => { process.exitCode = code; });
}

/**
 * The Go findings of a loaded workspace, as `lockset check` computes them: parsed on `jobs` worker threads
 * (undefined: the default number; 0 or no worker script: none) while the parsed packages are analysed.
 */
export async function analyze(ws: Workspace, jobs?: number, onProgress?: (done: number, total: number) => void): Promise<Finding[]> {
  // A one-shot run: each package is compacted once checked, and the graph is read after (`lockset graph`).
  ws.compact = true;
  const pool = jobs === 0 ? undefined : ParsePool.create(jobs);
  if (!pool) return analyzeAll(ws, onProgress);
  try {
    return await analyzeAllParallel(ws, pool, onProgress);
  } finally {
    await pool.close();
  }
}

/** The parse workers for this much Go text: those asked for, or by default none below POOL_MIN_CHARS. */
export function jobsFor(goChars: number, requested?: number): number | undefined {
  return requested ?? (goChars >= POOL_MIN_CHARS ? undefined : 0);
}

/**
 * "lockset: analysing packages 12/60" then "lockset: checking packages 7/60", rewritten in place at most
 * once per percent; `clear` erases the line so that the report starts on a clean one.
 */
function progressLine(write: (s: string) => void): { update: (done: number, total: number) => void; clear: () => void } {
  let shown = -1, written = false;
  return {
    update(done, total) {
      const percent = Math.floor((100 * done) / Math.max(1, total));
      if (percent === shown) return;
      shown = percent;
      const half = total / 2;
      const [what, n] = done <= half ? ['analysing', done] : ['checking', done - half];
      write(`\rlockset: ${what} packages ${n}/${half}\x1b[K`);
      written = true;
    },
    clear() { if (written) write('\r\x1b[K'); },
  };
}

/** The lock class that --focus names: the best match (see matchLocks), or a usage error listing the classes. */
function focusLock(g: LockGraph, text: string): string {
  const matches = matchLocks(g, text);
  const t = text.trim().toLowerCase();
  // The name or its end, never a guess: a part of a name only makes the suggestions.
  const id = matches.find((m) => m.toLowerCase() === t || m.toLowerCase().endsWith(`.${t}`));
  if (id) return id;
  if (matches.length) throw new UsageError(`--focus ${JSON.stringify(text)}: no lock class is named so; did you mean ${matches.slice(0, 5).join(', ')}?`);
  const ids = g.nodes.map((n) => n.id).sort();
  const some = ids.length > 12 ? `${ids.slice(0, 12).join(', ')}, ... (${ids.length} in all)` : ids.join(', ');
  throw new UsageError(`--focus ${JSON.stringify(text)}: no lock class of the graph matches it${ids.length ? `; the lock classes are ${some}` : ' (the graph is empty)'}`);
}

function parseJobs(s: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n > 64) throw new UsageError(`--jobs must be a whole number from 0 to 64, not "${s}"`);
  return n;
}

/** The findings of the TypeScript and JavaScript files (async-mutex); the front end is loaded only if there are any. */
/** The TypeScript front end over the files, or undefined when none of them uses async-mutex (ts-morph is not loaded then). */
function typeScriptWorkspace(files: string[], paths: string[], config: Config): TsWorkspace | undefined {
  const texts = new Map<string, string>();
  for (const f of files) {
    const text = readSource(f);
    if (text !== undefined) texts.set(f, text);
  }
  if (![...texts.values()].some(mentionsAsyncMutex)) return undefined;
  const { TsWorkspace } = loadTsFrontend();
  const roots = paths.map((p) => resolve(p)).map((p) => (statSync(p).isDirectory() ? p : dirname(p)));
  const ws = new TsWorkspace({ roots, config });
  for (const [f, text] of texts) ws.setText(f, text);
  return ws;
}

/** The non-test Go files of one directory, for an imported package that was not named on the command line. */
function readPackageDir(dir: string): Map<string, string> | undefined {
  let names: string[];
  try { names = readdirSync(dir); } catch { return undefined; }
  const out = new Map<string, string>();
  for (const name of names.sort()) {
    if (!name.endsWith('.go') || name.endsWith('_test.go')) continue;
    const text = readSource(join(dir, name));
    if (text !== undefined) out.set(join(dir, name), text);
  }
  return out;
}
