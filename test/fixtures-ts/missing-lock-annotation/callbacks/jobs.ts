// Callbacks that run later start with nothing held; callbacks that run inline keep the held set.
import { EventEmitter } from 'node:events';
import { Mutex } from 'async-mutex';

export class Jobs {
  private mu = new Mutex();
  private queue: number[] = [];
  private events = new EventEmitter();

  /** Assumes this.mu is held. */
  private drainLocked(): void {
    this.queue.length = 0;
  }

  async run(): Promise<void> {
    await this.mu.runExclusive(async () => {
      this.queue.forEach(() => this.drainLocked());
      await new Promise<void>((resolve) => { this.drainLocked(); resolve(); });
      await Promise.resolve().then(() => this.drainLocked());
      setTimeout(() => this.drainLocked(), 10); // want "call of this.drainLocked requires this.mu, which is not held here .*runs later"
      queueMicrotask(() => {
        this.drainLocked(); // want "requires this.mu"
      });
      this.events.on('tick', () => this.drainLocked()); // want "requires this.mu"
      void Promise.resolve().then(() => this.drainLocked()); // want "requires this.mu"
    });
  }
}
