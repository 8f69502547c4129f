import { Transform, type TransformCallback } from 'node:stream';

/** The largest message body accepted (a 1 GB didOpen is no editor's). */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** The largest header block: a few short lines in every real client. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Checks the LSP base protocol's framing on the way in, and passes the bytes on unchanged. The JSON-RPC reader
 * goes deaf for good on a malformed frame (`Content-Length: abc`, a negative or 2^40 length, a header line without
 * a colon, bare LF terminators): it waits for a body that never comes, or reads the body as headers. Here such a
 * frame calls `fail` with what was wrong, so that the server exits with a clear message and the client, which
 * sees the process end, restarts it, instead of a server that runs but never answers.
 */
export class FramingGuard extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  /** Body bytes still to pass before the next header block. */
  private bodyLeft = 0;
  private failed = false;

  constructor(private readonly fail: (problem: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (!this.failed) {
      this.push(chunk);
      this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
      this.scan();
    }
    done();
  }

  private scan(): void {
    while (!this.failed && this.pending.length > 0) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, this.pending.length);
        this.bodyLeft -= n;
        this.pending = this.pending.subarray(n);
        continue;
      }
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.pending.length > MAX_HEADER_BYTES) return this.stop(`a header block longer than ${MAX_HEADER_BYTES} bytes without its blank line`);
        // Bare LF terminators never make a "\r\n\r\n": say so as soon as a blank LF line shows it.
        if (/(^|[^\r])\n\n/.test(this.pending.toString('latin1', 0, Math.min(this.pending.length, MAX_HEADER_BYTES)))) return this.stop('header lines end in a bare LF, not CRLF');
        return;
      }
      const length = this.contentLength(this.pending.toString('latin1', 0, end));
      if (length === undefined) return;
      this.pending = this.pending.subarray(end + 4);
      this.bodyLeft = length;
    }
  }

  private contentLength(block: string): number | undefined {
    let length: number | undefined;
    for (const line of block.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) return this.stop(`a header line without a name and a colon: ${JSON.stringify(line.slice(0, 80))}`);
      if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
      const value = line.slice(colon + 1).trim();
      if (!/^\d{1,15}$/.test(value)) return this.stop(`Content-Length is not a length: ${JSON.stringify(value.slice(0, 40))}`);
      length = Number(value);
      if (length > MAX_MESSAGE_BYTES) return this.stop(`Content-Length ${length} is over the limit of ${MAX_MESSAGE_BYTES} bytes`);
    }
    if (length === undefined) return this.stop('a header block without Content-Length');
    return length;
  }

  private stop(problem: string): undefined {
    this.failed = true;
    this.pending = Buffer.alloc(0);
    this.fail(problem);
    return undefined;
  }
}
