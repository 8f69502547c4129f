/**
 * The hover at a call says each fact once: a diagnostic that covers the call comes first, and the contract row
 * and the "At this call … not held" row that repeat it are left out; what it does not say (other held locks,
 * the callee's signature with its results) stays.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hoverAt } from '../server/src/ide/hover';
import { Workspace } from '../server/src/workspace';
import { analyzeAll } from '../server/src/batch';

const PATH = '/hover/h/h.go';
const SRC = `package h

import "sync"

type S struct {
	mu    sync.Mutex
	other sync.Mutex
	n     int
}

// lookup returns n. s.mu must be held.
func (s *S) lookup(k string) (int, bool) { return s.n, k != "" }

func (s *S) Get(k string) int {
	v, _ := s.lookup(k)
	return v
}

func (s *S) GetOther(k string) int {
	s.other.Lock()
	defer s.other.Unlock()
	v, _ := s.lookup(k)
	return v
}

func (s *S) Fine(k string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, _ := s.lookup(k)
	return v
}
`;

async function setup() {
  const ws = await Workspace.create(undefined, () => undefined);
  ws.setText(PATH, SRC);
  const findings = analyzeAll(ws).filter((f) => f.file === PATH);
  const analysis = ws.analysisOf(PATH)!;
  const file = ws.file(PATH)!;
  // The offset of the n-th `lookup(` call (0: Get's, 1: GetOther's, 2: Fine's), on its name.
  const call = (n: number) => { let at = SRC.indexOf('func (s *S) Get('); for (let i = 0; i <= n; i++) at = SRC.indexOf('s.lookup(', at + 1); return at + 4; };
  const hover = (n: number, editorShowsDiagnostics = false) => hoverAt(analysis, file, call(n), ws.graph(), [], { findings, editorShowsDiagnostics })!.markdown;
  return { findings, hover, plain: (n: number) => hoverAt(analysis, file, call(n), ws.graph())!.markdown };
}

describe('hover at a call that breaks a contract', () => {
  it('puts the diagnostic first and leaves out the contract and "not held" rows that repeat it', async () => {
    const { findings, hover } = await setup();
    const at = findings.filter((f) => f.code === 'missing-lock-annotation');
    assert.equal(at.length, 2, `Get and GetOther call lookup without s.mu: ${findings.map((f) => f.message).join(' | ')}`);
    const md = hover(0);
    const [first] = md.split('\n\n---\n\n');
    assert.match(first, /^(⚠️|ℹ️) call of lookup requires s\.mu, which is not held here \(contract: doc comment/, `the diagnostic first:\n${md}`);
    assert.match(first, /`missing-lock-annotation`$/);
    assert.match(md, /func \(\*S\) lookup\(k string\) \(int, bool\)/, 'the signature with its results stays');
    assert.doesNotMatch(md, /\*\*requires\*\* `s\.mu`/, 'the contract row repeats the diagnostic');
    assert.doesNotMatch(md, /At this call/, 'so does "needs s.mu: not held"');
    assert.doesNotMatch(md, /No locks held here/, 'and "nothing held", which the diagnostic says');
    assert.doesNotMatch(md, /No lock contract/, 'the contract is not absent: the diagnostic gave it');
    assert.equal(md.split('s.mu must be held').length - 1, 1, `the contract once:\n${md}`);
  });

  it('keeps what the diagnostic does not say: the other locks held there', async () => {
    const { hover } = await setup();
    const md = hover(1);
    assert.match(md, /Held here: `s\.other`/);
    assert.doesNotMatch(md, /At this call/);
  });

  it('leaves the message to an editor that shows the diagnostic in its own hover, above', async () => {
    const { findings, hover } = await setup();
    const md = hover(0, true);
    assert.ok(md.startsWith('```go\nfunc (*S) lookup(k string) (int, bool)'), md);
    assert.ok(!md.includes(findings[0].code), md);
    assert.doesNotMatch(md, /\*\*requires\*\* `s\.mu`|At this call|No locks held here/);
  });

  it('is unchanged where no diagnostic covers the call', async () => {
    const { hover, plain } = await setup();
    const md = hover(2);
    assert.equal(md, plain(2));
    assert.match(md, /\*\*requires\*\* `s\.mu`/);
    assert.match(md, /needs `s\.mu`: held ✓/);
    assert.match(md, /Held here: `s\.mu`/);
  });
});
