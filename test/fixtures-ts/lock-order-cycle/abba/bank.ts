// Two module-level locks taken in opposite orders.
import { Mutex } from 'async-mutex';

const accounts = new Mutex();
const ledger = new Mutex();

export async function transfer(): Promise<void> {
  await accounts.runExclusive(async () => {
    await ledger.runExclusive(() => undefined); // want "lock order cycle accounts → ledger → accounts: transfer takes ledger while holding accounts, and audit takes accounts while holding ledger"
  });
}

export async function audit(): Promise<void> {
  const release = await ledger.acquire();
  try {
    await accounts.runExclusive(() => undefined);
  } finally {
    release();
  }
}
