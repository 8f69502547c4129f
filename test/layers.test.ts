/**
 * The server's layers are enforced by the lint (eslint.config.mjs, `layers()`): an import from an inner layer
 * into an outer one fails `npm run lint`, and so CI; so does an import that closes a cycle
 * (`lockset/no-import-cycle`). Checked on real files of the project with one import added.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..');

async function lintWith(file: string, importLine: string, rule = 'no-restricted-imports'): Promise<string[]> {
  const path = join(ROOT, file);
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(`${importLine}\n${readFileSync(path, 'utf8')}`, { filePath: path });
  return result.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}

describe('layers (npm run lint)', () => {
  it('rejects an import that runs back up the layers', async () => {
    const cases: [string, string][] = [
      ['server/src/util/edits.ts', "import { CHECKS } from '../checks/registry';"],
      ['server/src/syntax/node.ts', "import type { GoFile } from '../model/file';"],
      ['server/src/analysis/held.ts', "import type { Check } from '../checks/check';"],
      ['server/src/checks/double-lock.ts', "import type { Workspace } from '../workspace';"],
      ['server/src/ide/hover.ts', "import { startServer } from '../lsp/server';"],
      ['server/src/ts/flow.ts', "import type { Workspace } from '../workspace';"],
      ['server/src/ts/checks/run.ts', "import { hoverAt } from '../../ide/hover';"],
      // Only lsp/ makes wire types (URIs): ide/ and ts/ give plain data (core/views.ts).
      ['server/src/ide/inventory.ts', "import type { LockInfo } from '../protocol';"],
      ['server/src/ide/svg.ts', "import type { Loc } from '../protocol';"],
      ['server/src/ts/navigation.ts', "import type { LockInfo } from '../protocol';"],
      ['server/src/ts/checks/run.ts', "import type { Loc } from '../../protocol';"],
    ];
    for (const [file, line] of cases) {
      const messages = await lintWith(file, line);
      assert.equal(messages.length, 1, `${file}: ${line} → ${JSON.stringify(messages)}`);
      assert.match(messages[0], /may import only|may not import/);
    }
  });

  it('accepts an import that goes inwards', async () => {
    assert.deepEqual(await lintWith('server/src/checks/double-lock.ts', "import type { GoFile as G } from '../model/file';"), []);
    assert.deepEqual(await lintWith('server/src/analysis/held.ts', "import type { Range as R } from '../base/lines';"), []);
  });
});

describe('import cycles (npm run lint)', () => {
  const rule = 'lockset/no-import-cycle';

  it('rejects an import that closes a cycle, type-only or not, and names the cycle', async () => {
    const cases: [string, string, RegExp][] = [
      // package.ts imports types.ts: types.ts may not import it back, not even a type.
      ['server/src/model/types.ts', "import type { GoPackage } from './package';", /model\/types\.ts → server\/src\/model\/package\.ts → server\/src\/model\/types\.ts/],
      // parser.ts imports flat.ts.
      ['server/src/syntax/flat.ts', "import { parseGo } from './parser';", /syntax\/flat\.ts → server\/src\/syntax\/parser\.ts → server\/src\/syntax\/flat\.ts/],
      // package-analysis.ts imports summaries.ts, which reads the PackageAnalysisView instead.
      ['server/src/analysis/summaries.ts', "import type { PackageAnalysis } from './package-analysis';", /^import cycle: server\/src\/analysis\/summaries\.ts → server\/src\/analysis\/package-analysis\.ts → server\/src\/analysis\/summaries\.ts\./],
      // A longer way round: summaries.ts imports flow-types.ts, which imports held.ts.
      ['server/src/analysis/held.ts', "import { RUNS_IN_PLACE } from './summaries';", /^import cycle: server\/src\/analysis\/held\.ts → server\/src\/analysis\/summaries\.ts → \S+ → server\/src\/analysis\/held\.ts\./],
    ];
    for (const [file, line, cycle] of cases) {
      const messages = await lintWith(file, line, rule);
      assert.equal(messages.length, 1, `${file}: ${line} → ${JSON.stringify(messages)}`);
      assert.match(messages[0], cycle);
    }
  });

  it('accepts an import that closes no cycle', async () => {
    assert.deepEqual(await lintWith('server/src/model/package.ts', "import type { Scope as S } from './scope';", rule), []);
    assert.deepEqual(await lintWith('server/src/syntax/parser.ts', "import type { ParsedFile as P } from './parse-types';", rule), []);
  });
});
