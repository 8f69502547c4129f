/**
 * Hovers on TypeScript code: a function's contract (at its name or a call of it) and where it came
 * from; a lock operation's lock, class and place in the declared order; elsewhere in a body, the locks
 * held there. Plain markdown and offsets; the server converts.
 */
import { rankIn } from '../analysis/hierarchy';
import { mapToCaller, type TsAnalysis } from './analysis';
import type { LockState, TsFileFacts, TsFunction } from './model';

export interface TsHover { markdown: string; start: number; end: number }

export function hoverAt(analysis: TsAnalysis, file: TsFileFacts, offset: number): TsHover | undefined {
  const fns = file.functions.filter((f) => f.name !== '<module>' && f.start <= offset && offset <= f.end).sort((a, b) => (a.end - a.start) - (b.end - b.start));
  const all = [...fns, ...file.functions.filter((f) => f.name === '<module>')];
  for (const fn of all) {
    if (fn.nameStart <= offset && offset <= fn.nameEnd && fn.nameEnd > fn.nameStart) {
      return { markdown: contractMarkdown(analysis, fn, file), start: fn.nameStart, end: fn.nameEnd };
    }
    const op = fn.ops.find((o) => o.start <= offset && offset <= o.calleeEnd);
    if (op) {
      const lines = [`🔒 \`${op.text}\` · ${op.ref.cls ? `class \`${op.ref.cls}\`` : 'a lock of this function'} · async-mutex ${op.ref.kind}`];
      for (const order of analysis.orders()) {
        const rank = rankIn(order, op.ref.cls ?? op.ref.display, op.ref.pkg);
        if (rank >= 0) lines.push(`Declared order: ${order.names.map((n, i) => (i === rank ? `**${n}**` : n)).join(' > ')} (position ${rank + 1} of ${order.names.length})`);
      }
      lines.push(heldLine(op.held, 'Held before it'));
      const cycle = op.ref.node ? analysis.cycles().find((c) => c.some((e) => e.from === op.ref.node)) : undefined;
      if (cycle) lines.push(`⚠️ In a lock-order cycle: ${[...cycle.map((e) => e.fromCls), cycle[0].fromCls].join(' → ')}`);
      return { markdown: lines.join('\n\n'), start: op.start, end: op.end };
    }
    const call = fn.calls.find((c) => c.nameStart <= offset && offset <= c.nameEnd);
    const callee = call ? analysis.fn(call.calleeId) : undefined;
    if (call && callee) {
      const parts = [contractMarkdown(analysis, callee, analysis.files.get(callee.file))];
      const reqs = analysis.requires(callee).map((r) => mapToCaller(r.ref, call, callee.params)).filter((r) => r.exact);
      if (reqs.length) parts.push(reqs.map((r) => `${call.held.get(r.key) ? '✅' : '⚠️'} \`${r.display}\` ${call.held.get(r.key) ? 'is held here' : 'is not held here'}`).join('\n\n'));
      parts.push(heldLine(call.held, 'Held at this call'));
      return { markdown: parts.join('\n\n'), start: call.nameStart, end: call.nameEnd };
    }
    const st = fn.statements.filter(([s, e]) => s <= offset && offset <= e).sort((a, b) => (a[1] - a[0]) - (b[1] - b[0]))[0];
    if (st) return { markdown: heldLine(st[2], 'Held here'), start: st[0], end: st[0] };
  }
  return undefined;
}

function heldLine(s: LockState, what: string): string {
  if (s.size === 0) return `${what}: no async-mutex lock`;
  return `${what}: ${s.all().map((h) => `\`${h.ref.display}\`${h.maybe ? ' (on some paths)' : ''}${h.fromContract ? ' (by the contract)' : h.inherited ? ' (by the code around this callback)' : h.scoped ? ' (runExclusive)' : ''}`).join(', ')}`;
}

function contractMarkdown(analysis: TsAnalysis, fn: TsFunction, file: TsFileFacts | undefined): string {
  const lines = [`**${fn.name}**${file && file.path !== fn.file ? '' : ''}`];
  const reqs = analysis.requires(fn);
  for (const r of reqs) lines.push(`🔒 **requires** \`${r.ref.display}\` (from ${r.source.describe})`);
  const acq = analysis.acquisitions(fn);
  const direct = [...new Set(acq.map((a) => a.ref.display))];
  if (direct.length) lines.push(`**acquires** ${direct.map((d) => `\`${d}\``).join(', ')}`);
  if (reqs.length === 0 && direct.length === 0) lines.push('No lock contract.');
  return lines.join('\n\n');
}
