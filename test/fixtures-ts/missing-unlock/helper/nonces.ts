// A lock helper returns the releaser of a lock it takes: its callers acquire that lock. The lock is one of a
// map of mutexes, one per address, looked up (or made) by another helper.
import { Mutex } from 'async-mutex';

export class NonceTracker {
  private lockMap: Record<string, Mutex> = {};
  private nonces = new Map<string, number>();

  private lookupMutex(address: string): Mutex {
    let mutex = this.lockMap[address];
    if (!mutex) {
      mutex = new Mutex();
      this.lockMap[address] = mutex;
    }
    return mutex;
  }

  private async takeMutex(address: string): Promise<() => void> {
    const mutex = this.lookupMutex(address);
    const releaseLock = await mutex.acquire();
    return releaseLock;
  }

  private current(address: string): number {
    const n = this.nonces.get(address);
    if (n === undefined) throw new Error(`unknown address ${address}`);
    return n;
  }

  // The throw between the helper's acquire and the try leaves the address's lock held.
  async next(address: string): Promise<number> {
    const release = await this.takeMutex(address); // want "this.lookupMutex\\(address\\) is released in a finally block, but its try starts at line 34, after this.current\\(...\\) \\(line 33\\)"
    const n = this.current(address);
    try {
      this.nonces.set(address, n + 1);
      return n;
    } finally {
      release();
    }
  }

  async nextSafely(address: string): Promise<number> {
    const release = await this.takeMutex(address);
    try {
      const n = this.current(address);
      this.nonces.set(address, n + 1);
      return n;
    } finally {
      release();
    }
  }

  // Forgotten on one path: the early return keeps the address locked.
  async reset(address: string, force: boolean): Promise<void> {
    const release = await this.takeMutex(address);
    if (!force) return; // want "return leaves this.lookupMutex\\(address\\) locked"
    this.nonces.delete(address);
    release();
  }
}
