/**
 * Mutators for Go source (and, with the byte-level ones, for any text): each takes a seeded generator and a
 * text and returns a damaged text. They work on rough token spans, so that cuts fall inside and between
 * tokens, on lines, and on the UTF-8 bytes of the text (decoded back non-fatally, as the server reads files).
 */
import type { Rng } from './prng';

export interface Span { start: number; end: number }

/**
 * Rough Go tokens: comments, string and rune literals (unterminated ones too), identifiers, numbers,
 * multi-character operators and single characters. Whitespace is not a token.
 */
const TOKEN = /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|"(?:[^"\\\n]|\\.)*"?|`[^`]*`?|'(?:[^'\\\n]|\\.)*'?|[\p{L}_][\p{L}\p{N}_]*|\d[\w.]*|:=|\.\.\.|&&|\|\||<-|&\^=?|<<=?|>>=?|[-+*/%&|^<>=!]=?|\+\+|--|\S/gu;

export function tokenize(text: string): Span[] {
  const out: Span[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** Snippets that matter to a lock checker, inserted whole. */
export const LOCK_SNIPPETS: readonly string[] = [
  'mu.Lock()', 'mu.Unlock()', 'defer mu.Unlock()', 'defer mu.Lock()', 'mu.RLock()', 'mu.RUnlock()', 'defer mu.RUnlock()',
  's.mu.Lock()', 's.mu.Unlock()', 'c.mu.Lock()', 'c.mu.Unlock()', 't.mu.RLock()', 'vm.lock.Lock()', 'vm.lock.Unlock()',
  'vmLock.Lock()', 'vmLock.Unlock()', 'x := mu.TryLock()', 'if mu.TryLock() {', 'mu.Lock(); mu.Lock()',
  '// LOCK: mu', '// LOCK: vmLock is held', '// LOCK: s.mu is held by the caller.', '// LOCK:', '// LOCK: ', '//LOCK:mu',
  '// +checklocks:mu', '// +checklocksacquire:mu', '// +checklocksrelease:mu', '// +checklocksread:mu', '// +checklocksignore',
  '// +checklocks:', '// lockset:order a > b', '// lockset:order vmLock > VM.lock', '// lockset:order b > a', '//lockset:ignore all',
  '//lockset:ignore missing-lock-annotation', '// f assumes mu is held.', '// Caller must hold mu.', '// assumes s.mu is held',
  'go func() {', '}()', 'func() {', 'defer func() { mu.Unlock() }()', 'go f()', 'go s.incLocked()',
  'select {}', 'ch <- 1', '<-ch', 'time.Sleep(1)', 'wg.Wait()', 'cond.Wait()', 'runtime.LockOSThread()', 'runtime.UnlockOSThread()',
  'if x {', 'for {', 'for range ch {', 'return', 'break', 'continue', 'goto L', 'L:', 'switch {', 'case 1:', 'default:', 'else {',
  'var mu sync.Mutex', 'mu sync.RWMutex', 'sync.Mutex', 'sync.Locker', 'type T struct { mu sync.Mutex; n int }',
  'type T struct { sync.Mutex; sync.RWMutex }', 'func (t *T) incLocked() { t.n++ }', 'func f() { mu.Lock(); g(); mu.Unlock() }',
  'func (s *S) Get() { s.mu.Lock(); s.getLocked(); s.mu.Unlock() }', 'import "sync"', 'import ( "sync"; "time" )', 'package p',
  'm[k] = v', 't.n++', 's.n = 1', '_ = 1', 'panic("x")', 'os.Exit(1)', 'f(', 'g(mu)', 'var _ = func() { mu.Lock() }',
];

const BRACKETS = '{}()[]';

/** Byte sequences that are not valid UTF-8 (and a NUL). */
const BAD_BYTES: readonly (readonly number[])[] = [
  [0xff], [0xfe], [0xc3], [0x80], [0xbf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xe2, 0x82],
  [0xf0, 0x9f, 0x98], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x00], [0xef, 0xbb, 0xbf],
];

/** Characters that are valid but unusual in UTF-16 terms: astral (surrogate pairs), lone surrogates, BOM, separators. */
const ODD_CHARS: readonly string[] = [
  '\u{1F600}', '\u{1D11E}', '\uD800', '\uDFFF', '\uFEFF', '\u2028', '\u2029', '\u0085', '\r', '\r\n', '\u0301', '\u00e9', '\u4e16',
  '\u200b', '\t', '\v', '\f', '\u{10FFFF}', '\uFFFD',
];

export interface MutateContext {
  /** Other texts to splice pieces from. */
  donors: readonly string[];
}

type Mutator = (rng: Rng, text: string, ctx: MutateContext) => string;

/** A length from 1 to `max`, short ones much more often. */
function shortLength(rng: Rng, max: number): number {
  const r = rng.next();
  return Math.max(1, Math.min(max, Math.floor(1 + r * r * r * max)));
}

/** A random place in `text`: a token start or end, a line start, or any offset. */
function place(rng: Rng, text: string, toks: Span[]): number {
  if (text.length === 0) return 0;
  const kind = rng.below(4);
  if (kind === 0 || toks.length === 0) return rng.int(0, text.length);
  if (kind === 3) {
    const at = text.indexOf('\n', rng.int(0, text.length));
    return at < 0 ? text.length : at + 1;
  }
  const t = rng.pick(toks);
  return kind === 1 ? t.start : t.end;
}

/** A run of `k` tokens as a span of the text (with what lies between them). */
function tokenRun(rng: Rng, toks: Span[], maxLen: number): Span | undefined {
  if (toks.length === 0) return undefined;
  const n = shortLength(rng, Math.min(maxLen, toks.length));
  const i = rng.int(0, toks.length - n);
  return { start: toks[i].start, end: toks[i + n - 1].end };
}

const insertAt = (text: string, at: number, s: string) => text.slice(0, at) + s + text.slice(at);

export const MUTATORS: Record<string, Mutator> = {
  /** A long chain of calls somewhere (a query builder, getters declared nowhere, a half-typed flag block). */
  callChain(rng, text) {
    const n = rng.int(20, rng.chance(0.2) ? 300 : 60);
    const chain = rng.pick([
      () => `s${'.get()'.repeat(n)}.mu.Lock()`,
      () => `q := sq.Select("*").From("t")${Array.from({ length: n }, (_, i) => `.Where("a = ?", ${i})`).join('')}`,
      () => `fs.Var(\n${Array.from({ length: n }, (_, i) => `\tfs.StringVar(&cfg.f${i}, "f${i}", "", "")`).join('\n')}`,
    ])();
    const toks = tokenize(text);
    return insertAt(text, toks.length ? place(rng, text, toks) : text.length, `\n${chain}\n`);
  },
  deleteTokens(rng, text) {
    const r = tokenRun(rng, tokenize(text), rng.chance(0.1) ? 400 : 30);
    return r ? text.slice(0, r.start) + text.slice(r.end) : text;
  },
  duplicateTokens(rng, text) {
    const toks = tokenize(text);
    const r = tokenRun(rng, toks, 60);
    if (!r) return text;
    const at = rng.chance(0.5) ? r.end : place(rng, text, toks);
    return insertAt(text, at, (rng.chance(0.5) ? ' ' : '') + text.slice(r.start, r.end));
  },
  swapTokens(rng, text) {
    const toks = tokenize(text);
    if (toks.length < 2) return text;
    const a = tokenRun(rng, toks, 20)!, b = tokenRun(rng, toks, 20)!;
    const [x, y] = a.start <= b.start ? [a, b] : [b, a];
    if (x.end > y.start) return text;
    return text.slice(0, x.start) + text.slice(y.start, y.end) + text.slice(x.end, y.start) + text.slice(x.start, x.end) + text.slice(y.end);
  },
  truncate(rng, text) {
    const toks = tokenize(text);
    if (toks.length === 0) return text.slice(0, rng.int(0, text.length));
    const t = rng.pick(toks);
    // Inside the token when it has an inside: mid-identifier, mid-string, mid-comment.
    return text.slice(0, t.end - t.start > 1 ? rng.int(t.start + 1, t.end - 1) : rng.chance(0.5) ? t.start : t.end);
  },
  unbalancedBraces(rng, text) {
    const toks = tokenize(text);
    let out = text;
    const n = shortLength(rng, 6);
    for (let i = 0; i < n; i++) {
      if (rng.chance(0.3)) {
        // Remove one bracket instead.
        const brackets = tokenize(out).filter((t) => t.end - t.start === 1 && BRACKETS.includes(out[t.start]));
        if (brackets.length) { const t = rng.pick(brackets); out = out.slice(0, t.start) + out.slice(t.end); continue; }
      }
      out = insertAt(out, place(rng, out, toks.filter((t) => t.end <= out.length)), BRACKETS[rng.below(BRACKETS.length)]);
    }
    return out;
  },
  insertSnippet(rng, text) {
    const toks = tokenize(text);
    const snippet = rng.pick(LOCK_SNIPPETS);
    const at = place(rng, text, toks);
    const form = rng.below(3);
    return insertAt(text, at, form === 0 ? `\n${snippet}\n` : form === 1 ? `${snippet}\n\t` : ` ${snippet} `);
  },
  spliceDonor(rng, text, ctx) {
    if (ctx.donors.length === 0) return text;
    const donor = rng.pick(ctx.donors);
    const r = tokenRun(rng, tokenize(donor), 80);
    if (!r) return text;
    return insertAt(text, place(rng, text, tokenize(text)), donor.slice(r.start, r.end));
  },
  renameIdent(rng, text) {
    const idents = tokenize(text).filter((t) => /^[\p{L}_]/u.test(text[t.start]));
    if (idents.length < 2) return text;
    const t = rng.pick(idents);
    const other = rng.pick(idents);
    const name = rng.chance(0.2) ? `${text.slice(t.start, t.end)}Locked` : text.slice(other.start, other.end);
    return text.slice(0, t.start) + name + text.slice(t.end);
  },
  lines(rng, text) {
    const lines = text.split('\n');
    const i = rng.below(lines.length), n = shortLength(rng, 8);
    const op = rng.below(3);
    if (op === 0) lines.splice(i, n);
    else if (op === 1) lines.splice(i, 0, ...lines.slice(i, i + n));
    else { const j = rng.below(lines.length); [lines[i], lines[j]] = [lines[j], lines[i]]; }
    return lines.join('\n');
  },
  nul(rng, text) {
    let out = text;
    const n = shortLength(rng, 10);
    for (let i = 0; i < n; i++) {
      const at = rng.int(0, out.length);
      out = rng.chance(0.5) && at < out.length ? out.slice(0, at) + '\0' + out.slice(at + 1) : insertAt(out, at, '\0');
    }
    return out;
  },
  invalidUtf8(rng, text) {
    const bytes = Array.from(new TextEncoder().encode(text));
    const n = shortLength(rng, 8);
    for (let i = 0; i < n; i++) {
      const at = rng.int(0, bytes.length);
      if (rng.chance(0.3) && at < bytes.length) bytes[at] = rng.below(256); // may cut a multi-byte character
      else bytes.splice(at, 0, ...rng.pick(BAD_BYTES));
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
  },
  oddChars(rng, text) {
    const op = rng.below(6);
    if (op === 0) return text.replace(/\n/g, '\r\n');
    if (op === 1) return text.replace(/\n/g, () => (rng.chance(0.2) ? '\r' : '\n'));
    if (op === 2) return '\uFEFF' + text;
    let out = text;
    const toks = tokenize(text);
    const n = shortLength(rng, 6);
    for (let i = 0; i < n; i++) out = insertAt(out, Math.min(out.length, place(rng, out, toks)), rng.pick(ODD_CHARS));
    return out;
  },
};

/** Ways to nest: opener, innermost text, closer. */
export const DEEP_FORMS: readonly (readonly [string, string, string])[] = [
  ['{', 'mu.Lock()', '}'], ['(', 'x', ')'], ['if a {', 'mu.Lock()', '}'], ['func() {', 'mu.Unlock()', '}()'],
  ['go func() {', 's.incLocked()', '}()'], ['f(', 'mu', ')'], ['[]', 'int', ''], ['*', 'p', ''], ['!', 'x', ''],
  ['a.', 'mu.Lock()', ''], ['', 'x', '+x'], ['for {', 'break', '}'], ['switch {\ncase true:', 'mu.Lock()', '}'],
  ['/*', '', '*/'], ['"', '', ''],
];

/** `levels` openers of one form, its innermost text and (when balanced) as many closers, each followed by `sep`. */
export function nested(form: readonly [string, string, string], levels: number, sep: string, balanced: boolean): string {
  const [open, middle, close] = form;
  return (open + sep).repeat(levels) + middle + (balanced ? (close + sep).repeat(levels) : '');
}

/** Very deep nesting: `levels` openers (and usually their closers) of one form, at one place. */
export function deepNesting(rng: Rng, text: string, levels: number, avoidKnownHangs = false): string {
  const form = rng.pick(DEEP_FORMS);
  const balanced = rng.chance(0.8);
  // One "*/" per line is the known superlinear case of tree-sitter's error recovery (KNOWN.slowParse).
  const sep = rng.chance(0.3) && !(avoidKnownHangs && form[0] === '/*') ? '\n' : '';
  return insertAt(text, place(rng, text, tokenize(text)), nested(form, levels, sep, balanced));
}

/** One line of about `bytes` characters, inserted at a line start or mid-line. */
export function longLine(rng: Rng, text: string, bytes: number): string {
  const unit = rng.pick(['x', 'mu.Lock(); ', 'f(); ', 's.mu.Unlock(); ', ';', ' ', 'a+', 'ab', '\u{1F600}', '\u00e9']);
  const body = unit.repeat(Math.max(1, Math.floor(bytes / unit.length)));
  const line = rng.pick([`// ${body}`, `var s = "${body}"`, `var s = "${body}`, `func f() { ${body} }`, body, `/* ${body}`]);
  const toks = tokenize(text.length > 200_000 ? '' : text);
  return insertAt(text, place(rng, text, toks), line);
}

/** Text made up from scratch out of lock snippets, brackets and identifiers. */
export function synthesize(rng: Rng): string {
  const parts = ['package p\n\nimport "sync"\n'];
  const n = rng.int(5, 80);
  for (let i = 0; i < n; i++) {
    parts.push(rng.weighted<() => string>([
      [6, () => rng.pick(LOCK_SNIPPETS)],
      [2, () => BRACKETS[rng.below(BRACKETS.length)]],
      [2, () => `func ${rng.pick(['f', 'g', 'h', 'fLocked', '(s *S) Get', '(t *T) incLocked', '(s *S) getLocked'])}() {`],
      [1, () => rng.pick(['s', 't', 'c', 'x', 'mu', 'vm', 'S', 'T'])],
    ])());
    parts.push(rng.pick(['\n', '\n', '; ', ' ', '\n\t']));
  }
  return parts.join('');
}

export interface Mutation { text: string; ops: string[] }

export interface MutateOptions extends MutateContext {
  /** Upper bound on stacked ordinary mutations (1 to this many). */
  maxOps?: number;
  /** Probability of adding 10,000-level nesting. */
  deep?: number;
  /** Probability of adding a ~1 MB line. */
  long?: number;
  /** Size of the long line. */
  longBytes?: number;
  /** See GenOptions.avoidKnownHangs in pipeline.ts. */
  avoidKnownHangs?: boolean;
}

const WEIGHTS: [number, string][] = [
  [6, 'deleteTokens'], [4, 'duplicateTokens'], [3, 'swapTokens'], [3, 'truncate'], [4, 'unbalancedBraces'], [7, 'insertSnippet'],
  [3, 'spliceDonor'], [3, 'renameIdent'], [3, 'lines'], [1, 'nul'], [2, 'invalidUtf8'], [2, 'oddChars'], [2, 'callChain'],
];

/** One to `maxOps` ordinary mutations, then maybe deep nesting or a long line (last, since they make the text big). */
export function mutate(rng: Rng, text: string, opts: MutateOptions): Mutation {
  const ops: string[] = [];
  let out = text;
  const n = rng.int(1, opts.maxOps ?? 4);
  for (let i = 0; i < n; i++) {
    const name = rng.weighted(WEIGHTS);
    out = MUTATORS[name](rng, out, opts);
    ops.push(name);
  }
  if (rng.chance(opts.deep ?? 0)) {
    const levels = rng.chance(0.5) ? 10_000 : rng.int(300, 10_000);
    out = deepNesting(rng, out, levels, opts.avoidKnownHangs);
    ops.push(`deepNesting(${levels})`);
  }
  if (rng.chance(opts.long ?? 0)) {
    const bytes = opts.longBytes ?? 1024 * 1024;
    out = longLine(rng, out, bytes);
    ops.push(`longLine(${bytes})`);
  }
  return { text: out, ops };
}
