import { Mutex } from 'async-mutex';

// lockset:order cmdLock > vmLock
export const cmdLock = new Mutex();
export const vmLock = new Mutex();

// lockset:order vmLock > noSuchLock // want "lockset:order names noSuchLock, which matches no lock that is taken anywhere"

export async function ok(): Promise<void> {
  await cmdLock.runExclusive(async () => {
    await vmLock.runExclusive(() => undefined); // want "lock order cycle cmdLock → vmLock → cmdLock"
  });
}

export async function inverted(): Promise<void> {
  await vmLock.runExclusive(async () => {
    await cmdLock.runExclusive(() => undefined); // want "taking cmdLock while holding vmLock violates the declared order cmdLock > vmLock"
  });
}
