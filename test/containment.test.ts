/** Crash containment: a check that throws loses its own results only; the others still report. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Check } from '../server/src/checks/check';
import { CHECKS } from '../server/src/checks/registry';
import { runChecks } from '../server/src/checks/run';
import { findGoFiles, readSource } from '../server/src/util/files';
import { Workspace } from '../server/src/workspace';
import { analyzeAll } from '../server/src/batch';

describe('crash containment', () => {
  it('logs a throwing check once with its id and package, and keeps the other checks', async () => {
    const ws = await Workspace.create();
    for (const f of findGoFiles(join(__dirname, '..', 'examples', 'vmm'))) ws.setText(f, readSource(f)!);
    analyzeAll(ws);
    const [analysis] = ws.analysesOf(join(__dirname, '..', 'examples', 'vmm'));
    const boom: Check = { id: 'boom', title: 'Throws', doc: 'Throws\n\nAlways.', example: '', defaultSeverity: 'error', run: () => { throw new Error('kaboom'); } };
    const logs: string[] = [];
    const findings = runChecks(analysis, ws.graph(), { severity: {}, lockOrder: [], log: (m) => logs.push(m) }, [boom, ...CHECKS]);
    assert.equal(logs.length, 1);
    assert.match(logs[0], /check boom failed in .*vmm: Error: kaboom/);
    assert.ok(findings.some((f) => f.code === 'missing-lock-annotation'), 'the other checks still report');
    assert.ok(!findings.some((f) => f.code === 'boom'));
  });
});
