import { Mutex } from 'async-mutex';

export class Counter {
  private mu = new Mutex();
  private n = 0;

  async tick(): Promise<void> {
    await this.mu.runExclusive(() => {
      // LOCK: this.mu is held here.
      this.n++;
      this.n--; // LOCK: held
    });
  }
}
