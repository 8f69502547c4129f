// Bundles the extension client, the language server and the CLI into dist/ with esbuild,
// and copies the tree-sitter WASM files beside them (they are never committed).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { iconPng } from './icon.mjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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

const results = await Promise.all([
  esbuild.build({ ...common, plugins: [], metafile: true, entryPoints: [require.resolve('elkjs/lib/elk.bundled.js')], outfile: join(dist, 'elk.js') }),
  esbuild.build({ ...common, metafile: true, entryPoints: [join(root, 'client/src/extension.ts')], outfile: join(dist, 'extension.js'), external: ['vscode'] }),
  esbuild.build({ ...common, metafile: true, entryPoints: [join(root, 'server/src/lsp/main.ts')], outfile: join(dist, 'server.js') }),
  esbuild.build({ ...common, metafile: true, entryPoints: [join(root, 'server/src/cli/main.ts')], outfile: join(dist, 'cli.js'), banner: { js: '#!/usr/bin/env node' } }),
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
writeFileSync(join(dist, 'ThirdPartyNotices.txt'),
  `lockset ${version} bundles the following packages. Their licenses and notices follow.\n\n${notices.join('\n')}`);

copyFileSync(join(dirname(webTreeSitterCjs), 'tree-sitter.wasm'), join(dist, 'tree-sitter.wasm'));
copyFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm'), join(dist, 'tree-sitter-go.wasm'));
writeFileSync(join(dist, 'icon.png'), iconPng());
