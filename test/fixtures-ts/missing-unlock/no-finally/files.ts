// acquire() and release() with code that can throw in between, and no try/finally.
import { Mutex } from 'async-mutex';

const mu = new Mutex();

async function write(path: string): Promise<void> {
  void path;
}

export async function save(path: string): Promise<void> {
  const release = await mu.acquire(); // want "mu is acquired without try/finally: if write\\(...\\) \\(line 12\\) throws, mu is never released"
  await write(path);
  release();
}

export async function saveSafely(path: string): Promise<void> {
  const release = await mu.acquire();
  try {
    await write(path);
  } finally {
    release();
  }
}

export async function caught(path: string): Promise<void> {
  const release = await mu.acquire();
  try {
    await write(path);
  } catch {
    // logged elsewhere
  }
  release();
}

export async function plain(n: number): Promise<number> {
  const release = await mu.acquire();
  const doubled = n * 2;
  release();
  return doubled;
}
