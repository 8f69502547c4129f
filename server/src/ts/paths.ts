/**
 * Which files the TypeScript front end reads. Dependency-free on purpose: the LSP server and the CLI
 * import it without loading ts-morph, which is only loaded when a TypeScript or JavaScript file is seen.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const TS_FILE = /\.(?:ts|tsx|js|mjs|cts|mts|cjs|jsx)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'out', 'build', 'vendor', 'testdata', 'coverage']);

/** A TypeScript or JavaScript source file (declaration files and minified bundles are not). */
export function isTsPath(path: string): boolean {
  return TS_FILE.test(path) && !/\.d\.[cm]?ts$/.test(path) && !/\.min\.js$/.test(path);
}

/** Every TypeScript and JavaScript file under `root`, skipping node_modules/, dist/, build output and dot-directories. */
export function findTsFiles(root: string): string[] {
  const out: string[] = [];
  let st;
  try { st = statSync(root); } catch { return out; }
  if (st.isFile()) return isTsPath(root) ? [root] : [];
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { continue; }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name)) stack.push(p);
      } else if (e.isFile() && isTsPath(e.name)) out.push(p);
    }
  }
  return out.sort();
}

/** Whether a file's text can involve async-mutex at all (cheap pre-filter before any parsing). */
export function mentionsAsyncMutex(text: string): boolean {
  return text.includes('async-mutex');
}
