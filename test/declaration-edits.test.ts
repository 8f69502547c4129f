/**
 * Differential test of the edits that change a package's functions, not only their bodies (see
 * GoFile.funcsOnlyChange): seeded random sequences that remove a function, add a copy under a new name, rename
 * one, give one a doc contract, and add a typeless variable initialised by a call, in every package of the
 * fixtures and examples. After each edit, an editor's workspace (which re-walks only the functions that name a
 * changed declaration) must give the findings of a fresh analysis of the same texts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysisStats } from '../server/src/analysis/summaries';
import { Workspace } from '../server/src/workspace';
import { goPackages } from './fuzz/corpus';
import { Rng } from './fuzz/prng';

const SEED = Number(process.env.LOCKSET_DECL_SEED ?? 0xdec1);
const EDITS = Number(process.env.LOCKSET_DECL_EDITS ?? 4);

/** The top-level functions of a Go text: where each starts (its doc comment included) and ends, and its name. */
function functionsOf(text: string): { start: number; end: number; name: string; nameAt: number }[] {
  const out: { start: number; end: number; name: string; nameAt: number }[] = [];
  for (const m of text.matchAll(/^func (\([^)]*\) )?(\w+)/gm)) {
    const end = text.indexOf('\n}\n', m.index);
    if (end < 0) continue;
    out.push({ start: m.index, end: end + 3, name: m[2], nameAt: m.index + m[0].length - m[2].length });
  }
  return out;
}

/** One random change of the file's declarations; undefined when the file has no function to change. */
function mutate(text: string, rng: Rng, k: number): string | undefined {
  const fns = functionsOf(text);
  if (fns.length === 0) return undefined;
  const f = fns[Math.floor(rng.next() * fns.length)];
  switch (Math.floor(rng.next() * 5)) {
    case 0: return text.slice(0, f.start) + text.slice(f.end);
    case 1: {
      const copy = text.slice(f.start, f.end).replace(f.name, `${f.name}Copy${k}`);
      return `${text}\n${copy}`;
    }
    case 2: return `${text.slice(0, f.nameAt)}${f.name}Renamed${k}${text.slice(f.nameAt + f.name.length)}`;
    case 3: {
      const lock = /(\w+)\.(?:R)?Lock\(\)/.exec(text.slice(f.start, f.end))?.[1] ?? 'mu';
      return `${text.slice(0, f.start)}// ${f.name} must be called with ${lock} held.\n${text.slice(f.start)}`;
    }
    default: return /^func (\w+)\(\)/m.test(text) ? `${text}\nvar v${k} = ${/^func (\w+)\(\)/m.exec(text)![1]}()\n` : `${text}\n// note ${k}\n`;
  }
}

function findings(ws: Workspace, dir: string): string {
  return ws.analyzeDir(dir).flatMap((r) => r.findings).map((f) => `${f.file}:${f.range.start.line}:${f.range.start.character} ${f.code} ${f.severity} ${f.message}`).sort().join('\n');
}

describe('edits that declare, remove or re-declare functions', () => {
  it('give the findings of a fresh analysis, walking fewer functions than the package holds', async () => {
    const rng = new Rng(SEED);
    let cheaper = 0, edits = 0;
    const problems: string[] = [];
    for (const pkg of goPackages()) {
      const ws = await Workspace.create(undefined, () => undefined);
      ws.interactive = true;
      const texts = new Map(pkg.files.map((f) => [f.path, f.text]));
      for (const [p, t] of texts) ws.setText(p, t);
      findings(ws, pkg.dir);
      for (let k = 0; k < EDITS; k++) {
        const path = pkg.files[Math.floor(rng.next() * pkg.files.length)].path;
        const next = mutate(texts.get(path)!, rng, k);
        if (next === undefined) continue;
        texts.set(path, next);
        const before = { ...analysisStats };
        ws.setText(path, next);
        const got = findings(ws, pkg.dir);
        edits++;
        if (analysisStats.reusedFlows > before.reusedFlows) cheaper++;
        const fresh = await Workspace.create(undefined, () => undefined);
        for (const [p, t] of texts) fresh.setText(p, t);
        const want = findings(fresh, pkg.dir);
        if (got !== want) problems.push(`${path} after edit ${k}:\n  got  ${got.split('\n').join('\n       ')}\n  want ${want.split('\n').join('\n       ')}`);
      }
    }
    assert.deepEqual(problems.slice(0, 5), []);
    assert.ok(cheaper > edits / 3, `${cheaper} of ${edits} edits took flows over from the previous analysis`);
  });

  it('reads again which types are locks when a Lock or Unlock method comes or goes', async () => {
    const pkg = goPackages().find((p) => p.dir.endsWith('embedded-name'))!;
    const file = pkg.files[0];
    const method = 'func (w *wrapped) Lock()   { w.m.Lock() }\n';
    assert.ok(file.text.includes(method));
    const ws = await Workspace.create(undefined, () => undefined);
    ws.interactive = true;
    for (const f of pkg.files) ws.setText(f.path, f.text);
    const before = findings(ws, pkg.dir);
    for (const text of [file.text.replace(method, ''), file.text]) {
      ws.setText(file.path, text);
      const fresh = await Workspace.create(undefined, () => undefined);
      fresh.setText(file.path, text);
      assert.equal(findings(ws, pkg.dir), findings(fresh, pkg.dir));
    }
    assert.equal(findings(ws, pkg.dir), before);
    assert.match(findings((await (async () => { const w = await Workspace.create(undefined, () => undefined); w.setText(file.path, file.text.replace(method, '')); return w; })()), pkg.dir), /\+checklocks:lk names lk, a wrapped, not a lock/);
  });
});
