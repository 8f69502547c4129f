/**
 * The TypeScript front end's hover at a call says each fact once, as the Go hover does (test/hover.test.ts): a
 * diagnostic that covers the call comes first, and the contract row, "is not held here" and "no lock held" that
 * repeat it are left out; an editor that shows the diagnostic itself (VS Code) gets the rest only.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeTsDir, TS_FIXTURES } from './ts-harness';

const DIR = join(TS_FIXTURES, 'fixes/lock_comment');
const PATH = join(DIR, 'store.ts');
const TEXT = readFileSync(PATH, 'utf8');

function setup() {
  const ws = analyzeTsDir(DIR);
  const findings = ws.findingsFor(PATH);
  const at = (needle: string, editorShowsDiagnostics = false) => ws.hover(PATH, TEXT.indexOf(needle) + needle.indexOf('_') + 1, { editorShowsDiagnostics })!.markdown;
  return { findings, at };
}

describe('TypeScript hover at a call that breaks a contract', () => {
  it('puts the diagnostic first and leaves out the contract, "is not held here" and "no lock" rows that repeat it', () => {
    const { findings, at } = setup();
    assert.ok(findings.some((f) => f.code === 'missing-lock-annotation' && /_save/.test(f.message)), findings.map((f) => f.message).join(' | '));
    const md = at("this._save('x', 0)");
    const [first] = md.split('\n\n---\n\n');
    assert.match(first, /^(⚠️|ℹ️) call of this\.\\?_save requires this\.mu, which is not held here \(contract: /, `the diagnostic first:\n${md}`);
    assert.match(first, /`missing-lock-annotation`$/);
    assert.match(md, /\*\*Store\._save\*\*/, 'the callee stays');
    assert.doesNotMatch(md, /\*\*requires\*\* `this\.mu`/, 'the contract row repeats the diagnostic');
    assert.doesNotMatch(md, /is not held here`?$/m, 'so does "this.mu is not held here"');
    assert.doesNotMatch(md, /Held at this call: no async-mutex lock/, 'and "no lock held", which the diagnostic says');
    assert.doesNotMatch(md, /No lock contract/);
    assert.equal(md.split('Store.save holds this.mu when it calls').length - 1, 1, `the contract once:\n${md}`);
  });

  it('leaves the message to an editor that shows the diagnostic in its own hover', () => {
    const { at } = setup();
    const md = at("this._save('x', 0)", true);
    assert.ok(md.startsWith('**Store._save**'), md);
    assert.doesNotMatch(md, /missing-lock-annotation|\*\*requires\*\* `this\.mu`|is not held here|no async-mutex lock/);
  });

  it('is unchanged where no diagnostic covers the call', () => {
    const { at } = setup();
    const md = at('() => this._save(k, v)');
    assert.match(md, /\*\*requires\*\* `this\.mu`/);
    assert.match(md, /✅ `this\.mu` is held here/);
  });
});
