// The release is in a finally, but the try starts after a call that can throw.
import { Mutex } from 'async-mutex';

export class Ledger {
  private mu = new Mutex();
  private rows = new Map<string, number>();

  private account(name: string): number {
    const n = this.rows.get(name);
    if (n === undefined) throw new Error(`no account ${name}`);
    return n;
  }

  async credit(name: string, amount: number): Promise<void> {
    const release = await this.mu.acquire(); // want "this.mu is released in a finally block, but its try starts at line 17, after this.account\\(...\\) \\(line 16\\): a throw from it leaves this.mu held"
    const before = this.account(name);
    try {
      this.rows.set(name, before + amount);
    } finally {
      release();
    }
  }

  private notify(name: string): void {
    void name;
  }

  async debit(name: string, amount: number): Promise<void> {
    const release = await this.mu.acquire(); // want "this.mu is released in a finally block, but this.notify\\(...\\) \\(line 33\\) runs before the release there"
    try {
      this.rows.set(name, (this.rows.get(name) ?? 0) - amount);
    } finally {
      this.notify(name);
      release();
    }
  }
}
