// A stand-in for the package's own Mutex, as its repository declares it: in a checkout of the package (its
// package.json names it), these classes are the lock types. (No file here names the package.)
export interface MutexInterface {
  acquire(): Promise<() => void>;
  runExclusive<T>(callback: () => Promise<T> | T): Promise<T>;
  isLocked(): boolean;
  release(): void;
}

export class Mutex implements MutexInterface {
  private locked = false;
  private waiters: Array<() => void> = [];

  async acquire(): Promise<() => void> {
    while (this.locked) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.locked = true;
    return () => this.release();
  }

  async runExclusive<T>(callback: () => Promise<T> | T): Promise<T> {
    const release = await this.acquire();
    try {
      return await callback();
    } finally {
      release();
    }
  }

  isLocked(): boolean {
    return this.locked;
  }

  release(): void {
    this.locked = false;
    this.waiters.shift()?.();
  }
}
