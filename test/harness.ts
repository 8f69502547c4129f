/**
 * An analysistest-style harness: every `// want "regexp"` in a fixture must be matched by a
 * diagnostic on its line, and every diagnostic must be matched by a want. `// WANTED:` marks a
 * known gap and is not checked.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../server/src/base/finding';
import { findGoFiles, readSource } from '../server/src/util/files';
import { Workspace } from '../server/src/workspace';
import { analyzeAll } from '../server/src/batch';

export const FIXTURES = join(__dirname, 'fixtures');

export interface Want { file: string; line: number; pattern: RegExp }

const WANT = /\bwant((?:\s+(?:"(?:[^"\\]|\\.)*"|`[^`]*`))+)/;
const LITERAL = /"(?:[^"\\]|\\.)*"|`[^`]*`/g;

export function parseWants(file: string, text: string): Want[] {
  const out: Want[] = [];
  text.split('\n').forEach((line, i) => {
    const idx = line.indexOf('//');
    if (idx < 0) return;
    const m = WANT.exec(line.slice(idx));
    if (!m || /WANTED:/.test(line.slice(idx, idx + m.index + 4))) return;
    for (const lit of m[1].match(LITERAL) ?? []) {
      const source = lit.startsWith('`') ? lit.slice(1, -1) : (JSON.parse(lit) as string);
      out.push({ file, line: i + 1, pattern: new RegExp(source) });
    }
  });
  return out;
}

export async function analyzeDir(dir: string): Promise<{ ws: Workspace; findings: Finding[] }> {
  const ws = await Workspace.create();
  for (const f of findGoFiles(dir)) ws.setText(f, readSource(f) ?? '');
  return { ws, findings: analyzeAll(ws) };
}

/** Compares findings with wants; returns the problems, one line each (empty when all match). */
export function compare(findings: Finding[], wants: Want[]): string[] {
  const problems: string[] = [];
  const unmatched = [...findings];
  for (const w of wants) {
    const i = unmatched.findIndex((f) => f.file === w.file && f.range.start.line + 1 === w.line && w.pattern.test(f.message));
    if (i >= 0) unmatched.splice(i, 1);
    else {
      const onLine = findings.filter((f) => f.file === w.file && f.range.start.line + 1 === w.line).map((f) => f.message);
      problems.push(`${w.file}:${w.line}: no diagnostic matching ${w.pattern}${onLine.length ? ` (got: ${onLine.join(' | ')})` : ''}`);
    }
  }
  for (const f of unmatched) problems.push(`${f.file}:${f.range.start.line + 1}: unexpected diagnostic: ${f.message} [${f.code}]`);
  return problems;
}

/** Fixture packages: test/fixtures/<group>/<case>/ directories that hold .go files. */
export function fixtureCases(): { group: string; name: string; dir: string }[] {
  const out: { group: string; name: string; dir: string }[] = [];
  for (const group of readdirSync(FIXTURES)) {
    const gdir = join(FIXTURES, group);
    if (!statSync(gdir).isDirectory()) continue;
    for (const name of readdirSync(gdir)) {
      const dir = join(gdir, name);
      // A case is a package directory, or a module (go.mod) whose packages are in subdirectories.
      if (statSync(dir).isDirectory() && readdirSync(dir).some((f) => f.endsWith('.go') || f === 'go.mod')) out.push({ group, name, dir });
    }
  }
  return out;
}

/** The wants of every .go file of a case, subdirectories included. */
export function wantsIn(dir: string): Want[] {
  return findGoFiles(dir).flatMap((f) => parseWants(f, readFileSync(f, 'utf8')));
}
