// A callback that a lock wrapper runs holding a mutex must not take that mutex again: async-mutex is not reentrant.
import { Mutex } from 'async-mutex';

async function withLock<T>(mutex: Mutex, cb: () => Promise<T>): Promise<T> {
  const release = await mutex.acquire();
  try {
    return await cb();
  } finally {
    release();
  }
}

export class Counter {
  #mu = new Mutex();
  #other = new Mutex();
  #n = 0;

  #withCounterLock<T>(cb: () => Promise<T>): Promise<T> {
    return withLock(this.#mu, cb);
  }

  async bump(): Promise<void> {
    await this.#mu.runExclusive(() => {
      this.#n++;
    });
  }

  async twice(): Promise<void> {
    await withLock(this.#mu, async () => {
      await this.bump(); // want "call of this.bump acquires this.#mu, which the lock wrapper running this callback already holds"
    });
  }

  async nested(): Promise<void> {
    await this.#withCounterLock(async () => {
      const release = await this.#mu.acquire(); // want "this.#mu.acquire\\(\\) acquires this.#mu, which the lock wrapper running this callback already holds"
      release();
    });
  }

  // Takes the lock unless the caller says it holds it already.
  async verify(options?: { skipLock?: boolean }): Promise<number> {
    const read = async (): Promise<number> => this.#n;
    return options?.skipLock ? await read() : await this.#withCounterLock(read);
  }

  async change(): Promise<void> {
    await this.#withCounterLock(async () => {
      await this.verify({ skipLock: true }); // ok: verify takes the lock only when skipLock is not set
      this.#n = 0;
    });
  }

  async fine(): Promise<void> {
    await withLock(this.#other, async () => {
      await this.bump(); // ok: the wrapper holds #other, bump takes #mu
    });
  }
}
