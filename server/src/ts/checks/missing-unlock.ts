import { NO_THROW } from '../flow';
import type { Held, TsFunction } from '../model';
import { type TsCheck, heldLocation, lineOf, rangeIn, related, tsLockNode } from './check';

export const missingUnlock: TsCheck = {
  id: 'missing-unlock',
  run(ctx) {
    for (const file of ctx.files) {
      for (const fn of file.functions) {
        const released = new Set(fn.ops.filter((o) => o.op === 'release').map((o) => o.ref.key));
        // A function that acquires and never releases (nor binds a releaser it forgets) is a lock helper.
        const responsible = (h: Held) => !fn.handedOff.has(h.ref.key) && (released.has(h.ref.key) || fn.unusedReleasers.has(h.ref.key));
        const own = (h: Held, unitId: number) => h.unitId === unitId && !h.fromContract && !h.inherited && !h.scoped && !h.maybe;
        const at = (h: Held) => `acquired at line ${lineOf(ctx, fn.file, h.site)}`;
        const reported = new Set<string>();
        for (const exit of fn.exits) {
          for (const h of exit.held.all()) {
            if (!own(h, exit.unitId) || !responsible(h)) continue;
            const key = `${exit.start}|${h.ref.key}`;
            if (reported.has(key)) continue;
            reported.add(key);
            const never = fn.unusedReleasers.get(h.ref.key);
            const who = exit.unit === 'function' ? fn.name : 'the callback';
            ctx.report({
              file: fn.file,
              range: rangeIn(ctx, fn.file, exit.start, exit.end),
              message: exit.kind === 'end'
                ? `${who} ends with ${h.ref.display} still locked (${at(h)}); no release() releases it on this path${never ? ` (${never}() is never called)` : ''}`
                : exit.kind === 'return'
                  ? `return leaves ${h.ref.display} locked (${at(h)}); release it before returning, or in a finally block`
                  : `throw leaves ${h.ref.display} locked (${at(h)}); release it in a finally block`,
              related: [heldLocation(ctx, fn, h)],
              fixes: [],
              locks: [tsLockNode(fn.file, h.ref)],
            });
          }
        }
        noFinally(ctx, fn, released, own, new Set(fn.exits.flatMap((x) => x.held.all().filter((h) => own(h, x.unitId) && responsible(h)).map((h) => h.site))));
        handedToSuccessOnly(ctx, fn);
        for (const c of fn.continues) {
          for (const h of c.held.all()) {
            if (!own(h, c.unitId) || c.entry.get(h.ref.key) || !responsible(h)) continue;
            ctx.report({
              file: fn.file,
              range: rangeIn(ctx, fn.file, c.start, c.end),
              message: `continue skips the release of ${h.ref.display} (${at(h)}): the next round acquires it again and never resolves`,
              related: [heldLocation(ctx, fn, h)],
              fixes: [],
              locks: [tsLockNode(fn.file, h.ref)],
            });
          }
        }
      }
    }
  },
};

/** acquire() with a release but no try/finally around the code between: an exception leaks the lock. */
function noFinally(ctx: Parameters<TsCheck['run']>[0], fn: TsFunction, released: Set<string>, own: (h: Held, unitId: number) => boolean, reportedSites: Set<number>): void {
  const bySite = new Map<number, { h: Held; cause: (typeof fn.throwPoints)[number] }>();
  for (const tp of fn.throwPoints) {
    for (const h of tp.held.all()) {
      if (!own(h, tp.unitId) || !released.has(h.ref.key) || fn.handedOff.has(h.ref.key) || bySite.has(h.site) || reportedSites.has(h.site)) continue;
      bySite.set(h.site, { h, cause: tp });
    }
  }
  for (const { h, cause } of bySite.values()) {
    const d = h.ref.display;
    const causeLine = lineOf(ctx, fn.file, cause.start);
    // Say where the release is when a finally has it: the try starts too late, or the throw is in the finally itself.
    const fin = fn.ops.find((o) => o.op === 'release' && o.ref.key === h.ref.key && o.inFinally && o.start > h.site)?.inFinally;
    const message = !fin
      ? `${d} is acquired without try/finally: if ${cause.text} (line ${causeLine}) throws, ${d} is never released`
      : cause.start < fin.tryStart
        ? `${d} is released in a finally block, but its try starts at line ${lineOf(ctx, fn.file, fin.tryStart)}, after ${cause.text} (line ${causeLine}): a throw from it leaves ${d} held`
        : `${d} is released in a finally block, but ${cause.text} (line ${causeLine}) runs before the release there: a throw from it leaves ${d} held`;
    ctx.report({
      file: fn.file,
      range: rangeIn(ctx, fn.file, h.site, h.siteEnd),
      message,
      // A call inside the finally itself is cleanup the authors chose to run there (a log, an event):
      // whether it can throw is not known, so this is information only.
      weak: !!fin && cause.start >= fin.blockStart,
      related: [related(ctx, fn.file, cause.start, cause.end, `this can throw while ${h.ref.display} is held`)],
      fixes: [],
      locks: [tsLockNode(fn.file, h.ref)],
    });
  }
}

/**
 * A releaser handed to a function of the workspace (`await this.process(item, release)`) that calls it only after
 * work that can throw, and not in a finally block or a catch clause: a throw there leaves the lock held. Reported at
 * the call that hands it over. A callee that passes the releaser on, or never calls it, is not judged here.
 */
function handedToSuccessOnly(ctx: Parameters<TsCheck['run']>[0], fn: TsFunction): void {
  for (const call of fn.calls) {
    const callee = call.releasers && ctx.analysis.fn(call.calleeId);
    if (!callee) continue;
    for (const { index, ref, name } of call.releasers!) {
      const param = callee.params[index];
      const uses = callee.calls.filter((c) => c.calleeParam === index);
      const passedOn = callee.calls.some((c) => c.args.some((a) => a?.root === 'param' && a.paramIndex === index && a.path.length === 0));
      if (!param || uses.length === 0 || passedOn || uses.some((u) => u.onThrowToo || u.unit !== 'function')) continue;
      const first = uses.reduce((a, b) => (b.start < a.start ? b : a));
      const risky = callee.calls.find((c) => c.unit === 'function' && c.start < first.start && c.calleeParam === undefined
        && (c.calleeId || c.unresolved) && !NO_THROW.test(c.calleeName));
      if (!risky) continue;
      const line = lineOf(ctx, callee.file, risky.start);
      ctx.report({
        file: fn.file,
        range: rangeIn(ctx, fn.file, call.start, call.end),
        message: `${name} is handed to ${callee.name}, which calls it only after ${risky.calleeName} (line ${line}) succeeds: a throw from it leaves ${ref.display} held; call ${param}() in a finally block there`,
        related: [related(ctx, callee.file, risky.start, risky.end, `this can throw before ${param}() is called`), related(ctx, callee.file, first.start, first.end, `${param}() releases ${ref.display} only here`)],
        fixes: [],
        locks: [tsLockNode(fn.file, ref)],
      });
    }
  }
}
