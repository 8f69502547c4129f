// A releaser handed to a function that calls it only when its work succeeds: a throw leaves the lock held.
import { Mutex } from 'async-mutex';

export class Queue {
  private mu = new Mutex();
  private items: string[] = [];

  private async write(item: string): Promise<void> {
    if (!item) throw new Error('empty item');
    this.items.push(item);
  }

  private async finish(item: string, release: () => void): Promise<void> {
    await this.write(item);
    release();
  }

  private async finishSafely(item: string, release: () => void): Promise<void> {
    try {
      await this.write(item);
    } finally {
      release();
    }
  }

  private later(release: () => void): void {
    setTimeout(release, 10);
  }

  async push(item: string): Promise<void> {
    const release = await this.mu.acquire();
    await this.finish(item, release); // want "release is handed to Queue.finish, which calls it only after this.write \\(line 14\\) succeeds: a throw from it leaves this.mu held; call release\\(\\) in a finally block there"
  }

  async pushSafely(item: string): Promise<void> {
    const release = await this.mu.acquire();
    await this.finishSafely(item, release);
  }

  async pushLater(): Promise<void> {
    const release = await this.mu.acquire();
    this.later(release);
  }
}
