/**
 * The server's layers are enforced by the lint (eslint.config.mjs, `layers()`): an import from an inner layer
 * into an outer one fails `npm run lint`, and so CI. Checked on real files of the project with one import added.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..');

async function lintWith(file: string, importLine: string): Promise<string[]> {
  const path = join(ROOT, file);
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(`${importLine}\n${readFileSync(path, 'utf8')}`, { filePath: path });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
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
