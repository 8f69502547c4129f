/**
 * A whole-workspace run, as the CLI makes it (and the language server's first scan): every package analysed,
 * imported packages first, optionally with the files parsed on worker threads meanwhile, and every finding. The
 * Workspace answers for one directory at a time; this drives it over all of them.
 */
import type { Finding } from './base/finding';
import type { ParsePool } from './syntax/parse-pool';
import { MAX_FILE_BYTES } from './util/files';
import type { Workspace } from './workspace';

/** Every finding, package by package (none for directories read only as imports). */
export function analyzeAll(ws: Workspace, onProgress?: (done: number, total: number) => void): Finding[] {
  const dirs = ws.dirs();
  dirs.forEach((dir, i) => {
    ws.analyzeInTurn(dir);
    onProgress?.(i + 1, dirs.length * 2);
  });
  const out: Finding[] = [];
  dirs.forEach((dir, i) => {
    if (!ws.isContext(dir)) for (const r of ws.analyzeDir(dir)) for (const f of r.findings) out.push(f);
    onProgress?.(dirs.length + i + 1, dirs.length * 2);
  });
  return out;
}

/**
 * Starts parsing every file not parsed yet on the pool's workers, directory by directory in `dirs` order; each
 * directory's promise resolves once its files are parsed (or given up: the Workspace parses those itself). A file
 * whose text changes meanwhile keeps the newer text's parse.
 */
export function parseAhead(ws: Workspace, pool: ParsePool, dirs = ws.dirs()): Map<string, Promise<void>> {
  const out = new Map<string, Promise<void>>();
  for (const dir of dirs) {
    const parses: Promise<void>[] = [];
    for (const path of ws.store.pathsIn(dir)) {
      const { text, file } = ws.store.entry(path)!;
      if (file || !ws.isAnalysedText(text)) continue;
      parses.push(pool.parse(text.length > MAX_FILE_BYTES ? '' : text).then((parsed) => { if (parsed) ws.adoptParse(path, text, parsed); }));
    }
    out.set(dir, Promise.all(parses).then(() => undefined));
  }
  return out;
}

/**
 * Every finding, as `analyzeAll` gives them, with the files parsed on the pool's workers meanwhile: a directory is
 * analysed as soon as its files are parsed, so that parsing and analysis overlap.
 */
export async function analyzeAllParallel(ws: Workspace, pool: ParsePool, onProgress?: (done: number, total: number) => void): Promise<Finding[]> {
  // Imported packages first: a package is analysed after its imports, which the main thread would otherwise
  // parse itself, while the workers still have them queued.
  const dirs = importsFirst(ws, ws.dirs());
  const ahead = new Map<string, Promise<void>>();
  // A compacted run parses only so far ahead of the analysis: the trees of parsed but unanalysed packages are
  // most of its memory when the workers outpace the main thread.
  const window = ws.compact ? ws.parseAheadChars : Infinity;
  let started = 0, inFlight = 0;
  const sizes = dirs.map((d) => ws.store.charsIn(d));
  for (const [i, dir] of dirs.entries()) {
    for (; started < dirs.length && (started <= i || inFlight < window); started++) {
      for (const [d, p] of parseAhead(ws, pool, [dirs[started]])) ahead.set(d, p);
      inFlight += sizes[started];
    }
    await ahead.get(dir);
    ws.analyzeInTurn(dir);
    inFlight -= sizes[i];
    onProgress?.(i + 1, dirs.length * 2);
  }
  return analyzeAll(ws, (done, total) => onProgress?.(Math.max(done, dirs.length), total));
}

/**
 * The directories with each one's imports (as the import declarations of its files' texts say, before they are
 * parsed) before it, otherwise in the given order. Only the order of work depends on it.
 */
export function importsFirst(ws: Workspace, dirs: string[]): string[] {
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const known = new Set(dirs);
  const visit = (dir: string) => {
    if (state.has(dir)) return;
    state.set(dir, 'visiting');
    for (const path of ws.store.pathsIn(dir)) {
      for (const imported of importPathsOf(ws.store.entry(path)!.text)) {
        const dep = ws.resolveImport(dir, imported);
        if (dep !== undefined && dep !== dir && known.has(dep)) visit(dep);
      }
    }
    state.set(dir, 'done');
    out.push(dir);
  };
  for (const dir of dirs) visit(dir);
  return out;
}

const IMPORT_DECL = /^import\s*(\([^)]*\)|[^\n]*)/gm;
const QUOTED = /"([^"\n]+)"|`([^`\n]+)`/g;

/** The import paths that a Go file's text declares, read without parsing (for ordering work only). */
export function importPathsOf(text: string): string[] {
  const head = text.slice(0, 64 * 1024);
  const out: string[] = [];
  for (const m of head.matchAll(IMPORT_DECL)) for (const q of m[1].matchAll(QUOTED)) out.push(q[1] ?? q[2]);
  return out;
}
