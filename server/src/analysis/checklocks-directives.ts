import type { GoFile } from '../model/file';
import type { SyntaxNode } from '../syntax/node';

/**
 * The directives of gVisor's checklocks, and what follows each: a lock (`+checklocks:mu`), an alias
 * (`+checklocksalias:a.mu=b.mu`), or nothing but perhaps a reason (`+checklocksignore: set up before sharing`).
 */
export const DIRECTIVES: ReadonlyMap<string, 'lock' | 'alias' | 'free'> = new Map([
  ['checklocks', 'lock'], ['checklocksread', 'lock'], ['checklocksacquire', 'lock'], ['checklocksacquireread', 'lock'],
  ['checklocksrelease', 'lock'], ['checklocksreleaseread', 'lock'], ['checklocksexclude', 'lock'], ['checklocksexcludewrite', 'lock'],
  ['checklocksalias', 'alias'],
  // checklocksreadany: newer checklocks, on a field (reads need any one of its guards).
  ['checklocksignore', 'free'], ['checklocksforce', 'free'], ['checklocksfail', 'free'], ['checklocksreadany', 'free'],
  ['checkatomic', 'free'], ['checkatomicignore', 'free'],
] as const);

/** One `+check…` directive at the start of a `//` comment, with offsets into the file. */
export interface Directive {
  comment: SyntaxNode;
  /** The directive's word without the `+`: `checklocksread`. */
  word: string;
  wordStart: number;
  /** The text after the word up to the end of the comment, and where it starts. */
  rest: string;
  restStart: number;
  /** A well-formed lock directive's lock (`mu`, `s.mu`), and where it starts. */
  name?: string;
  nameStart?: number;
  /** What is wrong with its form, when something is. */
  problem?: FormProblem;
}

export type FormProblem =
  | { kind: 'unknown'; nearest?: string }
  | { kind: 'no-lock' }
  | { kind: 'space-after-colon'; spaceStart: number; spaceEnd: number; name: string }
  | { kind: 'no-colon'; spaceStart: number; spaceEnd: number; name: string }
  | { kind: 'empty-lock' }
  | { kind: 'trailing'; start: number; text: string }
  | { kind: 'bad-alias' };

/** A `+check…` word at the start of a line comment: `// +checklocks:mu` (checklocks reads only those). */
const DIRECTIVE_START = /^\/\/\s*\+(check\w*)/;

/** The directive of a `//` comment, if it starts with one that is checklocks' or looks like one. */
export function directiveOf(file: GoFile, c: SyntaxNode): Directive | undefined {
  const text = file.text(c);
  const m = DIRECTIVE_START.exec(text);
  if (!m) return undefined;
  const word = m[1];
  const wordStart = c.start + m[0].length - word.length;
  const restStart = c.start + m[0].length;
  const d: Directive = { comment: c, word, wordStart, rest: text.slice(m[0].length), restStart };
  const arity = DIRECTIVES.get(word);
  if (!arity) {
    const nearest = nearestDirective(word);
    // `+checkptr` and the like are some other tool's: only words close to checklocks' are taken for a misspelling.
    if (!nearest && !/^check(locks?|atomic)/.test(word)) return undefined;
    d.problem = { kind: 'unknown', nearest };
    return d;
  }
  if (arity === 'lock' && !readLock(d)) return undefined;
  else if (arity === 'alias' && !/^:[^=\s]+=[^=\s]+\s*(\/\/.*)?$/.test(d.rest)) d.problem = { kind: 'bad-alias' };
  return d;
}

/**
 * `:mu`, then nothing or a `//` comment. False for prose that only starts with the word, no colon after it ("+checklocks
 * annotations on the callee…", a doc comment's wrapped line): checklocks does not read that either.
 */
function readLock(d: Directive): boolean {
  const { rest, restStart } = d;
  // [\s\S]: a line or paragraph separator in a half-typed comment is no reason to read nothing.
  const m = /^(:?)(\s*)(\S*)(\s*)([\s\S]*)$/.exec(rest);
  if (!m) return false;
  const [, colon, space, written, gap, tail] = m;
  // `+checklocks // why`: a comment where the lock should be.
  const name = written.startsWith('//') ? '' : written;
  if (!colon && name && !(/^[A-Za-z_][\w.]*$/.test(name) && (!tail || tail.startsWith('//')))) return false;
  const spaceStart = restStart + colon.length, spaceEnd = spaceStart + space.length;
  if (!name) d.problem = colon ? { kind: 'empty-lock' } : { kind: 'no-lock' };
  else if (!colon) d.problem = { kind: 'no-colon', spaceStart, spaceEnd, name };
  else if (space) d.problem = { kind: 'space-after-colon', spaceStart, spaceEnd, name };
  else if (tail && !tail.startsWith('//')) d.problem = { kind: 'trailing', start: spaceEnd + name.length + gap.length, text: tail.trimEnd() };
  else { d.name = name; d.nameStart = spaceEnd; }
  return true;
}

/** The known directive nearest a misspelt one (`checklocksrelese`): one at distance 3 or less, if only one is nearest. */
export function nearestDirective(word: string): string | undefined {
  let best: string | undefined, bestD = Infinity, ties = 0;
  for (const known of DIRECTIVES.keys()) {
    const d = editDistance(word, known);
    if (d < bestD) { best = known; bestD = d; ties = 1; } else if (d === bestD) ties++;
  }
  return bestD <= 3 && ties === 1 ? best : undefined;
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
