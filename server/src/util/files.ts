import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files larger than this are skipped: generated blobs, not code anyone edits by hand. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const SKIPPED_GO_DIRS: ReadonlySet<string> = new Set(['vendor', 'testdata', 'node_modules']);

/** Every .go file under `root`, skipping vendor/, testdata/ and dot-directories below it. */
export function findGoFiles(root: string): string[] {
  return findFiles(root, (name) => name.endsWith('.go'), SKIPPED_GO_DIRS);
}

/**
 * Every file under `root` whose name `wanted` accepts (or `root` itself, when it is such a file),
 * sorted, skipping `skipped` directories and dot-directories below it. Unreadable parts are left out.
 */
export function findFiles(root: string, wanted: (name: string) => boolean, skipped: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let st;
  try { st = statSync(root); } catch { return out; }
  if (st.isFile()) return wanted(root) ? [root] : [];
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { continue; }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !skipped.has(e.name)) stack.push(p);
      } else if (e.isFile() && wanted(e.name)) out.push(p);
    }
  }
  return out.sort();
}

/** Reads a source file as text; invalid UTF-8 becomes U+FFFD. Undefined for unreadable or huge files. */
export function readSource(path: string): string | undefined {
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_FILE_BYTES) return undefined;
    return new TextDecoder('utf-8', { fatal: false }).decode(buf);
  } catch {
    return undefined;
  }
}
