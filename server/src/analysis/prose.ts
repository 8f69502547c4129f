/**
 * Doc-comment phrasings of "the caller holds X", shared by the Go and the TypeScript front ends. Each
 * front end says what a lock name looks like in its language and which words mean a lock and "held".
 */
export interface ProseWords {
  /** One lock name, as a regular expression source: `vms.mu`, `this.mu`. */
  name: string;
  /** Words that may follow a name: `(?:lock|mutex|mu)s?`. */
  lockWord: string;
  /** Words for "held": `held|locked|acquired`. */
  held: string;
  /** Also read minimega's "F is G without locking X". */
  withoutLocking: boolean;
}

/**
 * A phrasing: the lock names in group 1. `namesMustResolve`: a looser phrasing whose names count only when they
 * name a lock in scope ("its caller holds the heap lock" names none).
 */
export type Phrasing = RegExp & { namesMustResolve?: true };

/** The phrasings, matched loosely and case-insensitively. */
export function prosePhrasings(w: ProseWords): Phrasing[] {
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
    ...(w.withoutLocking ? [new RegExp(String.raw`\bis\s+\w+\s+without\s+(?:locking|acquiring|taking|grabbing|holding)\s+${THE}(${NAMES})`, 'gi')] : []),
    // "Must only be called while holding n.mu", "called while s.mu is held" (net/http).
    loose(String.raw`\bcalled\s+(?:only\s+)?while\s+(?:holding|having\s+locked)\s+${THE}(${NAMES})`),
    loose(String.raw`\bcalled\s+(?:only\s+)?while\s+${THE}(${NAMES})${LOCKWORD}\s+(?:is|are)\s+(?:already\s+)?${HELD}`),
    // "the dc.db's Mutex is held" (database/sql).
    loose(String.raw`${THE}(${NAMES})'s\s+${w.lockWord}\s+(?:is|are|must\s+be|should\s+be)\s+(?:already\s+)?${HELD}`),
    // "It assumes the caller is holding the lock on dc" (database/sql), "the caller holds s.mu".
    loose(String.raw`\bcallers?\s+(?:is\s+|are\s+)?(?:already\s+)?(?:holding|holds|hold|has\s+locked|has\s+acquired)\s+(?:the\s+lock\s+(?:on|of|for)\s+)?${THE}(${NAMES})`),
  ];
}

function loose(source: string): Phrasing {
  return Object.assign(new RegExp(source, 'gi'), { namesMustResolve: true as const });
}
