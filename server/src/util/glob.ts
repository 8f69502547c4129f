/**
 * Glob patterns over paths relative to a folder (`lockset.exclude`), written as VS Code writes them:
 * `*` and `?` stay inside one path segment, a `**` segment spans any number of segments, `[abc]` and
 * `{a,b}` choose. A pattern is anchored at the folder (`**\/` matches at any depth), and a pattern that
 * matches a directory matches everything under it: `internal/gen` and `third_party/**` both exclude the
 * whole tree.
 */

/** Why a pattern cannot be used, or undefined when it can. */
export function globProblem(pattern: string): string | undefined {
  const p = normalize(pattern);
  if (p === '') return 'is empty';
  if (/^(\/|[A-Za-z]:\/)/.test(p)) return 'is absolute; write it relative to the folder, such as "third_party/**"';
  if (p.split('/').includes('..')) return 'leaves the folder (..)';
  if (countOpen(p, '{', '}') !== 0 || countOpen(p, '[', ']') !== 0) return 'has an unbalanced { } or [ ]';
  try { compile(p); } catch { return 'is not a valid pattern'; }
  return undefined;
}

/**
 * Whether a relative path (with `/` or `\` separators) is one of the patterns or lies under one.
 * Unusable patterns (see globProblem) match nothing.
 */
export function globMatcher(patterns: readonly string[]): (relativePath: string) => boolean {
  const regexps = patterns.filter((p) => globProblem(p) === undefined).map((p) => compile(normalize(p)));
  if (regexps.length === 0) return () => false;
  return (path) => {
    const rel = path.replace(/\\/g, '/');
    return regexps.some((r) => r.test(rel));
  };
}

function normalize(pattern: string): string {
  return pattern.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

function compile(pattern: string): RegExp {
  const segments = pattern.split('/');
  let out = '';
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '**') out += last ? '.*' : '(?:[^/]+/)*';
    else out += segment(seg) + (last ? '' : '/');
  });
  // Everything under a matched directory is matched too.
  return new RegExp(`^(?:${out})(?:/.*)?$`);
}

/** One path segment: `*`, `?`, `[…]` and `{a,b}` (whose alternatives may hold the others) translated. */
function segment(seg: string): string {
  let out = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) { out += '\\['; continue; }
      let body = seg.slice(i + 1, end);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') out += '(?:';
    else if (c === '}') out += ')';
    else if (c === ',' && countOpen(seg.slice(0, i), '{', '}') > 0) out += '|';
    else out += c.replace(/[.+^$()|\\\]]/g, '\\$&');
  }
  return out;
}

function countOpen(s: string, open: string, close: string): number {
  let n = 0;
  for (const c of s) if (c === open) n++; else if (c === close) n--;
  return n;
}
