import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../server/src/checks/registry';
import { renderPackageJson, renderReadme } from '../scripts/gen-docs';

const ROOT = join(__dirname, '..');

describe('generated docs match the check registry', () => {
  it('package.json settings (run npm run gen)', () => {
    const current = readFileSync(join(ROOT, 'package.json'), 'utf8');
    assert.equal(renderPackageJson(current), current);
  });

  it('README checks table (run npm run gen)', () => {
    const current = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.equal(renderReadme(current), current);
  });

  it('every check describes itself', () => {
    const ids = new Set<string>();
    for (const c of CHECKS) {
      assert.match(c.id, /^[a-z]+(-[a-z]+)*$/);
      assert.ok(!ids.has(c.id), `duplicate id ${c.id}`);
      ids.add(c.id);
      assert.ok(c.doc.startsWith(c.title), `${c.id}: doc must start with its title`);
      assert.match(c.doc, /\n\n/, `${c.id}: doc needs a blank line after the title`);
    }
  });
});
