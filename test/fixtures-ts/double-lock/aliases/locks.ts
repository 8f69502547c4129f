import { Mutex, withTimeout } from 'async-mutex';

export const cmdLock = new Mutex();
/** The same lock, with a timeout. */
export const cmdLockTimed = withTimeout(cmdLock, 1000);
