import type { Check } from './check';

/**
 * A TypeScript check (see server/src/ts/checks/early-release.ts): Go has no promises, so its run finds nothing.
 * It is registered here for its id, documentation, default severity and setting, like every check.
 */
export const earlyRelease: Check = {
  id: 'early-release',
  title: 'A lock is released before the promise returned under it settles (TypeScript)',
  doc: `A lock is released before the promise returned under it settles (TypeScript).

In an async function that holds an async-mutex lock and releases it in a finally block, \`return cb()\` (or
\`return this.save()\`) without \`await\` hands the promise back and runs the finally at once: the lock is
released while cb's work is still going on, and nothing is serialised. The classic shape is a lock wrapper,
\`async withLock(cb) { const release = await this.mutex.acquire(); try { return cb(); } finally { release(); } }\`.
Reported where the returned call's type is a promise (or another thenable) and a lock that the function
acquired is released in the finally of the try around the return. The quick fix writes \`return await cb()\`.
Applies to TypeScript and JavaScript only.`,
  example: 'try { return cb(); } finally { release(); } // TypeScript, cb async',
  defaultSeverity: 'warning',
  run() {
    // Go code has no promises.
  },
};
