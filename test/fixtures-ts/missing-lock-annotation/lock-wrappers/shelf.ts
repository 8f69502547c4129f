// Wrappers around a helper in another file: the callbacks (arrows, methods, bound methods) run
// holding the mutex, through any depth of wrapper, and the guard in what they call is satisfied.
import { Mutex } from 'async-mutex';
import { holding } from './locking';

export class Shelf {
  #mu = new Mutex();
  #other = new Mutex();
  #books: string[] = [];

  #checkHeld(): void {
    if (!this.#mu.isLocked()) {
      throw new Error('the shelf lock must be held');
    }
  }

  async #locked<T>(body: () => Promise<T>): Promise<T> {
    return holding(this.#mu, body);
  }

  async #lockedWithUndo<T>(body: () => Promise<T>): Promise<T> {
    return this.#locked(async () => {
      const saved = [...this.#books];
      try {
        return await body();
      } catch (e) {
        this.#books = saved;
        throw e;
      }
    });
  }

  async #place(title: string): Promise<void> {
    this.#checkHeld();
    this.#books.push(title);
  }

  async #clear(): Promise<void> {
    this.#checkHeld();
    this.#books = [];
  }

  async add(title: string): Promise<void> {
    await this.#lockedWithUndo(async () => {
      await this.#place(title);
    });
  }

  async reset(): Promise<void> {
    await this.#locked(this.#clear.bind(this));
  }

  async resetAgain(): Promise<void> {
    await this.#lockedWithUndo(() => this.#clear());
  }

  // Called only inside the wrappers' callbacks: runs holding #mu.
  async #restock(titles: string[]): Promise<void> {
    await this.#clear();
    for (const t of titles) await this.#place(t);
  }

  async restock(titles: string[]): Promise<void> {
    await this.#locked(() => this.#restock(titles));
  }

  // Called once inside a wrapper and once outside: not known to hold #mu.
  async #tidy(): Promise<void> {
    await this.#clear(); // want "call of this.#clear requires this.#mu, which is not held here"
  }

  async tidyLocked(): Promise<void> {
    await this.#locked(() => this.#tidy());
  }

  async tidyAnyway(): Promise<void> {
    await this.#tidy();
  }

  async wrongLock(): Promise<void> {
    await holding(this.#other, this.#clear.bind(this)); // want "call of this.#clear requires this.#mu, which is not held here"
  }

  async careless(title: string): Promise<void> {
    await this.#place(title); // want "call of this.#place requires this.#mu, which is not held here"
  }
}
