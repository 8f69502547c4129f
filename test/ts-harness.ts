/** Helpers for the TypeScript front end's tests: its fixture cases, and a workspace over one of them. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findTsFiles } from '../server/src/ts/paths';
import { TsWorkspace } from '../server/src/ts/workspace';
import type { Config } from '../server/src/util/config';

export const TS_FIXTURES = join(__dirname, 'fixtures-ts');

/** test/fixtures-ts/<check>/<case>/ directories (the golden quick fixes in fixes/ are not cases). */
export function tsFixtureCases(): { group: string; name: string; dir: string }[] {
  const out: { group: string; name: string; dir: string }[] = [];
  for (const group of readdirSync(TS_FIXTURES)) {
    const gdir = join(TS_FIXTURES, group);
    if (!statSync(gdir).isDirectory() || group === 'fixes') continue;
    for (const name of readdirSync(gdir)) if (statSync(join(gdir, name)).isDirectory()) out.push({ group, name, dir: join(gdir, name) });
  }
  return out;
}

/** A workspace holding every TypeScript and JavaScript file of `dir`, as the CLI reads them. */
export function analyzeTsDir(dir: string, config: Partial<Config> = {}): TsWorkspace {
  const ws = new TsWorkspace({ roots: [dir], config: { severity: {}, lockOrder: [], ...config } });
  for (const f of findTsFiles(dir)) ws.setText(f, readFileSync(f, 'utf8'));
  return ws;
}
