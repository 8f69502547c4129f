/**
 * The part of async-mutex's API that lockset needs, declared as an ambient module. It is added to the
 * project only when the real package cannot be found (no node_modules/async-mutex above the workspace),
 * so that lock identity still resolves through the type checker in code whose dependencies are not
 * installed. Mirrors async-mutex 0.5's declarations.
 */
export const STUB_FILE_NAME = '__lockset_async_mutex__.d.ts';

export const ASYNC_MUTEX_STUB = `declare module 'async-mutex' {
  interface MutexInterface {
    acquire(priority?: number): Promise<MutexInterface.Releaser>;
    runExclusive<T>(callback: MutexInterface.Worker<T>, priority?: number): Promise<T>;
    waitForUnlock(priority?: number): Promise<void>;
    isLocked(): boolean;
    release(): void;
    cancel(): void;
  }
  namespace MutexInterface {
    interface Releaser { (): void }
    interface Worker<T> { (): Promise<T> | T }
  }
  interface SemaphoreInterface {
    acquire(weight?: number, priority?: number): Promise<[number, SemaphoreInterface.Releaser]>;
    runExclusive<T>(callback: SemaphoreInterface.Worker<T>, weight?: number, priority?: number): Promise<T>;
    waitForUnlock(weight?: number, priority?: number): Promise<void>;
    isLocked(): boolean;
    getValue(): number;
    setValue(value: number): void;
    release(weight?: number): void;
    cancel(): void;
  }
  namespace SemaphoreInterface {
    interface Releaser { (): void }
    interface Worker<T> { (value: number): Promise<T> | T }
  }
  class Mutex implements MutexInterface {
    constructor(cancelError?: Error);
    acquire(priority?: number): Promise<MutexInterface.Releaser>;
    runExclusive<T>(callback: MutexInterface.Worker<T>, priority?: number): Promise<T>;
    waitForUnlock(priority?: number): Promise<void>;
    isLocked(): boolean;
    release(): void;
    cancel(): void;
  }
  class Semaphore implements SemaphoreInterface {
    constructor(value: number, cancelError?: Error);
    acquire(weight?: number, priority?: number): Promise<[number, SemaphoreInterface.Releaser]>;
    runExclusive<T>(callback: SemaphoreInterface.Worker<T>, weight?: number, priority?: number): Promise<T>;
    waitForUnlock(weight?: number, priority?: number): Promise<void>;
    isLocked(): boolean;
    getValue(): number;
    setValue(value: number): void;
    release(weight?: number): void;
    cancel(): void;
  }
  function withTimeout(mutex: MutexInterface, timeout: number, timeoutError?: Error): MutexInterface;
  function withTimeout(semaphore: SemaphoreInterface, timeout: number, timeoutError?: Error): SemaphoreInterface;
  function tryAcquire(mutex: MutexInterface, alreadyAcquiredError?: Error): MutexInterface;
  function tryAcquire(semaphore: SemaphoreInterface, alreadyAcquiredError?: Error): SemaphoreInterface;
  const E_TIMEOUT: Error;
  const E_ALREADY_LOCKED: Error;
  const E_CANCELED: Error;
}
`;
