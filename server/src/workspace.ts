import { dirname } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { PackageAnalysis } from './analysis/package-analysis';
import type { Finding } from './checks/finding';
import { runChecks } from './checks/run';
import { GoFile } from './model/file';
import { GoPackage } from './model/package';
import { initParser, parseGo } from './syntax/parser';
import { defaultConfig, type Config } from './util/config';
import { MAX_FILE_BYTES } from './util/files';

interface Entry { text: string; file?: GoFile }

export interface PackageResult {
  analysis: PackageAnalysis;
  findings: Finding[];
}

/**
 * The set of Go files being analysed and the analyses derived from them. Files are grouped into
 * packages by directory and package name; a package is re-analysed only when one of its files changes.
 */
export class Workspace {
  private readonly files = new Map<string, Entry>();
  private readonly dirty = new Set<string>();
  private readonly results = new Map<string, PackageResult[]>();

  private constructor(private readonly parser: Parser, public config: Config) {}

  static async create(config: Config = defaultConfig()): Promise<Workspace> {
    return new Workspace(await initParser(), config);
  }

  setConfig(config: Config): void {
    this.config = config;
    for (const dir of this.results.keys()) this.dirty.add(dir);
  }

  /** Adds or replaces a file's text. Returns false when the text is unchanged. */
  setText(path: string, text: string): boolean {
    const prev = this.files.get(path);
    if (prev && prev.text === text) return false;
    this.files.set(path, { text });
    this.dirty.add(dirname(path));
    return true;
  }

  remove(path: string): void {
    if (this.files.delete(path)) this.dirty.add(dirname(path));
  }

  has(path: string): boolean { return this.files.has(path); }
  paths(): string[] { return [...this.files.keys()]; }
  dirs(): string[] { return [...new Set(this.paths().map((p) => dirname(p)))].sort(); }

  /** The parsed facts of one file (parsed on first use). */
  file(path: string): GoFile | undefined {
    const e = this.files.get(path);
    if (!e) return undefined;
    if (!e.file) {
      const text = e.text.length > MAX_FILE_BYTES ? '' : e.text;
      e.file = new GoFile(path, parseGo(this.parser, text));
    }
    return e.file;
  }

  /** The analyses of the packages in a directory, recomputed if any of its files changed. */
  analyzeDir(dir: string): PackageResult[] {
    const cached = this.results.get(dir);
    if (cached && !this.dirty.has(dir)) return cached;
    const byPackage = new Map<string, GoFile[]>();
    for (const path of this.paths()) {
      if (dirname(path) !== dir) continue;
      const f = this.file(path);
      if (!f) continue;
      const name = f.packageName || '(none)';
      const list = byPackage.get(name);
      if (list) list.push(f); else byPackage.set(name, [f]);
    }
    const results: PackageResult[] = [];
    for (const [name, files] of byPackage) {
      const analysis = new PackageAnalysis(new GoPackage(dir, name, files));
      results.push({ analysis, findings: runChecks(analysis, this.config) });
    }
    this.results.set(dir, results);
    this.dirty.delete(dir);
    return results;
  }

  /** The package analysis that holds a file. */
  packageOf(path: string): PackageResult | undefined {
    return this.analyzeDir(dirname(path)).find((r) => r.analysis.pkg.files.some((f) => f.path === path));
  }

  findingsFor(path: string): Finding[] {
    return this.packageOf(path)?.findings.filter((f) => f.file === path) ?? [];
  }

  /** Every finding, package by package. */
  analyzeAll(onProgress?: (done: number, total: number) => void): Finding[] {
    const dirs = this.dirs();
    const out: Finding[] = [];
    dirs.forEach((dir, i) => {
      for (const r of this.analyzeDir(dir)) out.push(...r.findings);
      onProgress?.(i + 1, dirs.length);
    });
    return out;
  }
}
