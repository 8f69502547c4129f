// Contracts written down: JSDoc @requires, prose in a doc comment, an isLocked() guard, and a parameter.
import { Mutex, MutexInterface } from 'async-mutex';

export class VMs {
  private lock = new Mutex();
  private vms: string[] = [];

  /** @requires this.lock */
  find(id: number): string {
    return this.vms[id];
  }

  /** count assumes this.lock is held. */
  count(): number {
    return this.vms.length;
  }

  bump(): void {
    if (!this.lock.isLocked()) throw new Error('lock not held');
    this.vms.push('x');
  }

  async ok(): Promise<number> {
    return this.lock.runExclusive(() => this.count() + this.find(0).length);
  }

  bad(): string {
    this.bump(); // want "call of this.bump requires this.lock, which is not held here \\(contract: guard"
    return this.find(1) + this.count(); // want "call of this.find requires this.lock, .*JSDoc" "call of this.count requires this.lock, .*assumes this.lock is held"
  }

  async viaParam(): Promise<void> {
    await this.lock.runExclusive(() => drain(this.lock));
    drain(this.lock); // want "call of drain requires this.lock, which is not held here"
  }
}

/** The caller must hold m. */
function drain(m: MutexInterface): void {
  void m;
}
