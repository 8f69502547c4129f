import type { BlockingEvent, FunctionFlow } from '../analysis/flow-types';
import { guardFacts } from '../analysis/guards';
import type { HeldLock } from '../analysis/held';
import type { PackageAnalysis } from '../analysis/package-analysis';
import type { FuncDecl, GoFile } from '../model/file';
import { child, walk, type SyntaxNode } from '../syntax/node';
import type { Fix } from '../base/finding';

/** Statements the send may move past: no branch leaves between them, and they can neither block nor lock. */
const SIMPLE = new Set(['expression_statement', 'short_var_declaration', 'assignment_statement', 'var_declaration', 'inc_statement', 'dec_statement']);
const PURE_CALLS = new Set(['len', 'cap', 'append', 'delete', 'copy', 'make', 'new', 'min', 'max', 'clear']);

/**
 * "Move the send after the Unlock": a channel send on a line of its own, under one lock that the same block
 * unlocks a few statements later, goes below that Unlock. Only when the statements between write nothing the send
 * reads (its channel and value are the same after them), call nothing but builtins, and the send reads no field
 * or global that a lock guards (it would then read it unlocked).
 */
export function moveSendAfterUnlock(analysis: PackageAnalysis, fn: FuncDecl, flow: FunctionFlow, e: BlockingEvent, held: HeldLock[]): Fix[] {
  const send = e.node;
  if (e.what !== 'channel send' || send.type !== 'send_statement' || held.length !== 1 || e.unit !== 'function') return [];
  const h = held[0];
  if (h.fromContract || !h.ref.exact || send.parent?.type !== 'statement_list') return [];
  const unlock = flow.lockEvents.find((l) => !l.deferred && l.unit === e.unit && l.op.ref.key === h.ref.key && l.op.method === (h.mode === 'read' ? 'RUnlock' : 'Unlock')
    && l.node.start > send.end && l.node.parent?.type === 'expression_statement' && l.node.parent.parent?.start === send.parent!.start);
  if (!unlock) return [];
  const unlockStmt = unlock.node.parent!;
  const file = fn.file;
  // Nodes are compared by place: the same node may be reached as two objects.
  const between = send.parent.children.filter((s) => s.start > send.start && s.start < unlockStmt.start && s.type !== 'comment');
  const reads = readPaths(file, send);
  for (const s of between) {
    if (!SIMPLE.has(s.type) || callsOrBlocks(file, s)) return [];
    for (const w of writtenPaths(file, s)) if (reads.some((r) => r === w || r.startsWith(`${w}.`) || r.startsWith(`${w}[`) || w.startsWith(`${r}.`) || w.startsWith(`${r}[`))) return [];
  }
  const guards = guardFacts(analysis).guards;
  if (flow.accesses.some((a) => a.node.start >= send.start && a.node.end <= send.end && guards.has(a.target))) return [];
  // Whole lines: the send from its line's start to its last line's end (a trailing comment goes with it).
  const first = file.lines.lineOf(send.start), last = file.lines.lineOf(send.end);
  const from = file.lines.lineStart(first);
  if (from + file.lines.indentOf(first).length !== send.start) return [];
  const to = file.lines.lineStart(last + 1);
  if (to <= from || file.lines.lineOf(unlockStmt.end) !== file.lines.lineOf(unlockStmt.start)) return [];
  const text = file.parsed.text.slice(from, to);
  const after = file.lines.lineStart(file.lines.lineOf(unlockStmt.end) + 1);
  if (after <= unlockStmt.end) return [];
  return [{
    id: 'move-send-after-unlock',
    title: `Move the send after ${h.ref.display}.${unlock.op.method}()`,
    preferred: true,
    edits: [
      { file: file.path, range: { start: file.lines.position(from), end: file.lines.position(to) }, newText: '' },
      { file: file.path, range: { start: file.lines.position(after), end: file.lines.position(after) }, newText: text.endsWith('\n') ? text : `${text}\n` },
    ],
  }];
}

function callsOrBlocks(file: GoFile, stmt: SyntaxNode): boolean {
  let found = false;
  walk(stmt, (n) => {
    if (n.type === 'func_literal' || n.type === 'send_statement' || (n.type === 'unary_expression' && n.op === '<-')) found = true;
    else if (n.type === 'call_expression' && !PURE_CALLS.has(file.text(child(n, 'function')))) found = true;
    return !found;
  });
  return found;
}

/** The variables and paths a statement reads, whole (`h.events`, not also `h`; `m[k]` and `k`). */
function readPaths(file: GoFile, n: SyntaxNode): string[] {
  const out: string[] = [];
  const visit = (x: SyntaxNode): void => {
    if (x.type === 'identifier' || x.type === 'selector_expression' || x.type === 'index_expression') {
      out.push(file.text(x).replace(/\s+/g, ''));
      if (x.type === 'index_expression') { const i = child(x, 'index'); if (i) visit(i); }
      if (x.type !== 'identifier') for (const c of x.children) if (c.type === 'call_expression') visit(c);
      return;
    }
    for (const c of x.children) visit(c);
  };
  visit(n);
  return out;
}

/** What a simple statement assigns: its left-hand sides, the operand of ++ and --, the names it declares. */
function writtenPaths(file: GoFile, s: SyntaxNode): string[] {
  const targets = s.type === 'inc_statement' || s.type === 'dec_statement' ? s.children.slice(0, 1)
    : s.type === 'assignment_statement' || s.type === 'short_var_declaration' ? child(s, 'left')?.children ?? []
      : s.type === 'var_declaration' ? s.children : [];
  const out: string[] = [];
  for (const t of targets) {
    if (t.type === 'var_spec') { for (const c of t.children) if (c.type === 'identifier') out.push(file.text(c)); continue; }
    if (t.type !== ',' && t.type !== 'comment') out.push(file.text(t).replace(/\s+/g, ''));
  }
  // A method call's receiver may change too (`h.buf.Reset()`), but calls are ruled out before this.
  return out;
}
