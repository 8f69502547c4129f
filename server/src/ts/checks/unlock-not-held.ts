import { type TsCheck, lineOf, rangeIn, tsLockNode } from './check';

export const unlockNotHeld: TsCheck = {
  id: 'unlock-not-held',
  run(ctx) {
    for (const file of ctx.files) {
      for (const fn of file.functions) {
        // After a reported double lock, the release that balances the second acquire is a consequence, not a second bug.
        const doubled = new Set(fn.ops.filter((o) => o.op !== 'release' && o.awaited && o.held.get(o.ref.key) && !o.held.get(o.ref.key)!.maybe).map((o) => o.ref.key));
        const acquiredAt = (key: string) => fn.ops.filter((o) => (o.op === 'acquire' || o.op === 'runExclusive') && o.ref.key === key).map((o) => o.start);
        for (const op of fn.ops) {
          if (op.op !== 'release' || op.held.get(op.ref.key) || doubled.has(op.ref.key)) continue;
          const rel = op.held.released.get(op.ref.key);
          const lock = op.ref.display;
          const range = rangeIn(ctx, fn.file, op.start, op.end);
          if (rel) {
            // A releaser is idempotent (async-mutex ≥ 0.4): calling the same one twice is harmless.
            if (op.via === 'releaser' && rel.how === `releaser:${op.releaserKey}`) continue;
            ctx.report({
              file: fn.file, range,
              message: `${op.text} releases ${lock}, which was already released at line ${lineOf(ctx, fn.file, rel.offset)}; the second release frees the lock while another task holds it, so two critical sections run at once`,
              related: [{ file: fn.file, range: rangeIn(ctx, fn.file, rel.offset, rel.offset), message: `${lock} released here first` }],
              fixes: [],
              locks: [tsLockNode(fn.file, op.ref)],
            });
            continue;
          }
          if (op.via !== 'method' || op.unit === 'detached' || op.unit === 'callback' || fn.handedOff.has(op.ref.key)) continue;
          if (!acquiredAt(op.ref.key).some((s) => s < op.start)) continue;
          ctx.report({
            file: fn.file, range,
            message: `${op.text} releases ${lock}, which is not held here; it frees the lock while another task holds it`,
            related: [],
            fixes: [],
            locks: [tsLockNode(fn.file, op.ref)],
          });
        }
      }
    }
  },
};
