import type { HeldLock } from '../analysis/held';
import type { Acquisition } from '../analysis/summaries';
import type { FuncDecl, GoFile } from '../model/file';
import type { SyntaxNode } from '../syntax/node';
import type { RelatedLocation } from './finding';

export function lineNo(file: GoFile, offset: number): number {
  return file.lines.lineOf(offset) + 1;
}

export function related(file: GoFile, start: number, end: number, message: string): RelatedLocation {
  return { file: file.path, range: file.lines.range(start, end), message };
}

/** "locked at line 12", or "held by the contract of f" for a lock the caller provides. */
export function whereHeld(fn: FuncDecl, h: HeldLock): string {
  return h.fromContract ? `held by the caller per ${fn.name}'s contract` : `locked at line ${lineNo(fn.file, h.site)}`;
}

/** Where a held lock was taken, as a related location. */
export function heldLocation(fn: FuncDecl, h: HeldLock): RelatedLocation {
  const end = h.fromContract ? fn.nameNode.end : h.site;
  return related(fn.file, h.site, end, h.fromContract ? `${h.ref.display} is held on entry (${fn.name}'s contract)` : `${h.ref.display} locked here`);
}

/** The Lock call at the end of an acquisition's chain, as a related location. */
export function acquisitionLocation(a: Acquisition, message: string): RelatedLocation {
  return related(a.lockFn.file, a.lockOffset, a.lockOffset, message);
}

/** The `Lock`/`Unlock` name in a call such as `s.mu.Lock()`, or in `defer s.mu.Lock()`. */
export function methodNameNode(node: SyntaxNode): SyntaxNode | undefined {
  const call = node.type === 'call_expression' ? node : node.children.find((c) => c.type === 'call_expression');
  const fn = call?.children.find((c) => c.field === 'function');
  return fn?.children.find((c) => c.field === 'field');
}
