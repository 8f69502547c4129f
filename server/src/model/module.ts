import { dirname, isAbsolute, join } from 'node:path';

/** What lockset needs from a go.mod: the module path and the `replace` directives that point at directories. */
export interface GoMod { module: string; replaces: { from: string; to: string }[] }

/** Strips `//` comments and surrounding blanks; go.mod strings may be quoted. */
function tokens(line: string): string[] {
  const body = line.replace(/\/\/.*$/, '').trim();
  return body.match(/"(?:[^"\\]|\\.)*"|`[^`]*`|\S+/g)?.map(unquote) ?? [];
}

function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  if (s.startsWith('"')) { try { return JSON.parse(s) as string; } catch { return s.slice(1, -1); } }
  return s;
}

/** The directives of a go.mod or go.work file: `verb args…`, with `verb ( … )` blocks expanded. */
function directives(text: string): { verb: string; args: string[] }[] {
  const out: { verb: string; args: string[] }[] = [];
  let block: string | undefined;
  for (const line of text.split(/\r?\n|\r/)) {
    const t = tokens(line);
    if (t.length === 0) continue;
    if (block) {
      if (t[0] === ')') { block = undefined; continue; }
      out.push({ verb: block, args: t });
    } else if (t[1] === '(' && t.length === 2) block = t[0];
    else out.push({ verb: t[0], args: t.slice(1) });
  }
  return out;
}

export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { module: '', replaces: [] };
  for (const d of directives(text)) {
    if (d.verb === 'module' && d.args[0]) mod.module = d.args[0];
    if (d.verb === 'replace') {
      // `old [v] => new [v]`; only a local directory (./x, ../x or absolute) can be analysed.
      const arrow = d.args.indexOf('=>');
      const from = d.args[0], to = d.args[arrow + 1];
      if (arrow > 0 && from && to && (to.startsWith('./') || to.startsWith('../') || to.startsWith('/') || to === '.' || to === '..')) mod.replaces.push({ from, to });
    }
  }
  return mod;
}

/** The `use` directories of a go.work file. */
export function parseGoWork(text: string): string[] {
  return directives(text).filter((d) => d.verb === 'use' && d.args[0]).map((d) => d.args[0]);
}

/** Reads a file's text, or undefined when there is none. */
export type TextReader = (path: string) => string | undefined;

interface ModuleRoot { dir: string; mod: GoMod }

/**
 * Maps import paths to directories for the modules of a workspace: the importer's own module, the
 * modules of an enclosing go.work, and `replace` directives to local directories. Anything else (the
 * standard library, modules from the network, vendor/) is not resolved.
 */
export class ModuleMap {
  private readonly modCache = new Map<string, ModuleRoot | null>();
  private readonly workCache = new Map<string, ModuleRoot[] | null>();

  constructor(private readonly read: TextReader) {}

  /** The directory that holds the package `importPath` imported from a file in `importerDir`, if it is local. */
  resolve(importerDir: string, importPath: string): string | undefined {
    const own = this.moduleOf(importerDir);
    const roots = [...(own ? [own] : []), ...(this.workspaceModules(importerDir) ?? [])];
    for (const root of roots) {
      for (const r of root.mod.replaces) {
        const rest = within(importPath, r.from);
        if (rest !== undefined) return join(under(root.dir, r.to), rest);
      }
    }
    for (const root of roots) {
      const rest = root.mod.module ? within(importPath, root.mod.module) : undefined;
      if (rest !== undefined) return join(root.dir, rest);
    }
    return undefined;
  }

  /** The import path of the package in `dir`, when a go.mod above it says so. */
  importPathOf(dir: string): string | undefined {
    const root = this.moduleOf(dir);
    if (!root?.mod.module) return undefined;
    const rel = dir.slice(root.dir.length).replace(/\\/g, '/').replace(/^\//, '');
    return rel ? `${root.mod.module}/${rel}` : root.mod.module;
  }

  /** The nearest go.mod at or above `dir`. */
  moduleOf(dir: string): ModuleRoot | undefined {
    const cached = this.modCache.get(dir);
    if (cached !== undefined) return cached ?? undefined;
    const text = this.read(join(dir, 'go.mod'));
    const parent = dirname(dir);
    const found = text !== undefined ? { dir, mod: parseGoMod(text) } : parent !== dir ? this.moduleOf(parent) : undefined;
    this.modCache.set(dir, found ?? null);
    return found;
  }

  private workspaceModules(dir: string): ModuleRoot[] | undefined {
    const cached = this.workCache.get(dir);
    if (cached !== undefined) return cached ?? undefined;
    const text = this.read(join(dir, 'go.work'));
    const parent = dirname(dir);
    let found: ModuleRoot[] | undefined;
    if (text !== undefined) {
      found = [];
      for (const use of parseGoWork(text)) {
        const useDir = under(dir, use);
        const modText = this.read(join(useDir, 'go.mod'));
        if (modText !== undefined) found.push({ dir: useDir, mod: parseGoMod(modText) });
      }
    } else if (parent !== dir) found = this.workspaceModules(parent);
    this.workCache.set(dir, found ?? null);
    return found;
  }
}

/** The rest of `path` below `prefix` ('' for the prefix itself), or undefined when it is not below. */
function within(path: string, prefix: string): string | undefined {
  if (path === prefix) return '';
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : undefined;
}

/** A directory named relative to `base` (or absolute), in the same form as `base`: paths stay comparable. */
function under(base: string, rel: string): string {
  return isAbsolute(rel) ? rel : join(base, rel);
}
