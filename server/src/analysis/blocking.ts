import type { SyntaxNode } from '../syntax/node';
import type { ExprResolver, Ref } from '../model/refs';
import type { Scope } from '../model/scope';
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
  ['net.Dial', 'network I/O (net.Dial)'], ['net.DialTimeout', 'network I/O (net.DialTimeout)'], ['net.Listen', 'net.Listen'],
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

function isMemoryStream(e: SyntaxNode, res: ExprResolver, scope: Scope): boolean {
  const text = res.file.text(e).replace(/\s+/g, '');
  // crypto/rand.Reader, or a source of random bytes named so (crypto/tls's `rand io.Reader` parameter, config.rand()).
  if (/(^|\.)rand(\.Reader|\(\))?$/i.test(text)) return true;
  if (e.type === 'call_expression' && /^(bytes\.NewReader|bytes\.NewBuffer|bytes\.NewBufferString|strings\.NewReader)$/.test(canonicalCall(e, res, scope))) return true;
  const t = deref(res.typeOf(e.type === 'unary_expression' ? e.children.find((c) => c.field === 'operand') : e, scope));
  return t.kind === 'named' && ((t.pkg === 'bytes' && (t.name === 'Buffer' || t.name === 'Reader')) || (t.pkg === 'strings' && (t.name === 'Reader' || t.name === 'Builder')));
}

/** For `c.cond.Wait()`, the lock passed to `sync.NewCond(&c.mu)` somewhere in the package, by its last name (`mu`). */
function condLockName(res: ExprResolver, operand: SyntaxNode | undefined, scope: Scope): string | undefined {
  const ref = operand && res.refOf(operand, scope);
  const field = ref?.path[ref.path.length - 1] ?? ref?.root;
  if (!field) return undefined;
  if (!/^\w{1,100}$/.test(field)) return undefined;
  for (const f of res.pkg.files) {
    const m = new RegExp(String.raw`\b${field}\s*(?::?=)\s*sync\.NewCond\(\s*&?([\w.]+)\s*\)`).exec(f.parsed.text)
      ?? new RegExp(String.raw`\b${field}\s*:\s*sync\.NewCond\(\s*&?([\w.]+)\s*\)`).exec(f.parsed.text);
    if (m) return m[1].split('.').pop();
  }
  return undefined;
}
