// Paths that leave the function with the lock held.
import { Mutex } from 'async-mutex';

export class Table {
  private mu = new Mutex();
  private rows = new Map<string, number>();

  async early(k: string): Promise<number | undefined> {
    const release = await this.mu.acquire();
    if (!this.rows.has(k)) return undefined; // want "return leaves this.mu locked \\(acquired at line 9\\)"
    const v = this.rows.get(k);
    release();
    return v;
  }

  async throws(k: string): Promise<void> {
    await this.mu.acquire();
    if (this.rows.has(k)) throw new Error('exists'); // want "throw leaves this.mu locked \\(acquired at line 17\\)"
    this.rows.set(k, 1);
    this.mu.release();
  }

  async forgets(): Promise<void> {
    const release = await this.mu.acquire();
    this.rows.clear();
  } // want "Table.forgets ends with this.mu still locked \\(acquired at line 24\\); no release\\(\\) releases it on this path \\(release\\(\\) is never called\\)"

  async loop(keys: string[]): Promise<void> {
    for (const k of keys) {
      const release = await this.mu.acquire();
      if (k === '') continue; // want "continue skips the release of this.mu"
      this.rows.delete(k);
      release();
    }
  }

  /** A lock helper: the caller gets the releaser. */
  lock(): Promise<() => void> {
    return this.mu.acquire();
  }

  async helperUser(): Promise<void> {
    const release = await this.lock();
    this.rows.clear();
    release();
  }

  async handsOff(): Promise<void> {
    const release = await this.mu.acquire();
    setTimeout(() => release(), 10);
  }
}
