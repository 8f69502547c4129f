import type { FunctionFlow } from '../analysis/flow-types';
import type { FuncDecl, GoFile } from '../model/file';
import type { SyntaxNode } from '../syntax/node';
import type { CheckContext } from './check';

/**
 * What a package-wide check found in one function, computed once per flow in an editor. It may depend on the
 * function's flow (its body), the contracts it sees (the package's, and through the flow the imported ones:
 * an analysis re-uses flows only while those are the same), and the comments around its statements: in the
 * body, in its doc comment, or after it on its last line (a top-level comment, which an edit cannot change
 * without the package's flows being computed again). It must not depend on other functions' bodies or on
 * positions: a check keeps nodes and builds its reports from them each time. A function that shares a line
 * with another declaration is never kept: a comment of the other one can annotate its statements.
 */
interface Kept { contracts: object; doc: string; value: unknown }

/** Per check (its slot), what it kept per flow: one map each, rather than a map per flow. */
const keptBySlot = new Map<string, WeakMap<FunctionFlow, Kept>>();

export function keptPerFlow<T>(ctx: CheckContext, slot: string, fn: FuncDecl, flow: FunctionFlow, compute: () => T): T {
  if (!ctx.reuse || sharesLine(fn)) return compute();
  const contracts = ctx.analysis.contractsIdentity, doc = fn.doc.text;
  let kept = keptBySlot.get(slot);
  if (!kept) keptBySlot.set(slot, (kept = new WeakMap()));
  const k = kept.get(flow);
  if (k && k.contracts === contracts && k.doc === doc) return k.value as T;
  const value = compute();
  kept.set(flow, { contracts, doc, value });
  return value;
}

const NONE: never[] = [];

/** The list, or one shared empty list in place of an empty one (most functions find nothing to keep). */
export function orNone<T>(list: T[]): readonly T[] {
  return list.length ? list : NONE;
}

const sharingByFile = new WeakMap<GoFile, Set<SyntaxNode>>();

/** Whether the function's first or last line holds another top-level declaration too. */
function sharesLine(fn: FuncDecl): boolean {
  const file = fn.file;
  let sharing = sharingByFile.get(file);
  if (!sharing) {
    sharing = new Set();
    // From the text: a line break between two declarations puts them on lines of their own.
    const text = file.parsed.text;
    const top = file.parsed.root.children.filter((n) => n.type !== 'comment');
    for (let i = 1; i < top.length; i++) {
      const newline = text.indexOf('\n', top[i - 1].end);
      if (newline < 0 || newline >= top[i].start) { sharing.add(top[i - 1]); sharing.add(top[i]); }
    }
    sharingByFile.set(file, sharing);
  }
  return sharing.has(fn.node);
}
