// Holding the lock and awaiting a function that takes it, directly or through other calls.
import { Mutex } from 'async-mutex';

export class Registry {
  private mu = new Mutex();
  private names = new Set<string>();

  async add(name: string): Promise<void> {
    await this.mu.runExclusive(() => { this.names.add(name); });
  }

  async addAll(names: string[]): Promise<void> {
    for (const n of names) await this.add(n);
  }

  async rename(from: string, to: string): Promise<void> {
    await this.mu.runExclusive(async () => {
      this.names.delete(from);
      await this.addAll([to]); // want "call of this.addAll acquires this.mu, which is already held \\(held by the runExclusive at line 17\\); .* \\(this.addAll → this.add → acquires this.mu at line 9 in Registry.add\\)"
    });
  }

  async later(to: string): Promise<void> {
    await this.mu.runExclusive(() => {
      // Not awaited: it waits for the release and then runs.
      void this.add(to);
    });
  }
}

export async function copy(a: Registry, b: Registry): Promise<void> {
  await b.addAll(['x']);
  void a;
}
