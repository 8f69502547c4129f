/**
 * A client that never answers `workspace/configuration` must not stall the server: after the injected wait the
 * start-up index runs with the default settings and publishes its findings.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { copyExamples, LspClient, removeDir, uriOf } from './lsp-client';

describe('a client that never answers workspace/configuration', () => {
  let dir: string | undefined;
  let client: LspClient | undefined;

  after(async () => {
    try { await client?.stop(); } finally { if (dir) removeDir(dir); }
  });

  it('gets the index and its findings with the default settings after the wait', async () => {
    dir = copyExamples();
    client = await LspClient.start({ root: dir, silentRequests: ['workspace/configuration'], initializationOptions: { configurationWaitMs: 50 } });
    await client.waitForNotification<{ message: string }>('window/logMessage', (p) => /no answer to workspace\/configuration after 50 ms/.test(p.message), 'the notice that the defaults are used');
    await client.waitForNotification<{ message: string }>('window/logMessage', (p) => p.message.startsWith('lockset: analysed'), 'the index summary');
    const ds = await client.waitForDiagnostics(uriOf(join(dir, 'vmm', 'http.go')), (d) => d.some((x) => x.code === 'missing-lock-annotation'), 'http.go');
    assert.equal(ds.filter((x) => x.code === 'missing-lock-annotation').length, 1);
    assert.ok(client.requests.some((m) => m.method === 'workspace/configuration'), 'the server asked for the settings');
  });
});

describe('settings nested 5,000 levels deep', () => {
  it('are reported as invalid in a short message, without overflowing the stack', async () => {
    const { parseConfig } = await import('../server/src/checks/config-file');
    let deep: unknown = 'warning';
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    const { config, errors } = parseConfig({ checks: { 'double-lock': deep }, lockOrder: [deep] });
    assert.equal(config.severity['double-lock'], undefined);
    assert.equal(errors.length, 2);
    assert.match(errors[0], /lockset\.checks\.double-lock: expected one of .*, got \{"a":\{"a":\{"a":\{\.\.\.\}\}\}\}$/);
  });
});
