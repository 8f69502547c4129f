// A helper that takes a mutex and runs a callback while holding it.
import type { Mutex } from 'async-mutex';

export async function holding<T>(m: Mutex, body: () => Promise<T>): Promise<T> {
  const done = await m.acquire();
  try {
    return await body();
  } finally {
    done();
  }
}
