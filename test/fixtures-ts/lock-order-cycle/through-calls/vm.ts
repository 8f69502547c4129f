import { Mutex } from 'async-mutex';
import type { Stats } from './stats';

export class VM {
  private lock = new Mutex();
  name = 'vm';

  async tags(): Promise<string[]> {
    return this.lock.runExclusive(() => [this.name]);
  }

  async report(stats: Stats): Promise<void> {
    await this.lock.runExclusive(async () => {
      await stats.record(this.name);
    });
  }
}
