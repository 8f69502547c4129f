// An import alias and a withTimeout() wrapper name the lock they wrap.
import { cmdLock as L, cmdLockTimed } from './locks';
import { cmdLock } from './locks';

export async function run(): Promise<void> {
  await cmdLock.runExclusive(async () => {
    const release = await L.acquire(); // want "L.acquire\\(\\) acquires cmdLock, which is already held"
    release();
  });
  await cmdLockTimed.runExclusive(async () => {
    await cmdLock.runExclusive(() => 1); // want "takes cmdLock, which is already held"
  });
}
