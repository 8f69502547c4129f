// An import under another name is the same lock.
import { vmLock as L } from './locks';
import { findVM } from './vms';

export async function show(id: number): Promise<void> {
  await L.runExclusive(() => console.log(findVM(id)));
  console.log(findVM(id)); // want "call of findVM requires vmLock, which is not held here \\(contract: doc comment \"findVM assumes vmLock is held\"\\)"
}
