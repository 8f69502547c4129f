import type { GoFile } from '../model/file';
import type { SyntaxNode } from '../syntax/node';
import type { Check } from './check';

const LOCK = /^(.*)\.(Lock|RLock)\(\)$/;

/** A `x.Lock()` statement directly followed by `x.Unlock()`: the two statements and the lock's name. */
interface EmptyPair { lock: SyntaxNode; unlock: SyntaxNode; name: string }

// Both caches are keyed by syntax: after an edit, the parser re-uses unchanged declarations node for node
// (see parseGoIncremental), so only the edited ones are walked and read again. Statement lists are keyed by
// their declaration's children array, not the node: a compacted package (see PackageAnalysis.compact) empties
// its functions' children, and the lists found below them go with the old array. (Leaves share one empty
// array, under which no list is ever found.)
const listsByDecl = new WeakMap<SyntaxNode[], SyntaxNode[]>();
const pairsByList = new WeakMap<SyntaxNode, EmptyPair[]>();

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
      const text = file.parsed.text;
      // A declaration without an Unlock in its text has no pair: its statements are not walked. The next
      // Unlock is searched for once per occurrence, not once per declaration.
      let unlock = -1;
      for (const decl of file.parsed.root.children) {
        if (unlock < decl.start) unlock = text.indexOf('nlock', decl.start);
        if (unlock < 0) break;
        if (unlock >= decl.end) continue;
        for (const list of statementLists(decl)) {
          for (const p of emptyPairs(list, file)) {
            ctx.report({
              file: file.path,
              range: file.lines.range(p.lock.start, p.unlock.end),
              message: `empty critical section: ${p.name} is locked and unlocked with nothing in between`,
              related: [], fixes: [],
            });
          }
        }
      }
    }
  },
};

function statementLists(decl: SyntaxNode): SyntaxNode[] {
  let lists = listsByDecl.get(decl.children);
  if (!lists) {
    // In the order of a pre-order walk; leaves are not visited.
    const found: SyntaxNode[] = [];
    const stack = [decl];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === 'statement_list') found.push(n);
      const kids = n.children;
      for (let i = kids.length - 1; i >= 0; i--) if (kids[i].children.length) stack.push(kids[i]);
    }
    listsByDecl.set(decl.children, (lists = found));
  }
  return lists;
}

function emptyPairs(list: SyntaxNode, file: GoFile): EmptyPair[] {
  let pairs = pairsByList.get(list);
  if (pairs) return pairs;
  pairs = [];
  let prev: SyntaxNode | undefined, prevText = '';
  for (const stmt of list.children) {
    if (stmt.type === 'comment') continue;
    // Only expression statements are read as text (slicing every statement would copy whole blocks), and
    // only those that name a Lock are compared without their blanks.
    const text = stmt.type === 'expression_statement' ? file.text(stmt) : '';
    if (prev && prevText.includes('Lock') && text.includes('nlock')) {
      const m = LOCK.exec(callText(prevText));
      if (m && callText(text) === `${m[1]}.${m[2] === 'RLock' ? 'RUnlock' : 'Unlock'}()`) pairs.push({ lock: prev, unlock: stmt, name: m[1] });
    }
    prev = stmt;
    prevText = text;
  }
  pairsByList.set(list, pairs);
  return pairs;
}

function callText(text: string): string {
  return text.replace(/\s+/g, '');
}
