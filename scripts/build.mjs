// Bundles the extension client, the language server and the CLI into dist/ with esbuild,
// and copies the tree-sitter WASM files beside them (they are never committed).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { iconPng } from './icon.mjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(join(dirname(new URL(import.meta.url).pathname), '..', 'package.json'), 'utf8'));
const minify = process.argv.includes('--minify');
const root = join(dirname(new URL(import.meta.url).pathname), '..');
// --outdir lets the packaging test build a minified copy elsewhere without touching dist/.
const outArg = process.argv.indexOf('--outdir');
const dist = outArg >= 0 ? process.argv[outArg + 1] : join(root, 'dist');
mkdirSync(dist, { recursive: true });

// web-tree-sitter's ESM build relies on import.meta.url, which is empty in CJS output.
const webTreeSitterCjs = join(dirname(require.resolve('web-tree-sitter')), 'tree-sitter.cjs');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: !minify,
  minify,
  logLevel: 'warning',
  alias: { 'web-tree-sitter': webTreeSitterCjs },
  define: { LOCKSET_VERSION: JSON.stringify(version) },
};

// elkjs (the graph layout, large) is bundled once, into dist/elk.js, and loaded from there by the client
// and the CLI when a graph is drawn.
const sharedElk = {
  name: 'shared-elk',
  setup(build) {
    build.onResolve({ filter: /^elkjs\/lib\/elk\.bundled\.js$/ }, () => ({ path: './elk.js', external: true }));
  },
};
common.plugins = [sharedElk];

// The TypeScript front end (ts-morph and the TypeScript compiler) is its own bundle, dist/ts-frontend.js,
// which the server and the CLI load only when they meet a TypeScript or JavaScript file.
const tsFrontendExternal = {
  name: 'ts-frontend-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/frontend$/ }, (args) => (args.importer.endsWith(join('server', 'src', 'ts', 'load.ts')) ? { path: './ts-frontend.js', external: true } : undefined));
  },
};
// ts-morph embeds TypeScript's lib .d.ts files (about 2.5 MB) for in-memory projects; lockset never
// loads them (noLib: locks are found without the standard library's types), so they are left out.
const dropEmbeddedLibFiles = {
  name: 'drop-embedded-lib-files',
  setup(build) {
    build.onLoad({ filter: /@ts-morph[\\/]common[\\/]dist[\\/]ts-morph-common\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const start = text.indexOf('const libFiles = [');
      const end = text.indexOf('function getLibFiles()');
      if (start < 0 || end < start) return undefined;
      return { contents: `${text.slice(0, start)}const libFiles = [];\n${text.slice(end)}`, loader: 'js' };
    });
  },
};

const results = await Promise.all([
  esbuild.build({ ...common, plugins: [], metafile: true, entryPoints: [require.resolve('elkjs/lib/elk.bundled.js')], outfile: join(dist, 'elk.js') }),
  esbuild.build({ ...common, metafile: true, entryPoints: [join(root, 'client/src/extension.ts')], outfile: join(dist, 'extension.js'), external: ['vscode'] }),
  esbuild.build({ ...common, plugins: [sharedElk, tsFrontendExternal], metafile: true, entryPoints: [join(root, 'server/src/lsp/main.ts')], outfile: join(dist, 'server.js') }),
  esbuild.build({ ...common, plugins: [sharedElk, tsFrontendExternal], metafile: true, entryPoints: [join(root, 'server/src/cli/main.ts')], outfile: join(dist, 'cli.js'), banner: { js: '#!/usr/bin/env node' } }),
  esbuild.build({ ...common, plugins: [dropEmbeddedLibFiles], metafile: true, entryPoints: [join(root, 'server/src/ts/frontend.ts')], outfile: join(dist, 'ts-frontend.js') }),
  // The parse workers of a cold start (see server/src/syntax/parse-pool.ts).
  esbuild.build({ ...common, plugins: [], metafile: true, entryPoints: [join(root, 'server/src/syntax/parse-worker.ts')], outfile: join(dist, 'parse-worker.js') }),
]);

// The notices of every package that the bundles contain (read from esbuild's metafile), and of the
// two whose WASM is copied: their licenses travel with the code they cover.
const bundled = new Map(['web-tree-sitter', 'tree-sitter-go'].map((n) => [n, join(root, 'node_modules', n)]));
for (const r of results) {
  for (const input of Object.keys(r.metafile.inputs)) {
    const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    if (m && !bundled.has(m[2])) bundled.set(m[2], join(root, m[1]));
  }
}
const notices = [...bundled].sort(([a], [b]) => a.localeCompare(b)).map(([name, dir]) => {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^licen[cs]e(\.md|\.txt)?$/i.test(f));
  const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `License: ${pkg.license}`;
  return `${name} ${pkg.version} (${pkg.license})\n${'-'.repeat(60)}\n${text}\n`;
});
// ts-morph's common package carries the TypeScript compiler inside it (Apache-2.0; the license text is the
// same in every release, so the installed typescript package's copy is used).
if (bundled.has('@ts-morph/common')) {
  const license = readFileSync(join(root, 'node_modules', 'typescript', 'LICENSE.txt'), 'utf8').trim();
  notices.push(`TypeScript, the compiler bundled inside @ts-morph/common (Apache-2.0)\n${'-'.repeat(60)}\n${license}\n`);
}
writeFileSync(join(dist, 'ThirdPartyNotices.txt'),
  `lockset ${version} bundles the following packages. Their licenses and notices follow.\n\n${notices.join('\n')}`);

copyFileSync(join(dirname(webTreeSitterCjs), 'tree-sitter.wasm'), join(dist, 'tree-sitter.wasm'));
copyFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm'), join(dist, 'tree-sitter-go.wasm'));
writeFileSync(join(dist, 'icon.png'), iconPng());

// The TypeScript front end is most of the .vsix's weight. The minified build ships it compressed with
// brotli (about 20% smaller than the .vsix's own deflate); server/src/ts/load.ts inflates it on first use.
const tsFrontend = join(dist, 'ts-frontend.js');
if (minify) {
  const code = readFileSync(tsFrontend);
  writeFileSync(`${tsFrontend}.br`, brotliCompressSync(code, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 10, [zlibConstants.BROTLI_PARAM_LGWIN]: 24, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: code.length } }));
  rmSync(tsFrontend);
} else rmSync(`${tsFrontend}.br`, { force: true });
