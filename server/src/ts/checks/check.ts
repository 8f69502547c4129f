import type { Finding, RelatedLocation } from '../../base/finding';
import type { TsAnalysis } from '../analysis';
import type { Held, LockRef, TsFileFacts, TsFunction } from '../model';

/** A finding as a TypeScript check reports it; the runner adds the code and the severity. */
export type TsReport = Omit<Finding, 'severity' | 'code'> & {
  /** The evidence does not settle it: reported as information, not at the check's severity. */
  weak?: boolean;
};

export interface TsCheckContext {
  analysis: TsAnalysis;
  /** The files to report on (the others are read for their contracts and locks). */
  files: TsFileFacts[];
  report(finding: TsReport): void;
}

/**
 * A check of the TypeScript front end. It has the id of the Go check that it mirrors: the title, the
 * documentation and the default severity are that check's, in server/src/checks/registry.ts.
 */
export interface TsCheck {
  id: string;
  run(ctx: TsCheckContext): void;
}

/** The lock a finding involves, as data (Finding.locks): its graph node, or its class (else name) in its file. */
export function tsLockNode(file: string, ref: LockRef): string {
  return ref.node ?? `${file}|${ref.cls ?? ref.display}`;
}

export function rangeIn(ctx: TsCheckContext, file: string, start: number, end: number): Finding['range'] {
  const f = ctx.analysis.files.get(file);
  if (!f) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return f.lines.range(start, end);
}

export function related(ctx: TsCheckContext, file: string, start: number, end: number, message: string): RelatedLocation {
  return { file, range: rangeIn(ctx, file, start, end), message };
}

export function lineOf(ctx: TsCheckContext, file: string, offset: number): number {
  return (ctx.analysis.files.get(file)?.lines.lineOf(offset) ?? 0) + 1;
}

/** "acquired at line 12", "held by the runExclusive at line 9", or "held by the caller per f's contract". */
export function whereHeld(ctx: TsCheckContext, fn: TsFunction, h: Held): string {
  if (h.fromContract) return `held by the caller per ${fn.name}'s contract`;
  if (h.scoped) return `held by the runExclusive at line ${lineOf(ctx, fn.file, h.site)}`;
  return `acquired at line ${lineOf(ctx, fn.file, h.site)}`;
}

export function heldLocation(ctx: TsCheckContext, fn: TsFunction, h: Held): RelatedLocation {
  if (h.fromContract) return related(ctx, fn.file, fn.nameStart, fn.nameEnd, `${h.ref.display} is held on entry (${fn.name}'s contract)`);
  return related(ctx, fn.file, h.site, h.siteEnd, `${h.ref.display} acquired here`);
}

/** Where a unit's code runs, for messages about callbacks. */
export function unitNote(unit: string): string {
  return unit === 'detached' ? '; this callback runs later (a timer, an event handler or a promise nobody awaits), so it starts with no lock held' : '';
}
