import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseGoMod, parseGoWork, type GoMod, type TextReader } from './model/module';
import { globMatcher } from './util/glob';
import type { NestedModules } from './util/config';
import { readModuleFile, SKIPPED_GO_DIRS, walkFiles } from './util/files';

export interface ScopeSettings {
  /** Glob patterns relative to the root whose files are not analysed (see util/glob). */
  exclude?: readonly string[];
  nestedModules?: NestedModules;
}

/**
 * Which Go files under one root (a directory named on the command line, or a workspace folder) are the
 * user's code. Skipped below the root, as `go build ./...` skips them: vendor/, testdata/, node_modules/,
 * dot-directories, and modules of their own (a go.mod below the root's), which are most often a copy of
 * someone else's code (minimega keeps its forks of libraries under packages/). A nested module stays when it is
 * evidently the same project's: a go.work above it uses it, or its module path lies under the enclosing
 * module's (etcd's `go.etcd.io/etcd/server/v3` under `go.etcd.io/etcd/v3`, Go's layout for a repository of
 * several modules). And the `exclude` patterns leave out what the user says is not theirs.
 */
export class Scope {
  readonly root: string;
  private readonly excluded: (relativePath: string) => boolean;
  private readonly nested: NestedModules;
  /** The directories that the go.work at or above the root uses. */
  private readonly workUses = new Set<string>();
  /** Per directory under the root: the modules enclosing it (innermost last), or null when it is skipped. */
  private readonly dirs = new Map<string, GoMod[] | null>();

  constructor(root: string, settings: ScopeSettings = {}, private readonly read: TextReader = readModuleFile) {
    this.root = resolve(root);
    this.excluded = globMatcher(settings.exclude ?? []);
    this.nested = settings.nestedModules ?? 'skip';
    const work = nearestAbove(this.root, 'go.work', read);
    if (work) for (const use of parseGoWork(work.text)) this.workUses.add(resolve(work.dir, use));
    // Only the root's own go.mod encloses: below a root of no module (minimega/packages, named on purpose),
    // each go.mod starts a module of the tree being analysed.
    const mod = read(join(this.root, 'go.mod'));
    this.dirs.set(this.root, mod !== undefined ? [parseGoMod(mod)] : []);
  }

  /** The .go files to analyse under the root, sorted (the root itself when it is a .go file: named, it is analysed). */
  goFiles(): string[] {
    return walkFiles(this.root, (p) => this.modulesAt(p) !== null, (p, name) => name.endsWith('.go') && (p === this.root || !this.excludes(p)));
  }

  /** Whether an `exclude` pattern matches a path under the root (the root itself never). */
  excludes(path: string): boolean {
    const rel = relative(this.root, resolve(path));
    return rel !== '' && !isOutside(rel) && this.excluded(rel);
  }

  /** Whether a path is under the root, and a file there that goFiles lists (or would, once it exists). */
  covers(path: string): boolean {
    const abs = resolve(path);
    if (abs === this.root) return true;
    const rel = relative(this.root, abs);
    return rel !== '' && !isOutside(rel) && !this.excludes(abs) && this.modulesAt(dirname(abs)) !== null;
  }

  /** The modules enclosing a directory under the root, or null when the walk skips it (see the class). */
  private modulesAt(dir: string): GoMod[] | null {
    const known = this.dirs.get(dir);
    if (known !== undefined) return known;
    const parent = dirname(dir);
    let found: GoMod[] | null = null;
    const name = basename(dir);
    if (parent !== dir && !isOutside(relative(this.root, dir))) {
      const outer = this.modulesAt(parent);
      if (outer && !name.startsWith('.') && !SKIPPED_GO_DIRS.has(name) && !this.excludes(dir)) {
        const text = this.read(join(dir, 'go.mod'));
        const mod = text === undefined ? undefined : parseGoMod(text);
        found = !mod ? outer : this.keepsNested(dir, mod, outer) ? [...outer, mod] : null;
      }
    }
    this.dirs.set(dir, found);
    return found;
  }

  private keepsNested(dir: string, mod: GoMod, enclosing: GoMod[]): boolean {
    if (this.nested === 'include' || enclosing.length === 0 || this.workUses.has(dir)) return true;
    return enclosing.some((outer) => sameRepository(outer.module, mod.module));
  }
}

/**
 * Whether module `inner` lies under module `outer` without its major version suffix: `go.etcd.io/etcd/server/v3`
 * under `go.etcd.io/etcd/v3`, `github.com/hashicorp/raft/fuzzy` under `github.com/hashicorp/raft`.
 */
export function sameRepository(outer: string, inner: string): boolean {
  const base = outer.replace(/\/v\d+$/, '');
  return base !== '' && inner.startsWith(base + '/');
}

/** The nearest file of this name at or above `dir`, with its directory. */
function nearestAbove(dir: string, name: string, read: TextReader): { dir: string; text: string } | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const text = read(join(d, name));
    if (text !== undefined) return { dir: d, text };
    if (dirname(d) === d) return undefined;
  }
}

/** Whether a path relative to a root (see path.relative) leaves it. */
function isOutside(rel: string): boolean {
  return rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel);
}

/** The scope that governs a path: the one with the deepest root that holds it, if any. */
export function scopeOf(scopes: readonly Scope[], path: string): Scope | undefined {
  let best: Scope | undefined;
  for (const s of scopes) {
    const rel = relative(s.root, resolve(path));
    if ((rel === '' || !isOutside(rel)) && (!best || s.root.length > best.root.length)) best = s;
  }
  return best;
}
