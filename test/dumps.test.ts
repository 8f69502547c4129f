/**
 * Goroutine dumps: the parser (server/src/dumps/parse.ts) and what is read from a parsed dump
 * (server/src/dumps/analyze.ts). The recorded Go 1.19 dumps in test/dumps/{abba,maps,rwr} come with the
 * programs that printed them, and the facts asserted here are checked against those programs' lines;
 * test/dumps/variants holds hand-written dumps in the formats of newer Go releases (see its README).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  classify, createPathMapper, deadlockStats, findDeadlocks, groupByWait, isStandardLibrary, mapPath, packageOf,
  type HeldAt, type WaitsFor,
} from '../server/src/dumps/analyze';
import { parseDump, splitCall, type Dump, type Frame, type Goroutine } from '../server/src/dumps/parse';
import { xorshift } from './fuzz/prng';

const DUMPS = join(__dirname, 'dumps');
const read = (rel: string): string => readFileSync(join(DUMPS, rel), 'utf8');
const dumpOf = (rel: string): Dump => parseDump(read(rel));
/** The source line (1-based) of a program beside its dump, trimmed. */
const sourceLine = (program: string, line: number): string => read(`${program}/main.go`).split('\n')[line - 1].trim();

function goroutine(d: Dump, id: number): Goroutine {
  const g = d.goroutines.find((x) => x.id === id);
  assert.ok(g, `goroutine ${id} in the dump`);
  return g;
}

const where = (f: Frame | undefined): string => (f ? `${f.func} ${f.file.split('/').pop()}:${f.line}` : 'none');
const ids = (d: Dump): number[] => d.goroutines.map((g) => g.id);

const ALL_DUMPS = [
  'abba/dump.txt', 'maps/dump.txt', 'rwr/dump.txt', 'panicky/dump.txt', 'locked/dump.txt',
  'variants/go1.24-abba-sigquit.txt', 'variants/go1.21-rwr-sigquit.txt', 'variants/go1.21-maps-fatal.txt',
  'variants/go1.22-stack-overflow.txt', 'variants/go1.23-windows-panic.txt', 'variants/go1.21-pprof-debug2.txt',
  'variants/go1.20-elided.txt', 'variants/go1.22-cgo-sigquit.txt',
];

/**
 * A stand-in for the static analysis, good enough for the small programs beside the dumps: walks a
 * main.go line by line, takes `x.f.Lock()`/`RLock()` to acquire the class that `classes` gives the
 * field, `x.f.Unlock()`/`RUnlock()` to release it (a deferred Unlock releases at the closing brace),
 * and answers for dump paths that mapPath maps to that file.
 */
function fakeAnalysis(program: string, classes: Record<string, string>, opts: { heldAfterLine?: boolean } = {}): { heldAt: HeldAt; waitsFor: WaitsFor } {
  const local = join(DUMPS, program, 'main.go');
  const lines = readFileSync(local, 'utf8').split('\n');
  const heldBefore = new Map<number, string[]>();
  const acquires = new Map<number, string>();
  let held: string[] = [];
  lines.forEach((text, i) => {
    const line = i + 1;
    heldBefore.set(line, [...held]);
    if (/^}/.test(text)) { held = []; return; }
    const m = /\.(\w+)\.(R?Lock|R?Unlock)\(\)/.exec(text);
    if (!m || !classes[m[1]]) return;
    const cls = classes[m[1]];
    if (m[2].endsWith('Unlock')) { if (!/^\s*defer /.test(text)) held = held.filter((c) => c !== cls); }
    else { acquires.set(line, cls); held = [...held, cls]; }
  });
  const mine = (file: string): boolean => mapPath(file, [local]) === local;
  return {
    heldAt: (file, line) => {
      if (!mine(file)) return [];
      const before = heldBefore.get(line) ?? [];
      // Some analyses answer with the state after the line: the lock a Lock call takes included.
      const taken = acquires.get(line);
      return opts.heldAfterLine && taken ? [...before, taken] : before;
    },
    waitsFor: (file, line) => (mine(file) ? acquires.get(line) : undefined),
  };
}

// ---------------------------------------------------------------------------------------------------

describe('parseDump: the recorded Go 1.19 dumps', () => {
  it('abba (SIGQUIT, GOTRACEBACK=all): goroutines 5 and 6 in [semacquire] at the Lock calls in collect and publish', () => {
    const d = dumpOf('abba/dump.txt');
    assert.deepEqual(d.preamble, ['SIGQUIT: quit', 'PC=0x457e40 m=0 sigcode=0']);
    assert.deepEqual(ids(d), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(d.goroutines.map((g) => g.state), ['idle', 'sleep', 'force gc (idle)', 'GC sweep wait', 'GC scavenge wait', 'semacquire', 'semacquire']);

    const g5 = goroutine(d, 5);
    assert.equal(g5.waitMinutes, undefined);
    assert.equal(g5.locked, undefined);
    assert.deepEqual(g5.frames.map((f) => f.func), [
      'runtime.gopark', 'runtime.goparkunlock', 'runtime.semacquire1', 'sync.runtime_SemacquireMutex',
      'sync.(*Mutex).lockSlow', 'sync.(*Mutex).Lock', 'main.(*Node).collect', 'main.(*Store).Report',
      'main.main.func1', 'runtime.goexit',
    ]);
    // fp=/sp=/pc= are dropped; the offset is kept; inlined frames have '...' and no offset.
    assert.deepEqual(g5.frames[0], {
      func: 'runtime.gopark', args: '0x0?, 0x4f7940?, 0x0?, 0x0?, 0x7f8bae2c1548?',
      file: '/usr/local/go/src/runtime/proc.go', line: 363, offset: '0xd6',
    });
    assert.deepEqual(g5.frames[5], { func: 'sync.(*Mutex).Lock', args: '...', file: '/usr/local/go/src/sync/mutex.go', line: 90 });
    assert.deepEqual(g5.frames[6], {
      func: 'main.(*Node).collect', args: '0x989680?', file: '/home/dev/src/example.com/shop/abba/main.go', line: 28, offset: '0x36',
    });
    assert.deepEqual(g5.createdBy, { func: 'main.main', file: '/home/dev/src/example.com/shop/abba/main.go', line: 48, offset: '0x12a' });

    const w5 = classify(g5);
    const w6 = classify(goroutine(d, 6));
    assert.equal(w5.kind, 'lock');
    assert.equal(w5.primitive, 'sync.(*Mutex).Lock');
    assert.equal(where(w5.site), 'main.(*Node).collect main.go:28');
    assert.equal(sourceLine('abba', 28), 'n.mu.Lock()'); // collect waits for Node.mu ...
    assert.equal(where(g5.frames[7]), 'main.(*Store).Report main.go:23');
    assert.equal(sourceLine('abba', 23), 'n.collect()'); // ... called from Report, which holds Store.statsMu
    assert.equal(w6.kind, 'lock');
    assert.equal(where(w6.site), 'main.(*Node).publish main.go:40');
    assert.equal(sourceLine('abba', 40), 'n.store.statsMu.Lock()'); // publish waits for Store.statsMu ...
    assert.equal(where(goroutine(d, 6).frames[7]), 'main.(*Node).Tick main.go:36');
    assert.equal(sourceLine('abba', 36), 'n.publish()'); // ... called from Tick, which holds Node.mu
    assert.equal(sourceLine('abba', 48), 'go s.Report()');

    // The register dump after the last goroutine is not read as frames.
    assert.equal(goroutine(d, 6).frames.at(-1)?.func, 'runtime.goexit');
    assert.equal(goroutine(d, 6).createdBy?.line, 49);
    // main sleeps in its loop; the runtime's own goroutines have no user frame.
    assert.deepEqual([classify(goroutine(d, 1)).kind, where(classify(goroutine(d, 1)).site)], ['sleep', 'main.main main.go:52']);
    assert.equal(classify(goroutine(d, 2)).site, undefined);
    assert.equal(goroutine(d, 2).createdBy?.func, 'runtime.init.6');
  });

  it('maps: the fatal error preamble, SetValue running at the map write, DeleteValue runnable', () => {
    const d = dumpOf('maps/dump.txt');
    assert.deepEqual(d.preamble, ['fatal error: concurrent map writes']);
    assert.deepEqual(ids(d), [17, 1, 18]);
    const g17 = goroutine(d, 17);
    assert.equal(g17.state, 'running');
    assert.deepEqual(g17.frames, [{ func: 'main.SetValue', args: '0x1', file: '/home/dev/src/example.com/shop/maps/main.go', line: 9, offset: '0x95' }]);
    assert.equal(sourceLine('maps', 9), 'ActiveInstances[id+i%100] = make(chan string, 5)');
    assert.equal(g17.createdBy?.line, 20);
    assert.equal(sourceLine('maps', 20), 'go SetValue(1)');
    const g18 = goroutine(d, 18);
    assert.equal(g18.state, 'runnable');
    assert.equal(where(g18.frames[0]), 'main.DeleteValue main.go:15');
    assert.equal(sourceLine('maps', 15), 'delete(ActiveInstances, id+i%100)');
    assert.deepEqual(d.goroutines.map((g) => classify(g).kind), ['other', 'sleep', 'other']);
  });

  it('rwr: all goroutines asleep; GetAll holds the read lock and waits in Get, Set waits for the write lock', () => {
    const d = dumpOf('rwr/dump.txt');
    assert.deepEqual(d.preamble, ['fatal error: all goroutines are asleep - deadlock!']);
    assert.deepEqual(ids(d), [1, 17, 5]);
    assert.deepEqual(d.goroutines.map((g) => g.state), ['chan receive', 'semacquire', 'semacquire']);

    const main = classify(goroutine(d, 1));
    assert.deepEqual([main.kind, where(main.site)], ['channel', 'main.main main.go:42']);
    assert.equal(sourceLine('rwr', 42), '<-done');

    const g17 = goroutine(d, 17);
    const reader = classify(g17);
    assert.equal(reader.kind, 'rlock');
    assert.equal(reader.primitive, 'sync.(*RWMutex).RLock');
    assert.equal(where(reader.site), 'main.(*Registry).Get main.go:14');
    assert.equal(reader.site?.args, '0xc000094000?, {0x482818?, 0x1?}');
    assert.equal(sourceLine('rwr', 14), 'r.mu.RLock()');
    assert.equal(where(g17.frames[3]), 'main.(*Registry).GetAll main.go:25');
    assert.equal(sourceLine('rwr', 25), 'out = append(out, r.Get(k))');
    assert.equal(g17.frames.length, 5); // short frames: no runtime.gopark, no goexit

    const writer = classify(goroutine(d, 5));
    assert.equal(writer.kind, 'lock');
    assert.equal(writer.primitive, 'sync.(*RWMutex).Lock');
    assert.equal(where(writer.site), 'main.(*Registry).Set main.go:31');
    assert.equal(sourceLine('rwr', 31), 'r.mu.Lock()');
    assert.equal(goroutine(d, 5).createdBy?.line, 41);
  });

  it('panicky and locked (also recorded with Go 1.19): panic preamble, locked to thread, a deep stack cut without a marker', () => {
    const p = dumpOf('panicky/dump.txt');
    assert.deepEqual(p.preamble, ['panic: boom']);
    assert.deepEqual(ids(p), [1, 17, 18]);
    const g1 = goroutine(p, 1);
    assert.deepEqual([g1.state, g1.locked, g1.frames.length, g1.elided], ['running', true, 99, undefined]); // the runtime's limit, counting the hidden panic frame
    assert.equal(sourceLine('panicky', g1.frames[0].line), 'panic("boom")');
    const w17 = classify(goroutine(p, 17));
    assert.deepEqual([w17.kind, where(w17.site)], ['lock', 'main.main.func1 main.go:20']);
    assert.equal(sourceLine('panicky', 20), 'go func() { mu.Lock() }()');
    assert.deepEqual([goroutine(p, 18).state, classify(goroutine(p, 18)).kind], ['select (no cases)', 'select']);

    const l = dumpOf('locked/dump.txt');
    assert.deepEqual(l.preamble, ['fatal error: all goroutines are asleep - deadlock!']);
    const m = goroutine(l, 1);
    assert.deepEqual([m.state, m.locked, where(m.frames[0])], ['chan receive', true, 'main.main main.go:8']);
    assert.equal(sourceLine('locked', 8), '<-ch');
  });
});

// ---------------------------------------------------------------------------------------------------

describe('parseDump: the formats of newer Go releases', () => {
  it('Go 1.24 abba: gp=/m=/mp= headers, [sync.Mutex.Lock, 5 minutes], internal/sync frames, "in goroutine 1"', () => {
    const d = dumpOf('variants/go1.24-abba-sigquit.txt');
    assert.deepEqual(d.preamble, ['SIGQUIT: quit', 'PC=0x4742a1 m=0 sigcode=0']);
    assert.deepEqual(ids(d), [0, 1, 2, 5, 6]);
    const g5 = goroutine(d, 5);
    assert.deepEqual([g5.state, g5.waitMinutes, g5.locked], ['sync.Mutex.Lock', 5, undefined]);
    assert.deepEqual([goroutine(d, 2).state, goroutine(d, 2).waitMinutes], ['force gc (idle)', 5]);
    assert.deepEqual(goroutine(d, 2).createdBy, { func: 'runtime.init.7', file: '/usr/local/go/src/runtime/proc.go', line: 336, offset: '0x1a', goroutine: 1 });
    assert.deepEqual(g5.createdBy, { func: 'main.main', file: '/home/dev/src/example.com/shop/abba/main.go', line: 48, offset: '0x10f', goroutine: 1 });
    assert.equal(g5.frames.at(-1)?.args, '{}'); // runtime.goexit({})

    const w5 = classify(g5);
    assert.equal(w5.kind, 'lock');
    assert.equal(w5.primitive, 'sync.(*Mutex).Lock'); // the exported sync frame, not internal/sync's
    assert.equal(where(w5.site), 'main.(*Node).collect main.go:28');
    assert.equal(where(classify(goroutine(d, 6)).site), 'main.(*Node).publish main.go:40');
    assert.equal(where(classify(goroutine(d, 1)).site), 'main.main main.go:52');
  });

  it('the same program gives the same user sites in the Go 1.19 and the newer dumps', () => {
    const sites = (rel: string): string[] => dumpOf(rel).goroutines.map((g) => classify(g)).filter((w) => w.site).map((w) => `${w.kind} ${where(w.site)}`).sort();
    assert.deepEqual(sites('variants/go1.24-abba-sigquit.txt'), sites('abba/dump.txt'));
    const rwrNew = sites('variants/go1.21-rwr-sigquit.txt').filter((s) => !s.includes('os/signal'));
    assert.deepEqual(rwrNew, sites('rwr/dump.txt'));
    const mapsNew = dumpOf('variants/go1.21-maps-fatal.txt');
    assert.deepEqual(mapsNew.preamble, dumpOf('maps/dump.txt').preamble);
    assert.deepEqual(mapsNew.goroutines.map((g) => where(g.frames.find((f) => f.func.startsWith('main.')))),
      dumpOf('maps/dump.txt').goroutines.map((g) => where(g.frames.find((f) => f.func.startsWith('main.')))));
  });

  it('Go 1.21 rwr: [sync.RWMutex.RLock, 2 minutes], [sync.RWMutex.Lock, 2 minutes], [chan receive, 2 minutes]', () => {
    const d = dumpOf('variants/go1.21-rwr-sigquit.txt');
    assert.deepEqual(d.preamble, ['SIGQUIT: quit', 'PC=0x4688a1 m=0 sigcode=0']);
    assert.deepEqual(d.goroutines.map((g) => [g.id, g.state, g.waitMinutes]), [
      [1, 'chan receive', 2], [17, 'sync.RWMutex.RLock', 2], [5, 'sync.RWMutex.Lock', 2], [6, 'syscall', 2],
    ]);
    assert.deepEqual(d.goroutines.map((g) => classify(g).kind), ['channel', 'rlock', 'lock', 'other']);
    assert.deepEqual(goroutine(d, 6).createdBy, { func: 'os/signal.Notify.func1.1', file: '/usr/local/go/src/os/signal/signal.go', line: 151, offset: '0x1f', goroutine: 1 });
    assert.equal(where(classify(goroutine(d, 6)).site), 'os/signal.signal_recv sigqueue.go:152');
    // 'exit status 2' and the registers after the dump are not frames.
    assert.equal(goroutine(d, 6).frames.length, 2);
  });

  it('Go 1.22 stack overflow: runtime: preamble, the runtime stack: section left out, "...N frames elided..." mid-stack', () => {
    const d = dumpOf('variants/go1.22-stack-overflow.txt');
    assert.deepEqual(d.preamble, [
      'runtime: goroutine stack exceeds 1000000000-byte limit',
      'runtime: sp=0xc020160398 stack=[0xc020160000, 0xc040160000]',
      'fatal error: stack overflow',
    ]);
    assert.deepEqual(ids(d), [1, 2]);
    const g1 = goroutine(d, 1);
    assert.equal(g1.state, 'running');
    assert.equal(g1.elided, true);
    assert.equal(g1.frames.length, 103); // 50 inner, 50 outer, main.main, runtime.main, runtime.goexit
    assert.equal(g1.frames[49].args, '0xffffce');
    assert.equal(g1.frames[50].args, '0x31');
    assert.equal(where(g1.frames[100]), 'main.main main.go:8');
    assert.equal(goroutine(d, 2).elided, undefined);
  });

  it('Go 1.23 on Windows: re-panic preamble, [signal 0x...], paths with a drive and a space, a goroutine on another thread', () => {
    const d = dumpOf('variants/go1.23-windows-panic.txt');
    assert.deepEqual(d.preamble, [
      'panic: runtime error: invalid memory address or nil pointer dereference [recovered]',
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal 0xc0000005 code=0x0 addr=0x0 pc=0x7ff6b1a2d3c4]',
    ]);
    assert.deepEqual(ids(d), [7, 1, 8]);
    const g7 = goroutine(d, 7);
    assert.deepEqual(g7.frames[0], { func: 'panic', args: '{0x7ff6b1b0e3a0?, 0x7ff6b1c5a8b0?}', file: 'C:/Program Files/Go/src/runtime/panic.go', line: 785, offset: '0x132' });
    assert.deepEqual(g7.frames[3], { func: 'example.com/shop/inventory.(*Item).Price', args: '...', file: 'C:/Users/dev/src/example.com/shop/inventory/item.go', line: 21 });
    assert.equal(where(classify(g7).site), 'example.com/shop/inventory.(*Cache).refresh.func1 cache.go:58');
    assert.equal(g7.createdBy?.func, 'example.com/shop/inventory.NewCache');
    assert.deepEqual(goroutine(d, 1), { id: 1, state: 'running', frames: [] });
    const w8 = classify(goroutine(d, 8));
    assert.deepEqual([w8.kind, w8.primitive, where(w8.site)], ['lock', 'sync.(*Mutex).Lock', 'example.com/shop/inventory.(*Cache).Get cache.go:41']);
    // And the Windows path maps to a checkout on any machine.
    assert.equal(mapPath(w8.site?.file ?? '', ['/home/me/src/shop/inventory/cache.go', '/home/me/src/shop/inventory/item.go']), '/home/me/src/shop/inventory/cache.go');
  });

  it('pprof debug=2: no preamble, package paths, many goroutines at one site', () => {
    const d = dumpOf('variants/go1.21-pprof-debug2.txt');
    assert.deepEqual(d.preamble, []);
    assert.equal(d.goroutines.length, 11);
    assert.deepEqual(goroutine(d, 25), { ...goroutine(d, 25), state: 'chan send', waitMinutes: 14, locked: true });
    assert.equal(goroutine(d, 35).waitMinutes, 13);
    // Behind a writer, a second writer waits on the RWMutex's inner Mutex: [sync.Mutex.Lock] in RWMutex.Lock.
    const w21 = classify(goroutine(d, 21));
    assert.deepEqual([goroutine(d, 21).state, w21.kind, w21.primitive], ['sync.Mutex.Lock', 'lock', 'sync.(*RWMutex).Lock']);
    // [semacquire] is not always a lock.
    const w22 = classify(goroutine(d, 22));
    assert.deepEqual([w22.kind, w22.primitive, where(w22.site)], ['other', 'sync.(*WaitGroup).Wait', 'example.com/shop/store.(*Store).flush flush.go:27']);
    const w24 = classify(goroutine(d, 24));
    assert.deepEqual([w24.kind, w24.primitive], ['other', 'sync.(*Cond).Wait']);
  });

  it('Go 1.20 and older: "...additional frames elided..." after 100 frames, nil-channel and no-case waits, an inlined Lock site', () => {
    const d = dumpOf('variants/go1.20-elided.txt');
    assert.deepEqual(d.preamble, ['panic: walk: depth limit exceeded']);
    const g1 = goroutine(d, 1);
    assert.deepEqual([g1.frames.length, g1.elided, g1.createdBy], [100, true, undefined]);
    assert.deepEqual([goroutine(d, 18).state, classify(goroutine(d, 18)).kind], ['chan receive (nil chan)', 'channel']);
    assert.deepEqual([goroutine(d, 19).state, classify(goroutine(d, 19)).kind], ['select (no cases)', 'select']);
    const w20 = classify(goroutine(d, 20));
    assert.equal(w20.kind, 'lock');
    assert.deepEqual(w20.site, { func: 'main.record', args: '...', file: '/home/dev/src/example.com/shop/tree/main.go', line: 12 });
    assert.deepEqual(goroutine(d, 20).createdBy, { func: 'main.main', file: '/home/dev/src/example.com/shop/tree/main.go', line: 44, offset: '0x9c' });
  });

  it('cgo under SIGQUIT: [syscall, 3 minutes, locked to thread], a file with no directory', () => {
    const d = dumpOf('variants/go1.22-cgo-sigquit.txt');
    assert.deepEqual(d.preamble, ['SIGQUIT: quit', 'PC=0x7f3a1c2e4d1a m=0 sigcode=0', 'signal arrived during cgo execution']);
    const g1 = goroutine(d, 1);
    assert.deepEqual([g1.state, g1.waitMinutes, g1.locked], ['syscall', 3, true]);
    assert.deepEqual(g1.frames[1], { func: 'main._Cfunc_pause', args: '', file: '_cgo_gotypes.go', line: 39, offset: '0x3f' });
    assert.equal(where(classify(g1).site), 'main._Cfunc_pause _cgo_gotypes.go:39');
    const w18 = classify(goroutine(d, 18));
    assert.deepEqual([w18.kind, where(w18.site)], ['channel', 'main.drain main.go:21']);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('parseDump: headers, preambles and frames', () => {
  const one = (header: string): Goroutine => {
    const d = parseDump(`${header}\nmain.main()\n\t/x/main.go:3 +0x1d\n`);
    assert.equal(d.goroutines.length, 1, header);
    return d.goroutines[0];
  };

  it('reads the state, the minutes and the thread lock of every header form', () => {
    const cases: [string, string, number | undefined, boolean | undefined][] = [
      ['goroutine 1 [running]:', 'running', undefined, undefined],
      ['goroutine 7 [semacquire]:', 'semacquire', undefined, undefined],
      ['goroutine 7 [semacquire, 5 minutes]:', 'semacquire', 5, undefined],
      ['goroutine 9 [chan receive, 2 minutes]:', 'chan receive', 2, undefined],
      ['goroutine 9 [select, 1 minutes]:', 'select', 1, undefined],
      ['goroutine 3 [sync.Mutex.Lock]:', 'sync.Mutex.Lock', undefined, undefined],
      ['goroutine 3 [sync.RWMutex.RLock]:', 'sync.RWMutex.RLock', undefined, undefined],
      ['goroutine 3 [sync.RWMutex.Lock, 61 minutes]:', 'sync.RWMutex.Lock', 61, undefined],
      ['goroutine 4 [syscall, 3 minutes, locked to thread]:', 'syscall', 3, true],
      ['goroutine 4 [running, locked to thread]:', 'running', undefined, true],
      ['goroutine 12 [running (scan)]:', 'running (scan)', undefined, undefined],
      ['goroutine 1 gp=0xc0000061c0 m=0 mp=0x5161e0 [running]:', 'running', undefined, undefined],
      ['goroutine 33 gp=0xc000103a40 m=nil [sync.Mutex.Lock, 12 minutes]:', 'sync.Mutex.Lock', 12, undefined],
      ['goroutine 8 [chan receive, synctest group 7]:', 'chan receive', undefined, undefined],
    ];
    for (const [header, state, minutes, locked] of cases) {
      const g = one(header);
      assert.deepEqual([g.state, g.waitMinutes, g.locked], [state, minutes, locked], header);
      assert.deepEqual(g.frames, [{ func: 'main.main', args: '', file: '/x/main.go', line: 3, offset: '0x1d' }], header);
    }
  });

  it('keeps the crash report as the preamble, and not the log lines before it', () => {
    const d = parseDump([
      '2024/05/01 12:00:00 listening on :8080',
      '2024/05/01 12:00:03 GET /orders 200',
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f3d5]',
      '',
      'goroutine 1 [running]:',
      'main.main()',
      '\t/x/main.go:3 +0x1d',
    ].join('\n'));
    assert.deepEqual(d.preamble, [
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f3d5]',
    ]);
    const q = parseDump('SIGQUIT: quit\n[signal SIGQUIT: quit code=0x0 addr=0x0 pc=0x46d0a1]\n\ngoroutine 1 [running]:\n');
    assert.deepEqual(q.preamble, ['SIGQUIT: quit', '[signal SIGQUIT: quit code=0x0 addr=0x0 pc=0x46d0a1]']);
    assert.deepEqual(parseDump('just some log\n\ngoroutine 1 [running]:\n').preamble, []);
  });

  it('reads created by with and without the creator goroutine', () => {
    const older = parseDump('goroutine 5 [chan send]:\nmain.f()\n\t/x/main.go:3 +0x1d\ncreated by main.main\n\t/x/main.go:9 +0x25\n');
    assert.deepEqual(older.goroutines[0].createdBy, { func: 'main.main', file: '/x/main.go', line: 9, offset: '0x25' });
    const newer = parseDump('goroutine 5 [chan send]:\nmain.f()\n\t/x/main.go:3 +0x1d\ncreated by main.main in goroutine 1\n\t/x/main.go:9 +0x25\n');
    assert.deepEqual(newer.goroutines[0].createdBy, { func: 'main.main', file: '/x/main.go', line: 9, offset: '0x25', goroutine: 1 });
    // A created by line cut off before its file line is dropped; the frames stay.
    const cut = parseDump('goroutine 5 [chan send]:\nmain.f()\n\t/x/main.go:3 +0x1d\ncreated by main.main in goroutine 1');
    assert.equal(cut.goroutines[0].createdBy, undefined);
    assert.equal(cut.goroutines[0].frames.length, 1);
  });

  it('splits function names from their arguments', () => {
    assert.deepEqual(splitCall('main.(*Node).collect(0x989680?)'), { func: 'main.(*Node).collect', args: '0x989680?' });
    assert.deepEqual(splitCall('main.(*Registry).Set(0xc000094000, {0x482818, 0x1}, {0x469f6e, 0x1})'), { func: 'main.(*Registry).Set', args: '0xc000094000, {0x482818, 0x1}, {0x469f6e, 0x1}' });
    assert.deepEqual(splitCall('example.com/m/cache.(*LRU[...]).Get(...)'), { func: 'example.com/m/cache.(*LRU[...]).Get', args: '...' });
    assert.deepEqual(splitCall('main.(*T).Run-fm()'), { func: 'main.(*T).Run-fm', args: '' });
    assert.deepEqual(splitCall('runtime.goexit({})'), { func: 'runtime.goexit', args: '{}' });
    assert.equal(splitCall('listening on (all interfaces)'), undefined);
    assert.equal(splitCall('main.f(0x1'), undefined);
    assert.equal(splitCall('(0x1)'), undefined);
    assert.equal(packageOf('example.com/shop/store.(*Store).Get'), 'example.com/shop/store');
    assert.equal(packageOf('internal/sync.(*Mutex).Lock'), 'internal/sync');
    assert.equal(packageOf('panic'), '');
  });

  it('reads dumps with CRLF line ends, doubled or missing blank lines, and tabs turned into spaces', () => {
    for (const rel of ALL_DUMPS) {
      const text = read(rel);
      const want = parseDump(text);
      assert.deepEqual(JSON.parse(JSON.stringify(want)), want, `${rel} is plain data`);
      assert.deepEqual(parseDump(text.replace(/\n/g, '\r\n')), want, `${rel} CRLF`);
      assert.deepEqual(parseDump(text.replace(/\n/g, '\n\n')), want, `${rel} doubled blank lines`);
      assert.deepEqual(parseDump(text.replace(/\n\n/g, '\n')).goroutines, want.goroutines, `${rel} no blank lines`);
      assert.deepEqual(parseDump(text.replace(/\t/g, '    ')), want, `${rel} tabs as spaces`);
    }
  });

  it('reads dumps from logs that prefix every line: docker compose, kubectl timestamps, Markdown indentation', () => {
    for (const rel of ALL_DUMPS) {
      const text = read(rel).replace(/\n$/, '');
      const want = parseDump(text);
      const compose = text.split('\n').map((l) => `shop-api-1  | ${l}`).join('\n');
      assert.deepEqual(parseDump(compose), want, `${rel} docker compose`);
      let ns = 123456789;
      const kubectl = text.split('\n').map((l, i) => `2024-05-01T12:${String(i % 60).padStart(2, '0')}:07.${ns++}Z ${l}`).join('\n');
      assert.deepEqual(parseDump(kubectl), want, `${rel} kubectl --timestamps`);
      const markdown = text.split('\n').map((l) => (l === '' ? '' : `    ${l}`)).join('\n');
      assert.deepEqual(parseDump(markdown), want, `${rel} indented`);
    }
  });

  it('skips lines of another source interleaved with the prefixed dump', () => {
    const text = read('rwr/dump.txt').replace(/\n$/, '').split('\n');
    const mixed = text.flatMap((l, i) => [`api-1  | ${l}`, ...(i % 3 === 0 ? [`db-1   | LOG:  checkpoint starting: time (${i})`, 'db-1   | \tmain.go:1 +0x1'] : [])]).join('\n');
    assert.deepEqual(parseDump(mixed), dumpOf('rwr/dump.txt'));
  });
});

// ---------------------------------------------------------------------------------------------------

describe('parseDump never throws', () => {
  /** Parses, and checks that the result is well-formed plain data that the analysis also accepts. */
  function sane(text: string, label: string): Dump {
    const d = parseDump(text);
    assert.ok(Array.isArray(d.preamble) && Array.isArray(d.goroutines), label);
    for (const g of d.goroutines) {
      assert.ok(Number.isSafeInteger(g.id) && g.id >= 0, label);
      assert.equal(typeof g.state, 'string', label);
      for (const f of [...g.frames, ...(g.createdBy ? [g.createdBy] : [])]) {
        assert.ok(f.func.length > 0 && !/\s/.test(f.func), label);
        assert.ok(f.file.length > 0 && Number.isSafeInteger(f.line), label);
      }
      classify(g);
    }
    groupByWait(d);
    findDeadlocks(d, () => ['A'], () => 'A');
    return d;
  }

  it('on empty, blank and non-dump text', () => {
    for (const text of ['', '\n', '   \n\t\n', 'hello', 'goroutine', 'goroutine x [running]:', 'goroutine 1 [running', '[running]:',
      'goroutine 99999999999999999999999 [running]:\nmain.main()\n\t/x.go:1', 'goroutine 1 [running]:\n\t/x/main.go:3 +0x1d',
      'goroutine 1 [running]:\nmain.main()\n\t/x/main.go:99999999999999999999 +0x1d', 'created by main.main\n\t/x/main.go:1',
      '...additional frames elided...', ')(', 'goroutine 1 [running]:\n)(\n\t:1\n()\n\t/x.go:\n(x)\n\t/x.go:2']) {
      sane(text, JSON.stringify(text));
    }
    assert.deepEqual(parseDump(''), { preamble: [], goroutines: [] });
    assert.deepEqual(parseDump('goroutine 1 [running]:\n\t/x/main.go:3 +0x1d').goroutines, [{ id: 1, state: 'running', frames: [] }]);
    // Not even a string (a caller without types).
    assert.deepEqual(parseDump(undefined as unknown as string), { preamble: [], goroutines: [] });
    assert.deepEqual(parseDump(42 as unknown as string), { preamble: [], goroutines: [] });
  });

  it('on random bytes and on dumps with bytes flipped', () => {
    const next = xorshift(0x5eed);
    for (let i = 0; i < 40; i++) {
      const b = Buffer.alloc(2000 + (next() % 4000));
      for (let j = 0; j < b.length; j++) b[j] = (next() & 7) === 0 ? 0 : next() & 0xff;
      sane(b.toString('utf8'), `random utf8 #${i}`);
      sane(b.toString('latin1'), `random latin1 #${i}`);
    }
    for (const rel of ALL_DUMPS) {
      const b = Buffer.from(read(rel));
      for (let k = 0; k < 5; k++) {
        const c = Buffer.from(b);
        for (let j = 0; j < 40; j++) c[next() % c.length] = next() & 0xff;
        sane(c.toString('utf8'), `${rel} flipped #${k}`);
      }
    }
  });

  it('on every truncation: a prefix of a dump gives a prefix of its goroutines', () => {
    for (const rel of ALL_DUMPS) {
      const text = read(rel);
      const full = parseDump(text);
      const lines = text.split('\n');
      for (let n = 0; n <= lines.length; n++) {
        const d = sane(lines.slice(0, n).join('\n'), `${rel} first ${n} lines`);
        assert.deepEqual(ids(d), ids(full).slice(0, d.goroutines.length), `${rel} first ${n} lines`);
        // Every goroutine but the last is complete.
        d.goroutines.slice(0, -1).forEach((g, i) => assert.deepEqual(g, full.goroutines[i], `${rel} first ${n} lines, goroutine ${g.id}`));
      }
    }
    for (const rel of ['rwr/dump.txt', 'maps/dump.txt', 'variants/go1.21-rwr-sigquit.txt']) {
      const text = read(rel);
      for (let n = 0; n <= text.length; n++) sane(text.slice(0, n), `${rel} first ${n} chars`);
    }
  });

  it('on huge lines, without a slow regular expression', { timeout: 20_000 }, () => {
    const big = 2_000_000;
    sane('goroutine 1 '.repeat(big / 12), 'many goroutine words');
    sane(`goroutine 1 [running]:\n${'a('.repeat(big / 2)}${')'.repeat(big / 2)}\n\t/x.go:1`, 'deep parentheses');
    sane(`goroutine 1 [running]:\nmain.f()\n\t${'/a:1'.repeat(big / 4)}`, 'long file line');
    sane(`goroutine 1 [${'['.repeat(big)}]:`, 'brackets');
    sane(`${'x'.repeat(100)}goroutine 1 [running]:\n${'x'.repeat(big)}`, 'long prefix then long line');
    // Just under the length beyond which lines are skipped unread.
    sane(`${'goroutine 1 gp='.repeat(500)}\n${'goroutine 1 [running]:\n'}${'a:1 '.repeat(2000)}\n\t${'/a:1'.repeat(2000)}`, 'near the line limit');
    sane(`goroutine 1 [running]:\n${'main.f('.repeat(1000)}${')'.repeat(1000)}\n\t/x.go:1`, 'nested calls near the limit');
    const many = Array.from({ length: 20_000 }, (_, i) => `goroutine ${i + 1} [semacquire]:\nsync.(*Mutex).Lock(...)\n\t/s/mutex.go:90\nmain.f()\n\t/x/main.go:${i % 50} +0x1d\n`).join('\n');
    const d = sane(many, '20000 goroutines');
    assert.equal(d.goroutines.length, 20_000);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('classify', () => {
  const f = (func: string, file = '/x/main.go', line = 10): Frame => ({ func, args: '', file, line });
  const g = (state: string, ...frames: Frame[]): Goroutine => ({ id: 1, state, frames });

  it('names the wait from the state, or from the sync frame under [semacquire]', () => {
    const lock = [f('sync.runtime_SemacquireMutex'), f('sync.(*Mutex).lockSlow'), f('sync.(*Mutex).Lock'), f('main.f', '/x/main.go', 12)];
    const rlock = [f('sync.runtime_SemacquireRWMutexR'), f('sync.(*RWMutex).RLock'), f('main.f', '/x/main.go', 12)];
    const wlock = [f('sync.runtime_SemacquireRWMutex'), f('sync.(*RWMutex).Lock'), f('main.f', '/x/main.go', 12)];
    const rlocker = [f('sync.runtime_SemacquireRWMutexR'), f('sync.(*RWMutex).RLock'), f('sync.(*rlocker).Lock'), f('main.f', '/x/main.go', 12)];
    const cases: [Goroutine, string, string | undefined][] = [
      [g('semacquire', ...lock), 'lock', 'sync.(*Mutex).Lock'],
      [g('sync.Mutex.Lock', ...lock), 'lock', 'sync.(*Mutex).Lock'],
      [g('semacquire', ...rlock), 'rlock', 'sync.(*RWMutex).RLock'],
      [g('sync.RWMutex.RLock', ...rlock), 'rlock', 'sync.(*RWMutex).RLock'],
      [g('semacquire', ...wlock), 'lock', 'sync.(*RWMutex).Lock'],
      [g('sync.RWMutex.Lock', ...wlock), 'lock', 'sync.(*RWMutex).Lock'],
      [g('semacquire', ...rlocker), 'rlock', 'sync.(*rlocker).Lock'],
      // The wait reason alone decides when the frames are gone.
      [g('sync.RWMutex.RLock'), 'rlock', undefined],
      [g('sync.Mutex.Lock, 3 minutes'), 'lock', undefined],
      [g('semacquire', f('sync.runtime_Semacquire'), f('sync.(*WaitGroup).Wait'), f('main.f')), 'other', 'sync.(*WaitGroup).Wait'],
      [g('sync.Cond.Wait', f('sync.runtime_notifyListWait'), f('sync.(*Cond).Wait'), f('main.f')), 'other', 'sync.(*Cond).Wait'],
      // Woken up but not yet running: not waiting.
      [g('runnable', ...lock), 'other', 'sync.(*Mutex).Lock'],
      [g('chan send', f('runtime.chansend1'), f('main.f')), 'channel', undefined],
      [g('chan receive (nil chan)', f('main.f')), 'channel', undefined],
      [g('select (no cases)', f('main.f')), 'select', undefined],
      [g('sleep', f('time.Sleep'), f('main.f')), 'sleep', undefined],
      [g('IO wait', f('internal/poll.runtime_pollWait'), f('net.(*conn).Read')), 'other', undefined],
      [g('running'), 'other', undefined],
    ];
    for (const [gr, kind, primitive] of cases) {
      const w = classify(gr);
      assert.equal(w.kind, kind, gr.state);
      assert.equal(w.primitive, primitive, gr.state);
      assert.equal(w.goroutine, gr);
    }
  });

  it('tells the standard library from the program by import path and GOROOT file', () => {
    const std = (func: string, file: string) => isStandardLibrary({ func, file, line: 1 } as never);
    assert.equal(std('net/http.(*conn).serve', '/usr/local/go/src/net/http/server.go'), true);
    assert.equal(std('time.Sleep', '/usr/lib/go-1.19/src/runtime/time.go'), true, 'time.Sleep lives in the runtime\'s files');
    assert.equal(std('main.main', '/home/me/app/main.go'), false);
    assert.equal(std('example.com/m/store.(*S).put', '/src/example.com/m/store/s.go'), false);
    assert.equal(std('minivm/vmm.(*VM).Kill', '/home/me/minivm/vmm/vm.go'), false, 'a module path without a dot, outside GOROOT');
  });

  it('finds the user frame past the runtime, sync, internal/sync and time.Sleep', () => {
    const w = classify(g('sync.Mutex.Lock',
      f('runtime.gopark'), f('internal/sync.runtime_SemacquireMutex'), f('internal/sync.(*Mutex).lockSlow'),
      f('internal/sync.(*Mutex).Lock'), f('sync.(*Mutex).Lock'), f('example.com/m/store.(*S).put', '/m/store/s.go', 41), f('main.main')));
    assert.deepEqual([w.primitive, w.site?.func, w.site?.line], ['sync.(*Mutex).Lock', 'example.com/m/store.(*S).put', 41]);
    assert.equal(classify(g('sleep', f('runtime.gopark'), f('time.Sleep'), f('main.main', '/x/main.go', 52))).site?.line, 52);
    assert.equal(classify(g('chan receive', f('runtime.gopark'), f('runtime/internal/x.y'), f('internal/runtime/z.w'), f('main.g', '/x/g.go', 3))).site?.func, 'main.g');
    assert.equal(classify(g('GC worker (idle)', f('runtime.gopark'), f('runtime.gcBgMarkWorker'))).site, undefined);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('mapPath', () => {
  const DUMP = '/home/dev/src/example.com/shop/abba/main.go';

  it('maps a dump path to the workspace file with the longest common suffix', () => {
    assert.equal(mapPath(DUMP, ['/work/x/abba/main.go']), '/work/x/abba/main.go');
    assert.equal(mapPath(DUMP, ['/work/x/rwr/main.go', '/work/x/abba/main.go', '/work/x/maps/main.go']), '/work/x/abba/main.go');
    assert.equal(mapPath(DUMP, ['/work/other/abba/main.go', '/work/shop/abba/main.go']), '/work/shop/abba/main.go');
    assert.equal(mapPath(DUMP, ['/work/main.go', '/work/x/abba/main.go', '/work/x/abba/util.go']), '/work/x/abba/main.go');
    // The test data itself: dumps from another machine map onto test/dumps/<name>/main.go.
    const local = ['abba', 'maps', 'rwr'].map((n) => join(DUMPS, n, 'main.go'));
    for (const n of ['abba', 'maps', 'rwr']) assert.equal(mapPath(`/home/dev/src/example.com/shop/${n}/main.go`, local), join(DUMPS, n, 'main.go'));
  });

  it('does not match on a bare file name, or when two files match equally well', () => {
    assert.equal(mapPath(DUMP, ['/work/x/rwr/main.go']), undefined);
    assert.equal(mapPath(DUMP, ['/work/x/rwr/main.go', '/work/y/main.go']), undefined);
    assert.equal(mapPath(DUMP, ['/a/abba/main.go', '/b/abba/main.go']), undefined);
    assert.equal(mapPath(DUMP, ['/work/x/abba/main_test.go', '/work/x/abba/amain.go']), undefined);
    assert.equal(mapPath('/usr/local/go/src/runtime/proc.go', ['/work/x/proc.go']), undefined);
    assert.equal(mapPath(DUMP, []), undefined);
    assert.equal(mapPath('', ['/work/x/abba/main.go']), undefined);
    assert.equal(mapPath('/', ['/work/x/abba/main.go']), undefined);
  });

  it('compares case-sensitively, except against Windows paths', () => {
    assert.equal(mapPath(DUMP, ['/work/x/Abba/main.go']), undefined);
    assert.equal(mapPath('C:/Users/dev/src/example.com/shop/inventory/cache.go', ['c:\\work\\Shop\\Inventory\\Cache.go']), 'c:\\work\\Shop\\Inventory\\Cache.go');
    assert.equal(mapPath('C:\\Users\\dev\\shop\\inventory\\cache.go', ['/home/me/shop/inventory/cache.go']), '/home/me/shop/inventory/cache.go');
  });

  it('ignores module cache versions, and matches relative workspace paths in full', () => {
    assert.equal(mapPath('/root/go/pkg/mod/github.com/acme/kit@v1.4.2/pool/pool.go', ['/work/vendor/github.com/acme/kit/pool/pool.go']), '/work/vendor/github.com/acme/kit/pool/pool.go');
    assert.equal(mapPath('/root/go/pkg/mod/github.com/acme/kit@v1.4.2/pool.go', ['/work/vendor/github.com/acme/kit/pool.go']), '/work/vendor/github.com/acme/kit/pool.go');
    assert.equal(mapPath(DUMP, ['abba/main.go', 'rwr/main.go']), 'abba/main.go');
    // A binary built with -trimpath prints module-relative paths.
    assert.equal(mapPath('example.com/shop/abba/main.go', ['/work/x/abba/main.go', '/work/x/rwr/main.go']), '/work/x/abba/main.go');
    assert.equal(mapPath(DUMP, ['main.go']), 'main.go');
  });

  it('with workspace roots, matches a file directly under a root by its name (a renamed clone, a build in /app)', () => {
    const files = ['/home/me/shop-checkout/main.go', '/home/me/shop-checkout/store/store.go'];
    assert.equal(mapPath('/app/main.go', files), undefined);
    assert.equal(mapPath('/app/main.go', files, ['/home/me/shop-checkout']), '/home/me/shop-checkout/main.go');
    assert.equal(mapPath('/app/store/store.go', files, ['/home/me/shop-checkout']), '/home/me/shop-checkout/store/store.go');
    // A deeper file still needs its directories to match.
    assert.equal(mapPath('/app/cache/store.go', files, ['/home/me/shop-checkout']), undefined);
  });

  it('createPathMapper maps many paths against one file list', () => {
    const map = createPathMapper(['/work/x/abba/main.go', '/work/x/rwr/main.go', '/work/x/rwr/main.go']);
    assert.equal(map('/home/dev/src/example.com/shop/rwr/main.go'), '/work/x/rwr/main.go');
    assert.equal(map('/usr/local/go/src/sync/mutex.go'), undefined);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('groupByWait', () => {
  const keys = (d: Dump): [string, number[]][] => groupByWait(d).map((gr) => [gr.key, gr.waiting.map((w) => w.goroutine.id)]);

  it('groups the real dumps by what their goroutines wait for and where', () => {
    assert.deepEqual(keys(dumpOf('abba/dump.txt')), [['lock at main.go:28', [5]], ['lock at main.go:40', [6]], ['sleep at main.go:52', [1]]]);
    assert.deepEqual(keys(dumpOf('variants/go1.24-abba-sigquit.txt')), keys(dumpOf('abba/dump.txt')));
    assert.deepEqual(keys(dumpOf('rwr/dump.txt')), [['lock at main.go:31', [5]], ['rlock at main.go:14', [17]], ['channel at main.go:42', [1]]]);
    assert.deepEqual(keys(dumpOf('maps/dump.txt')), [['sleep at main.go:22', [1]], ['running at main.go:9', [17]], ['runnable at main.go:15', [18]]]);
  });

  it('puts the goroutines blocked at one site together, locks first and larger groups first', () => {
    assert.deepEqual(keys(dumpOf('variants/go1.21-pprof-debug2.txt')), [
      ['lock at store.go:58', [21, 33]],
      ['rlock at store.go:41', [34, 35, 36]],
      ['channel at worker.go:52', [25]],
      ['select at reporter.go:44', [23]],
      ['running at pprof.go:259', [412]],
      ['IO wait at main.go:61', [1]], // past net and net/http, at the program's own call
      ['sync.(*WaitGroup).Wait at flush.go:27', [22]],
      ['sync.(*Cond).Wait at queue.go:35', [24]],
    ]);
  });

  it('tells files of the same name apart by their directories', () => {
    const lockAt = (id: number, file: string): Goroutine => ({ id, state: 'sync.Mutex.Lock', frames: [{ func: 'sync.(*Mutex).Lock', file: '/go/src/sync/mutex.go', line: 90 }, { func: 'main.f', file, line: 10 }] });
    const d: Dump = { preamble: [], goroutines: [lockAt(1, '/a/x/main.go'), lockAt(2, '/a/y/main.go'), lockAt(3, '/a/x/main.go'), lockAt(4, '/b/x/main.go'), lockAt(5, '/a/z/util.go')] };
    assert.deepEqual(keys(d), [
      ['lock at a/x/main.go:10', [1, 3]],
      ['lock at y/main.go:10', [2]],
      ['lock at b/x/main.go:10', [4]],
      ['lock at util.go:10', [5]],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('findDeadlocks', () => {
  const ABBA = { statsMu: 'Store.statsMu', mu: 'Node.mu' };
  const RWR = { mu: 'Registry.mu' };

  it('the fake analysis reads the programs as intended', () => {
    const { heldAt, waitsFor } = fakeAnalysis('abba', ABBA);
    const file = '/home/dev/src/example.com/shop/abba/main.go';
    assert.deepEqual([waitsFor(file, 19), waitsFor(file, 28), waitsFor(file, 33), waitsFor(file, 40), waitsFor(file, 23)],
      ['Store.statsMu', 'Node.mu', 'Node.mu', 'Store.statsMu', undefined]);
    assert.deepEqual([heldAt(file, 19), heldAt(file, 23), heldAt(file, 28), heldAt(file, 29), heldAt(file, 36), heldAt(file, 40), heldAt(file, 52)],
      [[], ['Store.statsMu'], [], ['Node.mu'], ['Node.mu'], [], []]);
    assert.deepEqual(heldAt('/usr/local/go/src/sync/mutex.go', 90), []);
    assert.equal(waitsFor('/home/dev/src/example.com/shop/rwr/main.go', 28), undefined);
  });

  it('abba: goroutines 5 and 6, each holding the lock the other waits for', () => {
    const { heldAt, waitsFor } = fakeAnalysis('abba', ABBA);
    const want = [{ goroutines: [5, 6], locks: ['Node.mu', 'Store.statsMu'] }];
    assert.deepEqual(findDeadlocks(dumpOf('abba/dump.txt'), heldAt, waitsFor), want);
    assert.deepEqual(findDeadlocks(dumpOf('variants/go1.24-abba-sigquit.txt'), heldAt, waitsFor), want);
    // The same, from an analysis that counts a Lock line's own lock as held at that line.
    const after = fakeAnalysis('abba', ABBA, { heldAfterLine: true });
    assert.deepEqual(findDeadlocks(dumpOf('abba/dump.txt'), after.heldAt, after.waitsFor), want);
  });

  it('rwr: the reader holding the read lock and the writer waiting for it block each other', () => {
    const { heldAt, waitsFor } = fakeAnalysis('rwr', RWR);
    const want = [{ goroutines: [5, 17], locks: ['Registry.mu', 'Registry.mu'] }];
    assert.deepEqual(findDeadlocks(dumpOf('rwr/dump.txt'), heldAt, waitsFor), want);
    assert.deepEqual(findDeadlocks(dumpOf('variants/go1.21-rwr-sigquit.txt'), heldAt, waitsFor), want);
    // Without the writer, the recursive RLock alone does not deadlock.
    const readerOnly = dumpOf('rwr/dump.txt');
    readerOnly.goroutines = readerOnly.goroutines.filter((g) => g.id !== 5);
    assert.deepEqual(findDeadlocks(readerOnly, heldAt, waitsFor), []);
  });

  it('finds nothing when no goroutine waits for a lock, or the lock classes are unknown', () => {
    const abba = fakeAnalysis('abba', ABBA);
    assert.deepEqual(findDeadlocks(dumpOf('maps/dump.txt'), abba.heldAt, abba.waitsFor), []);
    assert.deepEqual(findDeadlocks(dumpOf('abba/dump.txt'), abba.heldAt, () => undefined), []);
    assert.deepEqual(findDeadlocks(dumpOf('abba/dump.txt'), () => [], abba.waitsFor), []);
    assert.deepEqual(findDeadlocks({ preamble: [], goroutines: [] }, abba.heldAt, abba.waitsFor), []);
  });

  // Synthetic dumps: goroutine `id` waits at /x/<site>.go:1 and its caller's frame is /x/<holds>.go:1.
  const waiter = (id: number, kind: 'lock' | 'rlock', site: string, holds: string): Goroutine => ({
    id,
    state: kind === 'lock' ? 'sync.Mutex.Lock' : 'sync.RWMutex.RLock',
    frames: [
      { func: kind === 'lock' ? 'sync.(*Mutex).Lock' : 'sync.(*RWMutex).RLock', file: '/go/src/sync/mutex.go', line: 1 },
      { func: `main.${site}`, file: `/x/${site}.go`, line: 1 },
      { func: `main.${holds}`, file: `/x/${holds}.go`, line: 1 },
    ],
  });
  /** Site files wait for their lock class (file 'A' waits for A); holder files hold the classes their name lists ('hBC' holds B and C). */
  const heldAt: HeldAt = (file) => (/\/h(\w*)\.go$/.exec(file)?.[1] ?? '').split('').filter((c) => c !== '');
  const waitsFor: WaitsFor = (file) => /\/([A-Z])\.go$/.exec(file)?.[1];

  it('finds a three-goroutine cycle once, from its smallest id, and leaves out goroutines that only wait', () => {
    const d: Dump = {
      preamble: [],
      goroutines: [
        waiter(30, 'lock', 'B', 'hA'), // holds A, waits for B
        waiter(10, 'lock', 'C', 'hB'), // holds B, waits for C
        waiter(20, 'lock', 'A', 'hC'), // holds C, waits for A
        waiter(40, 'lock', 'A', 'h'), // waits for A, holds nothing: blocked, but not part of the cycle
        waiter(50, 'lock', 'D', 'hA'), // waits for D that nobody holds
      ],
    };
    // 10 holds B, which 30 waits for; 30 holds A, which 20 waits for; 20 holds C, which 10 waits for.
    assert.deepEqual(findDeadlocks(d, heldAt, waitsFor), [{ goroutines: [10, 30, 20], locks: ['C', 'B', 'A'] }]);
  });

  it('reports a goroutine that waits for a lock its caller holds, but not a second RLock on its own', () => {
    assert.deepEqual(findDeadlocks({ preamble: [], goroutines: [waiter(9, 'lock', 'A', 'hA')] }, heldAt, waitsFor), [{ goroutines: [9], locks: ['A'] }]);
    assert.deepEqual(findDeadlocks({ preamble: [], goroutines: [waiter(9, 'rlock', 'A', 'hA')] }, heldAt, waitsFor), []);
  });

  it('reports short cycles first, and each only once', () => {
    const d: Dump = {
      preamble: [],
      goroutines: [
        waiter(1, 'lock', 'A', 'hB'), waiter(2, 'lock', 'B', 'hA'), // 1 <-> 2
        waiter(3, 'lock', 'C', 'hD'), waiter(4, 'lock', 'D', 'hE'), waiter(5, 'lock', 'E', 'hC'), // 3 -> 4 -> 5 -> 3
      ],
    };
    assert.deepEqual(findDeadlocks(d, heldAt, waitsFor), [
      { goroutines: [1, 2], locks: ['A', 'B'] },
      { goroutines: [3, 4, 5], locks: ['C', 'D', 'E'] },
    ]);
  });

  it('builds a graph linear in the dump: n holders of a lock and n waiters for it are 2n edges, not n²', () => {
    // K copies of an AB-BA pair: each A-holder waits for B, each B-holder waits for A. Pairwise edges grew as K²
    // (a 50 MB dump took 394 s); through one hub per lock they grow as K.
    const copies = (k: number): Dump => ({
      preamble: [],
      goroutines: Array.from({ length: k }, (_, i) => [waiter(2 * i + 1, 'lock', 'B', 'hA'), waiter(2 * i + 2, 'lock', 'A', 'hB')]).flat(),
    });
    const edgesFor = (k: number) => {
      const before = deadlockStats.edges;
      const cycles = findDeadlocks(copies(k), heldAt, waitsFor);
      assert.deepEqual(cycles[0], { goroutines: [1, 2], locks: ['B', 'A'] });
      return deadlockStats.edges - before;
    };
    const small = edgesFor(2_000), large = edgesFor(4_000);
    assert.ok(large <= small * 2.2, `2,000 copies: ${small} edges, 4,000 copies: ${large}`);
  });

  it('stays bounded when every goroutine holds what every other waits for', { timeout: 20_000 }, () => {
    const d: Dump = { preamble: [], goroutines: Array.from({ length: 300 }, (_, i) => waiter(i + 1, 'lock', 'A', 'hA')) };
    const cycles = findDeadlocks(d, heldAt, waitsFor);
    assert.ok(cycles.length > 0 && cycles.length <= 100, `${cycles.length} cycles`);
    assert.deepEqual(cycles[0], { goroutines: [1], locks: ['A'] });
  });
});
