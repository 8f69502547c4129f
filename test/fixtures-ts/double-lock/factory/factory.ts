// A closure-made mutex: a factory's Mutex, used by a method of the object it returns, is that object's lock.
// Each object made is its own lock; running the wrapper inside itself on the same object never resolves.
import { Mutex } from 'async-mutex';

export const makeMutex = () => {
  const mutex = new Mutex();
  return {
    mutex<T>(code: () => Promise<T> | T): Promise<T> {
      return mutex.runExclusive(code);
    },
  };
};

export class Session {
  private creds = makeMutex();
  private keys = makeMutex();
  private state = 0;

  async save(): Promise<void> {
    await this.creds.mutex(async () => {
      await this.keys.mutex(async () => {
        this.state++;
      });
    });
  }

  async refresh(): Promise<void> {
    await this.creds.mutex(async () => {
      await this.creds.mutex(async () => { // want "call of this.creds.mutex acquires this.creds.mutex, which the lock wrapper running this callback already holds"
        this.state++;
      });
    });
  }
}
