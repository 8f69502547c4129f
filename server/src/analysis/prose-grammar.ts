/**
 * Reads "the caller holds X" out of a doc comment, one sentence at a time, with a small grammar: a predicate
 * ("must be held", "is held on entry", "assumes … is held", "caller must hold …", "called with … held") and the
 * noun phrase it applies to ("Lock", "Read lock", "Server lock", "the client's lock", "mset.mu and mset.ddMu
 * locks", "the signal mutex"). A name never crosses a sentence. Negated, disjunctive and conditional sentences
 * ("Lock should NOT be held", "…, or t.mu must be locked", "if JetStream is enabled") claim nothing.
 */

/** What one sentence claims the caller holds. */
export interface LockClaim {
  /** The sentence, for evidence and hovers. */
  sentence: string;
  /**
   * The names, as written, of the locks or of their owners: `mb.mu`, `vmLock`, `Server` (the server's lock),
   * `client`, `signal` (the signal mutex). Empty for "the lock".
   */
  subjects: string[];
  /** Whether each subject was written as code (a path, camelCase, or followed by "lock"), not an English word. */
  codeLike: boolean[];
  /** "Lock", "the lock", "Write lock": the function's own lock. */
  generic: boolean;
  /** "Both locks", "all locks": several, without saying which. */
  several: boolean;
  /** "read lock", "(at least) a read lock" → read; "write lock", "locked for writing" → write. */
  mode: 'read' | 'write' | 'any';
}

const HELD = String.raw`(?:held|locked|acquired|taken|owned|grabbed)`;
const MODAL = String.raw`(?:must|should|shall|needs?\s+to|has\s+to|have\s+to|(?:is|are)\s+required\s+to)`;
const ENTRY = String.raw`(?:(?:on|upon|at|when|while)\s+)?(?:entry|entering|calling)`;

/** A predicate whose subject comes before it: "X must be held", "X is held on entry", "X is assumed held". */
const BEFORE: RegExp[] = [
  new RegExp(String.raw`\b${MODAL}\s+(?:already\s+)?(?:be\s+)?(?:already\s+)?${HELD}\b`, 'gi'),
  new RegExp(String.raw`(?:\b(?:is|are)\s+)?(?:already\s+)?\b(?:assumed|expected|required)\s+(?:to\s+be\s+)?(?:already\s+)?${HELD}\b`, 'gi'),
  new RegExp(String.raw`(?:\b(?:is|are)\s+)?(?:already\s+)?\b${HELD}\s+${ENTRY}\b`, 'gi'),
  new RegExp(String.raw`\b(?:is|are)\s+(?:already\s+)?${HELD}\s+by\s+(?:the\s+|its\s+)?callers?\b`, 'gi'),
];

/** "the dc.db's Mutex is held": a named lock said to be held, as the whole of a clause. */
const BARE_HELD = new RegExp(String.raw`\b(?:is|are)\s+(?:already\s+)?${HELD}\s*$`, 'i');

/** A predicate whose subject follows it (group 1 ends where the subject starts). */
const AFTER: RegExp[] = [
  new RegExp(String.raw`\bassum(?:e|es|ing)\s+(?:that\s+)?(?:the\s+|its\s+)?callers?\s+(?:is\s+|are\s+)?(?:already\s+)?(?:holding|holds|hold|has\s+locked|has\s+acquired|has|owns)\s+`, 'gi'),
  new RegExp(String.raw`\bcallers?\s+${MODAL}\s+(?:already\s+)?(?:hold|have\s+locked|have\s+acquired|have|own|acquire|lock|take)\s+`, 'gi'),
  new RegExp(String.raw`\bcallers?\s+(?:is\s+|are\s+)?(?:already\s+)?(?:holding|holds|has\s+locked|has\s+acquired|owns)\s+`, 'gi'),
  new RegExp(String.raw`\bcalled\s+(?:only\s+)?while\s+(?:holding|having\s+locked|having\s+acquired)\s+`, 'gi'),
];

/** A predicate around its subject (group 1). */
const AROUND: RegExp[] = [
  new RegExp(String.raw`\bassum(?:e|es|ing)\s+(?:that\s+)?(.{1,80}?)\s+(?:is|are)\s+(?:already\s+)?${HELD}\b`, 'gi'),
  new RegExp(String.raw`\bcalled\s+with\s+(.{1,80}?)\s+(?:already\s+)?${HELD}\b`, 'gi'),
  new RegExp(String.raw`\bcalled\s+(?:only\s+)?(?:while|when)\s+(.{1,80}?)\s+(?:is|are)\s+(?:already\s+)?${HELD}\b`, 'gi'),
  new RegExp(String.raw`\brequires?\s+(?:that\s+)?(.{1,80}?)\s+(?:is\s+|are\s+|be\s+|to\s+be\s+)?(?:already\s+)?${HELD}\b`, 'gi'),
];

/** minimega: "runCommands is RunCommands without locking cmdLock". */
const WITHOUT_LOCKING = /\bis\s+\w+\s+without\s+(?:locking|acquiring|taking|grabbing|holding)\s+/gi;

const NEGATION = /\b(?:not|no|never|none|cannot|nor|neither|without)\b|n't\b/i;
const CONDITION = /\b(?:if|unless|whether|otherwise)\b/i;
/** "or" outside "(read or write)": either of two things, so neither is required. */
const DISJUNCTION = /\bor\b/i;
/** Things that are "locked" but are no mutex. */
const NOT_A_MUTEX = /\b(?:os\s+thread|thread|goroutine|file\s+lock|flock)\b/i;

// Not `mu`: written alone, it is the field or variable of that name.
const LOCK_WORDS = new Set(['lock', 'locks', 'mutex', 'mutexes', 'rwmutex', 'rwlock', 'rlock', 'wlock', 'spinlock']);
const DETERMINERS = new Set(['the', 'a', 'an', 'its', 'their', 'our', 'this', 'that', 'his', 'her', 'your']);
const SEVERAL = new Set(['both', 'all', 'these', 'those', 'two', 'multiple', 'several', 'either', 'each', 'any', 'some']);
const READ_WORDS = new Set(['read', 'reader', 'readers', 'shared', 'rlock']);
const WRITE_WORDS = new Set(['write', 'writer', 'exclusive', 'wlock']);
/** Adjectives that say which object without naming it: "the owning endpoint", "the parent account". */
const FILLERS = new Set(['owning', 'parent', 'associated', 'corresponding', 'relevant', 'appropriate', 'same', 'main', 'global', 'minimum']);
/** Words that end a noun phrase: a name never reaches over them. */
const STOP = new Set([
  'with', 'while', 'when', 'is', 'are', 'be', 'been', 'being', 'was', 'were', 'to', 'which', 'who', 'it', 'we', 'they',
  'must', 'should', 'can', 'could', 'will', 'would', 'may', 'might', 'does', 'do', 'did', 'so', 'but', 'then', 'also',
  'here', 'there', 'in', 'at', 'by', 'from', 'under', 'over', 'after', 'before', 'as', 'of', 'for', 'on', 'only',
  'just', 'now', 'note', 'and', 'or', 'not', 'no', 'caller', 'callers', 'function', 'method', 'this', 'call', 'called',
  'returns', 'return', 'has', 'have', 'had', 'holds', 'hold', 'holding', 'needs', 'need', 'requires', 'assumes',
  'assume', 'i.e', 'e.g', 'since', 'because', 'until', 'once', 'already', 'still', 'again', 'precondition',
  'preconditions', 'requirement', 'requirements', 'entry', 'lockset', 'we\'re', 'you',
]);

/** The sentences of a doc comment: blank lines and list items ("- X must be locked") start new ones. */
export function sentencesOf(doc: string): string[] {
  const paragraphs: string[] = [];
  let cur: string[] = [];
  const flush = (): void => { if (cur.length) paragraphs.push(cur.join(' ')); cur = []; };
  for (const raw of doc.split('\n')) {
    const line = raw.trim();
    const bullet = /^(?:[-*•+]|\d+[.)])\s+/.exec(line);
    if (!line || bullet || startsSentence(cur[cur.length - 1], line)) flush();
    if (line) cur.push(bullet ? line.slice(bullet[0].length) : line);
  }
  flush();
  const out: string[] = [];
  for (const p of paragraphs) {
    const protectedText = p.replace(/\b(e\.g|i\.e|etc|vs)\./gi, (m) => m.replace(/\./g, '\u2024'));
    for (const s of protectedText.split(/(?<=[.!?;])\s+|:\s+/)) {
      const t = s.replace(/\u2024/g, '.').replace(/[.;:!?]+$/, '').trim();
      if (t) out.push(t);
    }
  }
  return out;
}

/**
 * A comment line often ends a sentence without a period: "… for the source" then "Lock should be held." A
 * capitalised line after one that ends in a word other than a determiner or preposition starts a new sentence.
 */
function startsSentence(previous: string | undefined, line: string): boolean {
  if (!previous || /[.!?;:,]$/.test(previous) || !/^[A-Z]/.test(line)) return false;
  const last = /(\w+)$/.exec(previous)?.[1].toLowerCase();
  return !!last && !CONTINUES.has(last);
}

const CONTINUES = new Set(['the', 'a', 'an', 'its', 'their', 'of', 'for', 'with', 'to', 'and', 'or', 'on', 'in', 'by', 'that', 'which', 'is', 'are', 'be', 'must', 'should', 'hold', 'holds', 'holding', 'while', 'when', 'if']);

/** What the doc comment claims the caller holds, sentence by sentence. */
export function lockClaims(doc: string): LockClaim[] {
  const out: LockClaim[] = [];
  for (const sentence of sentencesOf(doc)) {
    const claim = claimOf(sentence);
    if (claim) out.push(claim);
  }
  return out;
}

function claimOf(sentence: string): LockClaim | undefined {
  // "(read or write)" and "(at least)" say the mode; they are no disjunction and no subject.
  let mode: LockClaim['mode'] = 'any';
  let s = sentence.replace(/`/g, '')
    .replace(/\(?\b(?:read\s+or\s+write|read\/write|r\/w)\)?/gi, () => 'rwany')
    .replace(/\(?\bat\s+least\)?/gi, '')
    .replace(/\b(?:locked|held)\s+for\s+writing\b/gi, () => { mode = 'write'; return 'locked'; })
    .replace(/\b(?:locked|held)\s+for\s+reading\b/gi, () => { mode = 'read'; return 'locked'; })
    // "must be read-locked", "is RLocked": held for reading.
    .replace(/\b(?:read[-\s]?locked|rlocked)\b/gi, () => { mode = 'read'; return 'locked'; })
    .replace(/\b(?:write[-\s]?locked|wlocked)\b/gi, () => { mode = 'write'; return 'locked'; })
    // "Caller must hold c.mu for reading": the mode after the lock the caller holds.
    .replace(/\s+for\s+(reading|writing)\b/gi, (_, w: string) => { mode = w.toLowerCase() === 'reading' ? 'read' : 'write'; return ''; })
    // "the lock on dc", "Lock for fs": the owner's lock, "dc lock".
    .replace(/\b(lock|mutex)\s+(?:on|of|for)\s+(?:the\s+)?([A-Za-z_][\w.]*)/gi, (m, word: string, owner: string) =>
      /^(?:entry|entering|calling|writing|reading|this|it|a|an)$/i.test(owner) ? m : `${owner} ${word}`);
  if (/\b(?:rlock|read\s+lock)\s+minimum\b/i.test(s)) mode = 'read';
  if (DISJUNCTION.test(s) || CONDITION.test(s) || NOT_A_MUTEX.test(s)) return undefined;
  s = s.replace(/\brwany\b/g, '');
  for (const m of matches(s)) {
    if (NEGATION.test(m.region)) continue;
    const np = nounPhrase(m.subject, m.direction);
    if (!np) continue;
    if (m.direction === 'before' || m.direction === 'around') {
      // "Lock should be held on the owning account": the owner follows the predicate.
      const owner = /^\s*(?:on|for|of)\s+(?:the\s+)?(?:(?:owning|parent|associated)\s+)?([A-Za-z_][\w.]*)/i.exec(s.slice(m.end));
      if (owner && np.generic && !/^(?:entry|entering|calling|call|exit|return|this|here|now|writing|reading|the|a|an|it)$/i.test(owner[1])) {
        np.subjects.push(owner[1]); np.codeLike.push(true); np.generic = false;
      }
    }
    return { sentence, ...np, mode: np.mode !== 'any' ? np.mode : mode };
  }
  return undefined;
}

interface PredicateMatch {
  subject: string;
  direction: 'before' | 'after' | 'around';
  /** From the clause's start to the predicate's end: where a negation would cancel the claim. */
  region: string;
  end: number;
}

function* matches(s: string): Generator<PredicateMatch> {
  const clauseStart = (at: number): number => Math.max(s.lastIndexOf(',', at - 1), s.lastIndexOf(';', at - 1)) + 1;
  for (const re of BEFORE) {
    for (const m of s.matchAll(re)) {
      const at = m.index ?? 0, start = clauseStart(at);
      yield { subject: s.slice(start, at), direction: 'before', region: s.slice(start, at + m[0].length), end: at + m[0].length };
    }
  }
  for (const re of AROUND) {
    for (const m of s.matchAll(re)) {
      const at = m.index ?? 0, start = clauseStart(at);
      yield { subject: m[1], direction: 'around', region: s.slice(start, at + m[0].length), end: at + m[0].length };
    }
  }
  for (const re of [...AFTER, WITHOUT_LOCKING]) {
    for (const m of s.matchAll(re)) {
      const at = m.index ?? 0, start = clauseStart(at);
      const rest = s.slice(at + m[0].length);
      const stop = /[,;()]/.exec(rest);
      const subject = stop ? rest.slice(0, stop.index) : rest;
      // "without locking X" is itself the claim: its "without" is no negation.
      const region = re === WITHOUT_LOCKING ? '' : s.slice(start, at + m[0].length) + subject;
      yield { subject, direction: 'after', region, end: at + m[0].length + subject.length };
    }
  }
  const bare = BARE_HELD.exec(s);
  if (bare) {
    const start = clauseStart(bare.index);
    const subject = s.slice(start, bare.index);
    // Only a whole clause that names a lock: "the dc.db's Mutex is held", never "Reports whether the lock is held".
    if (/^\s*(?:the\s+)?[A-Za-z_][\w.]*(?:'s)?\s+(?:lock|mutex|mu)?\s*$/i.test(subject) && /[.']|[a-z][A-Z]/.test(subject)) {
      yield { subject, direction: 'around', region: s.slice(start), end: s.length };
    }
  }
}

type NounPhrase = Omit<LockClaim, 'sentence'>;

type Token = { kind: 'det' | 'several' | 'read' | 'write' | 'lock' | 'and' | 'filler' | 'name' | 'stop'; text: string; possessive?: boolean };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const raw of text.replace(/,/g, ' , ').split(/\s+/).filter(Boolean)) {
    const possessive = /'s$/i.test(raw);
    const word = raw.replace(/'s$/i, '').replace(/^[("'[]+|[)"'\].!?:]+$/g, '');
    const lower = word.toLowerCase();
    if (raw === ',') out.push({ kind: 'and', text: ',' });
    else if (!word) continue;
    else if (lower === 'and') out.push({ kind: 'and', text: word });
    else if (DETERMINERS.has(lower)) out.push({ kind: 'det', text: word });
    else if (SEVERAL.has(lower)) out.push({ kind: 'several', text: word });
    else if (lower === 'rlock') { out.push({ kind: 'read', text: word }); out.push({ kind: 'lock', text: word }); }
    else if (lower === 'wlock') { out.push({ kind: 'write', text: word }); out.push({ kind: 'lock', text: word }); }
    else if (READ_WORDS.has(lower) && !possessive) out.push({ kind: 'read', text: word });
    else if (WRITE_WORDS.has(lower) && !possessive) out.push({ kind: 'write', text: word });
    else if (LOCK_WORDS.has(lower) && !possessive) out.push({ kind: 'lock', text: word });
    else if (FILLERS.has(lower)) out.push({ kind: 'filler', text: word });
    else if (STOP.has(lower) || !/^[A-Za-z_][\w.]*(?:\(\))?$/.test(word)) out.push({ kind: 'stop', text: word });
    else out.push({ kind: 'name', text: word.replace(/\(\)$/, ''), possessive });
  }
  return out;
}

/**
 * The noun phrase a predicate applies to. Before a predicate it is the longest run of phrase words that ends at
 * it; after one, the run that starts there; around one, the whole text must be a phrase.
 */
function nounPhrase(text: string, direction: PredicateMatch['direction']): NounPhrase | undefined {
  let tokens = tokenize(text);
  if (direction === 'before') {
    let i = tokens.length;
    while (i > 0 && tokens[i - 1].kind !== 'stop') i--;
    tokens = tokens.slice(i);
  } else if (direction === 'after') {
    const i = tokens.findIndex((t) => t.kind === 'stop');
    if (i >= 0) tokens = tokens.slice(0, i);
  } else if (tokens.some((t) => t.kind === 'stop')) return undefined;
  // A determiner opens the phrase: nothing before it belongs to it ("grab the leaf lock" is not read here).
  const lastDet = tokens.map((t) => t.kind).lastIndexOf('det');
  if (lastDet > 0 && direction === 'before') tokens = tokens.slice(lastDet);
  while (tokens.length && tokens[0].kind === 'and') tokens = tokens.slice(1);
  while (tokens.length && tokens[tokens.length - 1].kind === 'and') tokens = tokens.slice(0, -1);
  if (!tokens.length) return undefined;

  let mode: LockClaim['mode'] = 'any', several = false, lockWord = false;
  const groups: string[][] = [[]];
  const codeLike: boolean[] = [];
  for (const t of tokens) {
    if (t.kind === 'read') mode = 'read';
    else if (t.kind === 'write') mode = 'write';
    else if (t.kind === 'several') several = true;
    else if (t.kind === 'lock') lockWord = true;
    else if (t.kind === 'and') { if (groups[groups.length - 1].length) groups.push([]); }
    else if (t.kind === 'name') groups[groups.length - 1].push(t.text);
  }
  const names = groups.filter((g) => g.length > 0);
  // "the runtime OS thread", "the open client list": more than two words is a description, not a name.
  if (names.some((g) => g.length > 2) || names.length > 3) return undefined;
  if (names.length === 0) {
    if (!lockWord && !several) return undefined;
    return { subjects: [], codeLike: [], generic: !several, several, mode };
  }
  const subjects = names.map((g) => g.join(' '));
  for (const s of subjects) codeLike.push(lockWord || /[._]|[a-z][A-Z]|^[A-Z]/.test(s));
  return { subjects, codeLike, generic: false, several: false, mode };
}
