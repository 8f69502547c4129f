/**
 * Parser for the goroutine dumps that the Go runtime prints: on a crash (`panic: ...`, `fatal error: ...`),
 * on SIGQUIT, or through `runtime/pprof` with `debug=2` (`/debug/pprof/goroutine?debug=2`).
 *
 * The format, as written by the runtime's traceback code (Go 1.19 to 1.25):
 *
 *     fatal error: all goroutines are asleep - deadlock!          <- preamble
 *
 *     goroutine 17 [semacquire, 5 minutes, locked to thread]:      <- header (Go 1.22+ may add gp=... m=... mp=...)
 *     sync.(*RWMutex).RLock(...)                                   <- function and its arguments
 *     \t/usr/local/go/src/sync/rwmutex.go:71                        <- file:line, then +0xNN, then fp= sp= pc=
 *     main.(*Registry).Get(0xc000094000?, {0x482818?, 0x1?})
 *     \t/home/dev/src/example.com/shop/rwr/main.go:14 +0x65
 *     ...additional frames elided...                               <- or "...N frames elided..." (Go 1.21+)
 *     created by main.main in goroutine 1                          <- " in goroutine N" since Go 1.21
 *     \t/home/dev/src/example.com/shop/rwr/main.go:39 +0xbe
 *
 * The parser is lenient, because dumps arrive pasted into issues and scraped from logs: it accepts CRLF
 * line ends, tabs turned into spaces, blank lines doubled or dropped, a prefix on every line (such as
 * `app_1  | ` from docker compose, or a timestamp from `kubectl logs --timestamps`), and lines of other
 * output interleaved with the trace. It never throws: input it does not understand yields fewer
 * goroutines, frames or preamble lines.
 */

export interface Frame {
  /** The function as printed: 'sync.(*Mutex).Lock', 'main.(*Node).collect', 'example.com/shop/store.(*Store).Report'. */
  func: string;
  /** The text between the parentheses, verbatim ('0xc000014100', '...', '{0x482818?, 0x1?}'); absent on `created by`. */
  args?: string;
  /** The source path as printed, from the machine that ran the program ('C:/...' on Windows). */
  file: string;
  line: number;
  /** The PC offset within the function, as hex without the '+': '0x1d'. Absent on inlined frames. */
  offset?: string;
}

export interface Goroutine {
  id: number;
  /** The status or wait reason: 'running', 'semacquire', 'sync.Mutex.Lock', 'chan receive', 'select (no cases)'. */
  state: string;
  /** From ', N minutes': how long the goroutine has been blocked, rounded down. */
  waitMinutes?: number;
  /** From ', locked to thread': the goroutine is wired to its OS thread (runtime.LockOSThread). */
  locked?: boolean;
  /** Innermost first, as printed. */
  frames: Frame[];
  /** The `go` statement that started the goroutine; `goroutine` is the creator's id (Go 1.21+ only). */
  createdBy?: Frame & { goroutine?: number };
  /** The runtime left frames out ('...additional frames elided...' or '...N frames elided...'). */
  elided?: boolean;
}

export interface Dump {
  /** The lines of the crash report before the first goroutine, trimmed: 'fatal error: concurrent map writes', 'panic: boom', 'SIGQUIT: quit'. */
  preamble: string[];
  goroutines: Goroutine[];
}

/** Longer lines are never part of a trace; skipping them bounds the work the regular expressions do. */
const MAX_LINE = 8192;

/** `goroutine 17 [semacquire]:` or, Go 1.22+, `goroutine 17 gp=0xc000007340 m=nil [sync.Mutex.Lock, 5 minutes]:`. */
const HEADER = /^goroutine (\d+)(?: [a-z]+=[^\s[\]]*)* ?\[([^\]]*)\]:\s*$/;
/** The same, anywhere on a line: the text before it is a prefix that every line of the dump carries. */
const PREFIXED_HEADER = /^(.*?)goroutine (\d+)(?: [a-z]+=[^\s[\]]*)* ?\[([^\]]*)\]:\s*$/;
/** `\t/path/to/file.go:123 +0x1d fp=0x... sp=0x... pc=0x...` (leading whitespace removed). */
const FILE_LINE = /^(.+?):(\d+)(?=\s|$)(?:\s+\+(0x[0-9a-fA-F]+))?/;
const CREATED_BY = /^created by (\S+)(?: in goroutine (\d+))?\s*$/;
const ELIDED = /^\.\.\.(?:additional frames elided|\d+ frames elided)\.\.\.\s*$/;
const MINUTES = /^(\d+) minutes?$/;
/** The first line of a crash report. */
const CRASH_START = /^(?:panic: |fatal error: |SIG[A-Z0-9]+: |runtime: |unexpected fault address |unexpected signal )/;

export function parseDump(text: string): Dump {
  const dump: Dump = { preamble: [], goroutines: [] };
  if (typeof text !== 'string' || text.length === 0) return dump;
  const lines = text.split(/\r\n|\r|\n/);

  /** Set at the first header, from the prefix that it carries. */
  let strip: ((line: string) => string | undefined) | undefined;
  let firstHeader = -1;
  let current: Goroutine | undefined;
  /** A function line waiting for its file line. */
  let pending: { func: string; args?: string; creator?: number; createdBy: boolean } | undefined;
  /** After `created by` and its file line nothing more belongs to the goroutine. */
  let complete = false;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.length > MAX_LINE) { pending = undefined; continue; }

    const header = matchHeader(raw, strip);
    if (header) {
      if (!strip) {
        firstHeader = i;
        strip = prefixStripper(header.prefix);
      }
      current = { id: header.id, state: '', frames: [] };
      applyState(current, header.bracket);
      dump.goroutines.push(current);
      pending = undefined;
      complete = false;
      continue;
    }
    if (!current || !strip || complete) continue;

    const line = strip(raw);
    if (line === undefined) continue; // another source's line interleaved with ours
    if (line.trim() === '') continue; // blank lines separate goroutines, but a header does that too

    if (/^\s/.test(line)) {
      // The file line of the pending function, or something indented we do not know.
      const m = pending && FILE_LINE.exec(line.trim());
      if (pending && m) {
        const lineNo = Number(m[2]);
        if (Number.isSafeInteger(lineNo)) {
          const frame: Frame = { func: pending.func, file: m[1], line: lineNo };
          if (pending.args !== undefined) frame.args = pending.args;
          if (m[3]) frame.offset = m[3].toLowerCase();
          if (pending.createdBy) {
            const created: Frame & { goroutine?: number } = frame;
            if (pending.creator !== undefined) created.goroutine = pending.creator;
            current.createdBy = created;
            complete = true;
          } else {
            current.frames.push(frame);
          }
        }
      }
      pending = undefined;
      continue;
    }

    const body = line.trimEnd();
    if (ELIDED.test(body)) { current.elided = true; pending = undefined; continue; }
    const created = CREATED_BY.exec(body);
    if (created) {
      const creator = created[2] === undefined ? undefined : Number(created[2]);
      pending = { func: created[1], createdBy: true };
      if (creator !== undefined && Number.isSafeInteger(creator)) pending.creator = creator;
      continue;
    }
    const call = splitCall(body);
    pending = call ? { func: call.func, args: call.args, createdBy: false } : undefined;
  }

  if (strip && firstHeader > 0) dump.preamble = preambleOf(lines.slice(0, firstHeader), strip);
  return dump;
}

function matchHeader(raw: string, strip: ((line: string) => string | undefined) | undefined): { id: number; bracket: string; prefix: string } | undefined {
  if (!raw.includes('goroutine ')) return undefined;
  if (strip) {
    // After the first header the prefix is known, and every header carries it.
    const line = strip(raw);
    const m = line === undefined ? null : HEADER.exec(line.trim());
    return m ? idOf(m[1], m[2], '') : undefined;
  }
  const m = PREFIXED_HEADER.exec(raw.trimEnd());
  return m ? idOf(m[2], m[3], m[1]) : undefined;
}

function idOf(id: string, bracket: string, prefix: string): { id: number; bracket: string; prefix: string } | undefined {
  const n = Number(id);
  return Number.isSafeInteger(n) ? { id: n, bracket, prefix } : undefined;
}

const identity = (l: string): string => l;

/**
 * Removes the prefix that the first header carried from every line. A prefix with digits in it (a
 * timestamp, a pod's replica number) matches any digits in their place; a line without the prefix
 * belongs to some other output and is skipped.
 */
function prefixStripper(prefix: string): (line: string) => string | undefined {
  if (prefix === '') return identity;
  if (prefix.trim() === '') {
    // Indentation, as when a dump is quoted in Markdown: tolerate lines that lost some of it.
    return (l) => (l.startsWith(prefix) ? l.slice(prefix.length) : l.trim() === '' ? '' : undefined);
  }
  if (!/\d/.test(prefix)) return (l) => (l.startsWith(prefix) ? l.slice(prefix.length) : undefined);
  const re = new RegExp('^' + prefix.split(/\d+/).map(escapeRegExp).join('\\d+'));
  return (l) => {
    if (l.startsWith(prefix)) return l.slice(prefix.length);
    const m = re.exec(l);
    return m ? l.slice(m[0].length) : undefined;
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** '[semacquire, 5 minutes, locked to thread]' without the brackets: the state, then optional details. */
function applyState(g: Goroutine, bracket: string): void {
  const parts = bracket.split(',').map((p) => p.trim());
  g.state = parts[0];
  for (const p of parts.slice(1)) {
    const m = MINUTES.exec(p);
    if (m) {
      const n = Number(m[1]);
      if (Number.isSafeInteger(n)) g.waitMinutes = n;
    } else if (p === 'locked to thread') {
      g.locked = true;
    }
    // Anything else ('synctest group 7', ...) is not modelled.
  }
}

/**
 * 'main.(*Registry).Get(0xc000094000?, {0x482818?, 0x1?})' into the function and its argument text.
 * The arguments are the parenthesised group that ends the line; the function name has no spaces.
 */
export function splitCall(text: string): { func: string; args: string } | undefined {
  if (!text.endsWith(')')) return undefined;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ')') depth++;
    else if (c === '(') {
      depth--;
      if (depth === 0) {
        const func = text.slice(0, i);
        if (func === '' || /\s/.test(func)) return undefined;
        return { func, args: text.slice(i + 1, -1) };
      }
    }
  }
  return undefined;
}

/**
 * The crash report before the first goroutine: from its first line ('panic: ', 'fatal error: ',
 * 'SIGQUIT: quit', 'runtime: ...') to the header, without blank lines and without the 'runtime stack:'
 * section that a runtime throw adds. Lines before the report (an application's log) are not part of it.
 */
function preambleOf(lines: string[], strip: (line: string) => string | undefined): string[] {
  const stripped: string[] = [];
  for (const raw of lines) {
    if (raw.length > MAX_LINE) continue;
    const l = strip(raw);
    if (l !== undefined) stripped.push(l);
  }
  const start = stripped.findIndex((l) => CRASH_START.test(l.trim()));
  if (start < 0) return [];
  const out: string[] = [];
  for (const l of stripped.slice(start)) {
    const t = l.trim();
    if (t === 'runtime stack:') break;
    if (t !== '') out.push(t);
  }
  return out;
}
