import { Mutex } from 'async-mutex';
import type { VM } from './vm';

export class Stats {
  private mu = new Mutex();
  private counts = new Map<string, number>();

  async record(name: string): Promise<void> {
    await this.mu.runExclusive(() => { this.counts.set(name, (this.counts.get(name) ?? 0) + 1); });
  }

  async collect(vms: VM[]): Promise<void> {
    await this.mu.runExclusive(async () => {
      for (const vm of vms) await vm.tags(); // want "lock order cycle Stats.mu → VM.lock → Stats.mu: Stats.collect takes VM.lock while holding Stats.mu, and VM.report takes Stats.mu while holding VM.lock"
    });
  }
}
