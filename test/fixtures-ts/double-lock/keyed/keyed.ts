// A keyed-mutex class: acquire(key) returns the releaser of the key's mutex, kept in a Map. Taking the same key
// twice deadlocks (async-mutex is not reentrant); two different keys do not.
import { Mutex } from 'async-mutex';

export class KeyedMutex {
  #locks = new Map<string, Mutex>();

  async acquire(key: string): Promise<() => void> {
    let m = this.#locks.get(key);
    if (!m) {
      m = new Mutex();
      this.#locks.set(key, m);
    }
    return m.acquire();
  }

  lockFor(key: string): Mutex {
    const m = this.#locks.get(key) ?? new Mutex();
    this.#locks.set(key, m);
    return m;
  }
}

export class Accounts {
  private keyed = new KeyedMutex();
  private balances = new Map<string, number>();

  async transfer(from: string, to: string, amount: number): Promise<void> {
    const a = await this.keyed.acquire(from);
    try {
      const b = await this.keyed.acquire(to);
      try {
        this.balances.set(from, (this.balances.get(from) ?? 0) - amount);
        this.balances.set(to, (this.balances.get(to) ?? 0) + amount);
      } finally {
        b();
      }
    } finally {
      a();
    }
  }

  async touch(id: string): Promise<void> {
    const release = await this.keyed.acquire(id);
    try {
      const again = await this.keyed.acquire(id); // want "this.keyed.acquire\\(...\\) acquires this.keyed.#locks.get\\(id\\), which is already held \\(acquired at line 44\\)"
      again();
    } finally {
      release();
    }
  }

  async audit(id: string): Promise<void> {
    await this.keyed.lockFor(id).runExclusive(async () => {
      await this.keyed.lockFor(id).runExclusive(async () => undefined); // want "takes this.keyed.lockFor\\(id\\), which is already held \\(held by the runExclusive at line 54\\)"
    });
  }
}
