// A callback that runs later starts with nothing held: taking the lock there is not a double lock.
import { Mutex } from 'async-mutex';

export class Timers {
  private mu = new Mutex();
  private ticks = 0;

  async start(): Promise<void> {
    await this.mu.runExclusive(() => {
      setTimeout(() => {
        void this.mu.runExclusive(() => { this.ticks++; });
      }, 100);
      setInterval(async () => {
        const release = await this.mu.acquire();
        try {
          this.ticks++;
        } finally {
          release();
        }
      }, 1000);
      void Promise.resolve().then(() => this.mu.runExclusive(() => this.ticks--));
    });
  }
}

/** Not async-mutex's Mutex: a class of the same name is not a lock. */
class Mutex2 {
  async acquire(): Promise<() => void> { return () => undefined; }
}

export async function other(): Promise<void> {
  const m = new Mutex2();
  const r = await m.acquire();
  await m.acquire();
  void r;
}
