/**
 * The Go files of a workspace as text, grouped by directory, each with what was last read of it: the texts the
 * editor or the disk gave, and the GoFile parsed from each (on demand, by the Workspace). It knows nothing of
 * packages or analyses; the Workspace marks a directory dirty when one of its files changes here.
 */
import { dirname } from 'node:path';
import type { GoFile } from './model/file';
import type { SyntaxNode } from './syntax/node';

/** A file's text and its facts; `previous` is the last facts read, until the new text is read (see GoFile). */
export interface FileEntry {
  text: string;
  file?: GoFile;
  previous?: GoFile;
  /**
   * The compacted file this text was read into, and its nodes that importers hold, by offset: read again
   * (see Workspace.analysesOf), the file takes them and its FuncDecls back, so that importers need not be read again.
   */
  hollow?: { file: GoFile; kept: Map<number, SyntaxNode[]> };
}

export class FileStore {
  private readonly files = new Map<string, FileEntry>();
  private readonly byDir = new Map<string, Set<string>>();

  /** Adds or replaces a file's text; false when the text is the same. The new entry remembers the last facts read. */
  put(path: string, text: string): boolean {
    const prev = this.files.get(path);
    if (prev && prev.text === text) return false;
    this.files.set(path, { text, previous: prev?.file ?? prev?.previous });
    const dir = dirname(path);
    let inDir = this.byDir.get(dir);
    if (!inDir) this.byDir.set(dir, (inDir = new Set()));
    inDir.add(path);
    return true;
  }

  /** Removes a file; false when there was none. */
  remove(path: string): boolean {
    if (!this.files.delete(path)) return false;
    const dir = dirname(path);
    this.byDir.get(dir)?.delete(path);
    if (this.byDir.get(dir)?.size === 0) this.byDir.delete(dir);
    return true;
  }

  entry(path: string): FileEntry | undefined { return this.files.get(path); }
  has(path: string): boolean { return this.files.has(path); }
  paths(): string[] { return [...this.files.keys()]; }
  /** The directories that hold files. */
  dirs(): IterableIterator<string> { return this.byDir.keys(); }
  hasDir(dir: string): boolean { return this.byDir.has(dir); }
  /** The paths of a directory's files, in the order they were added. */
  pathsIn(dir: string): string[] { return [...this.byDir.get(dir) ?? []]; }
  /** How much text a directory holds. */
  charsIn(dir: string): number { return this.pathsIn(dir).reduce((n, p) => n + this.files.get(p)!.text.length, 0); }
}
