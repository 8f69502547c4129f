/**
 * Differential test of the server's incremental path: a few hundred random incremental edits go to the
 * stdio server (dist/server.js, `npm run build` first) in bursts of back-to-back didChange notifications;
 * after each burst, the diagnostics that the server publishes for the newest version must equal those of
 * a from-scratch analysis of the same final text in a fresh in-process Workspace. The other files of the
 * workspace are compared too: their newest publish must match the fresh analysis as well.
 * Nothing sleeps: every wait is for a notification, bounded by the client's safety timeout.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LSPErrorCodes, type Diagnostic, type PublishDiagnosticsParams, type TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import type { Finding } from '../server/src/base/finding';
import { findGoFiles, readSource } from '../server/src/util/files';
import { Workspace } from '../server/src/workspace';
import { Editor } from './fuzz/edits';
import { Rng } from './fuzz/prng';
import { copyExamples, LspClient, positionAt, removeDir, uriOf } from './lsp-client';
import { analyzeAll } from '../server/src/batch';

/** LOCKSET_INCREMENTAL_SEED and LOCKSET_INCREMENTAL_EDITS run other sequences (for a longer exploration). */
const SEED = Number(process.env.LOCKSET_INCREMENTAL_SEED ?? 0x1ac5);
const EDITS = Number(process.env.LOCKSET_INCREMENTAL_EDITS ?? 300);
const SEVERITY = { error: 1, warning: 2, information: 3, hint: 4 } as const;

/** What is compared of a diagnostic: code, severity, range and message, one line each, sorted. */
function keysOfDiagnostics(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => key(String(d.code), d.severity ?? 0, d.range, d.message)).sort();
}
function keysOfFindings(fs: readonly Finding[]): string[] {
  return fs.map((f) => key(f.code, SEVERITY[f.severity], f.range, f.message)).sort();
}
function key(code: string, severity: number, r: Diagnostic['range'], message: string): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} [${code}/${severity}] ${message}`;
}

describe('incremental edits over stdio agree with a from-scratch analysis', () => {
  let dir: string;
  let client: LspClient;
  let files: string[];
  const disk = new Map<string, string>();

  before(async () => {
    dir = copyExamples();
    files = findGoFiles(dir);
    for (const f of files) disk.set(f, readSource(f) ?? '');
    client = await LspClient.start({ root: dir, settings: { debounceMs: 0 } });
    await client.scanned();
  });

  after(async () => {
    try { await client?.stop(); } finally { if (dir) removeDir(dir); }
  });

  /** Every finding of the workspace with the edited files holding their texts, analysed from nothing. */
  async function fromScratch(texts: ReadonlyMap<string, string>): Promise<Finding[]> {
    const ws = await Workspace.create();
    for (const f of files) ws.setText(f, texts.get(f) ?? disk.get(f)!);
    return analyzeAll(ws);
  }

  /** The publish for `uri` at exactly `version`. */
  function published(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    return client.waitForNotification<PublishDiagnosticsParams>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === version,
      `publishDiagnostics for ${uri} at version ${version}`);
  }

  it(`${EDITS} random edits to vmm/vm.go and vmm/vms.go in bursts (seed ${SEED})`, async (t) => {
    const rng = new Rng(SEED);
    // Two files of one package: an edit to either changes contracts that the other's findings depend on.
    const docs = ['vm.go', 'vms.go'].map((name) => {
      const path = join(dir, 'vmm', name);
      return { name, path, uri: uriOf(path), editor: new Editor(disk.get(path)!, rng) };
    });
    for (const d of docs) {
      // The text on disk: the server already published it in its scan, and publishes nothing new for the open.
      await client.open(d.uri, d.editor.text);
      await client.waitForDiagnostics(d.uri, () => true, `the diagnostics of ${d.name} from the scan`);
    }

    const log: string[] = [];
    let edits = 0, bursts = 0;
    while (edits < EDITS) {
      // A burst: one to six didChange notifications back to back, each with one to three changes; a hover now and then.
      const notifications = rng.chance(0.3) ? 1 : rng.int(2, 6);
      const hovers: Promise<unknown>[] = [];
      const touched = new Set<(typeof docs)[number]>();
      let last = docs[0];
      for (let n = 0; n < notifications; n++) {
        const d = rng.chance(0.75) ? docs[0] : docs[1];
        const { editor } = d;
        touched.add(d);
        last = d;
        const changes: TextDocumentContentChangeEvent[] = [];
        const k = rng.chance(0.8) ? 1 : rng.int(2, 3);
        const start = editor.text;
        // A notification whose changes cancel out (an edit and its undo) leaves the text as it was, and the server
        // publishes nothing for a text it has already analysed: so each notification must change the text.
        for (let c = 0; c < k || editor.text === start; c++) {
          const before = editor.text;
          if (rng.chance(0.02)) {
            // Now and then the whole text, as some clients send it.
            editor.apply({ start: 0, end: before.length, newText: before.replace(/\n\n/, '\n\n// whole text\n') });
            changes.push({ text: editor.text });
            log.push(`${d.name}: whole text`);
            continue;
          }
          const e = editor.next();
          changes.push({ range: { start: positionAt(before, e.start), end: positionAt(before, e.end) }, text: e.newText });
          log.push(`${d.name}: ${e.start}-${e.end} ${JSON.stringify(e.newText)}`);
          edits++;
        }
        void client.change(d.uri, changes);
        // A hover whose version the next edit replaces may be refused as ContentModified; nothing else.
        if (rng.chance(0.1)) {
          hovers.push(client.hover(d.uri, positionAt(editor.text, rng.int(0, editor.text.length))).catch((e: { code?: number }) => {
            if (e?.code !== LSPErrorCodes.ContentModified) throw e;
          }));
        }
      }
      bursts++;
      const where = `after burst ${bursts} (${edits} edits; replay with LOCKSET_INCREMENTAL_SEED=${SEED}); last edits: ${log.slice(-8).join(' | ')}`;
      const got = new Map<string, PublishDiagnosticsParams>();
      // The publish of the document changed last, at its newest version, comes from the server's analysis after
      // every change of the burst; that analysis publishes the other open document of the package in the same
      // turn, and a round trip makes sure it has arrived. (An earlier publish of the other document at its
      // newest version may predate a later change to this one: only its last publish counts.)
      const lastDoc = client.documents.get(last.uri)!;
      await published(last.uri, lastDoc.version).catch((e: Error) => {
        throw new Error(`${e.message}; server errors: ${client.errorLogs().join('\n') || 'none'}; ${where}`);
      });
      await client.hover(last.uri, { line: 0, character: 0 });
      for (const d of touched) {
        const doc = client.documents.get(d.uri)!;
        assert.equal(doc.text, d.editor.text, 'the client applied the edits as the editor made them');
        const p = client.diagnostics.get(d.uri)!;
        assert.equal(p.version, doc.version, `${d.name}: the last publish is for the newest version ${where}`);
        got.set(d.path, p);
      }
      await Promise.all(hovers);
      const scratch = await fromScratch(new Map(docs.map((d) => [d.path, d.editor.text])));
      for (const [path, p] of got) {
        assert.deepEqual(keysOfDiagnostics(p.diagnostics), keysOfFindings(scratch.filter((f) => f.file === path)),
          `${path.slice(dir.length + 1)}: the versioned publish differs from a fresh analysis ${where}`);
      }
      // A round trip, so that every publish sent before it has arrived; then every file's newest publish.
      await client.hover(docs[0].uri, { line: 0, character: 0 });
      for (const f of files) {
        const latest = client.diagnostics.get(uriOf(f));
        const want = keysOfFindings(scratch.filter((x) => x.file === f));
        assert.deepEqual(latest ? keysOfDiagnostics(latest.diagnostics) : [], want, `${f.slice(dir.length + 1)}: the newest publish differs from a fresh analysis ${where}`);
      }
    }
    t.diagnostic(`${edits} edits in ${bursts} bursts; after each, all ${files.length} files compared; final texts ${docs.map((d) => d.editor.text.length).join(' and ')} characters`);
    assert.deepEqual(client.errorLogs(), []);
    assert.equal(client.exitStatus, undefined);
  });
});
