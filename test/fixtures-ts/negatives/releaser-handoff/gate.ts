// A releaser returned inside an object or tuple, or handed to a timer or another function, belongs
// to whoever gets it: no leak here, and the next acquire() waits for that release, it does not deadlock.
import { Mutex } from 'async-mutex';

const mu = new Mutex();

export async function enter(): Promise<{ leave: () => void }> {
  const leave = await mu.acquire();
  return { leave };
}

export async function enterPair(): Promise<[number, () => void]> {
  const leave = await mu.acquire();
  return [1, leave];
}

function later(fn: () => void): void {
  setTimeout(fn, 10);
}

export async function pulse(): Promise<void> {
  const leave = await mu.acquire();
  setTimeout(leave, 50);
  const again = await mu.acquire();
  again();
}

export async function pulseVia(): Promise<void> {
  const leave = await mu.acquire();
  later(leave);
  const again = await mu.acquire();
  again();
}
