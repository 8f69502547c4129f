/**
 * The TypeScript front end's benchmark: a seeded corpus of TypeScript files that use async-mutex
 * (classes with a mutex, twin contracts, calls across files, a lock-order cycle), then in one process:
 * the cold analysis (ts-morph Project included), a body edit in one file, and a contract edit that
 * changes another file's findings. Run: node --import tsx scripts/bench-ts.ts [files] (default 200).
 * Kept apart from scripts/bench/, which measures the Go front end.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TsWorkspace } from '../server/src/ts/workspace';

const FILES = Number(process.argv[2] ?? 200);

function moduleText(i: number, n: number): string {
  const next = (i + 1) % n;
  return `import { Mutex } from 'async-mutex';
import { Service${next} } from './service${next}';

/** Service${i} keeps a table guarded by mu. */
export class Service${i} {
  private mu = new Mutex();
  private rows = new Map<string, number>();
  private peer?: Service${next};

  async put(k: string, v: number): Promise<void> {
    const release = await this.mu.acquire();
    try {
      this._put(k, v);
    } finally {
      release();
    }
  }

  private _put(k: string, v: number): void {
    this.rows.set(k, v);
  }

  /** Assumes this.mu is held. */
  private countLocked(): number {
    return this.rows.size;
  }

  async count(): Promise<number> {
    return this.mu.runExclusive(() => this.countLocked());
  }

  async sync(): Promise<void> {
    await this.mu.runExclusive(async () => {
      for (const [k, v] of this.rows) this._put(k, v + 1);
      ${i % 50 === 0 ? 'await this.peer?.count();' : ''}
    });
  }

  reset(): void {
    ${i % 10 === 0 ? "this._put('x', 0);" : 'this.rows.clear();'}
  }
}
`;
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'lockset-bench-ts-'));
  try {
    mkdirSync(dir, { recursive: true });
    const texts = new Map<string, string>();
    for (let i = 0; i < FILES; i++) texts.set(join(dir, `service${i}.ts`), moduleText(i, FILES));
    for (const [p, t] of texts) writeFileSync(p, t);
    const bytes = [...texts.values()].reduce((n, t) => n + t.length, 0);

    const t0 = performance.now();
    const ws = new TsWorkspace({ roots: [dir] });
    for (const [p, t] of texts) ws.setText(p, t);
    const cold = ws.analyzeAll();
    const coldMs = performance.now() - t0;

    // A body edit: one file's function changes, nothing else does.
    const edited = join(dir, 'service7.ts');
    const edits: number[] = [];
    for (let k = 0; k < 20; k++) {
      const t = performance.now();
      ws.setText(edited, texts.get(edited)!.replace('this.rows.clear();', `this.rows.clear(); // ${k}`));
      ws.findingsFor(edited);
      edits.push(performance.now() - t);
    }
    edits.sort((a, b) => a - b);

    // A contract edit: countLocked loses its doc comment, which changes the shape of the file.
    const t1 = performance.now();
    ws.setText(edited, texts.get(edited)!.replace('/** Assumes this.mu is held. */', ''));
    ws.analyzeAll();
    const contractMs = performance.now() - t1;

    const row = (k: string, v: string) => console.log(`| ${k.padEnd(44)} | ${v.padStart(12)} |`);
    console.log(`TypeScript front end: ${FILES} files, ${(bytes / 1024).toFixed(0)} KB, ${cold.length} findings`);
    row('measure', 'ms');
    row('cold: Project + facts + checks', coldMs.toFixed(0));
    row('  of which creating the ts-morph Project', ws.timings.project.toFixed(0));
    row('body edit → the file\'s findings (median)', edits[edits.length >> 1].toFixed(1));
    row('body edit → the file\'s findings (p95)', edits[Math.floor(edits.length * 0.95)].toFixed(1));
    row('contract edit → every file re-checked', contractMs.toFixed(0));
    row('peak RSS (MB)', (process.memoryUsage().rss / 1024 / 1024).toFixed(0));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
