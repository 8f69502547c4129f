/**
 * The verdicts file of the real-world measurement (test/realworld/verdicts.tsv): one judged finding per
 * line, and the precision per check that they give. Used by scripts/realworld.ts; kept apart so that a
 * test can run it on a small inline file.
 */

export const VERDICTS = ['true', 'intended', 'false'] as const;
export type Verdict = (typeof VERDICTS)[number];
export const HEADER = ['repository', 'commit', 'file:line', 'check', 'verdict', 'reason'];

export interface VerdictRow {
  repository: string;
  commit: string;
  /** `path/in/repo.go:123` */
  location: string;
  check: string;
  verdict: Verdict;
  reason: string;
  /** The 1-based line of the TSV file. */
  line: number;
}

/**
 * The rows of a verdicts file. Blank lines and `#` comments are skipped, and so is the header line; a
 * malformed line is left out with a problem that names its line, so that one typo does not hide the rest.
 */
export function parseVerdicts(text: string): { rows: VerdictRow[]; problems: string[] } {
  const rows: VerdictRow[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const cells = raw.split('\t');
    if (cells.slice(0, HEADER.length).join('\t') === HEADER.join('\t')) return;
    if (cells.length < HEADER.length) { problems.push(`line ${line}: expected ${HEADER.length} tab-separated columns (${HEADER.join(', ')}), found ${cells.length}`); return; }
    const [repository, commit, location, check, verdict] = cells.map((c) => c.trim());
    // A reason may itself hold a tab: the rest of the line is the reason.
    const reason = cells.slice(HEADER.length - 1).join('\t').trim();
    if (!VERDICTS.includes(verdict as Verdict)) { problems.push(`line ${line}: verdict must be ${VERDICTS.join(', ')}, not ${JSON.stringify(verdict)}`); return; }
    if (!/^.+:\d+$/.test(location)) { problems.push(`line ${line}: file:line must look like path/file.go:123, not ${JSON.stringify(location)}`); return; }
    if (!repository || !check) { problems.push(`line ${line}: repository and check must not be empty`); return; }
    rows.push({ repository, commit, location, check, verdict: verdict as Verdict, reason, line });
  });
  return { rows, problems };
}

export interface CheckPrecision {
  check: string;
  verdicts: number;
  true: number;
  intended: number;
  false: number;
  /** (true + intended) / verdicts: the finding pointed at what the code does. */
  right: number;
  /** true / verdicts: the finding pointed at a bug. */
  trueOnly: number;
}

/** Per check, in the order of their names, then `all`. */
export function summarizeVerdicts(rows: readonly VerdictRow[]): CheckPrecision[] {
  const byCheck = new Map<string, VerdictRow[]>();
  for (const r of rows) {
    const list = byCheck.get(r.check);
    if (list) list.push(r); else byCheck.set(r.check, [r]);
  }
  const one = (check: string, list: readonly VerdictRow[]): CheckPrecision => {
    const n = (v: Verdict) => list.filter((r) => r.verdict === v).length;
    const t = n('true'), i = n('intended'), f = n('false');
    return { check, verdicts: list.length, true: t, intended: i, false: f, right: (t + i) / list.length, trueOnly: t / list.length };
  };
  const out = [...byCheck.keys()].sort().map((c) => one(c, byCheck.get(c)!));
  if (rows.length) out.push(one('all', rows));
  return out;
}

/** A table of the summary, for a terminal. */
export function formatPrecision(summary: readonly CheckPrecision[]): string {
  if (summary.length === 0) return 'no verdicts yet\n';
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const rows = [['check', 'verdicts', 'true', 'intended', 'false', 'right', 'true only'],
    ...summary.map((s) => [s.check, String(s.verdicts), String(s.true), String(s.intended), String(s.false), pct(s.right), pct(s.trueOnly)])];
  return table(rows);
}

/** Left-aligned first column, right-aligned others. */
export function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd()).join('\n') + '\n';
}
