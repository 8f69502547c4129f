/** The seed inputs of the fuzzers: the Go packages under test/fixtures and examples, and the goroutine dumps. */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { findGoFiles, readSource } from '../../server/src/util/files';

export const ROOT = join(__dirname, '..', '..');

export interface SourceFile { path: string; text: string }
/** One directory of Go files, as the Workspace groups them. */
export interface SourcePackage { dir: string; files: SourceFile[] }

let packages: SourcePackage[] | undefined;

/** Every directory of .go files under test/fixtures and examples, in a stable order. */
export function goPackages(): SourcePackage[] {
  if (packages) return packages;
  const byDir = new Map<string, SourceFile[]>();
  for (const root of [join(ROOT, 'test', 'fixtures'), join(ROOT, 'examples')]) {
    for (const path of findGoFiles(root)) {
      const text = readSource(path);
      if (text === undefined) continue;
      const dir = dirname(path);
      const list = byDir.get(dir) ?? [];
      list.push({ path, text });
      byDir.set(dir, list);
    }
  }
  packages = [...byDir].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([dir, files]) => ({ dir, files }));
  return packages;
}

/** Every Go file of the corpus, with its package. */
export function goFiles(): { pkg: SourcePackage; file: SourceFile }[] {
  return goPackages().flatMap((pkg) => pkg.files.map((file) => ({ pkg, file })));
}

let dumps: SourceFile[] | undefined;

/** The goroutine dumps under test/dumps (every .txt file). */
export function dumpFiles(): SourceFile[] {
  if (dumps) return dumps;
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.txt')) out.push({ path: p, text: readSource(p) ?? '' });
    }
  };
  walk(join(ROOT, 'test', 'dumps'));
  dumps = out;
  return out;
}

/** A path relative to the repository root, for messages. */
export function rel(path: string): string {
  return relative(ROOT, path) || path;
}
