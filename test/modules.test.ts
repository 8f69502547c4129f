import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rankIn } from '../server/src/analysis/hierarchy';
import { ModuleMap, parseGoMod, parseGoWork } from '../server/src/model/module';
import { Workspace } from '../server/src/workspace';
import { analyzeAll } from '../server/src/batch';

const RON = `package ron

import "sync"

// Registry guards names.
var Registry sync.Mutex

var names = map[string]int{}

// Register adds a name.
func Register(name string) {
	names[name]++
}
`;

const CLI = `package cli

import "example.com/m/ron"

func add() {
	ron.Register("x")
}
`;

function memoryReader(files: Record<string, string>): (path: string) => string | undefined {
  return (path) => files[path];
}

describe('go.mod and go.work', () => {
  it('reads the module path and local replace directives, skipping comments and remote replacements', () => {
    const mod = parseGoMod(`// comment
module "example.com/m" // trailing

go 1.19

replace example.com/lib => ./third_party/lib
replace (
	example.com/old v1.0.0 => ../old
	example.com/remote => example.com/fork v1.2.3
)
`);
    assert.equal(mod.module, 'example.com/m');
    assert.deepEqual(mod.replaces, [{ from: 'example.com/lib', to: './third_party/lib' }, { from: 'example.com/old', to: '../old' }]);
  });

  it('reads go.work use directives, single and in a block', () => {
    assert.deepEqual(parseGoWork('go 1.19\nuse ./a\nuse (\n\t./b // b\n\t../c\n)\n'), ['./a', './b', '../c']);
  });

  it('maps import paths of the module, of go.work modules and of replacements to directories; others to nothing', () => {
    const map = new ModuleMap(memoryReader({
      '/w/go.work': 'use (\n ./app\n ./lib\n)\n',
      '/w/app/go.mod': 'module example.com/app\nreplace example.com/vendored => ./third/v\n',
      '/w/lib/go.mod': 'module example.com/lib\n',
    }));
    assert.equal(map.resolve('/w/app/cmd', 'example.com/app/internal/x'), '/w/app/internal/x');
    assert.equal(map.resolve('/w/app/cmd', 'example.com/app'), '/w/app');
    assert.equal(map.resolve('/w/app/cmd', 'example.com/lib/ron'), '/w/lib/ron');
    assert.equal(map.resolve('/w/app/cmd', 'example.com/vendored/pkg'), '/w/app/third/v/pkg');
    assert.equal(map.resolve('/w/app/cmd', 'fmt'), undefined);
    assert.equal(map.resolve('/w/app/cmd', 'github.com/other/thing'), undefined);
    assert.equal(map.resolve('/w/app/cmd', 'example.com/application'), undefined, 'a path that merely starts with the module path is not in it');
    assert.equal(map.importPathOf('/w/lib/ron'), 'example.com/lib/ron');
  });

  it('resolves nothing without a go.mod', () => {
    assert.equal(new ModuleMap(() => undefined).resolve('/x/y', 'example.com/m/ron'), undefined);
  });
});

describe('declared orders with packages', () => {
  const order = (names: string[]) => ({ names, invalid: [], text: names.join(' > ') });

  it('ranks a lock by its own name first, then by pkg.*, then by *', () => {
    const o = order(['cmdLock', 'minimega.*', 'ron.Server.mu', 'ron.*', '*']);
    assert.equal(rankIn(o, 'minimega.cmdLock', 'minimega'), 0);
    assert.equal(rankIn(o, 'VM.lock', 'minimega'), 1);
    assert.equal(rankIn(o, 'Server.mu', 'ron'), 2, 'the package-qualified name matches a class written without its package');
    assert.equal(rankIn(o, 'ron.Server.other', 'ron'), 3);
    assert.equal(rankIn(o, 'bridge.Bridge.mu', 'bridge'), 4);
  });

  it('leaves a lock out of an order that names neither it nor its package', () => {
    assert.equal(rankIn(order(['minimega.*', 'ron.*']), 'Bridge.mu', 'bridge'), -1);
  });
});

describe('importers follow their imports', () => {
  async function workspace(): Promise<Workspace> {
    const ws = await Workspace.create(undefined, memoryReader({ '/m/go.mod': 'module example.com/m\n' }));
    ws.setText('/m/ron/ron.go', RON);
    ws.setText('/m/cli/cli.go', CLI);
    return ws;
  }

  it('re-checks an importer when a contract changes in the imported package, and again when it is removed', async () => {
    const ws = await workspace();
    assert.deepEqual(ws.findingsFor('/m/cli/cli.go').map((f) => f.code), []);
    ws.setText('/m/ron/ron.go', RON.replace('// Register adds a name.', '// Register adds a name. The caller must hold Registry.'));
    const after = ws.findingsFor('/m/cli/cli.go');
    assert.deepEqual(after.map((f) => f.code), ['missing-lock-annotation']);
    assert.match(after[0].message, /ron\.Register requires ron\.Registry/);
    ws.setText('/m/ron/ron.go', RON);
    assert.deepEqual(ws.findingsFor('/m/cli/cli.go').map((f) => f.code), []);
  });

  it('re-checks an importer when a guard is added to, or removed from, an imported package\'s variable or field', async () => {
    const ron = `package ron

import "sync"

// Registry guards Names and Count.
var Registry sync.Mutex

var Names = map[string]int{}

type Stats struct {
	Mu sync.Mutex
	Hits int
}
`;
    const cli = `package cli

import "example.com/m/ron"

func add(s *ron.Stats) {
	ron.Names["x"]++
	s.Hits++
}
`;
    const ws = await Workspace.create(undefined, memoryReader({ '/m/go.mod': 'module example.com/m\n' }));
    ws.setText('/m/ron/ron.go', ron);
    ws.setText('/m/cli/cli.go', cli);
    const messages = () => ws.findingsFor('/m/cli/cli.go').filter((f) => f.code === 'unguarded-access').map((f) => f.message);
    assert.deepEqual(messages(), []);
    // The variable's guard is in its doc comment, outside its declaration's text: importers see it all the same.
    const varGuarded = ron.replace('var Names', '// +checklocks:Registry\nvar Names');
    ws.setText('/m/ron/ron.go', varGuarded);
    assert.equal(messages().length, 1, messages().join('\n'));
    ws.setText('/m/ron/ron.go', varGuarded.replace('\tHits int', '\t// +checklocks:Mu\n\tHits int'));
    const after = messages();
    assert.equal(after.length, 2, after.join('\n'));
    assert.match(after[0], /ron\.Names without ron\.Registry, which guards ron\.Names/);
    assert.match(after[1], /s\.Hits without s\.Mu, which guards ron\.Stats\.Hits/);
    ws.setText('/m/ron/ron.go', ron);
    assert.deepEqual(messages(), []);
  });

  it('keeps an importer\'s analysis when an edit changes nothing that it can see', async () => {
    const ws = await workspace();
    const before = ws.analysesOf('/m/cli')[0];
    ws.setText('/m/ron/ron.go', RON.replace('names[name]++', 'names[name] += 1'));
    assert.equal(ws.analysesOf('/m/cli')[0], before);
    ws.setText('/m/ron/ron.go', RON.replace('func Register(name string) {', 'func Register(name string, n int) {'));
    assert.notEqual(ws.analysesOf('/m/cli')[0], before, 'a signature change re-analyses the importer');
  });

  it('keeps an importer\'s analysis when an edit leaves the lock sites it copies, and its findings follow them where they move', async () => {
    const ron = `package ron

import "sync"

var Registry sync.Mutex

var names = map[string]int{}

func Other() {
}

// Update counts a name.
func Update(name string) {
\tnames[name] = 0
\tRegistry.Lock()
\tn := len(name)
\tnames[name] = n
\tRegistry.Unlock()
}
`;
    const cli = `package cli

import (
\t"sync"

\t"example.com/m/ron"
)

// lockset:order ron.* > cli.*

var mu sync.Mutex

func add() {
\tmu.Lock()
\tron.Update("x")
\tmu.Unlock()
}
`;
    const files = { '/m/go.mod': 'module example.com/m\n' };
    const ws = await Workspace.create(undefined, memoryReader(files));
    ws.setText('/m/ron/ron.go', ron);
    ws.setText('/m/cli/cli.go', cli);
    const lockedAt = (w: Workspace) => w.findingsFor('/m/cli/cli.go').flatMap((f) => f.related.filter((r) => r.file === '/m/ron/ron.go').map((r) => r.range.start));
    const sameAsFresh = async (text: string) => {
      const fresh = await Workspace.create(undefined, memoryReader(files));
      fresh.setText('/m/ron/ron.go', text);
      fresh.setText('/m/cli/cli.go', cli);
      assert.deepEqual(ws.findingsFor('/m/cli/cli.go'), fresh.findingsFor('/m/cli/cli.go'));
    };
    assert.deepEqual(lockedAt(ws), [{ line: 14, character: 1 }]);
    // A file's first edit keeps no tree to re-parse from (see parseGoIncremental): from the second on, the
    // statement with the Lock is the same node, moved (here: not even moved).
    ws.setText('/m/ron/ron.go', ron.replace('len(name)', 'len(name)+0'));
    const before = ws.analysesOf('/m/cli')[0];
    let edited = ron.replace('len(name)', 'len(name)+00');
    ws.setText('/m/ron/ron.go', edited);
    assert.equal(ws.analysesOf('/m/cli')[0], before);
    await sameAsFresh(edited);
    // An edit above moves the Lock to another line: the importer's analysis stays, its findings are made again.
    edited = edited.replace('func Other() {\n', 'func Other() {\n\n');
    ws.setText('/m/ron/ron.go', edited);
    assert.equal(ws.analysesOf('/m/cli')[0], before);
    assert.deepEqual(lockedAt(ws), [{ line: 15, character: 1 }]);
    await sameAsFresh(edited);
  });

  it('follows a blocking place two packages away when an edit moves it, in the body around it or above it', async () => {
    const c = `package c

var ch = make(chan int)

func H() {
}

// G sends.
func G() {
\tx := 1
\tch <- x
}
`;
    const b = 'package b\n\nimport "example.com/m/c"\n\n// F calls G.\nfunc F() {\n\tc.G()\n}\n';
    const a = 'package a\n\nimport (\n\t"sync"\n\n\t"example.com/m/b"\n)\n\nvar mu sync.Mutex\n\nfunc add() {\n\tmu.Lock()\n\tb.F()\n\tmu.Unlock()\n}\n';
    const workspace = async (cText: string) => {
      const ws = await Workspace.create(undefined, memoryReader({ '/m/go.mod': 'module example.com/m\n' }));
      ws.setText('/m/c/c.go', cText);
      ws.setText('/m/b/b.go', b);
      ws.setText('/m/a/a.go', a);
      return ws;
    };
    const ws = await workspace(c);
    const sendLine = (w: Workspace) => w.findingsFor('/m/a/a.go').flatMap((f) => f.related.filter((r) => r.file === '/m/c/c.go').map((r) => r.range.start.line));
    assert.deepEqual(sendLine(ws), [10]);
    // b's summary of F holds c's send statement; a's finding, kept with a's analysis, points at it.
    const edits = [c.replace('x := 1', 'x := 1\n'), c.replace('x := 1', 'x := 1\n\n'), c.replace('func H() {\n', 'func H() {\n\n'), c.replace('func H() {\n', 'func H() {\n\n\n')];
    for (const [i, text] of edits.entries()) {
      ws.setText('/m/c/c.go', text);
      assert.deepEqual(sendLine(ws), sendLine(await workspace(text)), `edit ${i}`);
    }
    assert.deepEqual(sendLine(ws), [12]);
  });

  it('survives an import cycle, which Go forbids but half-typed code can have', async () => {
    const ws = await Workspace.create(undefined, memoryReader({ '/m/go.mod': 'module example.com/m\n' }));
    ws.setText('/m/a/a.go', 'package a\nimport "example.com/m/b"\nfunc A() { b.B() }\n');
    ws.setText('/m/b/b.go', 'package b\nimport "example.com/m/a"\nfunc B() { a.A() }\n');
    assert.deepEqual(analyzeAll(ws), []);
  });
});
