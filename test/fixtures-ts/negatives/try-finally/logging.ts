// A log line between the acquire and the try is no throw that leaks the lock: loggers do not throw.
import { Mutex, tryAcquire } from 'async-mutex';
import { logger, type Logger } from '@acme/logging';

const mutex = new Mutex();

export async function sweep(jobs: Array<() => Promise<void>>): Promise<void> {
  let release: () => void;
  try {
    release = await tryAcquire(mutex).acquire();
  } catch {
    logger.info('sweep is already running, skipping');
    return;
  }
  try {
    await jobs[0]();
  } catch (error) {
    logger.error('first job failed', { error });
  }
  try {
    for (const job of jobs.slice(1)) await job();
  } finally {
    release();
  }
}

export class Worker {
  private mu = new Mutex();
  constructor(private readonly log: Logger) {}

  async step(job: () => Promise<void>): Promise<void> {
    const release = await this.mu.acquire();
    this.log.info('step');
    try {
      await job();
    } finally {
      release();
    }
  }
}
