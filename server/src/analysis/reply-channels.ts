import type { GoFile } from '../model/file';
import type { GoPackage } from '../model/package';
import { child, walk, type SyntaxNode } from '../syntax/node';
import { makeRoom } from './blocking';
import { isNamed } from './fresh';

/** Per file, per channel field name: the makes assigned to it, whether all had a buffer, and the sends to it. */
interface FieldChannels {
  makes: number;
  /** Makes without a buffer of exactly one. */
  unbuffered: number;
  sends: number;
  /** Sends after which their function returns, sending on no other channel of this name (see isLastSend). */
  lastSends: number;
}
const byFile = new WeakMap<GoFile, Map<string, FieldChannels>>();

/**
 * Whether a send cannot block because its channel is a one-shot reply channel: a struct field (`m.done`,
 * `w.closeNotifyCh`) that every make in the package gives a buffer of exactly one (`done: make(chan error, 1)`,
 * or `errc := make(chan error, 1)` then `&msg{err: errc}`; a field copied from another message's field of that
 * name, `{err: req.err}`, passes the same channel on), and that the package sends to at this one place only, or
 * only right before returning (`req.err <- e; return`): each value gets one send into its room (pebble's manual
 * compaction's done, net/http's closeNotifyCh, lnd's wallet requests). Read at report time: it reads the whole
 * package.
 */
export function oneShotFieldSend(pkg: GoPackage, file: GoFile, send: SyntaxNode): boolean {
  const ch = child(send, 'channel');
  if (ch?.type !== 'selector_expression') return false;
  const field = file.text(child(ch, 'field'));
  let makes = 0, unbuffered = 0, sends = 0, lastSends = 0;
  for (const f of pkg.files) {
    const s = channelsOf(f).get(field);
    if (s) { makes += s.makes; unbuffered += s.unbuffered; sends += s.sends; lastSends += s.lastSends; }
  }
  return makes > 0 && unbuffered === 0 && (sends === 1 || sends === lastSends);
}

function channelsOf(file: GoFile): Map<string, FieldChannels> {
  let known = byFile.get(file);
  if (known) return known;
  known = new Map();
  byFile.set(file, known);
  const stats = (name: string) => {
    let s = known!.get(name);
    if (!s) known!.set(name, (s = { makes: 0, unbuffered: 0, sends: 0, lastSends: 0 }));
    return s;
  };
  const made = (name: string, value: SyntaxNode | undefined, at: SyntaxNode) => {
    // A local made in the same function: `errc := make(chan error, 1)`, then `&msg{err: errc}`.
    if (value?.type === 'identifier') {
      const room = localMakeRoom(file, at, file.text(value));
      if (room !== undefined) { const s = stats(name); s.makes++; if (room !== 1) s.unbuffered++; }
      return;
    }
    const room = makeRoom(file, value);
    if (room === undefined || !makesChannel(value!)) return;
    const s = stats(name);
    s.makes++;
    // Room for one answer: a bigger buffer is a queue, which a long-lived sender can fill.
    if (room !== 1) s.unbuffered++;
  };
  const stack: SyntaxNode[] = file.funcs.length || file.vars.length ? [file.parsed.root] : [];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'keyed_element' && n.children.length >= 2) {
      const key = n.children[0], value = n.children[n.children.length - 1];
      made(file.text(key.type === 'literal_element' ? key.children[0] : key), value.type === 'literal_element' ? value.children[0] : value, n);
    } else if (n.type === 'assignment_statement') {
      const left = child(n, 'left')?.children ?? [], right = child(n, 'right')?.children ?? [];
      left.forEach((l, i) => { if (l.type === 'selector_expression') made(file.text(child(l, 'field')), right[i], n); });
    } else if (n.type === 'send_statement') {
      const c = child(n, 'channel');
      if (c?.type === 'selector_expression') {
        const name = file.text(child(c, 'field'));
        const s = stats(name);
        s.sends++;
        if (isLastSend(file, n, name)) s.lastSends++;
      }
    }
    for (const c of n.children) stack.push(c);
  }
  return known;
}

/**
 * The buffer of the one `make(chan T, n)` that gives a local its value in the function around `at` (0 without a
 * literal buffer), or undefined when the local is given any other value, or none, or more than one.
 */
function localMakeRoom(file: GoFile, at: SyntaxNode, name: string): number | undefined {
  const body = enclosingBody(at);
  if (!body) return undefined;
  let room: number | undefined, made = 0, other = 0;
  walk(body, (n) => {
    if (n.type !== 'short_var_declaration' && n.type !== 'assignment_statement') return;
    const left = named(child(n, 'left')), right = named(child(n, 'right'));
    left.forEach((l, i) => {
      if (l.type !== 'identifier' || file.text(l) !== name) return;
      const value = right.length === left.length ? right[i] : undefined;
      const r = value && makesChannel(value) ? makeRoom(file, value) : undefined;
      if (r !== undefined) { made++; room = r; } else other++;
    });
  });
  return made === 1 && other === 0 ? room : undefined;
}

/**
 * Whether a send to a channel field is the last use of a channel of that name on its path: after it, in its block
 * and in the blocks around it, up to a return or the end of the function, nothing names the field again (no second
 * send, no passing it on): `req.resp <- r; req.err <- nil; log(...)`, `req.err <- e; return`. Not in a loop: one
 * send per call of the function.
 */
function isLastSend(file: GoFile, send: SyntaxNode, field: string): boolean {
  for (let cur = send, p = send.parent; p; cur = p, p = p.parent) {
    if (p.type === 'function_declaration' || p.type === 'method_declaration') return true;
    // A func literal may run any number of times (a callback, a goroutine per item).
    if (p.type === 'for_statement' || p.type === 'func_literal') return false;
    if (p.type !== 'statement_list' && !/_case$/.test(p.type)) continue;
    for (const n of p.children) {
      if (n.start <= cur.start || !isNamed(n) || n.type === 'comment') continue;
      if (namesField(file, n, field)) return false;
      if (n.type === 'return_statement') return true;
    }
  }
  return false;
}

function namesField(file: GoFile, root: SyntaxNode, field: string): boolean {
  let found = false;
  walk(root, (n) => {
    if (found) return false;
    if (n.type === 'selector_expression' && file.text(child(n, 'field')) === field) found = true;
    return !found;
  });
  return found;
}


/** Per file, per map field name: the channels stored into it and the sends through values read from it. */
interface MapChannels { stores: number; /** Stores of a channel not made here with room for one. */ roomless: number; /** Sends that do not take the entry out first. */ loose: number }
const mapsByFile = new WeakMap<GoFile, Map<string, MapChannels>>();

/**
 * Whether a send cannot block because its channel is a reply channel taken out of a map of pending requests
 * (`if rc := c.awaiting[id]; rc != nil { delete(c.awaiting, id); rc <- r }`, or a range over the map, then the
 * delete): every channel the package stores into that map field is made just before with a buffer of one
 * (`rc := make(chan T, 1); c.awaiting[id] = rc`), and every send through a value read from it deletes the entry
 * first, so each channel gets one send, into its room (syncthing's awaiting responses, database/sql's
 * connRequests). Read at report time: it reads the whole package.
 */
export function pendingMapSend(pkg: GoPackage, file: GoFile, send: SyntaxNode): boolean {
  const field = takenOutOf(file, send);
  if (!field) return false;
  let stores = 0, roomless = 0, loose = 0;
  for (const f of pkg.files) {
    const s = mapsOf(f).get(field);
    if (s) { stores += s.stores; roomless += s.roomless; loose += s.loose; }
  }
  return stores > 0 && roomless === 0 && loose === 0;
}

/** A send that cannot block for either reason above. */
export function sendHasRoom(pkg: GoPackage, file: GoFile, send: SyntaxNode): boolean {
  return oneShotFieldSend(pkg, file, send) || pendingMapSend(pkg, file, send);
}

/**
 * The map field a send's channel was read from and taken out of: the channel is a local assigned once in its
 * function, from `m.f[k]` or a range over `m.f`, and `delete(m.f, k)` comes between that and the send.
 */
function takenOutOf(file: GoFile, send: SyntaxNode): string | undefined {
  const ch = child(send, 'channel');
  if (ch?.type !== 'identifier') return undefined;
  const body = enclosingBody(send);
  if (!body) return undefined;
  const name = file.text(ch);
  const sources = assignmentsOf(file, body, name);
  if (sources.length !== 1 || sources[0].at.start > send.start) return undefined;
  const { map, key, at } = sources[0];
  if (!map || !key) return undefined;
  const field = file.text(child(map, 'field'));
  return deletes(file, body, file.text(map), key).some((d) => d.start > at.start && d.end <= send.start) ? field : undefined;
}

/** Where a local gets a value in a body, and the map field selector (with the key's text) it read it from, if one. */
function assignmentsOf(file: GoFile, body: SyntaxNode, name: string): { at: SyntaxNode; map?: SyntaxNode; key?: string }[] {
  const out: { at: SyntaxNode; map?: SyntaxNode; key?: string }[] = [];
  walk(body, (n) => {
    if (n.type === 'short_var_declaration' || n.type === 'assignment_statement') {
      const left = named(child(n, 'left')), right = named(child(n, 'right'));
      const i = left.findIndex((l) => l.type === 'identifier' && file.text(l) === name);
      if (i < 0) return;
      // `v := m.f[k]`, or `v, ok := m.f[k]`.
      const value = right.length === left.length ? right[i] : right.length === 1 && i === 0 ? right[0] : undefined;
      const operand = value?.type === 'index_expression' ? child(value, 'operand') : undefined;
      const index = value?.type === 'index_expression' ? child(value, 'index') : undefined;
      out.push(operand?.type === 'selector_expression' && index && isPlainKey(index) ? { at: n, map: operand, key: file.text(index) } : { at: n });
    } else if (n.type === 'range_clause') {
      const left = named(child(n, 'left'));
      if (left.length !== 2 || left[1].type !== 'identifier' || file.text(left[1]) !== name) {
        if (left.some((l) => l.type === 'identifier' && file.text(l) === name)) out.push({ at: n });
        return;
      }
      const over = child(n, 'right');
      out.push(over?.type === 'selector_expression' && left[0].type === 'identifier' ? { at: n, map: over, key: file.text(left[0]) } : { at: n });
    } else if (n.type === 'var_spec' && n.children.some((c) => c.field === 'name' && file.text(c) === name) && child(n, 'value')) {
      out.push({ at: n });
    }
  });
  return out;
}

/** A key that names one value each time it is read: a name, or a field of one (`resp.ID`). */
function isPlainKey(n: SyntaxNode): boolean {
  return n.type === 'identifier' || (n.type === 'selector_expression' && isPlainKey(child(n, 'operand') ?? n.children[0]));
}

function deletes(file: GoFile, body: SyntaxNode, map: string, key: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  walk(body, (n) => {
    if (n.type !== 'call_expression' || file.text(child(n, 'function')) !== 'delete') return;
    const args = named(child(n, 'arguments'));
    if (args.length === 2 && file.text(args[0]) === map && file.text(args[1]) === key) out.push(n);
  });
  return out;
}

function mapsOf(file: GoFile): Map<string, MapChannels> {
  let known = mapsByFile.get(file);
  if (known) return known;
  known = new Map();
  mapsByFile.set(file, known);
  const stats = (name: string) => {
    let s = known!.get(name);
    if (!s) known!.set(name, (s = { stores: 0, roomless: 0, loose: 0 }));
    return s;
  };
  walk(file.parsed.root, (n) => {
    if (n.type === 'assignment_statement') {
      const left = named(child(n, 'left')), right = named(child(n, 'right'));
      left.forEach((l, i) => {
        const operand = l.type === 'index_expression' ? child(l, 'operand') : undefined;
        if (operand?.type !== 'selector_expression') return;
        const s = stats(file.text(child(operand, 'field')));
        s.stores++;
        if (!madeWithRoom(file, n, right.length === left.length ? right[i] : undefined)) s.roomless++;
      });
    } else if (n.type === 'send_statement') {
      const ch = child(n, 'channel');
      const operand = ch?.type === 'index_expression' ? child(ch, 'operand') : undefined;
      if (operand?.type === 'selector_expression') stats(file.text(child(operand, 'field'))).loose++;
      else if (ch?.type === 'identifier') {
        const body = enclosingBody(n);
        const from = body ? assignmentsOf(file, body, file.text(ch)).filter((a) => a.map) : [];
        // A send through a value read from a map field that is not taken out first.
        if (from.length && takenOutOf(file, n) === undefined) for (const a of from) stats(file.text(child(a.map!, 'field'))).loose++;
      }
    }
  });
  return known;
}

/** `make(chan T, 1)`, given directly or through a local made so once in the same function. */
function madeWithRoom(file: GoFile, store: SyntaxNode, value: SyntaxNode | undefined): boolean {
  if (value && isMakeWithRoom(file, value)) return true;
  return value?.type === 'identifier' && localMakeRoom(file, store, file.text(value)) === 1;
}

function isMakeWithRoom(file: GoFile, value: SyntaxNode): boolean {
  return makeRoom(file, value) === 1 && makesChannel(value);
}

/** `make(chan T, ...)`, not a map or a slice. */
function makesChannel(make: SyntaxNode): boolean {
  return named(child(make, 'arguments'))[0]?.type === 'channel_type';
}

function enclosingBody(n: SyntaxNode): SyntaxNode | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'function_declaration' || p.type === 'method_declaration') return child(p, 'body') ?? undefined;
  }
  return undefined;
}

function named(n: SyntaxNode | null | undefined): SyntaxNode[] {
  return n?.children.filter(isNamed) ?? [];
}
