import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { CHECKS } from '../server/src/checks/registry';
import { CHECK_PAGES, checkPage, renderPackageJson, renderReadme } from '../scripts/gen-docs';

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

  it('a page per check, and no other (run npm run gen)', () => {
    assert.deepEqual(readdirSync(CHECK_PAGES).sort(), CHECKS.map((c) => `${c.id}.md`).sort());
    for (const c of CHECKS) assert.equal(readFileSync(join(CHECK_PAGES, `${c.id}.md`), 'utf8'), checkPage(c), `docs/checks/${c.id}.md`);
  });

  it('the README is a front page (at most 10 KiB), and no relative link in it or docs/ is broken', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.ok(Buffer.byteLength(readme) <= 10 * 1024, `README.md has ${Buffer.byteLength(readme)} bytes`);
    const pages = ['README.md', ...['docs', 'docs/dev', 'docs/checks'].flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.md')).map((f) => `${d}/${f}`))];
    const broken: string[] = [];
    for (const page of pages) {
      for (const m of readFileSync(join(ROOT, page), 'utf8').matchAll(/\]\(([^)\s#]+)(#[^)\s]*)?\)/g)) {
        if (/^[a-z]+:/.test(m[1])) continue;
        if (!existsSync(join(ROOT, dirname(page), m[1]))) broken.push(`${page}: ${m[1]}`);
      }
    }
    assert.deepEqual(broken, []);
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
