import type { Fix } from '../../base/finding';
import type { EarlyReturn, TsFunction } from '../model';
import { lineOf, rangeIn, related, tsLockNode, type TsCheck, type TsCheckContext } from './check';

/** `return cb()` of a promise inside try/finally: the finally releases the lock before the promise settles. */
export const earlyRelease: TsCheck = {
  id: 'early-release',
  run(ctx) {
    for (const file of ctx.files) {
      for (const fn of file.functions) {
        for (const r of fn.earlyReturns) report(ctx, fn, r);
      }
    }
  },
};

function report(ctx: TsCheckContext, fn: TsFunction, r: EarlyReturn): void {
  // The releases in the finally of the try around the return, of locks this function holds there.
  const releases = fn.ops.filter((o) => o.op === 'release' && o.inFinally?.tryStart === r.tryStart && o.inFinally.blockStart === r.finallyStart);
  const locks = r.held.all().filter((h) => !h.maybe && !h.fromContract && !h.inherited && !h.scoped && h.unitId === r.unitId
    && releases.some((o) => o.ref.key === h.ref.key));
  if (locks.length === 0) return;
  const names = locks.map((h) => h.ref.display).join(' and ');
  const release = releases.find((o) => locks.some((h) => h.ref.key === o.ref.key))!;
  const fix: Fix = {
    id: 'await-returned-promise',
    title: `Return await ${r.text}, so that ${names} is held until it settles`,
    edits: [{ file: fn.file, range: rangeIn(ctx, fn.file, r.start, r.start), newText: 'await ' }],
    preferred: true,
  };
  ctx.report({
    file: fn.file,
    range: rangeIn(ctx, fn.file, r.start, r.end),
    message: `return ${r.text} hands back a promise that nothing awaits: the finally releases ${names} (line ${lineOf(ctx, fn.file, release.start)}) as soon as it is returned, while ${r.text} is still running, so the rest of its work is not under ${names}; return await it`,
    related: [
      ...locks.map((h) => related(ctx, fn.file, h.site, h.siteEnd, `${h.ref.display} acquired here`)),
      related(ctx, fn.file, release.start, release.end, `${names} released here, when the promise is returned`),
    ],
    fixes: [fix],
    // The Lock Explorer's keys, as tsLockInventory makes them.
    locks: [...new Set(locks.map((h) => tsLockNode(fn.file, h.ref)))],
  });
}
