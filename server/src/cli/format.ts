import { checkUrl } from '../checks/check';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding } from '../base/finding';
import { CHECKS } from '../checks/registry';

const RANK = { error: 0, warning: 1, information: 2, hint: 3 } as const;

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code));
}

/**
 * `file:line:col: severity: message [code]`, one a line, 1-based, paths relative to `cwd`; with
 * `verbose`, each finding's related locations follow it, indented, in the same form.
 */
export function formatText(findings: Finding[], cwd: string, verbose = false): string {
  const at = (file: string, r: Finding['range']) => `${relative(cwd, file)}:${r.start.line + 1}:${r.start.character + 1}`;
  const lines = findings.flatMap((f) => [
    `${at(f.file, f.range)}: ${f.severity}: ${f.message} [${f.code}]`,
    ...(verbose ? f.related.map((r) => `    ${at(r.file, r.range)}: ${r.message}`) : []),
  ]);
  const counts = (['error', 'warning', 'information', 'hint'] as const).map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  lines.push(findings.length === 0 ? 'no problems found' : counts.map(([s, n]) => `${n} ${s}${n === 1 || s === 'information' ? '' : 's'}`).join(', '));
  return lines.join('\n') + '\n';
}

export function formatJson(findings: Finding[], cwd: string): string {
  return JSON.stringify({
    version: 1,
    diagnostics: findings.map((f) => ({
      file: relative(cwd, f.file), line: f.range.start.line + 1, column: f.range.start.character + 1,
      endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1, severity: f.severity, code: f.code, message: f.message,
      related: f.related.map((r) => ({ file: relative(cwd, r.file), line: r.range.start.line + 1, column: r.range.start.character + 1, message: r.message })),
    })),
  }, null, 2) + '\n';
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

/** SARIF 2.1.0, as GitHub code scanning accepts it. */
export function formatSarif(findings: Finding[], cwd: string, version: string): string {
  // Relative URIs, percent-encoded segment by segment (a '#' or a space in a path must not break them).
  const uri = (file: string) => relative(cwd, file).split(/[\\/]/).map(encodeURIComponent).join('/');
  const region = (r: Finding['range']) => ({ startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 });
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'lockset', version, informationUri: 'https://marketplace.visualstudio.com/items?itemName=lockset.lockset',
          rules: CHECKS.map((c) => ({
            id: c.id, name: ruleName(c.id), shortDescription: { text: c.title }, fullDescription: { text: c.doc },
            helpUri: checkUrl(c.id), help: { text: c.doc },
            defaultConfiguration: { level: SARIF_LEVEL[c.defaultSeverity] },
          })),
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(cwd.endsWith(sep) ? cwd : cwd + sep).href } },
      results: findings.map((f) => ({
        ruleId: f.code, ruleIndex: CHECKS.findIndex((c) => c.id === f.code), level: SARIF_LEVEL[f.severity], message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: uri(f.file), uriBaseId: 'SRCROOT' }, region: region(f.range) } }],
        // GitHub code scanning tracks an alert across commits by this hash of the check, message and line text.
        partialFingerprints: { primaryLocationLineHash: `${fingerprint(f)}:1` },
        relatedLocations: f.related.map((r, i) => ({ id: i + 1, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: uri(r.file), uriBaseId: 'SRCROOT' }, region: region(r.range) } })),
      })),
    }],
  }, null, 2) + '\n';
}

/** `missing-lock-annotation` → `MissingLockAnnotation`, as SARIF rule names are written. */
function ruleName(id: string): string {
  return id.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

const lineCache = new Map<string, string[]>();

function fingerprint(f: Finding): string {
  let lines = lineCache.get(f.file);
  if (!lines) {
    try { lines = readFileSync(f.file, 'utf8').split('\n'); } catch { lines = []; }
    lineCache.set(f.file, lines);
  }
  const text = (lines[f.range.start.line] ?? '').trim();
  return createHash('sha256').update(`${f.code}\0${f.message}\0${text}`).digest('hex').slice(0, 32);
}

export function isFailing(findings: Finding[]): boolean {
  return findings.some((f) => RANK[f.severity] <= RANK.warning);
}
