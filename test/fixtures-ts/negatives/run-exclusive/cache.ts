// runExclusive used correctly: the lock is released by async-mutex, even when the callback throws.
import { Mutex } from 'async-mutex';

export class Cache {
  private mu = new Mutex();
  private items = new Map<string, string>();

  /** @requires this.mu */
  private getLocked(k: string): string | undefined {
    return this.items.get(k);
  }

  async get(k: string): Promise<string | undefined> {
    return this.mu.runExclusive(() => this.getLocked(k));
  }

  async load(k: string, fetch: () => Promise<string>): Promise<string> {
    return this.mu.runExclusive(async () => {
      const hit = this.getLocked(k);
      if (hit !== undefined) return hit;
      const v = await fetch();
      if (v === '') throw new Error('empty');
      this.items.set(k, v);
      return v;
    });
  }

  async sequential(): Promise<void> {
    await this.mu.runExclusive(() => this.items.clear());
    await this.mu.runExclusive(() => this.items.clear());
  }
}
