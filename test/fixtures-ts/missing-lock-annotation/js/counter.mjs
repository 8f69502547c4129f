// An ES module in JavaScript, with a module-level lock.
import { Mutex } from 'async-mutex';

const lock = new Mutex();
let n = 0;

// bumpLocked: lock is the module's only lock, so the name says that it is held.
function bumpLocked() {
  n++;
}

export async function bump() {
  await lock.runExclusive(() => bumpLocked());
}

export function oops() {
  bumpLocked(); // want "call of bumpLocked requires lock, which is not held here \\(contract: the name bumpLocked"
}
