// Correct code: nothing to report.
import { Mutex, Semaphore } from 'async-mutex';

export class Service {
  private mu = new Mutex();
  private sem = new Semaphore(1);
  private state = 0;

  async update(fn: (s: number) => Promise<number>): Promise<void> {
    const release = await this.mu.acquire();
    try {
      this.state = await fn(this.state);
      if (this.state < 0) return;
      this.state++;
    } finally {
      release();
    }
  }

  async updateSem(): Promise<void> {
    const [, release] = await this.sem.acquire();
    try {
      await Promise.resolve();
    } finally {
      release();
    }
  }

  async loop(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const release = await this.mu.acquire();
      try {
        if (i % 2) continue;
        this.state += i;
      } finally {
        release();
      }
    }
  }

  async thenStyle(): Promise<void> {
    await this.mu.acquire().then((release) => {
      this.state = 0;
      release();
    });
  }
}
