import { walk } from '../syntax/node';
import type { Check } from './check';

const LOCK = /^(.*)\.(Lock|RLock)\(\)$/;

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
      walk(file.parsed.root, (n) => {
        if (n.type !== 'statement_list') return;
        const stmts = n.children.filter((c) => c.type !== 'comment');
        for (let i = 0; i + 1 < stmts.length; i++) {
          // Only expression statements are read as text: slicing every statement would copy whole blocks.
          if (stmts[i].type !== 'expression_statement' || stmts[i + 1].type !== 'expression_statement') continue;
          const a = callText(file.text(stmts[i])), b = callText(file.text(stmts[i + 1]));
          const m = a && LOCK.exec(a);
          if (!m || !b || b !== `${m[1]}.${m[2] === 'RLock' ? 'RUnlock' : 'Unlock'}()`) continue;
          ctx.report({
            file: file.path,
            range: file.lines.range(stmts[i].start, stmts[i + 1].end),
            message: `empty critical section: ${m[1]} is locked and unlocked with nothing in between`,
            related: [], fixes: [],
          });
        }
      });
    }
  },
};

function callText(text: string): string {
  return text.replace(/\s+/g, '');
}
