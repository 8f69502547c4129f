/**
 * What an edit inside one function body costs in a big package, counted in functions, not in time: the
 * functions walked again (flows) and summarised again (acquisitions), which must be the edited one and the
 * functions that call it, transitively, and not the rest of the package. The findings must still be what a
 * fresh analysis gives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysisStats } from '../server/src/analysis/summaries';
import { Workspace } from '../server/src/workspace';

const FILES = 40;
const PER_FILE = 25;
const N = FILES * PER_FILE;

/**
 * One package: function k takes its file's lock and calls functions 2k+1 and 2k+2 (a binary tree of calls), so
 * that a leaf has about log2(N) callers above it; every fifth one calls its children under the lock.
 */
function corpus(): Map<string, string> {
  const files = new Map<string, string>();
  for (let f = 0; f < FILES; f++) {
    const lines = ['package big', '', 'import "sync"', '', `var mu${f} sync.Mutex`, `var n${f} int`, ''];
    for (let j = 0; j < PER_FILE; j++) {
      const k = f * PER_FILE + j;
      const calls = [2 * k + 1, 2 * k + 2].filter((c) => c < N).map((c) => `\tf${c}()`);
      lines.push(`func f${k}() {`, `\tmu${f}.Lock()`, `\tn${f}++`);
      if (k % 5 === 0) lines.push(...calls, `\tmu${f}.Unlock()`);
      else lines.push(`\tmu${f}.Unlock()`, ...calls);
      lines.push('}', '');
    }
    files.set(`/big/f${f}.go`, lines.join('\n'));
  }
  return files;
}

function findings(ws: Workspace): string {
  return ws.analyzeDir('/big').flatMap((r) => r.findings).map((f) => `${f.file}:${f.range.start.line} ${f.code} ${f.message}`).sort().join('\n');
}

/** The corpus, and an editor's workspace that has analysed it once. */
async function indexed(): Promise<{ files: Map<string, string>; ws: Workspace }> {
  const files = corpus();
  const ws = await Workspace.create(undefined, () => undefined);
  ws.interactive = true;
  for (const [path, text] of files) ws.setText(path, text);
  findings(ws);
  return { files, ws };
}

/** The findings of a fresh analysis of the corpus with `path` holding `version`. */
async function freshFindings(files: ReadonlyMap<string, string>, path: string, version: string): Promise<string> {
  const fresh = await Workspace.create(undefined, () => undefined);
  for (const [p, t] of files) fresh.setText(p, p === path ? version : t);
  return findings(fresh);
}

describe('an edit inside a body of a big package', () => {
  it('walks and summarises the edited function and its callers only', async () => {
    const { files, ws } = await indexed();
    // A leaf near the end: f{N-1} has no callees; its callers are its ancestors in the tree.
    const leaf = N - 1;
    const path = `/big/f${FILES - 1}.go`;
    const text = files.get(path)!;
    const ancestors = Math.floor(Math.log2(leaf + 1));
    for (const [i, version] of [text.replace(`func f${leaf}() {\n\tmu${FILES - 1}.Lock()\n\tn${FILES - 1}++`, `func f${leaf}() {\n\tmu${FILES - 1}.Lock()\n\tn${FILES - 1} += 2`), text].entries()) {
      const before = { ...analysisStats };
      ws.setText(path, version);
      const got = findings(ws);
      const walked = analysisStats.computedFlows - before.computedFlows;
      const summarized = analysisStats.summarized - before.summarized;
      assert.ok(walked >= 1 && walked <= 2, `edit ${i}: ${walked} functions walked again`);
      assert.ok(summarized >= 1 && summarized <= ancestors + 1, `edit ${i}: ${summarized} functions summarised again (the leaf has ${ancestors} callers above it, of ${N})`);
      assert.equal(got, await freshFindings(files, path, version), `edit ${i}: the findings of a fresh analysis`);
    }
  });

  it('walks only the edited function while a statement is typed, its half-typed states included', async () => {
    const { files, ws } = await indexed();
    // Typed one character at a time into the middle of a body of the middle file: most states do not parse
    // (`x :`, `x := n2`), which must not make the package's other functions be walked again.
    const path = '/big/f20.go';
    const text = files.get(path)!;
    const at = text.indexOf('\n', text.indexOf('\tn20++', text.indexOf('func f510()'))) + 1;
    const typed = '\tx := n20 +\n\t_ = x\n';
    const versions = [...typed].map((_, i) => text.slice(0, at) + typed.slice(0, i + 1) + text.slice(at));
    versions.push(...versions.slice(0, -1).reverse(), text);
    let broken = 0;
    for (const [i, version] of versions.entries()) {
      const before = { ...analysisStats };
      ws.setText(path, version);
      const got = findings(ws);
      if (ws.file(path)!.parsed.errorCount > 0) broken++;
      const walked = analysisStats.computedFlows - before.computedFlows;
      assert.ok(walked <= 2, `keystroke ${i} (${JSON.stringify(version.slice(at, at + 14))}): ${walked} functions walked again, of ${N}`);
      if (i % 7 === 0 || i === versions.length - 1) {
        assert.equal(got, await freshFindings(files, path, version), `keystroke ${i}: the findings of a fresh analysis`);
      }
    }
    assert.ok(broken > 5, `${broken} of the typed states do not parse`);
  });

  it('walks only the functions that name a declaration an edit added, removed or changed', async () => {
    const { files, ws } = await indexed();
    const path = '/big/f20.go';
    const text = files.get(path)!;
    // f510's callers: f254 (in f10.go). A new function typed at the end of the file, a character at a time; a doc
    // comment that gives f510 a contract, then one that only reads differently; f510 removed; all back again.
    const added = '\n// g takes mu20.\nfunc g() {\n\tmu20.Lock()\n\tf510()\n\tmu20.Unlock()\n}\n';
    const typing = [...added].map((_, i) => text + added.slice(0, i + 1)).filter((_, i) => i % 3 === 0 || i === added.length - 1);
    const f510 = text.indexOf('func f510()');
    const end510 = text.indexOf('\n}\n', f510) + 3;
    const versions: [string, string, number][] = [
      ...typing.map((t, i): [string, string, number] => [`typed ${i}`, t, 2]),
      ['back', text, 1],
      ['contract', `${text.slice(0, f510)}// f510 must be called with mu20 held.\n${text.slice(f510)}`, 3],
      ['doc', `${text.slice(0, f510)}// f510 adds one.\n${text.slice(f510)}`, 3],
      ['removed', text.slice(0, f510) + text.slice(end510), 2],
      ['restored', text, 3],
    ];
    for (const [name, version, most] of versions) {
      const before = { ...analysisStats };
      ws.setText(path, version);
      const got = findings(ws);
      const walked = analysisStats.computedFlows - before.computedFlows;
      assert.ok(walked <= most, `${name}: ${walked} functions walked again, of ${N} (at most ${most})`);
      assert.equal(got, await freshFindings(files, path, version), `${name}: the findings of a fresh analysis`);
    }
  });

  it('summarises the callers again only when the edited function takes other locks than before', async () => {
    const { files, ws } = await indexed();
    const leaf = N - 1;
    const path = `/big/f${FILES - 1}.go`;
    const text = files.get(path)!;
    const ancestors = Math.floor(Math.log2(leaf + 1));
    const body = `func f${leaf}() {\n\tmu${FILES - 1}.Lock()\n\tn${FILES - 1}++\n\tmu${FILES - 1}.Unlock()`;
    assert.ok(text.includes(body));
    const cases: [string, string, (n: number) => boolean][] = [
      // The same lock taken at the same place: its ancestors keep their summaries.
      ['same locks', text.replace(body, body.replace('++', ' += 2')), (n) => n === 1],
      // No lock any more: its callers' lists lose it, and theirs as far up as a list changes.
      ['no lock', text.replace(body, `func f${leaf}() {\n\tn${FILES - 1}++`), (n) => n > 2],
      ['back', text, (n) => n > 2],
    ];
    for (const [name, version, expected] of cases) {
      const before = { ...analysisStats };
      ws.setText(path, version);
      const got = findings(ws);
      const summarized = analysisStats.summarized - before.summarized;
      assert.ok(expected(summarized), `${name}: ${summarized} functions summarised again (the leaf has ${ancestors} callers above it)`);
      assert.equal(got, await freshFindings(files, path, version), `${name}: the findings of a fresh analysis`);
    }
  });
});

describe('an edit that breaks the import declaration', () => {
  // Found by the fuzz sample (seed 0x10c5e7, inputs 223 then 275): a garbled import (`import \nfs.Var(`) gave an
  // import of no name, whose empty word made the scan for the functions that name a changed declaration match the
  // empty string and never advance (before the fix, this test never ends).
  it('re-analyses the package and gives its findings, as a fresh analysis does', async () => {
    const v1 = 'package p\n\nimport "sync"\n\ntype T struct {\n\tmu sync.Mutex\n\tn  int\n}\n\nfunc (t *T) inc() {\n\tt.mu.Lock()\n\tt.n++\n\tt.mu.Unlock()\n}\n';
    const v2 = v1.replace('import "sync"\n', 'import \nfs.Var(\n\tfs.StringVar(&cfg.f0, "f0", "", "")\n)\n');
    const ws = await Workspace.create(undefined, () => undefined);
    ws.interactive = true;
    ws.setText('/broken-import/p/a.go', v1);
    ws.analyzeDir('/broken-import/p');
    ws.setText('/broken-import/p/a.go', v2);
    const got = ws.analyzeDir('/broken-import/p').flatMap((r) => r.findings).map((f) => `${f.range.start.line} ${f.code}`);
    const fresh = await Workspace.create(undefined, () => undefined);
    fresh.setText('/broken-import/p/a.go', v2);
    assert.deepEqual(got, fresh.analyzeDir('/broken-import/p').flatMap((r) => r.findings).map((f) => `${f.range.start.line} ${f.code}`));
  });
});
