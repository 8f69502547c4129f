// The twin convention: save() takes this.mu and calls _save(), so _save() requires this.mu.
import { Mutex } from 'async-mutex';

export class Store {
  private mu = new Mutex();
  private data = new Map<string, number>();

  async save(k: string, v: number): Promise<void> {
    const release = await this.mu.acquire();
    try {
      this._save(k, v);
    } finally {
      release();
    }
  }

  private _save(k: string, v: number): void {
    this.data.set(k, v);
  }

  async flush(): Promise<void> {
    await this.mu.runExclusive(() => this.flushLocked());
  }

  private flushLocked(): void {
    this.data.clear();
  }

  reset(): void {
    this._save('x', 0); // want "call of this._save requires this.mu, which is not held here \\(contract: Store.save holds this.mu when it calls _save\\)"
    this.flushLocked(); // want "call of this.flushLocked requires this.mu"
  }

  annotated(): void {
    // LOCK: this.mu is held by our caller, the scheduler.
    this._save('y', 1);
  }

  async later(): Promise<void> {
    await this.mu.runExclusive(async () => {
      await Promise.resolve();
      this._save('z', 2); // after an await, the lock is still held
    });
  }
}
