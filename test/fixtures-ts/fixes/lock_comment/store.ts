import { Mutex } from 'async-mutex';

export class Store {
  private mu = new Mutex();
  private data = new Map<string, number>();

  async save(k: string, v: number): Promise<void> {
    await this.mu.runExclusive(() => this._save(k, v));
  }

  private _save(k: string, v: number): void {
    this.data.set(k, v);
  }

  async load(): Promise<void> {
    await this.mu.runExclusive(() => this._load());
  }

  private async _load(): Promise<void> {
    this.data.clear();
  }

  async refresh(): Promise<void> {
    await this._load();
  }

  reset(): void {
    if (this.data.size > 0) {
      this._save('x', 0);
    }
  }
}
