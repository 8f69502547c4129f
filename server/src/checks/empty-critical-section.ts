import type { GoFile } from '../model/file';
import { nodeAt, type SyntaxNode } from '../syntax/node';
import type { Check } from './check';

const LOCK = /^(.*)\.(Lock|RLock)\(\)$/;

/** A `x.Lock()` statement directly followed by `x.Unlock()`: the two statements and the lock's name. */
interface EmptyPair { lock: SyntaxNode; unlock: SyntaxNode; name: string }

export const emptyCriticalSection: Check = {
  id: 'empty-critical-section',
  title: 'A lock is taken and released with nothing in between',
  doc: `A lock is taken and released with nothing in between.

mu.Lock() directly followed by mu.Unlock() protects nothing. Sometimes it is meant as a barrier (wait until
other holders are done); often the guarded code was moved away. Reported as information.`,
  example: 'mu.Lock(); mu.Unlock()',
  defaultSeverity: 'information',
  run(ctx) {
    for (const file of ctx.analysis.pkg.files) {
      for (const p of emptyPairs(file)) {
        ctx.report({
          file: file.path,
          range: file.lines.range(p.lock.start, p.unlock.end),
          message: `empty critical section: ${p.name} is locked and unlocked with nothing in between`,
          related: [], fixes: [],
        });
      }
    }
  },
};

/**
 * The pairs of a file, found from the text: an empty section ends with an Unlock statement, so only the
 * statements around each "nlock" in the text are read, not every node of the functions that have one.
 */
function emptyPairs(file: GoFile): EmptyPair[] {
  const text = file.parsed.text;
  const pairs: EmptyPair[] = [];
  const decls = file.parsed.root.children;
  let d = 0, last: SyntaxNode | undefined;
  for (let at = text.indexOf('nlock'); at >= 0; at = text.indexOf('nlock', at + 1)) {
    while (d < decls.length && decls[d].end <= at) d++;
    if (d === decls.length) break;
    if (decls[d].start > at) continue;
    const stmt = statementAt(decls[d], at);
    if (!stmt || stmt === last || stmt.type !== 'expression_statement') continue;
    last = stmt;
    const prev = previousStatement(stmt);
    if (!prev || prev.type !== 'expression_statement') continue;
    const prevText = file.text(prev);
    if (!prevText.includes('Lock')) continue;
    const m = LOCK.exec(callText(prevText));
    if (m && callText(file.text(stmt)) === `${m[1]}.${m[2] === 'RLock' ? 'RUnlock' : 'Unlock'}()`) pairs.push({ lock: prev, unlock: stmt, name: m[1] });
  }
  return pairs;
}

/** The statement of the innermost statement list that contains the offset. */
function statementAt(decl: SyntaxNode, offset: number): SyntaxNode | undefined {
  for (let n = nodeAt(decl, offset); n && n !== decl; n = n.parent ?? undefined) {
    if (n.parent?.type === 'statement_list') return n;
  }
  return undefined;
}

function previousStatement(stmt: SyntaxNode): SyntaxNode | undefined {
  const list = stmt.parent!.children;
  for (let i = list.indexOf(stmt) - 1; i >= 0; i--) if (list[i].type !== 'comment') return list[i];
  return undefined;
}

function callText(text: string): string {
  return text.replace(/\s+/g, '');
}
