import { vmLock } from './locks';

const vms = new Map<number, string>();

/** findVM assumes vmLock is held. */
export function findVM(id: number): string | undefined {
  return vms.get(id);
}

export async function FindVM(id: number): Promise<string | undefined> {
  return vmLock.runExclusive(() => findVM(id));
}
