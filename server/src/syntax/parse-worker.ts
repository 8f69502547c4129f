import { parentPort } from 'node:worker_threads';
import { initParser, parseGoFlat } from './parser';

/**
 * A parse worker: receives `{ id, text }`, answers `{ id, flat }` with the parsed file in the flat form
 * (its buffer transferred), or `{ id, error }`. See ParsePool.
 */
const port = parentPort;
if (port) {
  const ready = initParser();
  port.on('message', (m: { id: number; text: string }) => {
    void ready.then((parser) => {
      try {
        const flat = parseGoFlat(parser, m.text);
        port.postMessage({ id: m.id, flat }, [flat.ints.buffer as ArrayBuffer]);
      } catch (e) {
        port.postMessage({ id: m.id, error: String((e as Error)?.message ?? e) });
      }
    }, (e: unknown) => port.postMessage({ id: m.id, error: String((e as Error)?.message ?? e) }));
  });
}
