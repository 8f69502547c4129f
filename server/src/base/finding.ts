import type { Range } from './lines';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit { file: string; range: Range; newText: string }

export interface Fix {
  /** A stable name for the kind of fix, used by golden tests and telemetry-free logs. */
  id: string;
  title: string;
  edits: TextEdit[];
  preferred?: boolean;
}

export interface RelatedLocation { file: string; range: Range; message: string }

/** A diagnostic in plain data: the server and the CLI each convert it to their own form. */
export interface Finding {
  file: string;
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  related: RelatedLocation[];
  fixes: Fix[];
  unnecessary?: boolean;
  /**
   * The lock classes the finding is about, as lock-graph nodes (`dir|VM.lock`): the Locks view counts a lock's
   * problems by them, not by reading names in messages. Absent or empty: the finding is about no lock class (the
   * form of an annotation, the OS thread, a map that no lock guards yet).
   */
  locks?: string[];
}
