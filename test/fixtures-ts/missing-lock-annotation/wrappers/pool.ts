// withTimeout() wraps the same lock; a Semaphore with one permit is a mutex; one with three is not.
import { Mutex, Semaphore, withTimeout } from 'async-mutex';

export class Pool {
  private mu = new Mutex();
  private timed = withTimeout(this.mu, 500);
  private one = new Semaphore(1);
  private three = new Semaphore(3);

  /** @requires this.mu */
  private takeLocked(): void {}

  /** Assumes this.one is held. */
  private grow(): void {}

  /** Assumes this.three is held. */
  private shrink(): void {}

  async viaTimeout(): Promise<void> {
    const release = await this.timed.acquire();
    try {
      this.takeLocked();
    } finally {
      release();
    }
  }

  async viaSemaphore(): Promise<void> {
    const [, release] = await this.one.acquire();
    try {
      this.grow();
    } finally {
      release();
    }
    this.grow(); // want "call of this.grow requires this.one, which is not held here"
    this.shrink(); // a Semaphore(3) is not a mutex: no contract
  }
}
