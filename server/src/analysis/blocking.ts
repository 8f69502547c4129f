import type { FuncDecl, GoFile, VarDecl } from '../model/file';
import { walk, type SyntaxNode } from '../syntax/node';
import { ExprResolver, type Ref } from '../model/refs';
import type { GoPackage } from '../model/package';
import { Scope } from '../model/scope';
import { deref } from '../model/types';

/**
 * `runtime.LockOSThread` wires the goroutine to its thread until `UnlockOSThread`. It is tracked as a
 * pseudo-lock in the held set: it is never part of the lock order and never "missing".
 */
export const OS_THREAD_KEY = '#os-thread';

export function osThreadRef(): Ref {
  return { key: OS_THREAD_KEY, display: 'the OS thread (runtime.LockOSThread)', rootKind: 'expr', root: OS_THREAD_KEY, path: [], exact: false, type: { kind: 'unknown' }, clsPath: [] };
}

export function isPseudoLock(key: string): boolean {
  return key.startsWith('#');
}

const THREAD_STATE_CHANGES = new Set(['netns.Set', 'netns.SetNs', 'unix.Setns', 'syscall.Setns', 'unix.Unshare', 'syscall.Unshare', 'unix.Chroot', 'syscall.Chroot']);

/** Calls that change per-thread state (a network namespace, say): a goroutine started later does not share it. */
export function threadStateChange(fnName: string): boolean {
  return THREAD_STATE_CHANGES.has(fnName);
}

const BLOCKING_FUNCS = new Map<string, string>([
  ['time.Sleep', 'time.Sleep'],
  ['http.Get', 'HTTP request (http.Get)'], ['http.Post', 'HTTP request (http.Post)'], ['http.Head', 'HTTP request (http.Head)'],
  ['http.PostForm', 'HTTP request (http.PostForm)'], ['http.ListenAndServe', 'http.ListenAndServe'],
  ['net.Dial', 'network I/O (net.Dial)'], ['net.DialTimeout', 'network I/O (net.DialTimeout)'],
  ['io.Copy', 'I/O (io.Copy)'], ['io.ReadAll', 'I/O (io.ReadAll)'], ['io.ReadFull', 'I/O (io.ReadFull)'],
]);

/** Methods that block on values of these types (package, type) → methods. */
const BLOCKING_METHODS: [string, string, Set<string>][] = [
  ['sync', 'WaitGroup', new Set(['Wait'])],
  ['exec', 'Cmd', new Set(['Run', 'Wait', 'Output', 'CombinedOutput'])],
  ['http', 'Client', new Set(['Do', 'Get', 'Post', 'Head', 'PostForm'])],
  ['net', 'Conn', new Set(['Read', 'Write'])],
  ['net', 'Listener', new Set(['Accept'])],
  ['net', 'TCPConn', new Set(['Read', 'Write'])],
  ['net', 'UDPConn', new Set(['Read', 'Write', 'ReadFrom', 'WriteTo'])],
];

/**
 * What a call blocks on, or undefined. `cond.Wait()` blocks only while a lock other than the
 * condition's own is held (Wait releases and reacquires cond.L).
 */
export function blockingCall(call: SyntaxNode, fnName: string, res: ExprResolver, scope: Scope): { what: string; ownLock?: string } | undefined {
  const name = canonical(fnName, res, scope);
  const known = BLOCKING_FUNCS.get(name);
  if (known) return READERS.has(name) && readsMemory(call, res, scope) ? undefined : { what: known };
  const fn = call.children.find((c) => c.field === 'function');
  if (fn?.type !== 'selector_expression') return undefined;
  const operand = fn.children.find((c) => c.field === 'operand');
  const method = res.file.text(fn.children.find((c) => c.field === 'field'));
  // `exec.Command(...).Run()`
  const made = operand?.type === 'call_expression' ? canonical(res.file.text(operand.children.find((c) => c.field === 'function')).replace(/\s+/g, ''), res, scope) : '';
  if (/^exec\.Command(Context)?$/.test(made) && ['Run', 'Output', 'CombinedOutput', 'Wait'].includes(method)) {
    return { what: `os/exec ${method}` };
  }
  const t = deref(res.typeOf(operand, scope));
  if (t.kind !== 'named' || !t.pkg) return undefined;
  // Cond.Wait releases its own L while it waits; it blocks while any other lock is held.
  if (t.pkg === 'sync' && t.name === 'Cond' && method === 'Wait') return { what: 'sync.Cond.Wait', ownLock: condLockName(res, operand, scope) ?? '?' };
  for (const [pkg, type, methods] of BLOCKING_METHODS) {
    if (t.pkg === pkg && t.name === type && methods.has(method)) return { what: `${pkg}.${type}.${method}` };
  }
  return undefined;
}

/**
 * `nethttp.Get` as the table names it, `http.Get`: a package renamed on import is known by its path's last
 * element. A name that is a variable in scope stays as written.
 */
function canonical(fnName: string, res: ExprResolver, scope: Scope): string {
  const dot = fnName.indexOf('.');
  if (dot <= 0) return fnName;
  const local = fnName.slice(0, dot);
  const path = res.file.imports.get(local);
  if (!path || scope.lookup(local)) return fnName;
  return `${path.slice(path.lastIndexOf('/') + 1)}${fnName.slice(dot)}`;
}

/** The table's functions that only read their first argument (and io.Copy, which also writes its first). */
const READERS = new Set(['io.Copy', 'io.ReadAll', 'io.ReadFull']);

/**
 * Whether every reader and writer the call is given lives in memory or is a source of random bytes: a
 * bytes.Buffer, bytes.Reader or strings.Reader (or one made on the spot), or a source of random bytes (crypto/rand's
 * Reader, or a value named rand: crypto/tls's `io.ReadFull(rand, nonce)`). Those do not wait on another process or peer.
 */
function readsMemory(call: SyntaxNode, res: ExprResolver, scope: Scope): boolean {
  const args = call.children.find((c) => c.field === 'arguments')?.children.filter((c) => c.type !== 'comment') ?? [];
  const streams = canonicalCall(call, res, scope) === 'io.Copy' ? args.slice(0, 2) : args.slice(0, 1);
  return streams.length > 0 && streams.every((a) => isMemoryStream(a, res, scope));
}

function canonicalCall(call: SyntaxNode, res: ExprResolver, scope: Scope): string {
  return canonical(res.file.text(call.children.find((c) => c.field === 'function')).replace(/\s+/g, ''), res, scope);
}

/** Packages whose Reader is a source of random bytes, known by import path whatever their local name (crand, mrand). */
const RANDOM_PACKAGES = new Set(['crypto/rand', 'math/rand', 'math/rand/v2']);

/** Functions (by import path) that return a reader computing its bytes in memory: key derivation, a seeded generator. */
const MEMORY_READER_FUNCS = new Map<string, Set<string>>([
  ['bytes', new Set(['NewReader', 'NewBuffer', 'NewBufferString'])], ['strings', new Set(['NewReader'])],
  ['math/rand', new Set(['New'])], ['math/rand/v2', new Set(['New'])],
  ['golang.org/x/crypto/hkdf', new Set(['New', 'Expand'])],
]);

/** Readers over the reader given first (import path and function): they read what it holds. */
const WRAPPER_FUNCS = /^(io\.(NopCloser|LimitReader)|bufio\.NewReader(Size)?|compress\/(gzip|zlib|flate|bzip2|lzw)\.NewReader|github\.com\/klauspost\/compress\/(s2|snappy|zstd|gzip|flate|zlib)\.NewReader|github\.com\/golang\/snappy\.NewReader)$/;

/** How many wrappers and locals deep a stream is followed to the memory it reads. */
const MAX_STREAM_DEPTH = 4;

function isMemoryStream(e: SyntaxNode, res: ExprResolver, scope: Scope, depth = 0): boolean {
  const text = res.file.text(e).replace(/\s+/g, '');
  // crypto/rand.Reader, or a source of random bytes named so (crypto/tls's `rand io.Reader` parameter, config.rand()).
  if (/(^|\.)rand(\.Reader|\(\))?$/i.test(text)) return true;
  const member = packageMember(e.type === 'call_expression' ? e.children.find((c) => c.field === 'function') : e, res, scope);
  if (member && e.type === 'selector_expression' && member.name === 'Reader' && RANDOM_PACKAGES.has(member.path)) return true;
  if (member && e.type === 'call_expression' && MEMORY_READER_FUNCS.get(member.path)?.has(member.name)) return true;
  // A wrapper (a decompressor, a buffer, a limit) over a stream in memory reads memory: `s2.NewReader(bytes.NewReader(buf))`.
  if (member && e.type === 'call_expression' && depth < MAX_STREAM_DEPTH && WRAPPER_FUNCS.test(`${member.path}.${member.name}`)) {
    const inner = e.children.find((c) => c.field === 'arguments')?.children.find((c) => c.type !== 'comment');
    if (inner && isMemoryStream(inner, res, scope, depth + 1)) return true;
  }
  // A package-level variable set to such a reader and never given another one outside tests: `var idReader =
  // rand.Reader`, a seam that only tests swap (buildkit's identity package).
  if (e.type === 'identifier' && depth < MAX_STREAM_DEPTH && !scope.lookup(text)) {
    const v = res.pkg.vars.get(text);
    if (v?.value && !assignedOutsideItsDeclaration(res.pkg, v) && isMemoryStream(v.value, v.file === res.file ? res : new ExprResolver(res.pkg, v.file), new Scope(), depth + 1)) return true;
  }
  // A local whose every value is such a reader: `kdf := hkdf.New(...)`, then io.ReadFull(kdf, key).
  if (e.type === 'identifier' && depth < MAX_STREAM_DEPTH && scope.lookup(text)?.kind === 'local') {
    const values = assignedValues(e, text, res);
    if (values?.length && values.every((v) => isMemoryStream(v, res, scope, depth + 1))) return true;
  }
  const t = deref(res.typeOf(e.type === 'unary_expression' ? e.children.find((c) => c.field === 'operand') : e, scope));
  return t.kind === 'named' && ((t.pkg === 'bytes' && (t.name === 'Buffer' || t.name === 'Reader')) || (t.pkg === 'strings' && (t.name === 'Reader' || t.name === 'Builder')));
}

const reassignedByPackage = new WeakMap<GoPackage, Map<string, boolean>>();

/**
 * Whether a package-level variable is given a value anywhere but its declaration, in the package's non-test files
 * (`name = x`, `a, name = f()`; a `:=` declares a local of that name instead). Read from the text, once per name.
 */
function assignedOutsideItsDeclaration(pkg: GoPackage, v: VarDecl): boolean {
  let byName = reassignedByPackage.get(pkg);
  if (!byName) reassignedByPackage.set(pkg, (byName = new Map()));
  let out = byName.get(v.name);
  if (out === undefined) {
    const name = v.name.replace(/[^\w]/g, '');
    const assignment = new RegExp(String.raw`(?<![.\w])(?:[\w.]+\s*,\s*)*${name}(?:\s*,\s*[\w.]+)*\s*=(?!=)`, 'g');
    out = false;
    for (const f of pkg.files) {
      if (f.path.endsWith('_test.go')) continue;
      for (const m of f.parsed.text.matchAll(assignment)) if (f !== v.file || m.index < v.node.start || m.index >= v.node.end) out = true;
    }
    byName.set(v.name, out);
  }
  return out;
}

/** For `pkg.Name` where pkg is an import here (not a variable in scope): its import path and the name. */
function packageMember(e: SyntaxNode | undefined, res: ExprResolver, scope: Scope): { path: string; name: string } | undefined {
  if (e?.type !== 'selector_expression') return undefined;
  const operand = e.children.find((c) => c.field === 'operand');
  if (operand?.type !== 'identifier') return undefined;
  const local = res.file.text(operand);
  const path = res.file.imports.get(local);
  if (!path || scope.lookup(local)) return undefined;
  return { path, name: res.file.text(e.children.find((c) => c.field === 'field')) };
}

/** The function declaration (or method) around a node, or the node's root. */
function outerFunction(n: SyntaxNode): SyntaxNode {
  let p = n;
  while (p.parent && p.type !== 'function_declaration' && p.type !== 'method_declaration') p = p.parent;
  return p;
}

/** The innermost function (declaration or literal) around a node. */
export function innerFunction(n: SyntaxNode): SyntaxNode | undefined {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'func_literal' || p.type === 'function_declaration' || p.type === 'method_declaration') return p;
  return undefined;
}

/**
 * Every value given to `name` in the function around `at` (`name := v`, `name = v`, `var name = v`, the call of
 * `name, err := f()`), or undefined when one cannot be paired with its value (`a, name := f()`).
 */
function assignedValues(at: SyntaxNode, name: string, res: ExprResolver): SyntaxNode[] | undefined {
  const out: SyntaxNode[] = [];
  let unpaired = false;
  const visit = (n: SyntaxNode): void => {
    if (n.type === 'short_var_declaration' || n.type === 'assignment_statement' || n.type === 'var_spec') {
      const left = n.type === 'var_spec' ? n.children.filter((c) => c.field === 'name') : n.children.find((c) => c.field === 'left')?.children ?? [];
      const right = n.children.find((c) => c.field === (n.type === 'var_spec' ? 'value' : 'right'))?.children.filter((c) => c.type !== 'comment') ?? [];
      left.forEach((l, i) => {
        if (l.type !== 'identifier' || res.file.text(l) !== name) return;
        // `var reader io.ReadCloser`: its zero value reads nothing; the assignments that follow say what it reads.
        if (n.type === 'var_spec' && right.length === 0) return;
        // `zr, err := gzip.NewReader(in)`: the call's first result.
        if (right.length === left.length) out.push(right[i]);
        else if (i === 0 && right.length === 1 && right[0].type === 'call_expression') out.push(right[0]);
        else unpaired = true;
      });
    }
    for (const c of n.children) visit(c);
  };
  visit(outerFunction(at));
  return unpaired ? undefined : out;
}

/**
 * Whether a send cannot block: its channel is a local made in the same function with a buffer of n ≥ 1 (a
 * literal), it is at most the n-th send to it (counting those before it, and every one in a goroutine or func
 * literal), not in a loop that the make is outside of, and the channel is not handed on (passed, stored,
 * assigned) before it.
 */
export function sendHasRoom(send: SyntaxNode, res: ExprResolver, scope: Scope): boolean {
  const ch = send.children.find((c) => c.field === 'channel');
  if (ch?.type === 'selector_expression') return fieldSendHasRoom(send, ch, res, scope);
  if (ch?.type !== 'identifier') return false;
  const name = res.file.text(ch);
  if (scope.lookup(name)?.kind !== 'local') return false;
  const values = assignedValues(send, name, res);
  const made = values?.length === 1 ? values[0] : undefined;
  const room = makeRoom(res.file, made);
  if (!made || room === undefined) return false;
  const fn = innerFunction(send);
  if (!fn || innerFunction(made) !== fn) return false;
  if (room === 0) return rangeSizedSend(send, made, name, res, scope, fn);
  if (!(room >= 1) || loopBetween(made, send, fn)) return false;
  let sends = 0, handedOn = false;
  const visit = (n: SyntaxNode): void => {
    if (n.type === 'identifier' && res.file.text(n) === name && n.start > made.end && n.start < send.start) {
      if (!sendsOrReceives(n)) handedOn = true;
    }
    if (n.type === 'send_statement') {
      const c = n.children.find((x) => x.field === 'channel');
      // This send and those before it on its path (not one in another branch of an if or a case of the same
      // switch: cri-o's `switch { case a: ch <- x; case b: ch <- y }` sends once); a func literal's at any time.
      if (c?.type === 'identifier' && res.file.text(c) === name && (n.start <= send.start || innerFunction(n) !== innerFunction(send)) && !exclusiveBranches(n, send)) sends++;
    }
    for (const c of n.children) visit(c);
  };
  visit(outerFunction(send));
  return !handedOn && sends <= room;
}

/** Whether two statements are in branches no run takes both of: the two sides of an if, two cases of one switch or select. */
function exclusiveBranches(a: SyntaxNode, b: SyntaxNode): boolean {
  if (a === b) return false;
  const above = new Set<SyntaxNode>();
  for (let p: SyntaxNode | null = a; p; p = p.parent) above.add(p);
  let cb: SyntaxNode = b;
  for (let p = b.parent; p; cb = p, p = p.parent) {
    if (!above.has(p)) continue;
    let ca: SyntaxNode = a;
    while (ca.parent !== p) ca = ca.parent!;
    if (p.type === 'if_statement') return (ca.field === 'consequence' && cb.field === 'alternative') || (ca.field === 'alternative' && cb.field === 'consequence');
    if (/switch_statement$|^select_statement$/.test(p.type)) return ca !== cb && /case$/.test(ca.type) && /case$/.test(cb.type) && !fallsThrough(ca) && !fallsThrough(cb);
    return false;
  }
  return false;
}

function fallsThrough(caseNode: SyntaxNode): boolean {
  let found = false;
  walk(caseNode, (n) => { if (n.type === 'fallthrough_statement') found = true; return !found; });
  return found;
}

/**
 * `ch := make(chan T, max(len(xs), 200)); for _, x := range xs { ch <- x }` (alertmanager's Subscribe, under its
 * lock): one send per element of a slice or map the buffer was sized to, into a channel nothing else sends to or
 * has been given yet. Only when the send is straight in that loop (no loop inside it), the make comes before it in
 * the same function, and nothing assigns `xs` (or its root) in the function after its first value.
 */
function rangeSizedSend(send: SyntaxNode, made: SyntaxNode, name: string, res: ExprResolver, scope: Scope, fn: SyntaxNode): boolean {
  const file = res.file;
  const sized = sizedBy(file, made);
  if (!sized) return false;
  let loop: SyntaxNode | undefined;
  for (let p = send.parent; p && p !== fn; p = p.parent) {
    if (p.type !== 'for_statement') continue;
    if (loop) return false;
    loop = p;
  }
  const clause = loop?.children.find((c) => c.type === 'range_clause');
  const ranged = clause?.children.find((c) => c.field === 'right');
  if (!loop || !ranged || file.text(ranged).replace(/\s+/g, '') !== sized || made.end > loop.start) return false;
  // A range over a channel runs as long as it is fed, whatever len() said; a slice's or a map's runs len() times.
  if (deref(res.typeOf(ranged, scope)).kind === 'chan') return false;
  const root = sized.split('.')[0];
  let sends = 0, handedOn = false, reassigned = false;
  walk(fn, (n) => {
    if (n.type === 'send_statement') {
      const c = n.children.find((x) => x.field === 'channel');
      if (c?.type === 'identifier' && file.text(c) === name) sends++;
    } else if (n.type === 'identifier' && file.text(n) === name && n.start > made.end && n.start < send.start) {
      if (!sendsOrReceives(n)) handedOn = true;
    } else if ((n.type === 'assignment_statement' || n.type === 'inc_statement') && n.start > made.start) {
      const left = n.children.find((c) => c.field === 'left')?.children ?? n.children.slice(0, 1);
      if (left.some((l) => { const t = file.text(l).replace(/\s+/g, ''); return t === root || sized === t || sized.startsWith(`${t}.`); })) reassigned = true;
    }
    return true;
  });
  return sends === 1 && !handedOn && !reassigned;
}

/** `make(chan T, len(xs))`, `max(len(xs), n)` or `max(n, len(xs))`: the text of `xs`; undefined for any other size. */
function sizedBy(file: GoFile, make: SyntaxNode): string | undefined {
  const args = make.children.find((c) => c.field === 'arguments')?.children.filter((c) => c.type !== 'comment' && c.type !== ',') ?? [];
  const lenOf = (e: SyntaxNode | undefined): string | undefined => {
    const m = e && /^len\(([A-Za-z_][\w.]*)\)$/.exec(file.text(e).replace(/\s+/g, ''));
    return m?.[1];
  };
  const size = args[1];
  if (!size) return undefined;
  const direct = lenOf(size);
  if (direct) return direct;
  if (size.type !== 'call_expression' || file.text(size.children.find((c) => c.field === 'function')) !== 'max') return undefined;
  const inner = size.children.find((c) => c.field === 'arguments')?.children.filter((c) => c.type !== 'comment' && c.type !== ',' && c.type !== '(' && c.type !== ')') ?? [];
  const found = inner.map(lenOf).filter((x) => x !== undefined);
  return found.length === 1 ? found[0] : undefined;
}

/** A use of a channel's name that only sends on it or receives from it (`ch <- v`, `<-ch`), not one that hands it on. */
function sendsOrReceives(n: SyntaxNode): boolean {
  const parent = n.parent!;
  return (parent.type === 'send_statement' && n.field === 'channel') || (parent.type === 'unary_expression' && parent.op === '<-');
}

/** The buffer of `make(...)` given as a literal (0 without one, or when computed); undefined for anything but a make. */
export function makeRoom(file: GoFile, e: SyntaxNode | undefined): number | undefined {
  if (e?.type !== 'call_expression' || file.text(e.children.find((c) => c.field === 'function')) !== 'make') return undefined;
  const args = e.children.find((c) => c.field === 'arguments')?.children.filter((c) => c.type !== 'comment') ?? [];
  return args[1]?.type === 'int_literal' ? Number(file.text(args[1]).replace(/_/g, '')) : 0;
}

/**
 * The same for a field of a variable, made in the same function before the send (`f.sendLock = make(chan
 * struct{}, 1); f.sendLock <- struct{}{}`, go-ethereum's event.Feed init): the one make of that field in the
 * function, with a literal buffer, no loop between, at most that many sends to it in the function, and the field
 * not handed on in between.
 */
function fieldSendHasRoom(send: SyntaxNode, ch: SyntaxNode, res: ExprResolver, scope: Scope): boolean {
  const text = (n: SyntaxNode | undefined) => (n ? res.file.text(n) : '');
  const name = text(ch);
  let root: SyntaxNode | undefined = ch;
  while (root?.type === 'selector_expression') root = root.children.find((c) => c.field === 'operand');
  if (root?.type !== 'identifier' || !scope.lookup(text(root))) return false;
  const fn = innerFunction(send);
  const outer = outerFunction(send);
  const makes: SyntaxNode[] = [];
  let other = false;
  walk(outer, (n) => {
    if (n.type !== 'assignment_statement') return;
    const left = n.children.find((c) => c.field === 'left')?.children.filter((c) => c.type !== ',' && c.type !== 'comment') ?? [];
    const right = n.children.find((c) => c.field === 'right')?.children.filter((c) => c.type !== ',' && c.type !== 'comment') ?? [];
    left.forEach((l, i) => {
      if (text(l) !== name) return;
      const v = right.length === left.length ? right[i] : undefined;
      if (v && makeRoom(res.file, v) !== undefined) makes.push(v); else other = true;
    });
  });
  const made = makes.length === 1 && !other ? makes[0] : undefined;
  if (!made || !fn || innerFunction(made) !== fn || made.end > send.start || loopBetween(made, send, fn)) return false;
  const room = makeRoom(res.file, made)!;
  if (!(room >= 1)) return false;
  let sends = 0, handedOn = false;
  walk(outer, (n) => {
    if (n.type === 'send_statement') {
      const c = n.children.find((x) => x.field === 'channel');
      if (text(c) === name && (n.start <= send.start || innerFunction(n) !== fn)) sends++;
    } else if (n.type === 'selector_expression' && text(n) === name && n.start > made.end && n.start < send.start) {
      const parent = n.parent!;
      if (!sendsOrReceives(n) && !(parent.type === 'expression_list' && parent.field === 'left')) handedOn = true;
    }
  });
  return !handedOn && sends <= room;
}

/** A channel semaphore's pair of methods: `acquire() { <-d.ch }` and `release() { d.ch <- struct{}{} }`. */
const RELEASE_NAMES = /^(release|unlock|done|put|free|give|giveBack|returnToken)$/i;
const ACQUIRE_NAMES = /^(acquire|lock|take|grab|get|wait|obtain)$/i;

/**
 * Whether a send hands a token back to a channel semaphore: a release-named method sends on its receiver's
 * channel field, and its type also has an acquire-named method, which took the token this send returns, so
 * there is room (nats' diskIOSemaphore). A queue's push (no release name) still blocks. Only the method names
 * are read, not the acquire's body: a flow depends on its own body and the package's declarations.
 */
export function returnsToken(send: SyntaxNode, decl: FuncDecl, res: ExprResolver): boolean {
  const ch = send.children.find((c) => c.field === 'channel');
  if (ch && receivedBefore(send, res.file.text(ch).replace(/\s+/g, ''), res)) return true;
  if (ch?.type !== 'selector_expression' || !decl.recvName || !decl.recvType || !RELEASE_NAMES.test(decl.name)) return false;
  if (res.file.text(ch.children.find((c) => c.field === 'operand')) !== decl.recvName) return false;
  return acquiringTypes(res.pkg).get(decl.recvType)?.some((other) => other !== decl) ?? false;
}

/**
 * Per package, the methods with an acquire's name (see ACQUIRE_NAMES) by receiver type, found in one pass: asked
 * for at every send in a release-named method, a scan of the package's functions each time grew with its square.
 * Kept with the package model, whose declarations (and so names) an edit inside bodies leaves as they were.
 */
const acquiringByPackage = new WeakMap<object, Map<string, FuncDecl[]>>();

function acquiringTypes(pkg: ExprResolver['pkg']): Map<string, FuncDecl[]> {
  let out = acquiringByPackage.get(pkg);
  if (out) return out;
  out = new Map();
  for (const fn of pkg.funcs.values()) {
    if (!fn.recvType || !ACQUIRE_NAMES.test(fn.name)) continue;
    const list = out.get(fn.recvType);
    if (list) list.push(fn); else out.set(fn.recvType, [fn]);
  }
  acquiringByPackage.set(pkg, out);
  return out;
}

/**
 * Whether the function took a value from the same channel earlier in its body (`mem := <-ws.memMu` ...
 * `ws.memMu <- mem`): the send gives back what it took, into the room the receive made (a channel used as a
 * lock, Go's fuzz worker's memMu). Not in a loop that the receive is outside of.
 */
function receivedBefore(send: SyntaxNode, ch: string, res: ExprResolver): boolean {
  let fn = innerFunction(send);
  // `defer func() { c.ch <- tok }()` gives back at the return what the function took.
  if (fn?.type === 'func_literal' && fn.parent?.type === 'call_expression' && fn.parent.parent?.type === 'defer_statement') fn = innerFunction(fn);
  if (!fn || !/^[\w.]+$/.test(ch)) return false;
  const loop = innermostLoop(send, fn);
  let found = false;
  const visit = (n: SyntaxNode): void => {
    if (found) return;
    if (n.type === 'unary_expression' && n.op === '<-') {
      const operand = n.children[n.children.length - 1];
      const same = operand && res.file.text(operand).replace(/\s+/g, '') === ch;
      // Before the send, or anywhere in the loop that holds both: each round takes before the next gives back.
      if (same && innerFunction(n) === fn && ((n.start < send.start && !loopBetween(n, send, fn!)) || (loop && n.start >= loop.start && n.end <= loop.end))) found = true;
    }
    for (const c of n.children) visit(c);
  };
  visit(fn);
  return found;
}

function innermostLoop(n: SyntaxNode, fn: SyntaxNode): SyntaxNode | undefined {
  for (let p = n.parent; p && p !== fn; p = p.parent) if (p.type === 'for_statement') return p;
  return undefined;
}

/** A loop around `later` that does not hold `earlier`: its next round sends again without a new receive. */
function loopBetween(earlier: SyntaxNode, later: SyntaxNode, fn: SyntaxNode): boolean {
  for (let p = later.parent; p && p !== fn; p = p.parent) {
    if (p.type === 'for_statement' && !(earlier.start >= p.start && earlier.end <= p.end)) return true;
  }
  return false;
}

/**
 * For `c.cond.Wait()`, its own lock in the names of the Wait: the lock passed to `sync.NewCond(&p.mu)` or set
 * as its L (`d.mu.compact.cond.L = &d.mu.Mutex`) somewhere in the package, carried over from the object that
 * holds the Cond there (`p`) to the one here (`s.pool` for `s.pool.cond.Wait()`, so `s.pool.mu`). A lock that
 * does not hang off that object (a parameter `mu`) keeps its written name, matched by its last name.
 */
function condLockName(res: ExprResolver, operand: SyntaxNode | undefined, scope: Scope): string | undefined {
  const ref = operand && res.refOf(operand, scope);
  const field = ref?.path[ref.path.length - 1] ?? ref?.root;
  if (!field || !operand) return undefined;
  if (!/^\w{1,100}$/.test(field)) return undefined;
  const here = res.file.text(operand).replace(/\s+/g, '').split('.');
  // The Cond may be made for several types under one field name: the one whose path is most like here's wins.
  let best: { lock: string; score: number } | undefined;
  for (const f of res.pkg.files) {
    const found = condsMadeIn(f.parsed, field);
    for (const { cond, lock } of found.assigned) {
      const score = commonSuffix(cond, here);
      if (!best || score > best.score) best = { lock: carriedOver(cond, lock, here), score };
    }
    if (!best && found.literal) best = { lock: found.literal, score: 0 };
  }
  return best?.lock;
}

interface CondsMade { assigned: { cond: string[]; lock: string[] }[]; literal?: string }

/** Per parsed file and field name: a scan of the whole text, which every Wait on such a field would repeat. */
const condsMadeCache = new WeakMap<object, Map<string, CondsMade>>();

/** Where a file makes a Cond kept in `field`, or sets its L, and with which lock. */
function condsMadeIn(parsed: { text: string }, field: string): CondsMade {
  let byField = condsMadeCache.get(parsed);
  if (!byField) condsMadeCache.set(parsed, (byField = new Map()));
  const known = byField.get(field);
  if (known) return known;
  const out: CondsMade = { assigned: [] };
  byField.set(field, out);
  const text = parsed.text;
  if (!text.includes(field) || !(text.includes('NewCond') || text.includes('.L') || text.includes('Cond{'))) return out;
  const made = new RegExp(String.raw`([\w.]*\b${field})\s*(?::?=)\s*sync\.NewCond\(\s*&?([\w.]+)\s*\)`, 'g');
  // `d.mu.compact.cond.L = &d.mu.Mutex`, `c.cond.L = c`: the Cond's lock set after it was made (pebble).
  const setL = new RegExp(String.raw`([\w.]*\b${field})\.L\s*=\s*&?([\w.]+)\s*(?:$|[;)}])`, 'gm');
  const matches = [...(text.includes('NewCond') ? text.matchAll(made) : []), ...(text.includes('.L') ? text.matchAll(setL) : [])];
  // `&d.mu.Mutex` is the lock of d.mu, which embeds it.
  for (const m of matches) out.assigned.push({ cond: m[1].split('.'), lock: m[2].replace(/\.(RW)?Mutex$/, '').split('.') });
  const lit = new RegExp(String.raw`\b${field}\s*:\s*(?:sync\.NewCond\(|sync\.Cond\{\s*L:)\s*&?([\w.]+)\s*[)},]`).exec(text);
  if (lit) out.literal = lit[1].replace(/\.(RW)?Mutex$/, '').split('.').pop()!;
  return out;
}

/** How many trailing names two paths share, up to all but the first of either. */
function commonSuffix(a: string[], b: string[]): number {
  let k = 0;
  while (k < a.length - 1 && k < b.length - 1 && a[a.length - 1 - k] === b[b.length - 1 - k]) k++;
  return k;
}

/** `p.mu` for the Cond `p.cond`, seen from `s.pool.cond`: `s.pool.mu`; the lock's last name when it is not p's. */
function carriedOver(cond: string[], lock: string[], here: string[]): string {
  const k = commonSuffix(cond, here);
  const owner = cond.slice(0, cond.length - k), hereOwner = here.slice(0, here.length - k);
  if (lock.length <= owner.length || owner.some((s, i) => lock[i] !== s)) return lock[lock.length - 1];
  return [...hereOwner, ...lock.slice(owner.length)].join('.');
}

/**
 * Whether a held lock is the Cond's own (see condLockName), which its Wait releases: the same field path from
 * a root of any name (`d.mu` set as L in open.go, `d.mu` held here; not `d.commit.mu`), or for a lock written
 * as one name (a parameter `mu`, the struct `c` itself), a lock of that last name.
 */
export function isCondLock(ref: Ref, ownLock: string): boolean {
  const segs = ownLock.split('.');
  if (segs.length === 1) return ref.path[ref.path.length - 1] === ownLock || ref.root === ownLock;
  // The path as written too: `c := w.conn; c.mu.Lock()` holds w.conn.mu, written c.mu.
  const written = ref.display.split('.').slice(1).join('.');
  return ref.display === ownLock || ref.path.join('.') === segs.slice(1).join('.') || written === segs.slice(1).join('.');
}
