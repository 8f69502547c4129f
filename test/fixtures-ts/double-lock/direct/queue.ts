// async-mutex is not reentrant: taking a held mutex again never resolves.
import { Mutex, tryAcquire } from 'async-mutex';

export class Queue {
  private mu = new Mutex();
  private items: string[] = [];

  async nestedRunExclusive(): Promise<void> {
    await this.mu.runExclusive(async () => {
      await this.mu.runExclusive(async () => { // want "this.mu.runExclusive\\(...\\) takes this.mu, which is already held \\(held by the runExclusive at line 9\\); async-mutex is not reentrant"
        this.items.pop();
      });
    });
  }

  async nestedAcquire(): Promise<void> {
    const release = await this.mu.acquire();
    try {
      await this.items.length;
      const again = await this.mu.acquire(); // want "this.mu.acquire\\(\\) acquires this.mu, which is already held \\(acquired at line 17\\)"
      again();
    } finally {
      release();
    }
  }

  async waitsForItself(): Promise<void> {
    await this.mu.runExclusive(async () => {
      await this.mu.waitForUnlock(); // want "waits for this.mu to be released, but it is held here"
    });
  }

  async notAwaited(): Promise<void> {
    await this.mu.runExclusive(() => {
      // Queued behind the current holder, not awaited: it runs after the release, no deadlock.
      void this.mu.runExclusive(() => this.items.shift());
    });
  }

  async tries(): Promise<void> {
    await this.mu.runExclusive(async () => {
      // tryAcquire rejects at once instead of waiting.
      await tryAcquire(this.mu).runExclusive(() => this.items.shift()).catch(() => undefined);
    });
  }
}
