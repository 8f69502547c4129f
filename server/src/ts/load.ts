/**
 * Loads the TypeScript front end on first use, so that Go users never load ts-morph. In the bundles,
 * `./frontend` is an external module, dist/ts-frontend.js (scripts/build.mjs); the packaged extension
 * ships it brotli-compressed as dist/ts-frontend.js.br, inflated and compiled here. From the sources
 * (tests under tsx) it is ./frontend.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { brotliDecompressSync } from 'node:zlib';
import type * as Frontend from './frontend';

let loaded: typeof Frontend | undefined;

export function loadTsFrontend(): typeof Frontend {
  if (loaded) return loaded;
  const packed = join(__dirname, 'ts-frontend.js.br');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded = existsSync(packed) ? compile(packed) : (require('./frontend') as typeof Frontend);
  return loaded;
}

/** Runs a compressed CommonJS bundle as Node would run the file it came from. */
function compile(packed: string): typeof Frontend {
  const file = packed.slice(0, -'.br'.length);
  const code = brotliDecompressSync(readFileSync(packed)).toString('utf8');
  const wrapper = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename: file }) as
    (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;
  const mod = { exports: {} };
  wrapper(mod.exports, createRequire(file), mod, file, dirname(file));
  return mod.exports as typeof Frontend;
}
