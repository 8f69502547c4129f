import { Mutex } from 'async-mutex';

/** Guards the VM table. */
export const vmLock = new Mutex();
