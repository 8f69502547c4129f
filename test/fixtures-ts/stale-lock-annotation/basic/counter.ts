import { Mutex } from 'async-mutex';

export class Counter {
  private mu = new Mutex();
  private n = 0;

  /** Assumes this.mu is held. */
  private incLocked(): void {
    this.n++;
  }

  tick(): void {
    // LOCK: this.mu is held by the scheduler.
    this.incLocked();
    // LOCK: this.mu is held here. // want "annotation has nothing under it that needs a lock"
    this.n--;
    this.n += 2; // LOCK: still held // want "annotation has nothing under it that needs a lock"
  }
}
