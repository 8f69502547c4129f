/**
 * Sends that hand a value to a loop that is always ready for it: every receive of the channel field in the package
 * is a case of a `for { select { ... } }` whose loop does nothing that blocks or takes a lock before it gets back to
 * the select, except on its way out (a case that ends in `return`). A send to it waits only for that loop to come
 * round, never for another lock user or a slow consumer (go-libp2p's address subscriptions: `case naddr :=
 * <-sub.pubch:` queues the address in a slice). Read at report time, from the package's flows.
 */
import type { FuncDecl, GoFile } from '../model/file';
import { child, walk, type SyntaxNode } from '../syntax/node';
import type { PackageAnalysisView } from './package-analysis-types';

const byPackage = new WeakMap<PackageAnalysisView, Map<string, boolean>>();

/** Whether a send, or a select with such a send among its cases, hands its value to a ready loop. */
export function handedToReadyLoop(analysis: PackageAnalysisView, file: GoFile, node: SyntaxNode): boolean {
  const sends = node.type === 'send_statement' ? [node]
    : node.type === 'select_statement' ? node.children.filter((c) => c.type === 'communication_case').map((c) => child(c, 'communication')).filter((c): c is SyntaxNode => c?.type === 'send_statement')
      : [];
  return sends.some((s) => {
    const ch = child(s, 'channel');
    return ch?.type === 'selector_expression' && readyLoopField(analysis, file.text(child(ch, 'field')));
  });
}

function readyLoopField(analysis: PackageAnalysisView, field: string): boolean {
  let known = byPackage.get(analysis);
  if (!known) byPackage.set(analysis, (known = new Map()));
  let out = known.get(field);
  if (out === undefined) known.set(field, (out = computeReady(analysis, field)));
  return out;
}

function computeReady(analysis: PackageAnalysisView, field: string): boolean {
  let receives = 0;
  for (const f of analysis.pkg.files) {
    if (!f.parsed.text.includes(field)) continue;
    let ok = true;
    walk(f.parsed.root, (n) => {
      if (!ok) return false;
      if (n.type !== 'unary_expression' || f.text(n).slice(0, 2) !== '<-') return true;
      const operand = child(n, 'operand');
      if (operand?.type !== 'selector_expression' || f.text(child(operand, 'field')) !== field) return true;
      receives++;
      if (!inReadyLoop(analysis, f, n)) ok = false;
      return true;
    });
    if (!ok) return false;
  }
  return receives > 0;
}

/** The receive is a case of a select that is a statement of a for loop's body, and the loop is ready (see above). */
function inReadyLoop(analysis: PackageAnalysisView, file: GoFile, receive: SyntaxNode): boolean {
  let c: SyntaxNode | null = receive.parent;
  while (c && c.type !== 'communication_case' && c.type !== 'select_statement' && c.type !== 'block') c = c.parent;
  // The receive is the case's communication (`case v := <-x.f:`), not a statement of its body.
  if (c?.type !== 'communication_case' || !child(c, 'communication') || receive.end > child(c, 'communication')!.end) return false;
  const select = c.parent;
  const loop = select?.parent?.type === 'statement_list' ? select.parent.parent?.parent : undefined;
  if (select?.type !== 'select_statement' || loop?.type !== 'for_statement') return false;
  const fn = file.funcs.find((d) => d.node.start <= loop.start && loop.end <= d.node.end);
  const flow = fn && analysis.flows.get(fn);
  if (!fn || !flow) return false;
  // The case bodies that leave the loop (their last statement is a return): what they do happens once, on the way out.
  const exits = select.children.filter((k) => /case$/.test(k.type) && lastStatement(k)?.type === 'return_statement');
  const counts = (n: SyntaxNode) => loop.start <= n.start && n.end <= loop.end && n !== select && !exits.some((x) => x.start <= n.start && n.end <= x.end);
  if (flow.blocking.some((b) => counts(b.node))) return false;
  if (flow.lockEvents.some((e) => counts(e.node))) return false;
  return !flow.calls.some((s) => counts(s.node) && (s.callee ? mayWaitOrLock(analysis, s.callee) : !isAccessor(s.calleeName)));
}

/**
 * A call outside the workspace that surely does not wait: a builtin or a conversion, or a plain accessor (`a.Bytes()`,
 * `k.String()`). Anything else may be I/O the analysis cannot see (`stream.Send(resp)`): the loop is not ready then.
 */
const ACCESSORS = /^(len|cap|append|copy|delete|make|new|min|max|clear|string|int|int64|uint64|byte|rune|float64|bool|\[\]byte|String|Bytes|Len|Equal|Key|ID|Name|Error)$/;

function isAccessor(calleeName: string): boolean {
  return ACCESSORS.test(calleeName.slice(calleeName.lastIndexOf('.') + 1));
}

/** A function of the workspace that blocks or takes a lock itself (its own body: read before summaries exist). */
function mayWaitOrLock(analysis: PackageAnalysisView, fn: FuncDecl): boolean {
  const flow = analysis.flowOf(fn);
  return !flow || flow.blocking.length > 0 || flow.lockEvents.length > 0 || flow.calls.some((s) => s.callee && s.callee !== fn && !!analysis.flowOf(s.callee)?.lockEvents.length);
}

function lastStatement(caseNode: SyntaxNode): SyntaxNode | undefined {
  const list = caseNode.children.filter((k) => k.type.endsWith('_statement') || k.type === 'statement_list');
  const last = list[list.length - 1];
  if (last?.type === 'statement_list') return last.children.filter((k) => k.type !== 'comment').pop();
  return last;
}
