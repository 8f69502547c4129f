// The static import graph of the project's TypeScript files, and its cycles: the lint's `lockset/no-import-cycle`
// rule (eslint.config.mjs) and, run directly, a list of the cycles: `node scripts/import-graph.mjs [--runtime] [dir...]`.
// Only relative imports count (packages cannot import us back); `import type` edges count unless `runtime` is set.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The relative module specifiers of one file's static imports and re-exports, each with whether it is type-only. */
export function importsOf(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out = [];
  for (const s of source.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier)) {
      const c = s.importClause;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings)
        && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      out.push({ spec: s.moduleSpecifier.text, typeOnly, pos: s.getStart(source) });
    } else if (ts.isExportDeclaration(s) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) {
      const typeOnly = s.isTypeOnly || (!!s.exportClause && ts.isNamedExports(s.exportClause)
        && s.exportClause.elements.length > 0 && s.exportClause.elements.every((e) => e.isTypeOnly));
      out.push({ spec: s.moduleSpecifier.text, typeOnly, pos: s.getStart(source) });
    }
  }
  return out.filter((i) => i.spec.startsWith('.'));
}

/** The file a relative specifier names, or undefined (a JSON file, a missing file). */
export function resolveImport(fromFile, spec) {
  const base = resolve(dirname(fromFile), spec);
  for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  return undefined;
}

const parsed = new Map(); // file → { mtime, imports }

/** The files `file` imports (resolved, absolute), read from disk and cached until the file changes. */
export function edgesOf(file, runtime = false) {
  let mtime;
  try { mtime = statSync(file).mtimeMs; } catch { return []; }
  let entry = parsed.get(file);
  if (!entry || entry.mtime !== mtime) {
    entry = { mtime, imports: importsOf(file, readFileSync(file, 'utf8')) };
    parsed.set(file, entry);
  }
  return targets(file, entry.imports, runtime);
}

/** Resolved targets of parsed imports, without type-only ones when `runtime`. */
export function targets(file, imports, runtime) {
  const out = [];
  for (const i of imports) {
    if (runtime && i.typeOnly) continue;
    const to = resolveImport(file, i.spec);
    if (to && !out.includes(to)) out.push(to);
  }
  return out;
}

/** A shortest import path from `from` back to `to` (both included), or undefined when there is none. */
export function pathBack(from, to, runtime = false, edges = (f) => edgesOf(f, runtime)) {
  const previous = new Map([[from, undefined]]);
  const queue = [from];
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === to) {
      const path = [];
      for (let f = to; f !== undefined; f = previous.get(f)) path.unshift(f);
      return path;
    }
    for (const next of edges(file)) if (!previous.has(next)) { previous.set(next, file); queue.push(next); }
  }
  return undefined;
}

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('fixtures') ? [] : tsFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The strongly connected components with more than one file (Tarjan), each sorted. */
export function cycles(files, runtime = false) {
  const index = new Map(), low = new Map(), stack = [], onStack = new Set(), out = [];
  let next = 0;
  const visit = (f) => {
    index.set(f, next); low.set(f, next); next++;
    stack.push(f); onStack.add(f);
    for (const g of edgesOf(f, runtime)) {
      if (!index.has(g)) { visit(g); low.set(f, Math.min(low.get(f), low.get(g))); }
      else if (onStack.has(g)) low.set(f, Math.min(low.get(f), index.get(g)));
    }
    if (low.get(f) === index.get(f)) {
      const component = [];
      let g;
      do { g = stack.pop(); onStack.delete(g); component.push(g); } while (g !== f);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return out;
}

/**
 * ESLint rule: an import whose module imports, directly or not, the importing file back. Type-only imports count:
 * a cycle of types is still two modules that cannot be read, moved or tested apart. The importing file's imports
 * are the linted text's; the others' are read from disk.
 */
export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'forbid imports that close an import cycle' },
    messages: { cycle: 'import cycle: {{path}}. Move what both sides need into a module both import (see docs/dev/development.md).' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const root = context.cwd;
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = resolveImport(file, spec);
      const path = target && target !== file ? pathBack(target, file) : undefined;
      if (path) context.report({ node, messageId: 'cycle', data: { path: [file, ...path].map((f) => relative(root, f)).join(' → ') } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const runtime = args.includes('--runtime');
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const dirs = args.filter((a) => !a.startsWith('--'));
  const files = (dirs.length > 0 ? dirs : ['server/src', 'client/src', 'test', 'scripts']).flatMap((d) => tsFiles(resolve(root, d)));
  const found = cycles(files, runtime);
  for (const component of found) {
    console.log(`${component.length} files in a cycle:`);
    for (const f of component) {
      const back = edgesOf(f, runtime).filter((g) => component.includes(g)).map((g) => relative(dirname(f), g));
      console.log(`  ${relative(root, f)} → ${back.join(', ')}`);
    }
  }
  console.log(`${found.length} cycle(s) among ${files.length} files${runtime ? ' (runtime imports only)' : ''}`);
  process.exitCode = found.length > 0 ? 1 : 0;
}
