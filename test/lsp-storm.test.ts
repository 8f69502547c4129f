/**
 * Edit storms: hovers, code actions and lenses sent between rapid edits must not pile up behind analyses of text
 * that an edit has already replaced. A request for a version that a later edit replaced is answered at once with
 * ContentModified (the client asks again); the request after the storm gets the newest state. Nothing sleeps: the
 * storm is written back to back, and every response is awaited, bounded by the client's safety timeout.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LSPErrorCodes, type Hover } from 'vscode-languageserver/node';
import { readSource } from '../server/src/util/files';
import { copyExamples, LspClient, positionAt, removeDir, uriOf } from './lsp-client';

const STORM = 200;

describe('an edit storm over stdio', () => {
  let dir: string;
  let client: LspClient;

  before(async () => {
    dir = copyExamples();
    client = await LspClient.start({ root: dir, settings: { debounceMs: 0 } });
    await client.scanned();
  });

  after(async () => {
    try { await client?.stop(); } finally { if (dir) removeDir(dir); }
  });

  it(`${STORM} edits, each after a hover and a code action: stale requests are answered ContentModified, the last one is right`, async () => {
    const path = join(dir, 'vmm', 'vm.go');
    const uri = uriOf(path);
    let text = readSource(path)!;
    await client.open(uri, text);
    const outcomes: Promise<string>[] = [];
    const settle = (p: Promise<unknown>) => p.then(() => 'answered', (e: { code?: number }) => (e?.code === LSPErrorCodes.ContentModified ? 'modified' : `error ${String(e?.code)} ${String(e)}`));
    const at = (t: string) => positionAt(t, t.indexOf('vm.lock.Lock()') + 8);
    for (let i = 0; i < STORM; i++) {
      // Written back to back: each request reaches the server before the edit that replaces its version.
      outcomes.push(settle(client.hover(uri, at(text))));
      outcomes.push(settle(client.codeActions(uri, { start: at(text), end: at(text) })));
      const line = `// storm ${i}\n`;
      text = line + text;
      void client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: line }]);
    }
    const results = await Promise.all(outcomes);
    const odd = results.filter((r) => r !== 'answered' && r !== 'modified');
    assert.deepEqual(odd, [], 'every request is answered, or refused as ContentModified');
    const modified = results.filter((r) => r === 'modified').length;
    assert.ok(modified > 0, `requests answered for replaced versions: ${results.length - modified} of ${results.length}`);
    // After the storm the newest text is what a request sees.
    const h: Hover | null = await client.hover(uri, at(text));
    const md = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    assert.match(md, /class `VM\.lock`/);
    assert.deepEqual(client.errorLogs(), []);
  });

  it('a goroutine dump of 12,000 goroutines is read in slices: a hover sent after it is answered first', async () => {
    const base = readSource(join(__dirname, 'e2e', 'vscode', 'minivm-deadlock.txt'))!;
    const blocks = base.split(/\n\n+/).filter((b) => b.startsWith('goroutine '));
    const copies: string[] = [];
    for (let id = 1; copies.length < 12_000; id++) copies.push(blocks[id % blocks.length].replace(/^goroutine \d+/, `goroutine ${id}`));
    const text = `${copies.join('\n\n')}\n`;
    // The storm above left vm.go with 200 more lines: the dump's lines are the file on disk's.
    const vm = join(dir, 'vmm', 'vm.go');
    await client.change(uriOf(vm), [{ text: readSource(vm)! }]);
    const path = join(dir, 'vmm', 'stats.go');
    const stats = readSource(path)!;
    await client.open(uriOf(path), stats);
    const order: string[] = [];
    const dump = client.request<{ groups: unknown[]; deadlocks: unknown[] }>('lockset/goroutineDump', { text }).then((v) => { order.push('dump'); return v; });
    const hover = client.hover(uriOf(path), positionAt(stats, stats.indexOf('vm.lock.Lock()') + 8)).then((h) => { order.push('hover'); return h; });
    const [view, h] = await Promise.all([dump, hover]);
    assert.ok(h, 'the hover is answered');
    assert.ok(view.deadlocks.length > 0, 'the dump\'s deadlocks are found');
    assert.deepEqual(order, ['hover', 'dump'], 'the hover did not wait for the whole dump');
  });
});
