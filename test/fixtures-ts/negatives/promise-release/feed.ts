// The lock is released when the returned promise settles: .finally(), or both arms of .then().
import { Mutex } from 'async-mutex';

export class Feed {
  private mu = new Mutex();
  private items: number[] = [];

  async refresh(): Promise<void> {
    const release = await this.mu.acquire();
    return (async () => {
      this.items = [];
    })().finally(() => release());
  }

  async refreshBoth(): Promise<void> {
    const release = await this.mu.acquire();
    return this.load().then(
      () => { release(); },
      () => { release(); },
    );
  }

  async refreshOnlyOnSuccess(): Promise<void> {
    const release = await this.mu.acquire();
    return this.load().then(() => release()); // want "return leaves this.mu locked"
  }

  private async load(): Promise<void> {
    this.items.push(1);
  }
}
