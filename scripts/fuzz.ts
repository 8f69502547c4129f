/**
 * The long fuzz run: `npm run fuzz -- --runs 100000 --seed 1`.
 *
 * Generates `runs` inputs from the seed (Go files mutated from test/fixtures and examples, about one in ten
 * a mutated goroutine dump from test/dumps), runs each through the whole engine in process (see
 * test/fuzz/pipeline.ts for the properties), prints the number of inputs and failures, and exits 1 on any
 * failure. Each failing input goes to .fuzz/failures/: the input itself (.go or .txt, as UTF-8) and a .json
 * with the exact text (lone surrogates survive JSON), the package it belongs to, its mutations and the
 * problems. Input i of seed s is the same on every machine, so `--from i --runs 1` replays one input.
 *
 * The inputs run in a worker thread. A real hang cannot be timed from the thread stuck in it, so the main
 * thread watches: an input still running at ten times its bound (and at least 30 s) is recorded as a hang
 * failure, the worker is terminated and a new one goes on with the next input.
 *
 * Problems that match a known, reported bug (KNOWN in test/fuzz/pipeline.ts) are counted apart and do not
 * fail the run unless --strict is given.
 *
 * LOCKSET_FUZZ_COMPACT=1 runs the workspaces with closed-package compaction on (see test/fuzz/pipeline.ts).
 *
 * Options: --runs N (100000), --seed S (1), --from I (0), --dumps R (share of dump inputs, 0.1),
 * --deep P (share with 10,000-level nesting, 0.005), --long P (share with a 1 MB line, 0.001),
 * --out DIR (.fuzz/failures), --strict, --known-hangs (also generate the nesting form that hits the known slow
 * parse, KNOWN.slowParse: each such input then runs into the watchdog as a hang), --fs N (20: trees of hostile
 * file-system entries checked through dist/cli.js after the inputs, see test/fuzz/hostile-fs.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { rel } from '../test/fuzz/corpus';
import { buildHostileTree, checkHostileTree } from '../test/fuzz/hostile-fs';
import { dumpCase, goCase, GoRunner, reproFiles, runDump, timeLimitMs, type CaseReport, type DumpCase, type GoCase } from '../test/fuzz/pipeline';

const DEFAULT_OUT = join(__dirname, '..', '.fuzz', 'failures');

interface Options {
  runs: number; seed: number; from: number; dumps: number; deep: number; long: number; out: string; strict: boolean; avoidKnownHangs: boolean;
  /** Trees of hostile file-system entries run through the CLI after the inputs (see test/fuzz/hostile-fs.ts). */
  fs: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    runs: 100_000, seed: 1, from: 0, dumps: 0.1, deep: 0.005, long: 0.001, out: DEFAULT_OUT, strict: false, avoidKnownHangs: true, fs: 20,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    const num = (name: string) => {
      const v = Number(value());
      if (!Number.isFinite(v)) throw new Error(`${name} needs a number`);
      return v;
    };
    switch (flag) {
      case '--runs': o.runs = num('--runs'); break;
      case '--seed': o.seed = num('--seed') >>> 0; break;
      case '--from': o.from = num('--from'); break;
      case '--dumps': o.dumps = num('--dumps'); break;
      case '--fs': o.fs = num('--fs'); break;
      case '--deep': o.deep = num('--deep'); break;
      case '--long': o.long = num('--long'); break;
      case '--out': o.out = value(); break;
      case '--strict': o.strict = true; break;
      case '--known-hangs': o.avoidKnownHangs = false; break;
      case '--help': case '-h':
        console.log('usage: npm run fuzz -- [--runs N] [--seed S] [--from I] [--dumps R] [--deep P] [--long P] [--out DIR] [--strict] [--known-hangs] [--fs N]');
        process.exit(0);
        break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return o;
}

/** Whether input `i` is a dump: a fixed share, spread evenly and the same for every seed. */
function isDump(i: number, share: number): boolean {
  return Math.floor((i + 1) * share) > Math.floor(i * share);
}

type Case = { kind: 'go'; c: GoCase } | { kind: 'dump'; c: DumpCase };

function makeCase(o: Options, i: number): Case {
  return isDump(i, o.dumps) ? { kind: 'dump', c: dumpCase(o.seed, i) } : { kind: 'go', c: goCase(o.seed, i, { deep: o.deep, long: o.long, avoidKnownHangs: o.avoidKnownHangs }) };
}

function caseLimit(k: Case): number {
  if (k.kind === 'dump') return timeLimitMs(k.c.text.length);
  return timeLimitMs(k.c.pkg.files.reduce((s, f) => s + (f.path === k.c.target ? 0 : f.text.length), k.c.text.length));
}

/** Writes a failing input and what went wrong to the failures directory. */
function saveFailure(o: Options, i: number, k: Case, problems: string[], known: string[]): void {
  if (k.kind === 'dump') {
    const base = join(o.out, `dump-${o.seed}-${i}`);
    writeFileSync(`${base}.txt`, k.c.text);
    writeFileSync(`${base}.json`, JSON.stringify({ kind: 'dump', seed: o.seed, index: i, source: rel(k.c.source), ops: k.c.ops, problems, known, text: k.c.text }, null, 1));
    return;
  }
  const c = k.c;
  const base = join(o.out, `go-${o.seed}-${i}`);
  writeFileSync(`${base}.go`, c.text);
  writeFileSync(`${base}.json`, JSON.stringify({
    kind: 'go', seed: o.seed, index: i, package: rel(c.pkg.dir), target: rel(c.target), file: basename(c.target), ops: c.ops, problems, known,
    siblings: reproFiles(c).filter((f) => f.path !== c.target).map((f) => rel(f.path)), text: c.text,
  }, null, 1));
}

// ---- the worker: runs inputs from..to and reports each ----

type FromWorker =
  | { type: 'start'; index: number; limitMs: number }
  | { type: 'done'; index: number; kind: 'go' | 'dump'; problems: string[]; known: string[]; elapsedMs: number; limitMs: number; findings: number; fixes: number }
  | { type: 'end' };

async function work(o: Options, from: number, to: number): Promise<void> {
  const runner = new GoRunner();
  const post = (m: FromWorker) => parentPort!.postMessage(m);
  for (let i = from; i < to; i++) {
    const k = makeCase(o, i);
    post({ type: 'start', index: i, limitMs: caseLimit(k) });
    const r: CaseReport = k.kind === 'dump' ? runDump(k.c) : await runner.run(k.c);
    const fails = r.problems.length > 0 || (o.strict && r.known.length > 0);
    if (fails) saveFailure(o, i, k, r.problems, r.known);
    post({ type: 'done', index: i, kind: k.kind, problems: r.problems, known: r.known, elapsedMs: r.elapsedMs, limitMs: r.limitMs, findings: r.findings, fixes: r.fixes });
  }
  post({ type: 'end' });
}

// ---- the main thread: starts workers, watches for hangs, counts ----

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  mkdirSync(o.out, { recursive: true });
  // .fuzz/ is scratch space: keep it out of git without touching the repository's .gitignore.
  if (o.out === DEFAULT_OUT) writeFileSync(join(DEFAULT_OUT, '..', '.gitignore'), '*\n');
  const end = o.from + o.runs;
  const started = performance.now();
  const stats = { inputs: 0, failures: 0, go: 0, dumps: 0, findings: 0, fixes: 0, slowest: 0, slowestIndex: -1, hangs: 0, knownInputs: 0 };
  const byKind = new Map<string, number>();
  const knownKinds = new Map<string, number>();
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  console.log(`lockset fuzz: seed ${o.seed}, inputs ${o.from} to ${end - 1}, failures to ${rel(o.out)}`);

  let next = o.from;
  while (next < end) {
    // One worker runs until the end, or until it hangs on an input; then a new one goes on after that input.
    next = await new Promise<number>((resolve) => {
      const tsx = require.resolve('tsx/cjs');
      const worker = new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(__filename)});`, {
        eval: true, workerData: { o, from: next, to: end },
      });
      let current: { index: number; limitMs: number; since: number } | undefined;
      let resumeAt = next;
      let settled = false;
      const finish = (at: number) => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        resolve(at);
        void worker.terminate();
      };
      /** An input that stopped the worker: a hang, or a crash that took the thread down. */
      const lost = (index: number, problem: string, kind: string) => {
        stats.inputs++; stats.failures++;
        if (kind.startsWith('hang')) stats.hangs++;
        count(byKind, kind);
        saveFailure(o, index, makeCase(o, index), [problem], []);
        console.log(`FAIL input ${index}: ${problem}`);
        finish(index + 1);
      };
      const watchdog = setInterval(() => {
        if (!current) return;
        const ran = performance.now() - current.since;
        if (ran < Math.max(30_000, 10 * current.limitMs)) return;
        lost(current.index, `hang: still running after ${(ran / 1000).toFixed(0)} s (bound ${(current.limitMs / 1000).toFixed(1)} s); the worker was stopped`,
          'hang: still running at ten times its bound');
      }, 250);
      worker.on('message', (m: FromWorker) => {
        if (settled) return;
        if (m.type === 'start') { current = { index: m.index, limitMs: m.limitMs, since: performance.now() }; return; }
        if (m.type === 'end') { finish(end); return; }
        current = undefined;
        resumeAt = m.index + 1;
        stats.inputs++;
        if (m.kind === 'go') stats.go++; else stats.dumps++;
        stats.findings += m.findings;
        stats.fixes += m.fixes;
        if (m.elapsedMs / m.limitMs > stats.slowest) { stats.slowest = m.elapsedMs / m.limitMs; stats.slowestIndex = m.index; }
        if (m.known.length) stats.knownInputs++;
        for (const k of new Set(m.known.map((p) => p.split(':')[0]))) count(knownKinds, k);
        const problems = o.strict ? [...m.problems, ...m.known] : m.problems;
        if (problems.length) {
          stats.failures++;
          for (const p of problems) count(byKind, p.replace(/\d+/g, 'N').split('\n')[0].slice(0, 100));
          console.log(`FAIL input ${m.index}: ${problems[0].split('\n')[0].slice(0, 300)}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`);
        }
        if (stats.inputs % 5000 === 0) console.log(`  ${stats.inputs} inputs, ${stats.failures} failures, ${((performance.now() - started) / 1000).toFixed(1)} s`);
      });
      worker.on('error', (e) => {
        if (settled) return;
        if (current) lost(current.index, `the worker crashed: ${e?.stack ?? String(e)}`, 'crash: the worker thread died');
        else { console.error(e); finish(end); }
      });
      worker.on('exit', (code) => {
        if (settled) return;
        if (current) lost(current.index, `the worker exited with code ${code} during this input`, 'crash: the worker thread died');
        else finish(resumeAt);
      });
    });
  }

  // Hostile file-system trees, through the built CLI: FIFOs, devices, loops, sparse giants, named like sources.
  let fsFailures = 0;
  for (let i = 0; i < o.fs; i++) {
    const tree = mkdtempSync(join(tmpdir(), 'lockset-fuzz-fs-'));
    try {
      const made = buildHostileTree(o.seed, i, tree);
      const problems = checkHostileTree(join(__dirname, '..', 'dist', 'cli.js'), tree);
      if (problems.length) {
        fsFailures++;
        writeFileSync(join(o.out, `fs-${o.seed}-${i}.json`), JSON.stringify({ kind: 'fs', seed: o.seed, index: i, made, problems }, null, 1));
        console.log(`FAIL file-system tree ${i}: ${problems[0]}`);
      }
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  }
  if (o.fs) console.log(`file-system trees: ${o.fs}, failures: ${fsFailures}`);
  stats.failures += fsFailures;

  const secs = (performance.now() - started) / 1000;
  console.log(`inputs: ${stats.inputs} (${stats.go} Go, ${stats.dumps} dumps)`);
  console.log(`failures: ${stats.failures}${stats.hangs ? ` (${stats.hangs} hangs)` : ''}`);
  console.log(`time: ${secs.toFixed(1)} s (${((secs * 1000) / Math.max(1, stats.inputs)).toFixed(2)} ms per input); slowest input (${stats.slowestIndex}) used ${(stats.slowest * 100).toFixed(1)}% of its time bound`);
  console.log(`findings: ${stats.findings}, fixes applied: ${stats.fixes}`);
  if (byKind.size) {
    console.log('failures by kind:');
    for (const [k, n] of [...byKind].sort((a, b) => b[1] - a[1])) console.log(`  ${n}× ${k}`);
  }
  if (knownKinds.size) {
    console.log(`known bugs${o.strict ? '' : ' (not counted as failures; --strict counts them)'}: ${stats.knownInputs} inputs`);
    for (const [k, n] of [...knownKinds].sort((a, b) => b[1] - a[1])) console.log(`  ${n}× ${k}`);
  }
  process.exitCode = stats.failures ? 1 : 0;
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 2;
  });
} else {
  const { o, from, to } = workerData as { o: Options; from: number; to: number };
  work(o, from, to).catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
