/**
 * The server checks the settings it is sent against the schema that package.json contributes (one description
 * of every setting): each setting's default passes, and a value of the wrong type, outside its enum or its range
 * is reported once, naming the setting, and replaced by its default.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSettings, readSettings, SETTINGS_SCHEMA } from '../server/src/lsp/settings';

/** The `lockset` section as a client sends it: `lockset.a.b` as `{ a: { b } }`. */
function section(key: string, value: unknown): Record<string, unknown> {
  const parts = key.split('.').slice(1);
  const out: Record<string, unknown> = {};
  let at = out;
  parts.forEach((p, i) => { if (i === parts.length - 1) at[p] = value; else at = (at[p] = {}) as Record<string, unknown>; });
  return out;
}

/** A value the schema rejects: another type, or outside the enum or the range. */
function invalid(schema: { type?: string; enum?: unknown[]; maximum?: number }): unknown[] {
  if (schema.enum) return ['loud', 3];
  switch (schema.type) {
    case 'boolean': return ['yes', 1];
    case 'number': return ['x', ...(schema.maximum !== undefined ? [schema.maximum + 1] : []), -1];
    case 'array': return ['one', [1]];
    default: return [{}];
  }
}

describe('settings, checked against the schema in package.json', () => {
  it('takes every default, and reports nothing', () => {
    for (const [key, schema] of SETTINGS_SCHEMA) {
      const { problems } = readSettings(section(key, schema.default));
      assert.deepEqual(problems, [], key);
    }
    assert.deepEqual(readSettings(undefined).settings, defaultSettings());
  });

  it('reports a value of the wrong type, enum or range once, naming the setting, and keeps the default', () => {
    for (const [key, schema] of SETTINGS_SCHEMA) {
      for (const v of invalid(schema)) {
        if (schema.type === 'number' && v === -1 && (schema as { minimum?: number }).minimum === undefined) continue;
        const { problems, settings } = readSettings(section(key, v));
        assert.equal(problems.length, 1, `${key} = ${JSON.stringify(v)}: ${JSON.stringify(problems)}`);
        assert.ok(problems[0].startsWith(`${key}: expected`), problems[0]);
        assert.deepEqual(settings, defaultSettings(), key);
      }
    }
  });

  it('takes valid values of the server\'s own settings', () => {
    const { settings, problems } = readSettings({ debounceMs: 0, enable: false, inlayHints: { heldLocks: true }, compactClosedPackages: 'on' });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, { debounceMs: 0, enable: false, inlayHints: true, compactClosed: 'on' });
  });

  it('still reports what the schema cannot say: an unknown check', () => {
    const { problems } = readSettings({ checks: { 'no-such-check': 'error' } });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^lockset\.checks\.no-such-check: unknown check/);
  });
});
