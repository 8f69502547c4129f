// A cycle whose one edge is seen only at the end of three calls: each call on the way may take another path, so
// the cycle rests on that chain and is information (as in Go), not a warning.
import { Mutex } from 'async-mutex';

const a = new Mutex();
const b = new Mutex();

async function c3(): Promise<void> {
  await b.runExclusive(() => undefined);
}

async function c2(): Promise<void> {
  await c3();
}

async function c1(): Promise<void> {
  await c2();
}

export async function viaChain(): Promise<void> {
  await a.runExclusive(async () => {
    await c1(); // want "lock order cycle a → b → a: viaChain takes b while holding a, and direct takes a while holding b; it rests on a long call chain: viaChain reaches b only through 3 calls \\(c1 → c2 → c3 → acquires b at line 9 in c3\\)"
  });
}

export async function direct(): Promise<void> {
  await b.runExclusive(async () => {
    await a.runExclusive(() => undefined);
  });
}
