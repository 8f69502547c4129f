/**
 * Findings moved with the places they point at (remapFindings): what an edit elsewhere in a file moves is
 * moved by the edit's length; a position in or at the edge of the changed range gives up.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../server/src/base/finding';
import { pointedFiles, remapFindings } from '../server/src/checks/remap';
import { LineIndex } from '../server/src/base/lines';

const OLD = 'package a\n\nfunc f() {\n\tmu.Lock()\n\tx++\n}\n';
const at = (line: number, character: number) => ({ line, character });

function finding(relatedLine: number, relatedChar: number): Finding {
  return {
    file: '/b/b.go', range: { start: at(3, 1), end: at(3, 4) }, severity: 'warning', code: 'c', message: 'm',
    related: [{ file: '/a/a.go', range: { start: at(relatedLine, relatedChar), end: at(relatedLine, relatedChar + 9) }, message: 'locked here' }],
    fixes: [{ id: 'doc', title: 't', edits: [{ file: '/a/a.go', range: { start: at(2, 0), end: at(2, 0) }, newText: '// f assumes mu is held.\n' }] }],
  };
}

describe('remapping findings', () => {
  it('lists the files a finding points into, other than its own package\'s', () => {
    assert.deepEqual([...pointedFiles([finding(3, 1)], new Set(['/b/b.go']))], ['/a/a.go']);
  });

  it('moves positions after an edit by its length, keeps those before, and leaves other files alone', () => {
    const was = new Map([['/a/a.go', new LineIndex(OLD)]]);
    // Two lines added above the function: everything in it moves down two lines.
    const moved = remapFindings([finding(3, 1)], was, () => new LineIndex(`// one\n// two\n${OLD}`))!;
    assert.deepEqual(moved[0].related[0].range, { start: at(5, 1), end: at(5, 10) });
    assert.deepEqual(moved[0].fixes[0].edits[0].range, { start: at(4, 0), end: at(4, 0) });
    assert.deepEqual(moved[0].range, { start: at(3, 1), end: at(3, 4) }, 'its own file did not change');
    // An edit below: nothing moves.
    const same = remapFindings([finding(3, 1)], was, () => new LineIndex(OLD.replace('x++', 'x += 2')))!;
    assert.deepEqual(same[0].related[0].range, { start: at(3, 1), end: at(3, 10) });
    // Columns move on the edited line, after the edit.
    const cols = remapFindings([finding(3, 1)], was, () => new LineIndex(OLD.replace('\tmu.Lock()', '\t_ = 0; mu.Lock()')));
    assert.equal(cols, undefined, 'the edit starts at the Lock itself (the common prefix ends at the tab)');
  });

  it('gives up when a position is in the changed range or at its edge', () => {
    const was = new Map([['/a/a.go', new LineIndex(OLD)]]);
    assert.equal(remapFindings([finding(3, 1)], was, () => new LineIndex(OLD.replace('mu.Lock()', 'mu.RLock()'))), undefined);
    assert.equal(remapFindings([finding(3, 1)], was, () => undefined), undefined, 'the file is gone');
  });
});
