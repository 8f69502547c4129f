/**
 * Hovers on TypeScript code: a function's contract (at its name or a call of it) and where it came
 * from; a lock operation's lock, class and place in the declared order; elsewhere in a body, the locks
 * held there. Plain markdown and offsets; the server converts. As the Go hover (ide/hover.ts), it says each
 * fact once: a finding at the position comes first, and at a call the rows that repeat it are left out.
 */
import { rankIn } from '../analysis/hierarchy';
import type { Finding } from '../base/finding';
import { findingLine } from '../checks/util';
import { mapToCaller, type TsAnalysis } from './analysis';
import { tsLockNode } from './checks/check';
import type { LockState, TsFileFacts, TsFunction } from './model';

export interface TsHover { markdown: string; start: number; end: number }

/** The diagnostics a hover is shown with (as the Go hover's HoverContext). */
export interface TsHoverFindings {
  /** The findings of the file (those that cover the position count). */
  findings?: readonly Finding[];
  /** The editor shows the diagnostics at the position in its own hover, above the server's (VS Code does). */
  editorShowsDiagnostics?: boolean;
}

export function hoverAt(analysis: TsAnalysis, file: TsFileFacts, offset: number, here: TsHoverFindings = {}): TsHover | undefined {
  const covering = (here.findings ?? []).filter((f) => f.file === file.path && file.lines.offset(f.range.start) <= offset && offset <= file.lines.offset(f.range.end));
  const h = hoverBody(analysis, file, offset, new Set(covering.flatMap((f) => f.locks ?? [])));
  if (!h || !covering.length || here.editorShowsDiagnostics) return h;
  return { ...h, markdown: [...covering.map(findingLine), h.markdown].join('\n\n---\n\n') };
}

/** The hover without the findings; `said` are the locks (Finding.locks) that findings there already name. */
function hoverBody(analysis: TsAnalysis, file: TsFileFacts, offset: number, said: ReadonlySet<string>): TsHover | undefined {
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
      // A requirement not met here that a finding here names is said by the finding: its contract row, its "is not
      // held here" and "no lock held" are left out.
      const all = analysis.requires(callee).map((req) => ({ req, ref: mapToCaller(req.ref, call, callee.params) })).filter((x) => x.ref.exact);
      const repeated = all.filter((x) => !call.held.get(x.ref.key) && said.has(tsLockNode(fn.file, x.ref)));
      const reqs = all.filter((x) => !repeated.includes(x)).map((x) => x.ref);
      const parts = [contractMarkdown(analysis, callee, analysis.files.get(callee.file), new Set(repeated.map((x) => x.req)))];
      if (reqs.length) parts.push(reqs.map((r) => `${call.held.get(r.key) ? '✅' : '⚠️'} \`${r.display}\` ${call.held.get(r.key) ? 'is held here' : 'is not held here'}`).join('\n\n'));
      if (!repeated.length || call.held.size > 0) parts.push(heldLine(call.held, 'Held at this call'));
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

/** A function's contract; `omit`: its requirements that a finding shown with it already states. */
function contractMarkdown(analysis: TsAnalysis, fn: TsFunction, file: TsFileFacts | undefined, omit: ReadonlySet<object> = new Set()): string {
  const lines = [`**${fn.name}**${file && file.path !== fn.file ? '' : ''}`];
  const reqs = analysis.requires(fn);
  for (const r of reqs) if (!omit.has(r)) lines.push(`🔒 **requires** \`${r.ref.display}\` (from ${r.source.describe})`);
  const acq = analysis.acquisitions(fn);
  const direct = [...new Set(acq.map((a) => a.ref.display))];
  if (direct.length) lines.push(`**acquires** ${direct.map((d) => `\`${d}\``).join(', ')}`);
  // The contract is not absent where a finding gave it.
  if (reqs.length === 0 && direct.length === 0) lines.push('No lock contract.');
  return lines.join('\n\n');
}
