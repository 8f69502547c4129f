/**
 * Never hang: the analysis of an expression is linear in its length. A chain of N calls
 * (`sq.Select("*").Where(...)...`, `s.get().get()...get().mu.Lock()` with `get` declared nowhere, a half-typed
 * `fs.Var(` before N flag registrations) once cost 2^N type lookups: 58 s at N = 26. Bounded here by counted
 * steps (type lookups), never by time: doubling N must not do much more than double the work.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { typeStats } from '../server/src/model/refs';
import { Workspace } from '../server/src/workspace';
import { analyzeAll } from '../server/src/batch';

function chainFile(n: number): string {
  const gets = '.get()'.repeat(n);
  const wheres = Array.from({ length: n }, (_, i) => `.Where("a = ?", ${i})`).join('');
  const flags = Array.from({ length: n }, (_, i) => `\tfs.StringVar(&cfg.F${i}, "flag${i}", "", "help")`).join('\n');
  return `package chain

import (
\t"flag"
\t"sync"
)

type S struct{ mu sync.Mutex }

var mu sync.Mutex

type builder interface{ Select(string) builder }

func f(s *S, sq builder) {
\tmu.Lock()
\tdefer mu.Unlock()
\ts${gets}.mu.Lock()
\tq := sq.Select("*").From("t")${wheres}
\t_ = q
}

var cfg struct{ ${Array.from({ length: n }, (_, i) => `F${i} string`).join('; ')} }

func flags(fs *flag.FlagSet) {
\tfs.Var(
${flags}
}
`;
}

/** The type lookups one fresh analysis of the chain file makes. */
async function lookups(n: number): Promise<number> {
  const ws = await Workspace.create(undefined, () => undefined);
  ws.setText(`/lockset-chains/n${n}/c.go`, chainFile(n));
  const before = typeStats.typeOf;
  analyzeAll(ws);
  return typeStats.typeOf - before;
}

describe('long call chains', () => {
  it('cost about twice the type lookups when they are twice as long', async () => {
    const small = await lookups(24), large = await lookups(48);
    assert.ok(small > 0);
    // Linear gives 2x, the quadratic parts of a walk up to 4x; the old exponential cost gave 2^24 times.
    assert.ok(large <= small * 4.5, `24 calls: ${small} lookups, 48 calls: ${large}`);
  });
});
