/** The SARIF output validates against the SARIF 2.1.0 JSON schema (shipped in an npm package, read offline). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';

const ROOT = join(__dirname, '..');

describe('SARIF', () => {
  it('validates against the SARIF 2.1.0 schema and carries what GitHub code scanning needs', () => {
    const r = spawnSync(process.execPath, ['dist/cli.js', 'check', '--format', 'sarif', 'examples'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const log = JSON.parse(r.stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri: string; name: string }[] } }; results: { partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[] }[] }[] };
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const ajv = new Ajv({ schemaId: 'auto', allErrors: true, validateSchema: false });
    ajv.addMetaSchema(JSON.parse(readFileSync(require.resolve('ajv/lib/refs/json-schema-draft-04.json'), 'utf8')) as object);
    const valid = ajv.validate(schema, log);
    assert.ok(valid, ajv.errorsText(ajv.errors, { separator: '\n' }));
    const run = log.runs[0];
    assert.ok(run.tool.driver.rules.every((rule) => rule.helpUri.startsWith('https://') && /^[A-Z]/.test(rule.name)));
    assert.ok(run.results.length >= 6);
    for (const res of run.results) {
      assert.match(res.partialFingerprints.primaryLocationLineHash, /^[0-9a-f]{32}:1$/);
      const loc = res.locations[0].physicalLocation.artifactLocation;
      assert.equal(loc.uriBaseId, 'SRCROOT');
      assert.ok(!loc.uri.startsWith('/') && !loc.uri.includes('://'), 'relative artifact URI');
    }
  });
});
