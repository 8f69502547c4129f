/**
 * Doc-comment phrasings of "the caller holds X", as regular expressions, for the TypeScript front end (the Go
 * front end reads prose with the sentence grammar of prose-grammar.ts; moving TypeScript onto it belongs to the
 * one-core work). The front end says what a lock name looks like and which words mean a lock and "held".
 */
export interface ProseWords {
  /** One lock name, as a regular expression source: `vms.mu`, `this.mu`. */
  name: string;
  /** Words that may follow a name: `(?:lock|mutex|mu)s?`. */
  lockWord: string;
  /** Words for "held": `held|locked|acquired`. */
  held: string;
}

/** The phrasings, matched loosely and case-insensitively; the lock names are in group 1. */
export function prosePhrasings(w: ProseWords): RegExp[] {
  const NAMES = String.raw`${w.name}(?:(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+)${w.name})*`;
  const THE = String.raw`(?:the\s+)?`;
  const LOCKWORD = String.raw`(?:\s+${w.lockWord})?`;
  const HELD = `(?:${w.held})`;
  return [
    new RegExp(String.raw`\bassum(?:es|e|ing)\s+(?:that\s+)?${THE}(${NAMES})${LOCKWORD}\s+(?:is|are)\s+(?:already\s+)?${HELD}`, 'gi'),
    new RegExp(String.raw`\bcallers?\s+(?:must|should|needs?\s+to|has\s+to|have\s+to)\s+(?:hold|have|own|acquire|lock|take)\s+${THE}(${NAMES})`, 'gi'),
    new RegExp(String.raw`\bmust\s+be\s+called\s+with\s+${THE}(${NAMES})${LOCKWORD}\s+${HELD}`, 'gi'),
    new RegExp(String.raw`\bcalled\s+with\s+${THE}(${NAMES})${LOCKWORD}\s+(?:already\s+)?${HELD}`, 'gi'),
    new RegExp(String.raw`(?:^|[\s(])${THE}(${NAMES})${LOCKWORD}\s+(?:must|should)\s+be\s+(?:already\s+)?${HELD}`, 'gi'),
    new RegExp(String.raw`\brequires\s+(?:that\s+)?${THE}(${NAMES})${LOCKWORD}\s+(?:is\s+|be\s+|to\s+be\s+)?${HELD}`, 'gi'),
    // "Must only be called while holding n.mu", "called while s.mu is held" (net/http).
    new RegExp(String.raw`\bcalled\s+(?:only\s+)?while\s+(?:holding|having\s+locked)\s+${THE}(${NAMES})`, 'gi'),
    new RegExp(String.raw`\bcalled\s+(?:only\s+)?while\s+${THE}(${NAMES})${LOCKWORD}\s+(?:is|are)\s+(?:already\s+)?${HELD}`, 'gi'),
    // "the dc.db's Mutex is held" (database/sql).
    new RegExp(String.raw`${THE}(${NAMES})'s\s+${w.lockWord}\s+(?:is|are|must\s+be|should\s+be)\s+(?:already\s+)?${HELD}`, 'gi'),
    // "It assumes the caller is holding the lock on dc" (database/sql), "the caller holds s.mu".
    new RegExp(String.raw`\bcallers?\s+(?:is\s+|are\s+)?(?:already\s+)?(?:holding|holds|hold|has\s+locked|has\s+acquired)\s+(?:the\s+lock\s+(?:on|of|for)\s+)?${THE}(${NAMES})`, 'gi'),
  ];
}
