/**
 * Where a lock contract comes from, for every front end (Go and TypeScript name their sources alike), and how far
 * it is trusted: the one table that decides whether a finding resting on a contract is declared evidence, at its
 * check's severity, or a guess, reported as information (README, "Confidence"), and which source wins when two
 * give the same function a contract (the lower rank).
 */
export type ContractSourceKind = 'annotation' | 'doc' | 'body' | 'twin' | 'name' | 'callers';

export interface SourceTrust {
  /** Written in the code (an annotation, a doc comment, the body's own lock operations), not inferred from habits. */
  declared: boolean;
  /** The lower wins: a twin's contract replaces the guess from a …Locked name. */
  rank: number;
  /** For the docs and the hover: what the source is. */
  what: string;
}

export const CONTRACT_SOURCES: Readonly<Record<ContractSourceKind, SourceTrust>> = {
  annotation: { declared: true, rank: 0, what: 'an annotation: +checklocks in Go, @requires in JSDoc' },
  doc: { declared: true, rank: 1, what: 'a doc comment whose lock resolves ("Caller must hold mu")' },
  body: { declared: true, rank: 2, what: "the function's own lock operations (it unlocks a lock it never takes, asserts isLocked(), returns one held)" },
  // Inferred from one function's habit: on real code two of three warnings that rested on it were false (the
  // callee read only fields set before the object was shared).
  twin: { declared: false, rank: 3, what: 'a twin that holds the lock around its call (FindVM and findVM, sendAlert and sendAlertLocked)' },
  name: { declared: false, rank: 4, what: 'a name ending in Locked' },
  callers: { declared: false, rank: 5, what: 'every caller in the package holding the lock' },
};

/** Whether a contract from this source is only a guess: findings that rest on it alone are information. */
export function isGuess(kind: ContractSourceKind): boolean {
  return !CONTRACT_SOURCES[kind].declared;
}
