import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { unflatten, type FlatFile } from './flat';
import type { ParsedFile } from './parse-types';

/**
 * How to start a worker: the bundled script (dist/parse-worker.js), or, from sources that were never
 * built, the TypeScript source loaded through tsx's require hook.
 */
function workerSource(): { script: string; eval: boolean } | undefined {
  // Beside the bundle, or the build of a source checkout (tests and the benchmark build first).
  const bundled = [join(__dirname, 'parse-worker.js'), resolve(__dirname, '../../../dist/parse-worker.js')].find((p) => existsSync(p));
  if (bundled) return { script: bundled, eval: false };
  const source = join(__dirname, 'parse-worker.ts');
  if (existsSync(source)) return { script: `require('tsx/cjs'); require(${JSON.stringify(source)});`, eval: true };
  return undefined;
}

/** Below this much Go text, starting parse workers costs more than it saves. */
export const POOL_MIN_CHARS = 3_000_000;

/** One less than the machine's cores (the main thread analyses), at most 4: parsing is about a quarter of the work. */
export function defaultPoolSize(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

interface Pending { resolve: (p: ParsedFile | undefined) => void; text: string; worker: number }

/**
 * Files sent to a worker and not answered yet, at most. More would only pile up: texts copied into the
 * worker, and flat trees waiting for the main thread, which takes them between two packages.
 */
const IN_FLIGHT = 32;

/**
 * Parses Go files on worker threads, for a cold start: the workers parse (tree-sitter in WASM, and the copy
 * into SyntaxNodes) while the main thread analyses the packages already parsed. A file comes back in the
 * flat form and is rebuilt here, which costs a fraction of the parse. Results are the same trees as
 * `parseGo`'s. A worker that fails answers undefined for its files: the caller parses them itself.
 */
export class ParsePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly waiting: { id: number; text: string }[] = [];
  private readonly inFlight: number[] = [];
  private nextId = 0;
  private broken = false;

  private constructor(source: { script: string; eval: boolean }, size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(source.script, { eval: source.eval });
      w.on('message', (m: { id: number; flat?: FlatFile; error?: string }) => this.answer(m));
      w.on('error', () => this.fail());
      w.on('exit', (code) => { if (code !== 0) this.fail(); });
      this.workers.push(w);
      this.inFlight.push(0);
    }
  }

  /**
   * A pool of `size` workers (see defaultPoolSize), or undefined when there is no worker script or `size` is 0.
   */
  static create(size = defaultPoolSize()): ParsePool | undefined {
    const source = workerSource();
    if (!source || size < 1) return undefined;
    try {
      return new ParsePool(source, size);
    } catch {
      return undefined;
    }
  }

  /** How many workers the pool started with. */
  get size(): number { return this.workers.length; }

  /** The parsed file, or undefined if the pool could not parse it. */
  parse(text: string): Promise<ParsedFile | undefined> {
    if (this.broken) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, text, worker: -1 });
      this.waiting.push({ id, text });
      this.pump();
    });
  }

  /** Sends waiting files, first come first served, to the least busy workers with room. */
  private pump(): void {
    let next = 0;
    while (next < this.waiting.length && !this.broken) {
      let w = 0;
      for (let i = 1; i < this.workers.length; i++) if (this.inFlight[i] < this.inFlight[w]) w = i;
      if (this.inFlight[w] >= IN_FLIGHT) break;
      const { id, text } = this.waiting[next++];
      const p = this.pending.get(id);
      if (!p) continue;
      p.worker = w;
      this.inFlight[w]++;
      this.workers[w].postMessage({ id, text });
    }
    this.waiting.splice(0, next);
  }

  async close(): Promise<void> {
    this.fail();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private answer(m: { id: number; flat?: FlatFile; error?: string }): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    this.inFlight[p.worker]--;
    this.pump();
    let parsed: ParsedFile | undefined;
    try {
      if (m.flat) parsed = unflatten(m.flat, p.text);
    } catch {
      parsed = undefined;
    }
    p.resolve(parsed);
  }

  /** A worker died: everything it was asked (and anything asked later) is parsed by the caller. */
  private fail(): void {
    this.broken = true;
    for (const p of this.pending.values()) p.resolve(undefined);
    this.pending.clear();
    this.waiting.length = 0;
  }
}
