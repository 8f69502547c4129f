/**
 * Differential test of the edits that change a package's functions, not only their bodies (see
 * GoFile.declsChange): seeded random sequences that remove a function, add a copy under a new name, rename
 * one, give one a doc contract, add a typeless variable initialised by a call, add, rename or retype a struct's
 * field (a guarded one too) or remove the struct, in every package of the
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

/** The struct types of a Go text: where the first field line starts, and the type's name. */
function structsOf(text: string): { name: string; fieldsAt: number; end: number }[] {
  const out: { name: string; fieldsAt: number; end: number }[] = [];
  for (const m of text.matchAll(/^type (\w+) struct \{\n/gm)) {
    const end = text.indexOf('\n}\n', m.index);
    if (end > 0) out.push({ name: m[1], fieldsAt: m.index + m[0].length, end });
  }
  return out;
}

/** A change of a struct type: a field added (guarded or not), the first field renamed, its type changed, or the type removed. */
function mutateType(text: string, rng: Rng, k: number): string | undefined {
  const structs = structsOf(text);
  if (structs.length === 0) return undefined;
  const t = structs[Math.floor(rng.next() * structs.length)];
  const line = text.slice(t.fieldsAt, text.indexOf('\n', t.fieldsAt));
  const field = /^\s*(\w+)\s+(\S+)/.exec(line);
  switch (Math.floor(rng.next() * 5)) {
    case 0: return `${text.slice(0, t.fieldsAt)}\textra${k} int\n${text.slice(t.fieldsAt)}`;
    case 1: return field ? `${text.slice(0, t.fieldsAt)}\tguarded${k} int // +checklocks:${field[1]}\n${text.slice(t.fieldsAt)}` : undefined;
    case 2: return field ? text.slice(0, t.fieldsAt) + line.replace(field[1], `${field[1]}X`) + text.slice(t.fieldsAt + line.length) : undefined;
    case 3: return field ? text.slice(0, t.fieldsAt) + line.replace(field[2], field[2] === 'sync.Mutex' ? 'sync.RWMutex' : 'sync.Mutex') + text.slice(t.fieldsAt + line.length) : undefined;
    default: return text.slice(0, text.lastIndexOf('\n', t.fieldsAt - 2) + 1) + text.slice(t.end + 3);
  }
}

/** One random change of the file's declarations; undefined when the file has no function to change. */
function mutate(text: string, rng: Rng, k: number): string | undefined {
  if (rng.next() < 0.3) {
    const changed = mutateType(text, rng, k);
    if (changed !== undefined) return changed;
  }
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

  it('after a change of a struct, walks the functions that name it or the members that changed', async () => {
    const files = new Map<string, string>();
    // Two files: the struct and its methods, and 40 functions that use other types.
    files.set('/p/s.go', 'package p\n\nimport "sync"\n\ntype S struct {\n\tmu sync.Mutex\n\tn  int\n}\n\nfunc (s *S) Inc() {\n\ts.mu.Lock()\n\ts.n++\n\ts.mu.Unlock()\n}\n\nfunc (s *S) Peek() int { return s.n }\n');
    const others = ['package p', '', 'import "sync"', '', 'type T struct {', '\tmu sync.Mutex', '\tk  int', '}', ''];
    for (let i = 0; i < 40; i++) others.push(`func (t *T) F${i}() {`, '\tt.mu.Lock()', '\tt.k++', '\tt.mu.Unlock()', '}', '');
    files.set('/p/t.go', others.join('\n'));
    const ws = await Workspace.create(undefined, () => undefined);
    ws.interactive = true;
    for (const [p, t] of files) ws.setText(p, t);
    findings(ws, '/p');
    const base = files.get('/p/s.go')!;
    const versions: [string, string, number][] = [
      ['a field added', base.replace('\tn  int\n', '\tn  int\n\tx  int\n'), 3],
      ['n guarded by mu', base.replace('\tn  int\n', '\tn  int // +checklocks:mu\n'), 3],
      ['n renamed', base.replace('\tn  int\n', '\tm  int\n'), 3],
      // An import added, then the one the struct's types name removed: the flows that name it read it otherwise.
      ['an import added', base.replace('import "sync"', 'import (\n\t"fmt"\n\t"sync"\n)'), 2],
      ['sync removed', base.replace('import "sync"', ''), 3],
      // A member is matched by its name: T's methods name a mu of their own, and are walked too.
      ['mu an RWMutex', base.replace('mu sync.Mutex', 'mu sync.RWMutex'), 42],
      ['back', base, 42],
    ];
    for (const [name, text, most] of versions) {
      const before = { ...analysisStats };
      ws.setText('/p/s.go', text);
      const got = findings(ws, '/p');
      const walked = analysisStats.computedFlows - before.computedFlows;
      assert.ok(walked <= most, `${name}: ${walked} functions walked again, of 42 (at most ${most})`);
      const fresh = await Workspace.create(undefined, () => undefined);
      for (const [p, t] of files) fresh.setText(p, p === '/p/s.go' ? text : t);
      assert.equal(got, findings(fresh, '/p'), `${name}: the findings of a fresh analysis`);
    }
  });
});
