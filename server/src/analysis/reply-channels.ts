import type { GoFile } from '../model/file';
import type { GoPackage } from '../model/package';
import { child, type SyntaxNode } from '../syntax/node';

/** Per file, per channel field name: the makes assigned to it, whether all had a buffer, and the sends to it. */
interface FieldChannels { makes: number; /** Makes without a buffer of exactly one. */ unbuffered: number; sends: number }
const byFile = new WeakMap<GoFile, Map<string, FieldChannels>>();

/**
 * Whether a send cannot block because its channel is a one-shot reply channel: a struct field (`m.done`,
 * `w.closeNotifyCh`) that every make in the package gives a buffer of exactly one (`done: make(chan error, 1)`),
 * and that the package sends to at this one place only. Each value gets one send into its room (pebble's
 * manual compaction's done, net/http's closeNotifyCh). Read at report time: it reads the whole package.
 */
export function oneShotFieldSend(pkg: GoPackage, file: GoFile, send: SyntaxNode): boolean {
  const ch = child(send, 'channel');
  if (ch?.type !== 'selector_expression') return false;
  const field = file.text(child(ch, 'field'));
  let makes = 0, unbuffered = 0, sends = 0;
  for (const f of pkg.files) {
    const s = channelsOf(f).get(field);
    if (s) { makes += s.makes; unbuffered += s.unbuffered; sends += s.sends; }
  }
  return makes > 0 && unbuffered === 0 && sends === 1;
}

function channelsOf(file: GoFile): Map<string, FieldChannels> {
  let known = byFile.get(file);
  if (known) return known;
  known = new Map();
  byFile.set(file, known);
  const stats = (name: string) => {
    let s = known!.get(name);
    if (!s) known!.set(name, (s = { makes: 0, unbuffered: 0, sends: 0 }));
    return s;
  };
  const made = (name: string, value: SyntaxNode | undefined) => {
    if (value?.type !== 'call_expression' || file.text(child(value, 'function')) !== 'make') return;
    const args = child(value, 'arguments')?.children.filter((c) => c.type !== 'comment') ?? [];
    if (args[0]?.type !== 'channel_type') return;
    const room = args[1]?.type === 'int_literal' ? Number(file.text(args[1]).replace(/_/g, '')) : 0;
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
      made(file.text(key.type === 'literal_element' ? key.children[0] : key), value.type === 'literal_element' ? value.children[0] : value);
    } else if (n.type === 'assignment_statement') {
      const left = child(n, 'left')?.children ?? [], right = child(n, 'right')?.children ?? [];
      left.forEach((l, i) => { if (l.type === 'selector_expression') made(file.text(child(l, 'field')), right[i]); });
    } else if (n.type === 'send_statement') {
      const c = child(n, 'channel');
      if (c?.type === 'selector_expression') stats(file.text(child(c, 'field'))).sends++;
    }
    for (const c of n.children) stack.push(c);
  }
  return known;
}
