/**
 * The views' plain data (core/views.ts: places with paths, as ide/ and ts/ make them) as the protocol sends it:
 * each place with a URI. The only place where a view's URIs are made (the CLI makes its graph's here too, with
 * paths relative to where it runs as the URIs).
 */
import type { Place } from '../base/place';
import { mapDumpPlaces, mapGraphPlaces, mapInfoPlaces, type DumpViewOf, type LockGraphOf, type LockInfoOf } from '../core/views';
import type { DumpView, LockGraph, LockInfo, Loc } from '../protocol';

export type ToUri = (path: string) => string;

/** The place with a URI for its path; the positions as they are, an absent end left absent. */
export function toLoc(p: Place, toUri: ToUri): Loc {
  const { path, ...at } = p;
  return { uri: toUri(path), ...at };
}

export function wireLocks(locks: readonly LockInfoOf[], toUri: ToUri): LockInfo[] {
  return locks.map((i) => mapInfoPlaces(i, (p) => toLoc(p, toUri)));
}

export function wireGraph(g: LockGraphOf, toUri: ToUri): LockGraph {
  return mapGraphPlaces(g, (p) => toLoc(p, toUri));
}

export function wireDump(v: DumpViewOf, toUri: ToUri): DumpView {
  return mapDumpPlaces(v, (p) => toLoc(p, toUri));
}
