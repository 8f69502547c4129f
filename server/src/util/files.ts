import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
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
  return walkFiles(root, (_path, name) => !name.startsWith('.') && !skipped.has(name), (_path, name) => wanted(name));
}

/**
 * The files under `root` that `wanted` accepts, sorted, walking into the directories `enter` accepts (by path and
 * name); `root` itself when it is a file that `wanted` accepts. Unreadable parts are left out.
 */
export function walkFiles(root: string, enter: (path: string, name: string) => boolean, wanted: (path: string, name: string) => boolean): string[] {
  const out: string[] = [];
  let st;
  try { st = statSync(root); } catch { return out; }
  if (st.isFile()) return wanted(root, root) ? [root] : [];
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { continue; }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (enter(p, e.name)) stack.push(p);
      } else if (e.isFile() && wanted(p, e.name)) out.push(p);
    }
  }
  return out.sort();
}

/** Reads a source file as text; invalid UTF-8 becomes U+FFFD. Undefined for unreadable or huge files. */
export function readSource(path: string, maxBytes = MAX_FILE_BYTES): string | undefined {
  const buf = readRegularFile(path, maxBytes);
  return buf && new TextDecoder('utf-8', { fatal: false }).decode(buf);
}

/** go.mod, go.work: regular files of at most 1 MB (a symlink to /dev/zero or a FIFO is never read). */
export function readModuleFile(path: string): string | undefined {
  return readRegularFile(path, 1024 * 1024)?.toString('utf8');
}

/**
 * The bytes of a regular file of at most `maxBytes`, or undefined. Anything else is never read: a FIFO (opened
 * without blocking, then refused), a device such as /dev/zero (it never ends), a directory, or a file over the cap
 * (its size is known before a byte is read). Symbolic links are followed to what they name, with the same rules.
 */
export function readRegularFile(path: string, maxBytes = MAX_FILE_BYTES): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    // Read what the file holds now, up to the cap: it may grow while it is read.
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes));
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) try { closeSync(fd); } catch { /* already closed */ }
  }
}
