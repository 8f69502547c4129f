/** The verdict summary of `npm run realworld` (scripts/realworld-verdicts.ts), on small inline files. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatPrecision, parseVerdicts, summarizeVerdicts } from '../scripts/realworld-verdicts';

const TSV = [
  '# a comment',
  'repository\tcommit\tfile:line\tcheck\tverdict\treason',
  '',
  'etcd\tabc1234\tserver/a.go:10\tdouble-lock\ttrue\ttaken twice on the error path',
  'etcd\tabc1234\tserver/a.go:20\tdouble-lock\tfalse\ttwo instances',
  'etcd\tabc1234\tserver/b.go:30\tblocking-under-lock\tintended\tflush under the lock on purpose\t(documented)',
  'raft\tdef5678\tapi.go:40\tdouble-lock\tintended\tre-entrant by design',
  'raft\tdef5678\tapi.go:50\tdouble-lock\tmaybe\tundecided',
  'raft\tdef5678\tapi.go\tdouble-lock\ttrue\tno line',
  'raft\tdef5678\tonly three',
].join('\n');

describe('realworld verdicts', () => {
  it('parses rows, skipping comments, blanks and the header, and names the line of each malformed one', () => {
    const { rows, problems } = parseVerdicts(TSV);
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[2], { repository: 'etcd', commit: 'abc1234', location: 'server/b.go:30', check: 'blocking-under-lock', verdict: 'intended', reason: 'flush under the lock on purpose\t(documented)', line: 6 });
    assert.equal(problems.length, 3);
    assert.match(problems[0], /^line 8: verdict must be true, intended, false, not "maybe"/);
    assert.match(problems[1], /^line 9: file:line/);
    assert.match(problems[2], /^line 10: expected 6 tab-separated columns/);
  });

  it('gives per check the verdicts, right = (true + intended) / all and true only / all, then all checks', () => {
    const summary = summarizeVerdicts(parseVerdicts(TSV).rows);
    assert.deepEqual(summary.map((s) => [s.check, s.verdicts, s.true, s.intended, s.false]), [
      ['blocking-under-lock', 1, 0, 1, 0], ['double-lock', 3, 1, 1, 1], ['all', 4, 1, 2, 1],
    ]);
    const dl = summary.find((s) => s.check === 'double-lock')!;
    assert.equal(dl.right, 2 / 3);
    assert.equal(dl.trueOnly, 1 / 3);
    const text = formatPrecision(summary);
    assert.match(text, /^double-lock\s+3\s+1\s+1\s+1\s+67%\s+33%$/m);
    assert.match(text, /^all\s+4\s+1\s+2\s+1\s+75%\s+25%$/m);
  });

  it('says so when there is nothing judged', () => {
    assert.equal(formatPrecision(summarizeVerdicts(parseVerdicts('repository\tcommit\tfile:line\tcheck\tverdict\treason\n').rows)), 'no verdicts yet\n');
  });

  it('reads the committed verdict files without a problem', () => {
    for (const name of ['verdicts.tsv', 'verdicts-ts.tsv']) {
      const committed = parseVerdicts(readFileSync(join(__dirname, 'realworld', name), 'utf8'));
      assert.deepEqual(committed.problems, [], name);
    }
  });
});
