/**
 * The .vsix as the Marketplace gets it: packaged from a minified build in a temporary directory (so the
 * dist/ that other tests use is left alone), then its contents and manifest are checked.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';

const ROOT = join(__dirname, '..');

/** The entries of a zip file, read from its central directory. */
function zipEntries(buf: Buffer): Map<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(at + 10), size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28), extraLen = buf.readUInt16LE(at + 30), commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + size);
    out.set(name, method === 8 ? inflateRawSync(raw) : raw);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe('the .vsix', () => {
  it('holds the minified bundles, both wasm files, the icon and the docs, and nothing else; under 2 MB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockset-vsix-'));
    try {
      for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore']) copyFileSync(join(ROOT, f), join(dir, f));
      cpSync(join(ROOT, 'syntaxes'), join(dir, 'syntaxes'), { recursive: true });
      cpSync(join(ROOT, 'docs'), join(dir, 'docs'), { recursive: true });
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; version: string };
      pkg.scripts['vscode:prepublish'] = 'node -e 0';
      writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
      const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--minify', '--outdir', join(dir, 'dist')], { encoding: 'utf8' });
      assert.equal(build.status, 0, build.stderr);
      // The TypeScript front end ships brotli-compressed and is inflated on first use: the minified CLI runs it.
      const ts = spawnSync(process.execPath, [join(dir, 'dist/cli.js'), 'check', '--format', 'json', join(ROOT, 'test/fixtures-ts/missing-lock-annotation/js')], { encoding: 'utf8' });
      // Its two findings rest on guessed contracts (a twin, a …Locked name): information, so the exit status is 0.
      assert.equal(ts.status, 0, ts.stdout + ts.stderr);
      const found = (JSON.parse(ts.stdout) as { diagnostics: { code: string; severity: string }[] }).diagnostics;
      assert.deepEqual(found.map((d) => `${d.code}/${d.severity}`), ['missing-lock-annotation/information', 'missing-lock-annotation/information']);
      const vsce = spawnSync(process.execPath, [join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '-o', join(dir, 'out.vsix')], { cwd: dir, encoding: 'utf8' });
      assert.equal(vsce.status, 0, vsce.stdout + vsce.stderr);
      const vsix = readFileSync(join(dir, 'out.vsix'));
      assert.ok(vsix.length < 2 * 1024 * 1024, `${vsix.length} bytes`);
      const entries = zipEntries(vsix);
      const names = [...entries.keys()].filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length)).sort();
      assert.deepEqual(names, ['LICENSE.txt', 'changelog.md', 'dist/ThirdPartyNotices.txt', 'dist/cli.js', 'dist/elk.js', 'dist/extension.js', 'dist/icon.png', 'dist/parse-worker.js', 'dist/server.js', 'dist/tree-sitter-go.wasm', 'dist/tree-sitter.wasm', 'dist/ts-frontend.js.br', 'package.json', 'readme.md', 'syntaxes/lockset-go-injection.tmLanguage.json']);
      const server = entries.get('extension/dist/server.js')!.toString('utf8');
      // Minified: long lines (template literals keep their own newlines) and no source map.
      assert.ok(server.length / server.split('\n').length > 1000 && !server.includes('sourceMappingURL'), 'the server bundle is minified');
      const manifest = JSON.parse(entries.get('extension/package.json')!.toString('utf8')) as Record<string, unknown>;
      for (const field of ['publisher', 'displayName', 'description', 'categories', 'keywords', 'repository', 'icon', 'galleryBanner', 'capabilities']) assert.ok(manifest[field], `manifest lacks ${field}`);
      assert.deepEqual(manifest.categories, ['Linters', 'Programming Languages']);
      assert.deepEqual((manifest.capabilities as { untrustedWorkspaces: { supported: boolean } }).untrustedWorkspaces.supported, true);
      assert.equal((manifest.capabilities as { virtualWorkspaces: boolean }).virtualWorkspaces, false);
      const png = entries.get('extension/dist/icon.png')!;
      assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], 'the icon is a PNG');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
