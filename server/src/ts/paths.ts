/**
 * Which files the TypeScript front end reads. Dependency-free on purpose: the LSP server and the CLI
 * import it without loading ts-morph, which is only loaded when a TypeScript or JavaScript file is seen.
 */
import { findFiles } from '../util/files';

const TS_FILE = /\.(?:ts|tsx|js|mjs|cts|mts|cjs|jsx)$/;
/** Directories the TypeScript front end never reads (the CLI's help and docs/cli.md list them from here). */
export const TS_SKIPPED_DIRS: readonly string[] = ['node_modules', 'dist', 'out', 'build', 'coverage', 'vendor', 'testdata'];
const SKIPPED_DIRS = new Set(TS_SKIPPED_DIRS);

/** A TypeScript or JavaScript source file (declaration files and minified bundles are not). */
export function isTsPath(path: string): boolean {
  return TS_FILE.test(path) && !/\.d\.[cm]?ts$/.test(path) && !/\.min\.js$/.test(path);
}

/** Where compiled JavaScript is kept next to the sources: `lib/`, `esm/`, `lib/cjs/` and the like. */
const OUTPUT_DIRS = new Set(['lib', 'esm', 'cjs', 'es6', 'es5', 'es', 'umd', 'commonjs', 'module']);
const JS_FILE = /\.(?:js|mjs|cjs|jsx)$/;
const SOURCE_FILE = /\.(?:ts|tsx|mts|cts)$/;

/**
 * Every TypeScript and JavaScript file under `root`, skipping node_modules/, dist/, build output,
 * dot-directories, and compiled output: a .js file whose TypeScript source is also there (beside it,
 * or under the `src/` that sits next to the `lib/`, `esm/`, `cjs/`... directory that holds it).
 */
export function findTsFiles(root: string): string[] {
  return withoutCompiledOutput(findFiles(root, isTsPath, SKIPPED_DIRS));
}

export function withoutCompiledOutput(files: string[]): string[] {
  const sources = new Set<string>();
  for (const f of files) {
    if (!SOURCE_FILE.test(f)) continue;
    const stem = f.replace(SOURCE_FILE, '');
    sources.add(stem);
    const parts = stem.split(/[\\/]/);
    const i = parts.lastIndexOf('src');
    if (i >= 0) sources.add(`${parts.slice(0, i).join('/')}|${parts.slice(i + 1).join('/')}`);
  }
  if (sources.size === 0) return files;
  const compiled = (f: string): boolean => {
    const stem = f.replace(JS_FILE, '');
    if (sources.has(stem)) return true;
    const parts = stem.split(/[\\/]/);
    for (let i = 0; i < parts.length - 1; i++) {
      if (!OUTPUT_DIRS.has(parts[i])) continue;
      let j = i;
      while (j + 1 < parts.length - 1 && OUTPUT_DIRS.has(parts[j + 1])) j++;
      if (sources.has(`${parts.slice(0, i).join('/')}|${parts.slice(j + 1).join('/')}`)) return true;
    }
    return false;
  };
  return files.filter((f) => !JS_FILE.test(f) || !compiled(f));
}

/** Whether a file's text can involve async-mutex at all (cheap pre-filter before any parsing). */
export function mentionsAsyncMutex(text: string): boolean {
  return text.includes('async-mutex');
}
