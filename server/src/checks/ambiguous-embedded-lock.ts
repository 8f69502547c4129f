import type { Check } from './check';

export const ambiguousEmbeddedLock: Check = {
  id: 'ambiguous-embedded-lock',
  title: "A struct's promoted Lock and RLock come from different embedded mutexes",
  doc: `A struct's promoted Lock and RLock come from different embedded mutexes.

When a struct embeds a sync.Mutex beside an embedded struct that embeds a sync.RWMutex (or the reverse), Go
promotes Lock and Unlock from the shallower one and RLock and RUnlock from the other: r.RLock() and r.Lock()
then lock two different mutexes and exclude nothing, and an Unlock after RLock unlocks the wrong one (reported
as unlock-not-held). Embed the mutex only in the child object, or give the locks names.`,
  example: 'type Replica struct { sync.Mutex; peerState } // peerState embeds sync.RWMutex',
  defaultSeverity: 'warning',
  run(ctx) {
    const { pkg } = ctx.analysis;
    for (const t of pkg.types.values()) {
      if (t.type.kind !== 'struct') continue;
      const named = { kind: 'named' as const, name: t.name };
      const lock = pkg.promotedLock(named, 'Lock');
      const rlock = pkg.promotedLock(named, 'RLock');
      if (!lock || !rlock) continue;
      const a = lock.map((s) => s.name).join('.'), b = rlock.map((s) => s.name).join('.');
      if (a === b) continue;
      ctx.report({
        file: t.file.path,
        range: t.file.lines.range(t.nameNode.start, t.nameNode.end),
        message: `${t.name}'s promoted Lock/Unlock come from ${a} but RLock/RUnlock from ${b}: they lock different mutexes and exclude nothing; embed the mutex only in the child object`,
        related: [],
        fixes: [],
      });
    }
  },
};
