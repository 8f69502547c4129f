import type { TextEdit } from '../base/finding';
import type { GoFile } from '../model/file';

/**
 * An edit that imports `path` into the file: into its import block, before the first path that sorts after it
 * (as goimports keeps a block sorted), or as an import declaration of its own after the package clause.
 */
export function importEdit(file: GoFile, path: string): TextEdit {
  const block = /^import\s*\([ \t]*\n((?:[^)]*\n)*?)\)/m.exec(file.parsed.text);
  if (block) {
    let offset = block.index + block[0].indexOf('\n') + 1;
    for (const l of block[1].split('\n').slice(0, -1)) {
      const p = /"([^"]+)"/.exec(l)?.[1];
      if (p && p > path) break;
      offset += l.length + 1;
    }
    const at = file.lines.position(offset);
    return { file: file.path, range: { start: at, end: at }, newText: `\t"${path}"\n` };
  }
  const pkg = /^package\s+\w+.*$/m.exec(file.parsed.text);
  const at = file.lines.position(pkg ? pkg.index + pkg[0].length : 0);
  return { file: file.path, range: { start: at, end: at }, newText: `\n\nimport "${path}"` };
}
