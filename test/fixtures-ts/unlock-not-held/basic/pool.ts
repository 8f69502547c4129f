// Mutex.release() frees the lock whoever holds it: a second release lets two critical sections overlap.
import { Mutex } from 'async-mutex';

export class Pool {
  private mu = new Mutex();
  private free: number[] = [];

  async twice(): Promise<void> {
    await this.mu.acquire();
    this.free.pop();
    this.mu.release();
    this.mu.release(); // want "this.mu.release\\(\\) releases this.mu, which was already released at line 11"
  }

  async mixed(): Promise<void> {
    const release = await this.mu.acquire();
    this.free.pop();
    this.mu.release();
    release(); // want "release\\(\\) releases this.mu, which was already released at line 18"
  }

  async notHeld(fast: boolean): Promise<void> {
    if (fast) {
      await this.mu.acquire();
      this.free.pop();
      this.mu.release();
      return;
    }
    this.mu.release(); // want "this.mu.release\\(\\) releases this.mu, which is not held here"
  }

  async idempotent(): Promise<void> {
    const release = await this.mu.acquire();
    try {
      if (this.free.length === 0) { release(); return; }
      this.free.pop();
    } finally {
      release(); // a releaser is idempotent: calling it again does nothing
    }
  }
}
