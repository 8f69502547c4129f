/**
 * Which files the TypeScript front end reads. Dependency-free on purpose: the LSP server and the CLI
 * import it without loading ts-morph, which is only loaded when a TypeScript or JavaScript file is seen.
 */
import { findFiles } from '../util/files';

const TS_FILE = /\.(?:ts|tsx|js|mjs|cts|mts|cjs|jsx)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'out', 'build', 'vendor', 'testdata', 'coverage']);

/** A TypeScript or JavaScript source file (declaration files and minified bundles are not). */
export function isTsPath(path: string): boolean {
  return TS_FILE.test(path) && !/\.d\.[cm]?ts$/.test(path) && !/\.min\.js$/.test(path);
}

/** Every TypeScript and JavaScript file under `root`, skipping node_modules/, dist/, build output and dot-directories. */
export function findTsFiles(root: string): string[] {
  return findFiles(root, isTsPath, SKIPPED_DIRS);
}

/** Whether a file's text can involve async-mutex at all (cheap pre-filter before any parsing). */
export function mentionsAsyncMutex(text: string): boolean {
  return text.includes('async-mutex');
}
