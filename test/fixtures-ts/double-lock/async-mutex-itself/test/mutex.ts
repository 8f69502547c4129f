// The package's tests import its sources: a nested runExclusive on the same Mutex never resolves.
import { Mutex } from '../src/Mutex';

export async function nested(): Promise<void> {
  const mutex = new Mutex();
  await mutex.runExclusive(async () => {
    await mutex.runExclusive(() => undefined); // want "mutex.runExclusive\\(...\\) takes mutex, which is already held"
  });
}
