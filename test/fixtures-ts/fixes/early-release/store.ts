// The quick fix of early-release: return await the promise, so that the lock is held until it settles.
import { Mutex } from 'async-mutex';

export class Store {
  #mutex = new Mutex();
  #items = new Map<string, number>();

  async #withLock<T>(cb: () => Promise<T>): Promise<T> {
    const release = await this.#mutex.acquire();
    try {
      return cb();
    } finally {
      release();
    }
  }

  async #withLockAwaited<T>(cb: () => Promise<T>): Promise<T> {
    const release = await this.#mutex.acquire();
    try {
      return await cb(); // ok: the finally runs when cb settles
    } finally {
      release();
    }
  }

  async #withLockSync<T>(cb: () => T): Promise<T> {
    const release = await this.#mutex.acquire();
    try {
      return cb(); // ok: cb gives no promise
    } finally {
      release();
    }
  }

  async save(key: string): Promise<void> {
    const release = await this.#mutex.acquire();
    try {
      if (!this.#items.has(key)) return this.#flush(key);
      this.#items.delete(key);
    } finally {
      release();
    }
  }

  async bump(key: string): Promise<number> {
    return this.#withLock(async () => {
      const n = (this.#items.get(key) ?? 0) + 1;
      this.#items.set(key, n);
      return n;
    });
  }

  async bumpAwaited(key: string): Promise<number> {
    return this.#withLockAwaited(async () => (this.#items.get(key) ?? 0) + 1);
  }

  size(): Promise<number> {
    return this.#withLockSync(() => this.#items.size);
  }

  async #flush(key: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 10));
    this.#items.set(key, 0);
  }
}
